// Property: the TypeScript typed-array adapters (a fused loop generated from the variant's step
// program by adapters/native/kernel-codegen.ts, a lowering separate from the interpreter) equal the reference
// bit for bit: ts-f64 against the float64 reference, ts-f32 against the float32 emulation. Random
// profile, random hyperparameters on every canonical name, random axis overrides, random gradient
// streams with zeros, signed zeros, subnormals of both dtypes, huge values and non-finite values.
// No fixed seed: fast-check picks one and prints it (with the shrunk counterexample) on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Adapter, AdapterCase } from '../../adapters/adapter.js';
import { createAdapter, parseAdapterSpec } from '../../adapters/registry.js';
import type { Dtype } from '../../reference/arithmetic.js';
import { profileKey, type Profile } from '../../reference/profile.js';
import { step, type OptimizerState } from '../../reference/step.js';
import { replaySource, runTrajectory, toDtype } from '../../reference/trajectory.js';
import {
  firstDifference,
  generatedVariantFor,
  loadedState,
  NUM_RUNS,
  ordinaryGradient,
  streamOf,
  wideGradientValue,
  type GeneratedVariant,
} from './arbitraries.js';

/** x0 and a gradient stream: half the runs with edge values anywhere (huge values over their whole range), half ordinary values only. */
const problem = fc.oneof(streamOf(ordinaryGradient), streamOf(wideGradientValue));

// ---- adapters ----------------------------------------------------------------------------------

const adapters = new Map<string, Adapter>();
function adapterFor(id: 'ts-f64' | 'ts-f32', profile: Profile): Adapter {
  const spec = `${id}:profile=${profileKey(profile)}`;
  let a = adapters.get(spec);
  if (!a) adapters.set(spec, (a = createAdapter(parseAdapterSpec(spec))));
  return a;
}

function adapterCase(g: GeneratedVariant, dtype: Dtype, x0: readonly number[]): AdapterCase {
  return {
    key: 'properties/random',
    dtype,
    variant: g.resolved.variant,
    profile: g.resolved.profile,
    native: g.resolved.native,
    settings: g.settings,
    x0: Float64Array.from(x0),
  };
}

// ---- properties --------------------------------------------------------------------------------

describe.each([
  ['ts-f64', 'float64'],
  ['ts-f32', 'float32'],
] as const)('%s equals the %s reference bit for bit (property)', (id, dtype) => {
  it(`whole trajectories: params, v, m and b after every step (${NUM_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(generatedVariantFor(dtype), problem, async (g, { x0, grads }) => {
        const { variant } = g.resolved;
        const reference = runTrajectory(variant, dtype, x0, grads.length, replaySource(grads.map((x) => Float64Array.from(x))));
        const prepared = await adapterFor(id, g.resolved.profile).prepare(adapterCase(g, dtype, x0));
        try {
          for (let t = 0; t < grads.length; t++) {
            await prepared.step(toDtype(dtype, grads[t]));
            const { params, state } = await prepared.read();
            const expected = reference.points[t];
            const diff =
              firstDifference('params', params, expected.params) ??
              firstDifference('v', state?.v, expected.state.v) ??
              firstDifference('m', state?.m, expected.state.m) ??
              firstDifference('b', state?.b, expected.state.b);
            expect(diff, `step ${t + 1}`).toBeNull();
          }
        } finally {
          await prepared.dispose();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`one step after load(): the runner's re-anchored mode (${NUM_RUNS} runs)`, async () => {
    // Any state, any step count (lr decay and bias correction depend on it), loaded into the adapter;
    // one step must equal the reference step from that state.
    const state = loadedState(8);
    await fc.assert(
      fc.asyncProperty(generatedVariantFor(dtype), state, async (g, s) => {
        const { variant } = g.resolved;
        const round = (x: readonly number[]) => toDtype(dtype, x);
        const from: OptimizerState = { step: s.step, v: round(s.v), m: round(s.m), b: round(s.b) };
        const params = round(s.params);
        const grad = round(s.grad);
        const expected = step(variant, dtype, from, params, grad);
        const prepared = await adapterFor(id, g.resolved.profile).prepare(adapterCase(g, dtype, s.params));
        try {
          await prepared.load!(params, from);
          await prepared.step(grad);
          const got = await prepared.read();
          const diff =
            firstDifference('params', got.params, expected.params) ??
            firstDifference('v', got.state?.v, expected.state.v) ??
            firstDifference('m', got.state?.m, expected.state.m) ??
            firstDifference('b', got.state?.b, expected.state.b);
          expect(diff).toBeNull();
        } finally {
          await prepared.dispose();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
