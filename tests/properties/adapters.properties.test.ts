// Property: the TypeScript typed-array adapters (a fused loop generated from the variant by
// adapters/native/kernel-codegen.ts, written independently of reference/step.ts) equal the reference
// bit for bit: ts-f64 against the float64 reference, ts-f32 against the float32 emulation. Random
// profile, random hyperparameters on every canonical name, random axis overrides, random gradient
// streams with zeros, signed zeros, subnormals of both dtypes, huge values and non-finite values.
// No fixed seed: fast-check picks one and prints it (with the shrunk counterexample) on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Adapter, AdapterCase } from '../../adapters/adapter.js';
import { createAdapter, parseAdapterSpec } from '../../adapters/registry.js';
import type { Dtype } from '../../reference/arithmetic.js';
import { bitsOf64 } from '../../reference/float-bits.js';
import { profileKey, type Profile } from '../../reference/profile.js';
import { PROFILES } from '../../reference/profiles/index.js';
import { resolveVariant, SettingError, type ResolvedVariant, type Settings } from '../../reference/resolve.js';
import { step, type OptimizerState } from '../../reference/step.js';
import { replaySource, runTrajectory, toDtype } from '../../reference/trajectory.js';
import { AXES, FMA_SITES } from '../../reference/variant.js';

const NUM_RUNS = 1000;

// ---- arbitraries -------------------------------------------------------------------------------

const nonNegative = (max: number) => fc.double({ min: 0, max, noNaN: true });

/** Canonical hyperparameters; a missing key keeps the profile's default. */
const hyperparameters = fc.record(
  {
    lr: fc.oneof(fc.constantFrom(0, 1e-3, 0.01, 0.1, 1), nonNegative(10)),
    decay: fc.oneof(fc.constantFrom(0, 0.5, 0.9, 0.99, 0.999, 1), nonNegative(1)),
    eps: fc.oneof(fc.constantFrom(0, 1e-10, 1e-8, 1e-7, 1e-4), nonNegative(1)),
    momentum: fc.oneof(fc.constant(0), fc.constantFrom(0.5, 0.9), nonNegative(1)),
    centered: fc.boolean(),
    weightDecay: fc.oneof(fc.constant(0), nonNegative(1)),
    maximize: fc.boolean(),
    rescale: fc.oneof(fc.constantFrom(1, 0.5, 1 / 3), fc.double({ min: -4, max: 4, noNaN: true })),
    clip: fc.option(fc.double({ min: 1e-3, max: 10, noNaN: true }), { nil: null }),
    clipNorm: fc.option(fc.double({ min: 1e-3, max: 10, noNaN: true }), { nil: null }),
    lrDecay: fc.oneof(fc.constant(0), nonNegative(1)),
    initialAccumulator: fc.oneof(fc.constantFrom(0, 1e-3, 1), nonNegative(2)),
    biasCorrection: fc.boolean(),
  },
  { requiredKeys: [] },
);

const NUMERIC_HYPERPARAMETERS = ['lr', 'decay', 'eps', 'momentum', 'weightDecay', 'rescale', 'lrDecay'];

/** Overrides of any axis (a missing key keeps the profile's value), generated from the axis table. */
const axes = fc.record(
  Object.fromEntries(
    AXES.map((a) => [
      a.name,
      a.values === 'boolean'
        ? fc.boolean()
        : a.values === 'list'
          ? fc.subarray(a.name === 'fma' ? [...FMA_SITES] : NUMERIC_HYPERPARAMETERS)
          : fc.constantFrom(...a.values),
    ]),
  ) as Record<string, fc.Arbitrary<string | boolean | string[]>>,
  { requiredKeys: [] },
);

interface GeneratedVariant {
  resolved: ResolvedVariant;
  settings: Settings;
}

/** A profile, then hyperparameters and axis overrides through the canonical channel; configurations the profile refuses (Caffe with momentum) are dropped. */
function variantFor(dtype: Dtype): fc.Arbitrary<GeneratedVariant> {
  return fc
    .tuple(fc.constantFrom(...PROFILES), hyperparameters, fc.option(axes, { nil: undefined, freq: 2 }))
    .map(([profile, hp, ax]): GeneratedVariant | null => {
      const settings: Settings = { ...hp, ...(ax ?? {}) };
      try {
        const resolved = resolveVariant(profile, dtype, {}, settings);
        // Counterexamples print as the profile and the settings, not the whole profile object.
        const generated: GeneratedVariant = { resolved, settings };
        return Object.assign(generated, { [fc.toStringMethod]: () => `${profileKey(profile)} ${dtype} ${fc.stringify(settings)}` });
      } catch (e) {
        if (e instanceof SettingError) return null;
        throw e;
      }
    })
    .filter((x): x is GeneratedVariant => x !== null);
}

const MIN_NORMAL32 = 2 ** -126;
const MIN_NORMAL64 = 2 ** -1022;

/** Gradient elements: ordinary values, signed zeros, subnormals (float64 and float32), huge values (squares overflow), anything. */
const gradientValue = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0) },
  { weight: 1, arbitrary: fc.double({ min: -MIN_NORMAL64, max: MIN_NORMAL64, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: -MIN_NORMAL32, max: MIN_NORMAL32, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(1e20, -1e20, 1e160, -1e160, 3.4e38, -Number.MAX_VALUE) },
  { weight: 1, arbitrary: fc.double({ min: 1e15, max: Number.MAX_VALUE, noNaN: true }) },
  { weight: 1, arbitrary: fc.double() }, // anything, NaN and +-Infinity included
);

const paramValue = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** Ordinary gradients only: runs where every element stays finite and the comparison has bits to compare. */
const ordinaryGradient = fc.oneof({ weight: 9, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, -0) });

/** x0 and a gradient stream: 1..8 elements, 1..20 steps; half the runs with edge values anywhere. */
const streamOf = (grad: fc.Arbitrary<number>) =>
  fc
    .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 }))
    .chain(([n, steps]) =>
      fc.record({
        x0: fc.array(paramValue, { minLength: n, maxLength: n }),
        grads: fc.array(fc.array(grad, { minLength: n, maxLength: n }), { minLength: steps, maxLength: steps }),
      }),
    );
const problem = fc.oneof(streamOf(ordinaryGradient), streamOf(gradientValue));

// ---- comparison --------------------------------------------------------------------------------

/** The first element where two vectors differ as values (Object.is: -0 is not 0, NaN is NaN whatever its payload). */
function firstDifference(what: string, actual: ArrayLike<number> | undefined, expected: ArrayLike<number>): string | null {
  if (actual === undefined) return `${what}: missing`;
  if (actual.length !== expected.length) return `${what}: length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      return `${what}[${i}]: ${actual[i]} (0x${bitsOf64(actual[i]!).toString(16)}), expected ${expected[i]} (0x${bitsOf64(expected[i]!).toString(16)})`;
    }
  }
  return null;
}

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
      fc.asyncProperty(variantFor(dtype), problem, async (g, { x0, grads }) => {
        const { variant } = g.resolved;
        const reference = runTrajectory(variant, dtype, x0, grads.length, replaySource(grads.map((x) => Float64Array.from(x))));
        const prepared = await adapterFor(id, g.resolved.profile).prepare(adapterCase(g, dtype, x0));
        try {
          for (let t = 0; t < grads.length; t++) {
            await prepared.step(toDtype(dtype, grads[t]!));
            const { params, state } = await prepared.read();
            const expected = reference.points[t]!;
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
    const state = fc.integer({ min: 1, max: 8 }).chain((n) => {
      const vec = (value: fc.Arbitrary<number>) => fc.array(value, { minLength: n, maxLength: n });
      return fc.record({
        params: vec(paramValue),
        grad: vec(gradientValue),
        v: vec(fc.oneof(nonNegative(100), fc.constant(0), fc.double({ min: 0, max: MIN_NORMAL32, noNaN: true }))),
        m: vec(fc.double({ min: -10, max: 10, noNaN: true })),
        b: vec(fc.double({ min: -10, max: 10, noNaN: true })),
        step: fc.integer({ min: 0, max: 1000 }),
      });
    });
    await fc.assert(
      fc.asyncProperty(variantFor(dtype), state, async (g, s) => {
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
