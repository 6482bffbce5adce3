// The onnxruntime adapter against the reference: every suite case a profile applies to, float32 and
// float64, the reference gradients replayed into ORT, params and state compared bit for bit on every
// step (NaN matches NaN, infinities and signed zeros by identity).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import type { AdapterCase, PreparedCase } from '../../adapters/adapter.js';
import { UnsupportedCaseError } from '../../adapters/adapter.js';
import {
  buildRmspropGraph,
  decodeModel,
  GraphUnsupportedError,
  onnx,
  RMSPROP_OPSET,
  STATE_INPUTS,
  STATE_OUTPUTS,
} from '../../adapters/onnx/rmsprop-graph.js';
import { ONNX_FIXED_AXES, onnxruntimeAdapter } from '../../adapters/onnxruntime.js';
import { DTYPES, type Dtype } from '../../reference/arithmetic.js';
import { bitsOf32, bitsOf64 } from '../../reference/float-bits.js';
import { resolveVariant, type ResolvedVariant, type Settings } from '../../reference/resolve.js';
import { runTrajectory, toDtype, type Trajectory } from '../../reference/trajectory.js';
import type { Axes, Variant } from '../../reference/variant.js';
import type { CaseSpec } from '../../suites/case.js';
import { caseAppliesTo, caseGradientSource, caseX0 } from '../../suites/case-source.js';
import { autodiffOrderFor } from '../../suites/problems.js';
import { caseKey, SUITES } from '../../suites/suites.js';

const PROFILES = ['torch', 'keras', 'tfjs', 'tf-raw', 'tf1', 'd2l', 'mxnet'] as const;
const ALL_CASES: CaseSpec[] = [...SUITES.problems, ...SUITES.variants, ...SUITES.edge];

/** Units in the last place between two values of the dtype (0 for identical, Infinity across non-finite). */
function ulps(a: number, b: number, dtype: Dtype): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  if (a === 0 && b === 0) return 0.5; // signed-zero mismatch: counted, not a full ulp
  if (dtype === 'float32') {
    const ord = (x: number) => (bitsOf32(x) >>> 31 ? -(bitsOf32(x) & 0x7fffffff) : bitsOf32(x) & 0x7fffffff);
    return Math.abs(ord(a) - ord(b));
  }
  const ord = (x: number) => {
    const bits = bitsOf64(x);
    const mag = bits & 0x7fffffffffffffffn;
    return bits >> 63n ? -mag : mag;
  };
  const d = ord(a) - ord(b);
  return Number(d < 0n ? -d : d);
}

interface Comparison {
  steps: number;
  /** Elements (params, v, m, b over all steps) that are not bit-identical. */
  mismatches: number;
  maxUlp: number;
  first?: string;
}

function compare(
  label: string,
  dtype: Dtype,
  expected: Float64Array,
  actual: Float64Array,
  into: Comparison,
  step: number,
): void {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    const same = Object.is(e, a) || (Number.isNaN(e) && Number.isNaN(a));
    if (same) continue;
    into.mismatches++;
    into.maxUlp = Math.max(into.maxUlp, ulps(e, a, dtype));
    into.first ??= `step ${step + 1} ${label}[${i}]: expected ${e}, onnxruntime ${a}`;
  }
}

function adapterCase(
  resolved: ResolvedVariant,
  key: string,
  dtype: Dtype,
  settings: Settings,
  x0: Float64Array,
  variant: Variant = resolved.variant,
): AdapterCase {
  return { key, dtype, variant, profile: resolved.profile, native: resolved.native, settings, x0 };
}

/** Replays the reference's gradients into a prepared case, comparing params and state after each step. */
async function replay(prepared: PreparedCase, trajectory: Trajectory, dtype: Dtype): Promise<Comparison> {
  const result: Comparison = { steps: trajectory.points.length, mismatches: 0, maxUlp: 0 };
  for (let t = 0; t < trajectory.points.length; t++) {
    const point = trajectory.points[t];
    await prepared.step(point.grad);
    const { params, state } = await prepared.read();
    compare('params', dtype, point.params, params, result, t);
    compare('v', dtype, point.state.v, state!.v!, result, t);
    compare('m', dtype, point.state.m, state!.m!, result, t);
    compare('b', dtype, point.state.b, state!.b!, result, t);
  }
  return result;
}

const adapters = new Map<string, ReturnType<typeof onnxruntimeAdapter.create>>();
function adapterFor(profile: string) {
  let a = adapters.get(profile);
  if (!a) adapters.set(profile, (a = onnxruntimeAdapter.create({ profile })));
  return a;
}
afterAll(async () => {
  for (const a of adapters.values()) await a.close?.();
});

/** profile/dtype -> summary line, printed at the end. */
const summary: string[] = [];
afterAll(() => {
  if (summary.length > 0) console.log(`onnxruntime vs reference (fma: []):\n${summary.join('\n')}`);
});

/** onnxruntime-node's CUDA provider libraries: present only where its install step could download them. */
function cudaProviderInstalled(): boolean {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    return existsSync(join(root, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}
const CUDA_PROVIDER_INSTALLED = cudaProviderInstalled();

describe('onnxruntime adapter', () => {
  it('probes available on the CPU provider with its facts', async () => {
    const availability = await adapterFor('torch').probe();
    expect(availability.available).toBe(true);
    if (availability.available) {
      expect(availability.facts.executionProvider).toBe('cpu');
      expect(availability.facts.opset).toBe(RMSPROP_OPSET);
      expect(String(availability.facts.onnxruntime)).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(adapterFor('torch').info.fixedAxes).toEqual({ fma: [], sqrtImpl: 'correctly-rounded', rsqrtImpl: 'one-over-sqrt' });
    expect(adapterFor('torch').info.claims).toBe('torch');
  });

  it.runIf(!CUDA_PROVIDER_INSTALLED)(
    'reports ep=cuda unavailable with a reason (machines without the CUDA provider libraries, which only a CUDA install downloads)',
    async () => {
      const adapter = onnxruntimeAdapter.create({ ep: 'cuda' });
      expect(adapter.info.capabilities.devices).toEqual(['cuda']);
      const availability = await adapter.probe();
      expect(availability.available).toBe(false);
      if (!availability.available) {
        expect(availability.reason).toMatch(/CUDA/);
        expect(availability.reason.length).toBeGreaterThan(40);
      }
      await adapter.close?.();
    },
  );

  it.runIf(CUDA_PROVIDER_INSTALLED)(
    'probes ep=cuda available (machines with the CUDA provider libraries installed)',
    async () => {
      const adapter = onnxruntimeAdapter.create({ ep: 'cuda' });
      const availability = await adapter.probe();
      expect(availability, JSON.stringify(availability)).toMatchObject({ available: true, facts: { executionProvider: 'cuda' } });
      await adapter.close?.();
    },
  );

  it('refuses unknown options and execution providers', () => {
    expect(() => onnxruntimeAdapter.create({ ep: 'rocm' })).toThrow(/ep must be one of/);
    expect(() => onnxruntimeAdapter.create({ threads: '2' })).toThrow(/unknown option/);
    expect(() => onnxruntimeAdapter.create({ profile: 'nope' })).toThrow();
  });

  it('refuses cases it cannot express (FMA, global-norm clip)', async () => {
    const adapter = adapterFor('torch');
    const resolved = resolveVariant('torch', 'float32', {});
    const x0 = new Float64Array([1, 2]);
    await expect(adapter.prepare(adapterCase(resolved, 'fma', 'float32', {}, x0))).rejects.toBeInstanceOf(UnsupportedCaseError);
    const keras = resolveVariant('keras', 'float32', { clipNorm: 1 });
    const variant = { ...keras.variant, ...ONNX_FIXED_AXES };
    await expect(adapter.prepare(adapterCase(keras, 'norm', 'float32', { clipNorm: 1 }, x0, variant))).rejects.toBeInstanceOf(
      UnsupportedCaseError,
    );
    expect(() => buildRmspropGraph(resolved.variant, 'float32')).toThrow(GraphUnsupportedError);
  });

  it('writes a ModelProto that decodes back to what was encoded', () => {
    const { variant } = resolveVariant('tf-raw', 'float32', { centered: true, momentum: 0.9, lrDecay: 0.1 });
    const graph = buildRmspropGraph({ ...variant, scaleForm: 'rsqrt' }, 'float32');
    const decoded = decodeModel(graph.bytes);
    expect(onnx.ModelProto.toObject(decoded, { longs: Number })).toEqual(
      onnx.ModelProto.toObject(graph.model, { longs: Number }),
    );
    expect(Number(decoded.irVersion)).toBe(8);
    expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', RMSPROP_OPSET]]);
    const g = decoded.graph!;
    expect(g.input!.map((i) => i.name)).toEqual([...STATE_INPUTS, ...graph.scalars]);
    expect(g.output!.map((o) => o.name)).toEqual([...STATE_OUTPUTS]);
    expect(g.input![0].type!.tensorType!.shape!.dim![0].dimParam).toBe('n');
    expect(g.input![STATE_INPUTS.length].type!.tensorType!.shape!.dim).toEqual([]);
    expect(g.node!.map((n) => n.opType)).toEqual(graph.ops);
    expect(graph.ops).toContain('Cast'); // float32 rsqrt goes through float64
    expect(graph.ops).toContain('Reciprocal');
    const elementwise = new Set([
      'Abs', // flushSubnormals (tf-raw): x * Cast(Not(Less(Abs(x), min normal)))
      'Not',
      'Mul',
      'Add',
      'Sub',
      'Div',
      'Sqrt',
      'Reciprocal',
      'Neg',
      'Less',
      'Greater',
      'Where',
      'Cast',
      'Identity',
    ]);
    expect(graph.ops.filter((o) => !elementwise.has(o))).toEqual([]);
    // Encoding is deterministic: re-encoding the decoded model gives the same bytes.
    expect(Buffer.from(onnx.ModelProto.encode(decoded).finish()).equals(Buffer.from(graph.bytes))).toBe(true);
  });

  it("why rsqrt is Reciprocal(Sqrt): ORT's DivMulFusion rewrites Mul(y, Div(1, x)) to Div(y, x)", async () => {
    const ort = (await import('onnxruntime-node')).default;
    const vector = (name: string) => ({
      name,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.DOUBLE, shape: { dim: [{ dimParam: 'n' }] } } },
    });
    const bytes = onnx.ModelProto.encode(
      onnx.ModelProto.create({
        irVersion: 8,
        opsetImport: [{ domain: '', version: RMSPROP_OPSET }],
        graph: {
          name: 'div_mul',
          initializer: [{ name: 'one', dataType: onnx.TensorProto.DataType.DOUBLE, dims: [], doubleData: [1] }],
          node: [
            { opType: 'Div', input: ['one', 'x'], output: ['r'] },
            { opType: 'Mul', input: ['y', 'r'], output: ['z'] },
          ],
          input: [vector('x'), vector('y')],
          output: [vector('z')],
        },
      }),
    ).finish();
    const n = 4096;
    const x = Float64Array.from({ length: n }, (_, i) => 1 + i / 7);
    const y = Float64Array.from({ length: n }, (_, i) => 3 - i / 11);
    const run = async (graphOptimizationLevel: 'disabled' | 'basic') => {
      const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel });
      const out = await session.run({ x: new ort.Tensor('float64', x, [n]), y: new ort.Tensor('float64', y, [n]) });
      await session.release();
      return out.z.data as Float64Array;
    };
    const twoRoundings = x.map((xi, i) => y[i] * (1 / xi));
    const oneRounding = x.map((xi, i) => y[i] / xi);
    expect([...(await run('disabled'))]).toEqual([...twoRoundings]);
    expect([...(await run('basic'))]).toEqual([...oneRounding]);
    expect(twoRoundings.some((z, i) => z !== oneRounding[i])).toBe(true);
  });

  for (const profile of PROFILES) {
    for (const dtype of DTYPES) {
      it(`${profile} ${dtype}: bit-exact on every suite case it applies to`, async () => {
        const adapter = adapterFor(profile);
        const failures: string[] = [];
        let cases = 0;
        let steps = 0;
        let maxUlp = 0;
        for (const c of ALL_CASES) {
          const resolvedProfile = resolveVariant(profile, dtype, {}).profile;
          if (!caseAppliesTo(c, resolvedProfile).applies) continue;
          let base: ResolvedVariant;
          try {
            base = resolveVariant(profile, dtype, c.settings);
          } catch {
            continue; // the framework refuses this configuration
          }
          const resolved = { ...base, variant: { ...base.variant, ...ONNX_FIXED_AXES } };
          const x0 = toDtype(dtype, caseX0(c));
          const trajectory = runTrajectory(
            resolved.variant,
            dtype,
            x0,
            c.steps,
            caseGradientSource(c, dtype, autodiffOrderFor(base.profile.name)),
          );
          const prepared = await adapter.prepare(adapterCase(resolved, caseKey(c), dtype, c.settings, x0));
          const result = await replay(prepared, trajectory, dtype);
          await prepared.dispose();
          cases++;
          steps += result.steps;
          maxUlp = Math.max(maxUlp, result.maxUlp);
          if (result.mismatches > 0)
            failures.push(`${caseKey(c)}: ${result.mismatches} values differ, max ${result.maxUlp} ulp; first ${result.first}`);
        }
        summary.push(
          `  ${profile.padEnd(7)} ${dtype}: ${cases} cases, ${steps} steps, ${failures.length === 0 ? 'bit-exact' : `${failures.length} cases differ, max ${maxUlp} ulp`}`,
        );
        expect(cases).toBeGreaterThan(10);
        expect(failures).toEqual([]);
      });
    }
  }

  // Every axis value the graph expresses, on top of a base that runs all paths (centered, momentum,
  // weight decay, clip, rescale), over streams with NaN, Inf, overflow and subnormals.
  const axisSweep: [string, Partial<Axes> & Partial<Variant>][] = [
    ['outside/divide', { epsPlacement: 'outside', scaleForm: 'divide' }],
    ['outside/rsqrt', { epsPlacement: 'outside', scaleForm: 'rsqrt' }],
    ['outside/reciprocal', { epsPlacement: 'outside', scaleForm: 'reciprocal' }],
    ['inside/rsqrt', { epsPlacement: 'inside', scaleForm: 'rsqrt' }],
    ['inside/reciprocal', { epsPlacement: 'inside', scaleForm: 'reciprocal' }],
    ['inside (v+eps)-m2', { epsPlacement: 'inside', centeredGrouping: '(v+eps)-m2' }],
    ['inside-subtracted', { epsPlacement: 'inside-subtracted' }],
    ['increment', { emaForm: 'increment', meanForm: 'increment' }],
    ['lerp small weight', { emaForm: 'lerp', meanForm: 'lerp' }],
    ['lerp large weight', { emaForm: 'lerp', meanForm: 'lerp', decay: 0.3 }],
    ['square first', { squareGrouping: '(1-b)*(g*g)' }],
    ['lr-last', { updateOrder: 'lr-last', momentumKind: 'lr-inside' }],
    ['lr-over-d divide', { updateOrder: 'lr-over-d', momentumKind: 'lr-inside' }],
    ['lr-over-d rsqrt', { updateOrder: 'lr-over-d', momentumKind: 'lr-inside', scaleForm: 'rsqrt', epsPlacement: 'inside' }],
    ['graves', { momentumKind: 'graves' }],
    ['nesterov', { momentumKind: 'nesterov' }],
    ['momentumAlways at 0', { momentumKind: 'lr-inside', momentumAlways: true, momentum: 0 }],
    ['no momentum', { momentum: 0 }],
    ['decoupled by lr', { weightDecayKind: 'decoupled', decoupledScaledByLr: true }],
    ['decoupled plain', { weightDecayKind: 'decoupled', decoupledScaledByLr: false }],
    ['coupled after clip', { weightDecayBeforeClip: false }],
    ['maximize', { maximize: true }],
    ['bias correction', { biasCorrection: true }],
    ['lrDecay inverse-time', { lrDecay: 0.1, lrSchedule: 'inverse-time' }],
    ['lrDecay reciprocal', { lrDecay: 0.1, lrSchedule: 'inverse-time-reciprocal' }],
    [
      'oneMinusDecay compute, f32 hyperparameters',
      { oneMinusDecay: 'compute', float32Hyperparameters: ['lr', 'decay', 'eps', 'momentum', 'weightDecay', 'rescale'] },
    ],
    ['initial accumulator', { initialAccumulator: 0.1 }],
    ['no eps', { eps: 0 }],
  ];
  const sweepCases = SUITES.edge.filter((c) =>
    ['random', 'zeros-first', 'overflow32', 'overflow64', 'subnormal32', 'nan-at', 'inf-at', 'neg-inf-at', 'sign-flip'].includes(
      c.id,
    ),
  );
  for (const dtype of DTYPES) {
    it(`axis sweep ${dtype}: bit-exact for every axis value`, async () => {
      const adapter = adapterFor('torch');
      const failures: string[] = [];
      for (const [label, override] of axisSweep) {
        for (const c of sweepCases) {
          const settings: Settings = { ...c.settings, centered: true, momentum: 0.9, weightDecay: 0.05, clip: 50, rescale: 0.5 };
          const base = resolveVariant('torch', dtype, settings);
          const variant: Variant = { ...base.variant, ...override, ...ONNX_FIXED_AXES };
          const x0 = toDtype(dtype, caseX0(c));
          const trajectory = runTrajectory(variant, dtype, x0, c.steps, caseGradientSource(c, dtype, 'torch'));
          const prepared = await adapter.prepare(adapterCase(base, `${label}/${c.id}`, dtype, settings, x0, variant));
          const result = await replay(prepared, trajectory, dtype);
          await prepared.dispose();
          if (result.mismatches > 0)
            failures.push(`${label} ${c.id}: ${result.mismatches} differ, max ${result.maxUlp} ulp; ${result.first}`);
        }
      }
      summary.push(
        `  axis sweep ${dtype}: ${axisSweep.length} axis settings x ${sweepCases.length} streams, ${failures.length === 0 ? 'bit-exact' : `${failures.length} differ`}`,
      );
      expect(failures).toEqual([]);
    });
  }

  it('load() re-anchors params, state and the step count', async () => {
    const dtype = 'float32';
    const c = SUITES.variants.find((x) => x.id === 'lr-decay')!;
    const base = resolveVariant('keras', dtype, { ...c.settings, centered: true, momentum: 0.5 });
    const resolved = { ...base, variant: { ...base.variant, ...ONNX_FIXED_AXES } };
    const x0 = toDtype(dtype, caseX0(c));
    const trajectory = runTrajectory(resolved.variant, dtype, x0, c.steps, caseGradientSource(c, dtype, 'tf'));
    const prepared = await adapterFor('keras').prepare(adapterCase(resolved, 'load', dtype, c.settings, x0));
    // Jump to step 10 and continue from the reference's state there.
    const anchor = trajectory.points[9];
    await prepared.load!(anchor.params, anchor.state);
    for (let t = 10; t < 15; t++) {
      await prepared.step(trajectory.points[t].grad);
      const { params, state } = await prepared.read();
      expect([...params]).toEqual([...trajectory.points[t].params]);
      expect([...state!.v!]).toEqual([...trajectory.points[t].state.v]);
      expect([...state!.m!]).toEqual([...trajectory.points[t].state.m]);
      expect([...state!.b!]).toEqual([...trajectory.points[t].state.b]);
    }
    await prepared.dispose();
  });
});

describe('onnxruntime graph cache', () => {
  it('encodes models of one shape to the same bytes, whatever the hyperparameter values', () => {
    const a = resolveVariant('keras', 'float32', { lr: 0.1, rho: 0.8, momentum: 0.5 }).variant;
    const b = resolveVariant('keras', 'float32', { lr: 0.3, rho: 0.95, momentum: 0.9 }).variant;
    expect(Buffer.from(buildRmspropGraph(a, 'float32').bytes).equals(Buffer.from(buildRmspropGraph(b, 'float32').bytes))).toBe(
      true,
    );
    const centered = resolveVariant('keras', 'float32', { lr: 0.1, rho: 0.8, momentum: 0.5, centered: true }).variant;
    expect(
      Buffer.from(buildRmspropGraph(a, 'float32').bytes).equals(Buffer.from(buildRmspropGraph(centered, 'float32').bytes)),
    ).toBe(false);
  });
});
