// wasm-simd against the reference, bit for bit: every suite case each profile applies to, in
// float32 and float64, params and state (v, m, b) after every step; odd lengths for the scalar tail;
// a sweep over the axes the listed profiles do not reach.

import { describe, expect, it } from 'vitest';
import type { AdapterCase, PreparedCase } from '../../adapters/adapter.js';
import { createWasmSimdAdapter, prepareWasmCase, WASM_FIXED_AXES, wasmSimd } from '../../adapters/wasm-simd.js';
import { benchFusedStep, benchThreaded, benchTriad } from '../../adapters/wasm/kernels.js';
import { DTYPES, type Dtype } from '../../reference/arithmetic.js';
import { resolveVariant, SettingError, type Settings } from '../../reference/resolve.js';
import { runTrajectory, type Trajectory } from '../../reference/trajectory.js';
import type { Variant } from '../../reference/variant.js';
import { caseAppliesTo, caseGradientSource, caseX0 } from '../../suites/case-source.js';
import { generateStream, type StreamKind } from '../../suites/gradient-streams.js';
import { caseKey, SUITES } from '../../suites/suites.js';
import { replaySource } from '../../reference/trajectory.js';
import { findProfile } from '../../reference/registry.js';

const PROFILES = ['torch', 'keras', 'tfjs', 'tf-raw', 'tf1', 'mxnet', 'd2l', 'numpy-tutorial'];

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** First difference between two vectors, as a message, or null. */
function firstDifference(label: string, got: ArrayLike<number>, want: ArrayLike<number>): string | null {
  if (got.length !== want.length) return `${label}: length ${got.length} vs ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    if (!same(got[i], want[i]))
      return `${label}[${i}]: got ${Object.is(got[i], -0) ? '-0' : got[i]} want ${Object.is(want[i], -0) ? '-0' : want[i]}`;
  }
  return null;
}

const kernelsUsed = new Set<string>();

/** Replays the reference's gradients into a prepared case; returns the first mismatch or null. */
async function replay(prepared: PreparedCase & { kernelFor?(g: Float64Array): string }, ref: Trajectory): Promise<string | null> {
  try {
    for (const [t, point] of ref.points.entries()) {
      if (prepared.kernelFor) kernelsUsed.add(prepared.kernelFor(point.grad));
      await prepared.step(point.grad);
      const { params, state } = await prepared.read();
      const diff =
        firstDifference('params', params, point.params) ??
        firstDifference('v', state!.v!, point.state.v) ??
        firstDifference('m', state!.m!, point.state.m) ??
        firstDifference('b', state!.b!, point.state.b);
      if (diff) return `step ${t + 1}: ${diff}`;
    }
    return null;
  } finally {
    await prepared.dispose();
  }
}

/**
 * Settings resolved for a profile (native names, and canonical ones such as a case's); null only when
 * the framework itself refuses the configuration (a profile constraint such as Caffe with momentum).
 */
function resolveCase(profile: string, dtype: Dtype, settings: Settings, canonical: Settings = {}) {
  try {
    return resolveVariant(profile, dtype, settings, canonical);
  } catch (e) {
    if (e instanceof SettingError && e.message.startsWith(`profile ${findProfile(profile).name}:`)) return null;
    throw e;
  }
}

describe('wasm-simd adapter', () => {
  it('probes available with SIMD and memory facts', async () => {
    const adapter = wasmSimd.create({});
    const availability = await adapter.probe();
    expect(availability.available).toBe(true);
    if (availability.available) {
      expect(availability.facts.simd).toBe(true);
      expect(typeof availability.facts.memoryPages).toBe('number');
      expect(availability.facts.maxMemoryPages).toBe(65536);
    }
    expect(adapter.info.fixedAxes).toEqual({ fma: [], sqrtImpl: 'correctly-rounded', rsqrtImpl: 'one-over-sqrt' });
    expect(adapter.info.capabilities.dtypes).toEqual(['float32', 'float64']);
    expect(adapter.info.claims).toBe('torch');
    expect(() => createWasmSimdAdapter({ profile: 'nope' })).toThrow();
    expect(() => createWasmSimdAdapter({ bogus: '1' })).toThrow(/unknown option/);
  });

  for (const profile of PROFILES) {
    for (const dtype of DTYPES) {
      it(`is bit-exact on every applicable suite case: ${profile} ${dtype}`, async () => {
        const adapter = createWasmSimdAdapter({ profile });
        const failures: string[] = [];
        let ran = 0;
        for (const c of Object.values(SUITES).flat()) {
          if (!caseAppliesTo(c, findProfile(profile)).applies) continue;
          const resolved = resolveCase(profile, dtype, {}, c.settings);
          if (!resolved) continue;
          const variant: Variant = { ...resolved.variant, ...WASM_FIXED_AXES };
          const order = profile === 'torch' ? 'torch' : 'tf';
          const ref = runTrajectory(variant, dtype, caseX0(c), c.steps, caseGradientSource(c, dtype, order));
          const ac: AdapterCase = {
            key: caseKey(c),
            dtype,
            variant: resolved.variant,
            profile: resolved.profile,
            native: resolved.native,
            settings: c.settings,
            x0: ref.x0,
          };
          const prepared = (await adapter.prepare(ac)) as PreparedCase & { kernelFor?(g: Float64Array): string };
          const diff = await replay(prepared, ref);
          if (diff) failures.push(`${caseKey(c)}: ${diff}`);
          ran++;
        }
        expect(failures).toEqual([]);
        expect(ran).toBeGreaterThanOrEqual(20); // 13 edge streams + 8 problems at least
      });
    }
  }

  const tailStreams: StreamKind[] = ['random', 'nan-at', 'overflow32', 'subnormal32', 'zeros-first'];
  const tailSettings: [string, Settings][] = [
    ['torch', {}],
    ['torch', { momentum: 0.9, centered: true, weight_decay: 0.01 }],
    ['tfjs', { centered: true }],
    ['tf-raw', { momentum: 0.5 }],
    ['mxnet', { centered: true, clip_gradient: 0.5, rescale_grad: 0.5, wd: 0.01 }],
    ['keras', { weight_decay: 0.1, momentum: 0.9 }],
  ];
  for (const n of [1, 3, 5, 17, 1001]) {
    it(`covers the scalar tail at n = ${n}`, async () => {
      const failures: string[] = [];
      for (const dtype of DTYPES) {
        for (const [profile, settings] of tailSettings) {
          for (const [si, kind] of tailStreams.entries()) {
            const grads = generateStream({ kind, dim: n, steps: 8, seed: 77 + n * 13 + si, at: 2 });
            const variant: Variant = { ...resolveCase(profile, dtype, settings)!.variant, ...WASM_FIXED_AXES };
            const x0 = generateStream({ kind: 'random', dim: n, steps: 1, seed: 5 + n })[0];
            const ref = runTrajectory(variant, dtype, x0, grads.length, replaySource(grads));
            const diff = await replay(await prepareWasmCase(dtype, variant, ref.x0), ref);
            if (diff) failures.push(`${profile} ${JSON.stringify(settings)} ${kind} ${dtype}: ${diff}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }

  // Axes outside the eight profiles' reach, on top of torch: each override alone and some together.
  const sweep: Settings[] = [
    { scaleForm: 'rsqrt', epsPlacement: 'inside' },
    { scaleForm: 'rsqrt', epsPlacement: 'outside' },
    { scaleForm: 'reciprocal' },
    { scaleForm: 'reciprocal', epsPlacement: 'inside', centered: true },
    { scaleForm: 'rsqrt', epsPlacement: 'inside', centered: true, momentum: 0.9, momentumKind: 'nesterov' },
    { updateOrder: 'lr-last' },
    { updateOrder: 'lr-over-d' },
    { updateOrder: 'lr-over-d', scaleForm: 'rsqrt', epsPlacement: 'inside' },
    { updateOrder: 'lr-last', scaleForm: 'reciprocal', momentum: 0.5, momentumKind: 'lr-inside' },
    { momentum: 0.9, momentumKind: 'nesterov' },
    { momentum: 0.9, momentumKind: 'graves', centered: true, epsPlacement: 'inside' },
    { momentum: 0, momentumAlways: true, momentumKind: 'nesterov' },
    { emaForm: 'lerp' },
    { emaForm: 'increment', meanForm: 'increment', centered: true },
    { emaForm: 'lerp', meanForm: 'blend', centered: true, decay: 0.3 },
    { emaForm: 'lerp', decay: 0.2 },
    { centered: true, epsPlacement: 'inside', centeredGrouping: '(v+eps)-m2' },
    { centered: true, epsPlacement: 'inside-subtracted' },
    { centered: true, epsPlacement: 'inside-subtracted', momentum: 0.9 },
    { maximize: true },
    { maximize: true, momentum: 0.9, centered: true },
    { rescale: 0.25, clip: 0.3 },
    { weightDecay: 0.05, weightDecayBeforeClip: false, clip: 0.2 },
    { weightDecay: 0.05, weightDecayKind: 'decoupled', decoupledScaledByLr: false },
    { weightDecay: 0.05, weightDecayKind: 'decoupled', decoupledScaledByLr: true, momentum: 0.3 },
    { clipNorm: 0.5 },
    { biasCorrection: true },
    { biasCorrection: true, centered: true, momentum: 0.9 },
    { lrDecay: 0.1, lrSchedule: 'inverse-time-reciprocal' },
    { initialAccumulator: 0.1, oneMinusDecay: 'compute' },
    { float32Hyperparameters: ['lr', 'decay', 'eps', 'momentum'], momentum: 0.9 },
    { squareGrouping: '(1-b)*(g*g)', meanForm: 'increment', centered: true, momentum: 0.9, momentumKind: 'lr-inside' },
    { flushSubnormals: true },
    { flushSubnormals: true, centered: true, momentum: 0.9, epsPlacement: 'inside', emaForm: 'increment' },
  ];
  it('is bit-exact across the axis sweep (odd length 37, random and edge streams)', async () => {
    const failures: string[] = [];
    for (const dtype of DTYPES) {
      for (const [i, settings] of sweep.entries()) {
        for (const kind of ['random', 'inf-at', 'zeros-first', 'overflow64'] as StreamKind[]) {
          const grads = generateStream({ kind, dim: 37, steps: 10, seed: 300 + i, at: 3 });
          const variant: Variant = { ...resolveCase('torch', dtype, {}, settings)!.variant, ...WASM_FIXED_AXES };
          const ref = runTrajectory(
            variant,
            dtype,
            new Array(37).fill(0).map((_, j) => Math.sin(j + 1)),
            grads.length,
            replaySource(grads),
          );
          const prepared = await prepareWasmCase(dtype, variant, ref.x0);
          const diff = await replay(prepared, ref);
          if (diff) failures.push(`${JSON.stringify(settings)} ${kind} ${dtype}: ${diff}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('ran both specialised and general kernels', () => {
    for (const k of ['torch', 'torch_momentum', 'plain_inside', 'tfjs', 'tf_raw', 'plain_outside', 'general'])
      expect(kernelsUsed).toContain(k);
  });

  it('load() overwrites params and state, and the step counter', async () => {
    const dtype = 'float32';
    const variant: Variant = { ...resolveVariant('torch', dtype, { momentum: 0.9, centered: true }).variant, ...WASM_FIXED_AXES };
    const grads = generateStream({ kind: 'random', dim: 9, steps: 6, seed: 9 });
    const ref = runTrajectory(variant, dtype, new Array(9).fill(0.5), 6, replaySource(grads));
    const prepared = await prepareWasmCase(dtype, variant, ref.x0);
    const mid = ref.points[2];
    await prepared.load!(mid.params, { ...mid.state });
    for (let t = 3; t < 6; t++) await prepared.step(ref.points[t].grad);
    const { params, state } = await prepared.read();
    expect(firstDifference('params', params, ref.points[5].params)).toBeNull();
    expect(firstDifference('b', state!.b!, ref.points[5].state.b)).toBeNull();
    await prepared.dispose();
    await expect(prepared.step(grads[0])).rejects.toThrow(/dispose/);
  });

  it('grows memory for large arrays', async () => {
    const n = 300_001;
    const dtype = 'float64';
    const variant: Variant = { ...resolveVariant('torch', dtype).variant, ...WASM_FIXED_AXES };
    const grads = generateStream({ kind: 'random', dim: n, steps: 2, seed: 4 });
    const ref = runTrajectory(variant, dtype, new Float64Array(n).fill(1), 2, replaySource(grads));
    expect(await replay(await prepareWasmCase(dtype, variant, ref.x0), ref)).toBeNull();
  });

  it('bench helpers run (small n, 1 and 2 workers)', async () => {
    const n = 10_007;
    for (const dtype of DTYPES) {
      const s = await benchFusedStep({ n, dtype, reps: 2, warmup: 1 });
      const t = await benchTriad({ n, dtype, reps: 2, warmup: 1 });
      expect(s.bytesPerElement).toBe(dtype === 'float32' ? 20 : 40);
      expect(t.bytesPerElement).toBe(dtype === 'float32' ? 12 : 24);
      expect(s.elementsPerSecond).toBeGreaterThan(0);
      for (const threads of [1, 2]) {
        const r = await benchThreaded({ what: 'step', n, dtype, reps: 2, warmup: 1, threads });
        expect(r.threads).toBe(threads);
        expect(r.medianSeconds).toBeGreaterThan(0);
      }
    }
  });
});
