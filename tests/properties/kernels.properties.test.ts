// Property: every kernel generated from the step program (reference/program) equals the program's
// interpreter bit for bit wherever it claims the same arithmetic. Random profile, hyperparameters
// and axis overrides; random state, step count and gradient (edge values included); one step from
// the loaded state through the adapter, compared in params, v, m and b. The reference interprets
// the program with the adapter's fixed axes applied (WASM and ONNX have no FMA; the WebGPU adapter
// states what its device fuses). Run counts are modest: the ts loops are also covered by
// adapters.properties.test.ts with many more runs.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsupportedCaseError, type Adapter, type AdapterCase } from '../../adapters/adapter.js';
import { createAdapter, parseAdapterSpec } from '../../adapters/registry.js';
import type { Dtype } from '../../reference/arithmetic.js';
import { profileKey } from '../../reference/profile.js';
import { stepProgram } from '../../reference/program/index.js';
import { step, type OptimizerState } from '../../reference/step.js';
import { toDtype } from '../../reference/trajectory.js';
import type { Variant } from '../../reference/variant.js';
import { firstDifference, generatedVariantFor, loadedState, type GeneratedVariant } from './arbitraries.js';

interface Kernel {
  id: string;
  dtypes: readonly Dtype[];
  runs: number;
  /**
   * Variants left out of the generator, with the reason: the adapter refuses them by design, or the
   * kernel does not claim the reference's arithmetic there. Filtered out, so that the runs compare.
   */
  leftOut?: (variant: Variant) => string | null;
}

const KERNELS: readonly Kernel[] = [
  { id: 'ts-f64', dtypes: ['float64'], runs: 60 },
  { id: 'ts-f32', dtypes: ['float32'], runs: 60 },
  { id: 'wasm-simd', dtypes: ['float32', 'float64'], runs: 60 },
  {
    id: 'onnxruntime',
    dtypes: ['float32', 'float64'],
    runs: 40,
    leftOut: (v) => (v.clipNorm !== null ? 'the graph does not express global-norm clipping' : null),
  },
  {
    id: 'webgpu',
    dtypes: ['float32'],
    runs: 30,
    leftOut: (v) =>
      // Mesa llvmpipe's inverseSqrt is not correctly rounded (<= 1 ulp, tests/adapters/webgpu.test.ts bounds it).
      v.scaleForm === 'rsqrt'
        ? 'inverseSqrt is not correctly rounded on this device'
        : v.clipNorm !== null
          ? 'the shader does not express global-norm clipping'
          : null,
  },
];

const adapters = new Map<string, Adapter>();
async function adapterFor(id: string, g: GeneratedVariant): Promise<Adapter> {
  const spec = `${id}:profile=${profileKey(g.resolved.profile)}`;
  let a = adapters.get(spec);
  if (!a) {
    a = createAdapter(parseAdapterSpec(spec));
    const availability = await a.probe();
    if (!availability.available)
      throw new Error(`${id} is unavailable (run \`bash scripts/setup-system.sh\`): ${availability.reason}`);
    adapters.set(spec, a);
  }
  return a;
}

afterAll(async () => {
  adapters.clear();
});

const state = loadedState(9);

describe.each(KERNELS.flatMap((k) => k.dtypes.map((dtype) => [k.id, dtype, k] as const)))(
  'the %s kernel generated from the step program (%s)',
  (id, dtype, kernel) => {
    it(`equals the program's interpreter bit for bit after one step from any state (${kernel.runs} runs)`, async () => {
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(
          generatedVariantFor(dtype).filter((g) => !kernel.leftOut?.(g.resolved.variant)),
          state,
          async (g, s) => {
            const adapter = await adapterFor(id, g);
            const variant: Variant = { ...g.resolved.variant, ...(adapter.info.fixedAxes ?? {}) };
            // As the runner does: the case carries the variant with the adapter's fixed axes applied.
            const c: AdapterCase = {
              key: 'properties/kernels',
              dtype,
              variant,
              profile: g.resolved.profile,
              native: g.resolved.native,
              settings: g.settings,
              x0: toDtype(dtype, s.params),
            };
            let prepared;
            try {
              prepared = await adapter.prepare(c);
            } catch (e) {
              if (e instanceof UnsupportedCaseError) return;
              throw e;
            }
            try {
              const round = (x: readonly number[]) => toDtype(dtype, x);
              const from: OptimizerState = { step: s.step, v: round(s.v), m: round(s.m), b: round(s.b) };
              const params = round(s.params);
              const grad = round(s.grad);
              const expected = step(variant, dtype, from, params, grad);
              await prepared.load!(params, from);
              await prepared.step(grad);
              const got = await prepared.read();
              // State the program never touches is not the kernel's (the WebGPU adapter does not keep it).
              const touched = stepProgram(variant, dtype).vectors;
              const diff =
                firstDifference('params', got.params, expected.params) ??
                firstDifference('v', got.state?.v, expected.state.v) ??
                (touched.includes('m') ? firstDifference('m', got.state?.m, expected.state.m) : null) ??
                (touched.includes('b') ? firstDifference('b', got.state?.b, expected.state.b) : null);
              expect(diff).toBeNull();
              compared++;
            } finally {
              await prepared.dispose();
            }
          },
        ),
        { numRuns: kernel.runs },
      );
      // Not vacuous: many random variants are ones the kernel expresses (a few axis overrides are refused).
      expect(compared, `${compared} of ${kernel.runs} runs compared`).toBeGreaterThan(kernel.runs / 8);
    });
  },
);
