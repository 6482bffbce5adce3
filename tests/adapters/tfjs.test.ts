// The TensorFlow.js adapters against the float32 reference of the tfjs profile.
//   tfjs-cpu and tfjs-wasm: bit-exact on every step (params and v, m, b; NaN matches NaN, ±Inf exact).
//   tfjs-webgpu (Dawn on Mesa llvmpipe without a GPU): max ULP distance per case, bounded.
//   tfjs-node: unavailable here, with the reason.

import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UnsupportedCaseError, type Adapter, type AdapterCase, type OptimizerStateView } from '../../adapters/adapter.js';
import { tfjsCpuAdapterFactory } from '../../adapters/tfjs/cpu.js';
import { tfjsNodeAdapterFactory } from '../../adapters/tfjs/node.js';
import { loadTf } from '../../adapters/tfjs/tfjs-adapter.js';
import { tfjsWasmAdapterFactory } from '../../adapters/tfjs/wasm.js';
import { tfjsWebgpuAdapterFactory } from '../../adapters/tfjs/webgpu.js';
import { bitsOf32 } from '../../reference/float-bits.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { runTrajectory, type Trajectory } from '../../reference/trajectory.js';
import { caseGradientSource, caseX0 } from '../../suites/case-source.js';
import type { CaseSpec } from '../../suites/case.js';
import { autodiffOrderFor } from '../../suites/problems.js';
import { SUITES, caseKey } from '../../suites/suites.js';

const CASE_KEYS = [
  'problems/quad2d',
  'problems/xlogx',
  'problems/rotated2d',
  'variants/centered',
  'variants/momentum',
  'variants/centered-momentum',
  'edge/random',
  'edge/zeros-first',
  'edge/centered-zeros-first',
  'edge/centered-random',
  'edge/overflow32',
  'edge/nan-at',
  'edge/inf-at',
  'edge/centered-inf-at',
  'edge/tiny',
  'edge/subnormal32',
];

function findCase(key: string): CaseSpec {
  const [suite, id] = key.split('/') as [string, string];
  const c = SUITES[suite]?.find((s) => s.id === id);
  if (!c) throw new Error(`no case ${key} in SUITES`);
  return c;
}

interface Prepared {
  adapterCase: AdapterCase;
  reference: Trajectory;
}

/** The case resolved for tfjs in float32 and its reference trajectory (gradients recorded in it). */
function reference(key: string, extra: Settings = {}): Prepared {
  const c = findCase(key);
  const settings: Settings = { ...c.settings, ...extra };
  const resolved = resolveVariant('tfjs', 'float32', settings);
  const x0 = Float64Array.from(caseX0(c));
  const source = caseGradientSource(c, 'float32', autodiffOrderFor('tfjs'));
  const trajectory = runTrajectory(resolved.variant, 'float32', x0, c.steps, source);
  return {
    adapterCase: {
      key: caseKey(c),
      dtype: 'float32',
      variant: resolved.variant,
      profile: resolved.profile,
      native: resolved.native,
      settings,
      x0: trajectory.x0,
    },
    reference: trajectory,
  };
}

/** Ordered-integer distance between two float32 values; NaN/NaN and equal infinities are 0, any other NaN or infinity mismatch is Infinity. */
function ulp32(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b ? 0 : Infinity;
  const ordered = (x: number) => {
    const bits = bitsOf32(x);
    return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits;
  };
  return Math.abs(ordered(a) - ordered(b));
}

/** Bit-exact for float32 values held in doubles: NaN matches NaN, ±0 and ±Inf distinguished. */
const sameBits = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

interface Mismatch {
  step: number;
  what: string;
  index: number;
  got: number;
  want: number;
  ulp: number;
}

interface RunResult {
  maxUlp: number;
  mismatches: Mismatch[];
  leak: string | undefined;
}

/** Runs a case on an adapter with the reference's recorded gradients, comparing params and state after every step. */
async function runCase(adapter: Adapter, p: Prepared): Promise<RunResult> {
  const prepared = await adapter.prepare(p.adapterCase);
  const mismatches: Mismatch[] = [];
  let maxUlp = 0;
  let leak: string | undefined;
  try {
    for (const [t, point] of p.reference.points.entries()) {
      await prepared.step(point.grad);
      const { params, state } = await prepared.read();
      const compare = (what: string, got: ArrayLike<number> | undefined, want: Float64Array) => {
        if (got === undefined) throw new Error(`${adapter.info.id} read() returned no ${what}`);
        for (let i = 0; i < want.length; i++) {
          const d = ulp32(got[i], want[i]);
          maxUlp = Math.max(maxUlp, d);
          if (!sameBits(got[i], want[i])) mismatches.push({ step: t + 1, what, index: i, got: got[i], want: want[i], ulp: d });
        }
      };
      compare('params', params, point.params);
      const s: OptimizerStateView = state ?? {};
      compare('v', s.v, point.state.v);
      compare('b', s.b, point.state.b);
      if (p.adapterCase.variant.centered) compare('m', s.m, point.state.m);
    }
  } finally {
    leak = (await prepared.dispose()).leak;
  }
  return { maxUlp, mismatches, leak };
}

const describeMismatches = (m: Mismatch[]) =>
  m
    .slice(0, 5)
    .map((x) => `step ${x.step} ${x.what}[${x.index}]: got ${x.got}, want ${x.want} (${x.ulp} ulp)`)
    .join('; ');

const SETUP = 'bash scripts/setup-system.sh';

// Created once: the adapters share the process-wide tfjs engine, and run one after another as the runner runs them.
const cpu = tfjsCpuAdapterFactory.create({});
const wasm = tfjsWasmAdapterFactory.create({});
const webgpu = tfjsWebgpuAdapterFactory.create({});
const node = tfjsNodeAdapterFactory.create({});

/** Measured max ULP distance per case, printed at the end (the numbers the report quotes). */
const measured: Record<string, Record<string, number>> = {};
const record = (backend: string, key: string, ulp: number) => ((measured[backend] ??= {})[key] = ulp);

afterAll(() => {
  console.log(`tfjs max ULP per case (params, v, m, b over every step):\n${JSON.stringify(measured, null, 1)}`);
});

describe('tfjs adapters: info and refusals', () => {
  it('claim the tfjs profile, float32, and the five tfjs hyperparameters', () => {
    for (const a of [cpu, wasm, webgpu, node]) {
      expect(a.info.claims).toBe('tfjs@4');
      expect(a.info.capabilities.dtypes).toEqual(['float32']);
      expect([...a.info.capabilities.hyperparameters].sort()).toEqual(['centered', 'decay', 'eps', 'lr', 'momentum']);
      expect(a.info.capabilities.loadState).toBe(true);
      expect(a.info.capabilities.readState).toBe(true);
    }
  });

  it('refuse what tf.train.rmsprop cannot express, with a reason', async () => {
    const refused: [string, Settings | 'float64'][] = [
      ['eps outside the sqrt', { epsPlacement: 'outside' }],
      ['centered with eps added, not subtracted', { centered: true, centeredGrouping: '(v-m2)+eps', epsPlacement: 'inside' }],
      ['PyTorch momentum', { momentum: 0.9, momentumKind: 'lr-outside' }],
      ['FMA', { fma: 'ema' }],
      ['initial accumulator', { initialAccumulator: 0.1 }],
      ['weight decay', { weightDecay: 0.01 }],
      ['float64', 'float64'],
    ];
    for (const [why, settings] of refused) {
      const base = reference('edge/random');
      let c = base.adapterCase;
      if (settings === 'float64') c = { ...c, dtype: 'float64' };
      else {
        const r = resolveVariant('tfjs', 'float32', { lr: 0.01, decay: 0.9, ...settings });
        c = { ...c, variant: r.variant, native: r.native, settings: { lr: 0.01, decay: 0.9, ...settings } };
      }
      const error = await cpu.prepare(c).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, why).toBeInstanceOf(UnsupportedCaseError);
      expect((error as Error).message, why).toMatch(/tfjs-cpu/);
    }
  });
});

/** Whether this machine has the tfjs-node native addon (its install step downloads libtensorflow, which is denied here). */
function tfjsNodeAddonInstalled(): boolean {
  try {
    const lib = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-node/package.json')), 'lib');
    return existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')));
  } catch {
    return false;
  }
}
const ADDON_INSTALLED = tfjsNodeAddonInstalled();

describe('tfjs-node', () => {
  it.runIf(ADDON_INSTALLED)(
    'is available where its native addon is installed (machines where libtensorflow could be downloaded)',
    async () => {
      const probe = await node.probe();
      expect(probe.available, JSON.stringify(probe)).toBe(true);
    },
  );

  it.runIf(!ADDON_INSTALLED)(
    'reports why it is unavailable where its native addon is missing (libtensorflow cannot be downloaded here)',
    async () => {
      const probe = await node.probe();
      expect(probe.available).toBe(false);
      if (probe.available) return;
      expect(probe.reason).toMatch(/@tensorflow\/tfjs-node/);
      expect(probe.reason).toMatch(/libtensorflow/);
      expect(probe.reason).toMatch(/storage\.googleapis\.com/);
      // A failed tfjs-node import leaves the shared engine usable.
      expect((await cpu.probe()).available).toBe(true);
    },
  );
});

describe('tfjs-cpu', () => {
  beforeAll(async () => {
    const probe = await cpu.probe();
    expect(probe, JSON.stringify(probe)).toMatchObject({
      available: true,
      facts: { backend: 'cpu', floatPrecision: 32, epsilonWhenNull: 1e-7 },
    });
  });

  it.each(CASE_KEYS)('%s is bit-exact on every step', async (key) => {
    const r = await runCase(cpu, reference(key));
    record('tfjs-cpu', key, r.maxUlp);
    expect(r.mismatches, describeMismatches(r.mismatches)).toEqual([]);
    expect(r.leak).toBeUndefined();
  });

  it('load() re-anchors: params and ms/mom/mg set mid-run continue the reference exactly', async () => {
    for (const key of ['variants/centered-momentum', 'variants/momentum']) {
      const p = reference(key);
      const k = 10;
      for (const loadBeforeFirstStep of [true, false]) {
        const prepared = await cpu.prepare(p.adapterCase);
        if (!loadBeforeFirstStep) await prepared.step(p.reference.points[0].grad); // accumulators exist: assigned in place
        const at = p.reference.points[k - 1];
        await prepared.load!(at.params, at.state);
        for (let t = k; t < p.reference.points.length; t++) {
          const point = p.reference.points[t];
          await prepared.step(point.grad);
          const { params, state } = await prepared.read();
          expect(
            [...params].every((x, i) => sameBits(x, point.params[i])),
            `${key} step ${t + 1}`,
          ).toBe(true);
          expect([...state!.v!].every((x, i) => sameBits(x, point.state.v[i]))).toBe(true);
          expect([...state!.b!].every((x, i) => sameBits(x, point.state.b[i]))).toBe(true);
          if (p.adapterCase.variant.centered) expect([...state!.m!].every((x, i) => sameBits(x, point.state.m[i]))).toBe(true);
        }
        expect(await prepared.dispose()).toEqual({});
      }
    }
  });

  it('leaves no tensors behind, and reports a leak when there is one', async () => {
    const tf = await loadTf();
    const before = tf.memory().numTensors;
    const prepared = await cpu.prepare(reference('edge/random').adapterCase);
    await prepared.step(new Float64Array(4).fill(0.5));
    await prepared.read();
    expect(await prepared.dispose()).toEqual({});
    expect(tf.memory().numTensors).toBe(before);

    const leaky = await cpu.prepare(reference('edge/random').adapterCase);
    const stray = tf.ones([3]); // made while the case is live: dispose() must notice it
    const result = await leaky.dispose();
    stray.dispose();
    expect(result.leak).toMatch(/1 tfjs tensor/);
  });
});

describe('tfjs-wasm', () => {
  beforeAll(async () => {
    const probe = await wasm.probe();
    expect(probe, JSON.stringify(probe)).toMatchObject({
      available: true,
      facts: { backend: 'wasm', floatPrecision: 32, epsilonWhenNull: 1e-7 },
    });
  });

  it.each(CASE_KEYS)('%s is bit-exact on every step', async (key) => {
    const r = await runCase(wasm, reference(key));
    record('tfjs-wasm', key, r.maxUlp);
    expect(r.mismatches, describeMismatches(r.mismatches)).toEqual([]);
    expect(r.leak).toBeUndefined();
  });

  it('cpu and wasm cases interleaved in one process switch backends correctly', async () => {
    const p = reference('variants/centered-momentum');
    const a = await cpu.prepare(p.adapterCase);
    const b = await wasm.prepare(p.adapterCase);
    for (const point of p.reference.points) {
      await a.step(point.grad);
      await b.step(point.grad);
    }
    const want = p.reference.points[p.reference.points.length - 1].params;
    for (const prepared of [a, b]) {
      const { params } = await prepared.read();
      expect([...params].every((x, i) => sameBits(x, want[i]))).toBe(true);
    }
    expect(await a.dispose()).toEqual({});
    expect(await b.dispose()).toEqual({});
  });
});

// The device decides what is asserted: probed once when the file is collected.
const WEBGPU_PROBE = await webgpu.probe();
const WEBGPU_DEVICE = WEBGPU_PROBE.available
  ? `${String(WEBGPU_PROBE.facts.gpuDevice)} ${String(WEBGPU_PROBE.facts.gpuDescription)}`
  : 'no device';
const ON_LLVMPIPE = /llvmpipe/i.test(WEBGPU_DEVICE);

describe('tfjs-webgpu (Dawn; OpenGL ES on Mesa llvmpipe without a GPU)', () => {
  beforeAll(async () => {
    const probe = WEBGPU_PROBE;
    if (!probe.available) {
      const hint = probe.reason.includes(SETUP) ? '' : ` Install Mesa's EGL/GLES packages with \`${SETUP}\`.`;
      throw new Error(`tfjs-webgpu cannot create a WebGPU device: ${probe.reason}.${hint}`);
    }
    // cpuForward false: tfjs would otherwise run these small tensors on its cpu kernels, not on the GPU.
    expect(probe.facts).toMatchObject({ backend: 'webgpu', floatPrecision: 32, epsilonWhenNull: 1e-7, cpuForward: false });
  }, 120_000);

  // On llvmpipe every op is its own shader (no FMA contraction) and LLVM's f32 div/sqrt are IEEE:
  // measured bit-exact on every case, so that is what is asserted there. On a real GPU WGSL allows
  // 2.5 ULP for division (and more for sqrt); that bound is not measured here.
  const OTHER_GPU_MAX_ULP = 64;

  it.runIf(ON_LLVMPIPE).each(CASE_KEYS)(
    '%s matches the reference bit for bit (on Mesa llvmpipe: one shader per op, IEEE f32 division and sqrt)',
    async (key) => {
      const r = await runCase(webgpu, reference(key));
      record('tfjs-webgpu', key, r.maxUlp);
      expect(r.mismatches, `${WEBGPU_DEVICE}: ${describeMismatches(r.mismatches.sort((x, y) => y.ulp - x.ulp))}`).toEqual([]);
      expect(r.leak).toBeUndefined();
    },
    120_000,
  );

  it.runIf(!ON_LLVMPIPE).each(CASE_KEYS)(
    `%s stays within ${OTHER_GPU_MAX_ULP} ulp of the reference (on a GPU other than llvmpipe: WGSL allows 2.5 ulp division, more for sqrt)`,
    async (key) => {
      const r = await runCase(webgpu, reference(key));
      record('tfjs-webgpu', key, r.maxUlp);
      expect(r.maxUlp, `${WEBGPU_DEVICE}: ${describeMismatches(r.mismatches.sort((x, y) => y.ulp - x.ulp))}`).toBeLessThanOrEqual(
        OTHER_GPU_MAX_ULP,
      );
      expect(r.leak).toBeUndefined();
    },
    120_000,
  );

  it('rejects a bad cpuForward option at create time', () => {
    expect(() => tfjsWebgpuAdapterFactory.create({ cpuForward: 'maybe' })).toThrow(/cpuForward/);
    expect(() => tfjsCpuAdapterFactory.create({ cpuForward: 'on' })).toThrow(/unknown option/);
  });

  it('cpu, wasm and webgpu cases interleaved in one process', async () => {
    const p = reference('variants/centered-momentum');
    const prepared = [await cpu.prepare(p.adapterCase), await webgpu.prepare(p.adapterCase), await wasm.prepare(p.adapterCase)];
    for (const point of p.reference.points) for (const c of prepared) await c.step(point.grad);
    const want = p.reference.points[p.reference.points.length - 1].params;
    for (const c of prepared) {
      const { params } = await c.read();
      expect([...params].every((x, i) => sameBits(x, want[i]))).toBe(true);
    }
    for (const c of prepared) expect(await c.dispose()).toEqual({});
  }, 120_000);

  it('the cpu backend still works after webgpu ran in the same process', async () => {
    const r = await runCase(cpu, reference('variants/centered'));
    expect(r.mismatches).toEqual([]);
  });
});
