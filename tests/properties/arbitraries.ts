// fast-check arbitraries and comparison helpers shared by the property tests of the reference
// (reference.properties.test.ts) and of the TypeScript adapters (adapters.properties.test.ts):
// random variants resolved by a profile from random canonical settings, gradient and parameter
// elements with the IEEE edge cases, x0-and-gradient streams, and a bit-exact vector comparison.
import fc from 'fast-check';
import type { Dtype } from '../../reference/arithmetic.js';
import { bitsOf64 } from '../../reference/float-bits.js';
import { profileKey } from '../../reference/profile.js';
import { PROFILES } from '../../reference/profiles/index.js';
import { resolveVariant, SettingError, type ResolvedVariant, type Settings } from '../../reference/resolve.js';
import { AXES, FMA_SITES } from '../../reference/variant.js';

export const NUM_RUNS = 1000;

// ---- variants ----------------------------------------------------------------------------------

export const nonNegative = (max: number) => fc.double({ min: 0, max, noNaN: true });

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
  ),
  { requiredKeys: [] },
);

/** A resolved variant and the canonical settings it was resolved from. */
export interface GeneratedVariant {
  resolved: ResolvedVariant;
  settings: Settings;
}

/**
 * A profile, then hyperparameters and axis overrides through the canonical channel; configurations
 * the profile refuses (Caffe with momentum) are dropped. Counterexamples print as the profile, the
 * dtype and the settings, not the whole profile object.
 */
export function generatedVariantFor(dtype: Dtype): fc.Arbitrary<GeneratedVariant> {
  return fc
    .tuple(fc.constantFrom(...PROFILES), hyperparameters, fc.option(axes, { nil: undefined, freq: 2 }))
    .map(([profile, hp, ax]): GeneratedVariant | null => {
      const settings: Settings = { ...hp, ...(ax ?? {}) };
      try {
        const resolved = resolveVariant(profile, dtype, {}, settings);
        const generated: GeneratedVariant = { resolved, settings };
        return Object.assign(generated, {
          [fc.toStringMethod]: () => `${profileKey(profile)} ${dtype} ${fc.stringify(settings)}`,
        });
      } catch (e) {
        if (e instanceof SettingError) return null;
        throw e;
      }
    })
    .filter((x): x is GeneratedVariant => x !== null);
}

// ---- vector elements and streams ---------------------------------------------------------------

export const MIN_NORMAL32 = 2 ** -126;
const MIN_NORMAL64 = 2 ** -1022;

/** Gradient elements; with `hugeRange`, also any value from 1e15 up to the largest double. */
function gradientValues({ hugeRange }: { hugeRange: boolean }): fc.Arbitrary<number> {
  const branches: fc.WeightedArbitrary<number>[] = [
    { weight: 8, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
    { weight: 2, arbitrary: fc.constantFrom(0, -0) },
    { weight: 1, arbitrary: fc.double({ min: -MIN_NORMAL64, max: MIN_NORMAL64, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: -MIN_NORMAL32, max: MIN_NORMAL32, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(1e20, -1e20, 1e160, -1e160, 3.4e38, -Number.MAX_VALUE) },
    ...(hugeRange ? [{ weight: 1, arbitrary: fc.double({ min: 1e15, max: Number.MAX_VALUE, noNaN: true }) }] : []),
    { weight: 1, arbitrary: fc.double() }, // anything, NaN and +-Infinity included
  ];
  return fc.oneof(...branches);
}

/** Gradient elements: ordinary values, signed zeros, subnormals (float64 and float32), huge values (squares overflow), anything. */
export const gradientValue = gradientValues({ hugeRange: false });

/** gradientValue with one more branch: huge values drawn from the whole range 1e15..Number.MAX_VALUE, not only a few constants. */
export const wideGradientValue = gradientValues({ hugeRange: true });

export const paramValue = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** Ordinary gradients only: runs where every element stays finite and the comparison has bits to compare. */
export const ordinaryGradient = fc.oneof(
  { weight: 9, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0) },
);

/** x0 (paramValue elements) and a gradient stream from the given element arbitrary: 1..8 elements, 1..20 steps. */
export function streamOf(grad: fc.Arbitrary<number>) {
  return fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 })).chain(([n, steps]) =>
    fc.record({
      x0: fc.array(paramValue, { minLength: n, maxLength: n }),
      grads: fc.array(fc.array(grad, { minLength: n, maxLength: n }), { minLength: steps, maxLength: steps }),
    }),
  );
}

// ---- comparison --------------------------------------------------------------------------------

/** The first element where two vectors differ as values (Object.is: -0 is not 0, NaN is NaN whatever its payload). */
export function firstDifference(what: string, actual: ArrayLike<number> | undefined, expected: ArrayLike<number>): string | null {
  if (actual === undefined) return `${what}: missing`;
  if (actual.length !== expected.length) return `${what}: length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      return `${what}[${i}]: ${actual[i]} (0x${bitsOf64(actual[i]).toString(16)}), expected ${expected[i]} (0x${bitsOf64(expected[i]).toString(16)})`;
    }
  }
  return null;
}

/**
 * State to load into an adapter before one step (the runner's re-anchored mode): params, gradient,
 * v, m, b of 1..maxLength elements and any step count (lr decay and bias correction depend on it).
 */
export function loadedState(maxLength: number) {
  return fc.integer({ min: 1, max: maxLength }).chain((n) => {
    const vec = (value: fc.Arbitrary<number>) => fc.array(value, { minLength: n, maxLength: n });
    return fc.record({
      params: vec(paramValue),
      grad: vec(wideGradientValue),
      v: vec(fc.oneof(nonNegative(100), fc.constant(0), fc.double({ min: 0, max: MIN_NORMAL32, noNaN: true }))),
      m: vec(fc.double({ min: -10, max: 10, noNaN: true })),
      b: vec(fc.double({ min: -10, max: 10, noNaN: true })),
      step: fc.integer({ min: 0, max: 1000 }),
    });
  });
}
