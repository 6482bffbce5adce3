// The discriminating probes of `identify`: each is a few canonical hyperparameters, a starting
// point and a short gradient stream, chosen so that some axis changes the result by far more than
// the tolerance. A probe runs once per dtype it applies to (a probe instance).
//
// Hyperparameters a probe leaves out are the implementation's choice (eps in eps-default, the
// initial accumulator everywhere): the adapter receives its claimed profile's default, and every
// candidate profile is predicted with its own default.
//
// Amplified probes append a copy of their elements whose x0 is minus the final position the
// adapter's claimed variant reaches from 0: on those elements the last step cancels to nearly 0,
// so a 1-ulp difference in any step's update (an FMA, a rounding of 1-decay, lr*(g/d) against
// (lr*g)/d) becomes a difference of many ulps in the result, while an implementation that computes
// exactly what a candidate computes still agrees with it bit for bit.

import type { Dtype } from '../../reference/arithmetic.js';
import type { Settings } from '../../reference/resolve.js';
import { replaySource, runTrajectory, toDtype } from '../../reference/trajectory.js';
import type { Variant } from '../../reference/variant.js';

export interface ProbeSpec {
  id: string;
  describe: string;
  /** Axes (and the pseudo-axes eps, initialAccumulator) the probe is built to expose. */
  targets: readonly string[];
  dtypes: readonly Dtype[];
  /** Canonical hyperparameters ('rho' for decay, as the suites write it). */
  settings: Settings;
  /** Gradients per step, before rounding to the dtype. */
  grads(dtype: Dtype): number[][];
  /** Starting point (before amplification), default all ones. */
  x0?(dtype: Dtype): number[];
  /** Append cancellation copies of every element (see the file comment). */
  amplify?: boolean;
}

/** One probe in one dtype, with its inputs in the dtype. */
export interface ProbeInstance {
  /** 'centered/float32' */
  key: string;
  probe: ProbeSpec;
  dtype: Dtype;
  settings: Settings;
  x0: Float64Array;
  grads: Float64Array[];
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** steps x n gradients with random signs and magnitudes spread over [2^-4, 2^1). */
function randomGrads(seed: number, steps: number, n: number): number[][] {
  const r = uniform(seed);
  return Array.from({ length: steps }, () =>
    Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * 2 ** (-4 + 5 * r()) * (1 + r())),
  );
}

/** Nearly constant gradients per element (v - m^2 cancels in the centered denominator). */
function steadyGrads(seed: number, steps: number, n: number): number[][] {
  const r = uniform(seed);
  const base = Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * (0.05 + 2 * r()));
  return Array.from({ length: steps }, () => base.map((c) => c * (1 + 0.02 * (r() - 0.5))));
}

const ALTERNATE = (values: readonly number[], steps: number): number[][] =>
  Array.from({ length: steps }, (_, t) => values.map((x, i) => ((i + t) % 2 === 0 ? x : -x) * (1 + 0.25 * t)));

const BOTH: readonly Dtype[] = ['float32', 'float64'];

export const PROBES: readonly ProbeSpec[] = [
  {
    id: 'first-step',
    describe:
      'one step from 1 with |g| from 1e-3 to 7: the first step is ~3.2*lr from a zero accumulator, ~lr from an accumulator of 1',
    targets: ['initialAccumulator'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-8, momentum: 0, centered: false },
    grads: () => [[1, -0.5, 2, 0.25, -3, 0.001, 7, -0.1]],
  },
  {
    id: 'eps-placement',
    describe:
      'eps 1e-6 and tiny gradients (1e-5..3e-3, one zero first gradient): v ~ eps, so sqrt(v)+eps and sqrt(v+eps) differ by orders of magnitude',
    targets: ['epsPlacement', 'scaleForm'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-6, momentum: 0, centered: false },
    grads: () => {
      const g = ALTERNATE([1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 2e-4, 5e-5], 3);
      g[0][6] = 0; // a zero first gradient
      return g;
    },
  },
  {
    id: 'eps-default',
    describe: 'eps left to the implementation, |g| from 1e-7 to 1: each default eps (0, 1e-10 .. 1e-4) bends a different element',
    targets: ['eps'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, momentum: 0, centered: false },
    grads: () => ALTERNATE([1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1], 3),
    amplify: true,
  },
  {
    id: 'ema-rounding',
    describe: 'decay 0.9, 6 random steps, amplified: blend vs increment EMA, (1-decay) on the host vs in the dtype, lr order',
    targets: ['emaForm', 'squareGrouping', 'oneMinusDecay', 'updateOrder', 'scaleForm', 'fma'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-8, momentum: 0, centered: false },
    grads: () => randomGrads(11, 6, 16),
    amplify: true,
  },
  {
    id: 'square-overflow',
    describe:
      'gradients near sqrt(max float) (2e19 in float32, 1.5e154 in float64): (1-b)*(g*g) overflows to Inf, ((1-b)*g)*g does not',
    targets: ['squareGrouping', 'emaForm'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-8, momentum: 0, centered: false },
    grads: (dtype) => {
      const big = dtype === 'float32' ? [2e19, -2.5e19, 3e19] : [1.4e154, -2e154, 2.4e154];
      return Array.from({ length: 3 }, (_, t) => [...big.map((x) => (t % 2 === 0 ? x : -x)), 1, -2, 0.5]);
    },
  },
  {
    id: 'ema-fma',
    describe: 'decay 0.99, 6 random steps, amplified: a fused multiply-add in the v update shows from step 2',
    targets: ['fma', 'squareGrouping', 'emaForm'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.99, eps: 1e-8, momentum: 0, centered: false },
    grads: () => randomGrads(23, 6, 16),
    amplify: true,
  },
  {
    id: 'momentum',
    describe:
      'momentum 0.9, 4 random steps, amplified, buffer compared: lr inside (b holds lr*g/d) vs outside (b holds g/d) the buffer, Graves, Nesterov',
    targets: ['momentumKind', 'updateOrder', 'fma'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-8, momentum: 0.9, centered: false },
    grads: () => randomGrads(37, 4, 16),
    amplify: true,
  },
  {
    id: 'centered-zero-first',
    describe: 'centered, eps 1e-6, zero first gradient: v = m = 0, so sqrt(v - (m^2 + eps)) is NaN where eps is subtracted',
    targets: ['epsPlacement', 'centeredGrouping'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-6, momentum: 0, centered: true },
    grads: () => [new Array<number>(8).fill(0), ...randomGrads(41, 2, 8)],
  },
  {
    id: 'centered',
    describe:
      'centered, eps 1e-6, 6 nearly constant gradients (v - m^2 cancels), amplified: (v-m2)+eps vs (v+eps)-m2, mean blend vs lerp, fused v - m*m',
    targets: ['centeredGrouping', 'meanForm', 'epsPlacement', 'fma'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-6, momentum: 0, centered: true },
    grads: () => steadyGrads(53, 6, 8),
    amplify: true,
  },
  {
    id: 'hyperparameter-rounding',
    describe:
      'float64 with lr 0.1, decay 0.9, eps 1e-7 (none representable in float32), amplified: hyperparameters rounded to float32 first',
    targets: ['float32Hyperparameters'],
    dtypes: ['float64'],
    settings: { lr: 0.1, rho: 0.9, eps: 1e-7, momentum: 0, centered: false },
    grads: () => randomGrads(67, 3, 16),
    amplify: true,
  },
  {
    id: 'weight-decay',
    describe:
      'weight decay 0.1 at lr 0.1 from parameters of both signs up to 4: coupled (g + wd*p) vs decoupled (p - p*wd*lr or p - p*wd)',
    targets: ['weightDecayKind', 'decoupledScaledByLr'],
    dtypes: BOTH,
    settings: { lr: 0.1, rho: 0.9, eps: 1e-8, momentum: 0, centered: false, weightDecay: 0.1 },
    grads: () => randomGrads(71, 4, 8),
    x0: () => [2, -3, 0.5, -1, 4, -0.25, 1.5, -2],
  },
  {
    id: 'clip',
    describe:
      'elementwise clip 0.5 with weight decay 0.2 from parameters of +-3: g + wd*p crosses the bound, so adding the decay before or after clipping differs',
    targets: ['weightDecayBeforeClip'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-8, momentum: 0, centered: false, clip: 0.5, weightDecay: 0.2 },
    grads: () =>
      Array.from({ length: 3 }, (_, t) => [0.4, -0.4, 0.45, -0.45, 0.3, -0.6, -0.2, 0.2].map((x) => (t % 2 === 0 ? x : -x))),
    x0: () => [3, -3, 1, -1, 0.2, -0.2, 2, -2],
  },
  {
    id: 'clip-norm',
    describe: 'global-norm clip 1 with gradient norms from 0.5 to 6: g * (1/||g||) applied to the whole vector, not per element',
    targets: ['clipNorm'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-8, momentum: 0, centered: false, clipNorm: 1 },
    grads: () => [
      [0.1, -0.2, 0.3, -0.1, 0.05, 0.2],
      [2, -1, 0.5, 3, -4, 1],
      [0.3, 0.3, -0.3, 0.3, -0.3, 0.3],
    ],
  },
  {
    id: 'non-finite',
    describe:
      'NaN, +Inf and -Inf gradients at step 2, a persistent zero and a zero first gradient, momentum 0: what each does to the parameter and the accumulator',
    targets: ['momentumAlways', 'nonFiniteGradients'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-8, momentum: 0, centered: false },
    grads: () => nonFiniteGrads(79),
  },
  {
    id: 'non-finite-momentum',
    describe: 'the same non-finite and zero gradients with momentum 0.9: they stay in the momentum buffer',
    targets: ['momentumKind', 'nonFiniteGradients'],
    dtypes: BOTH,
    settings: { lr: 0.01, rho: 0.9, eps: 1e-8, momentum: 0.9, centered: false },
    grads: () => nonFiniteGrads(83),
  },
  {
    id: 'lr-schedule',
    describe:
      'inverse-time learning-rate decay 0.3 over 5 random steps, amplified: lr/(1+k*t) vs lr*(1/(1+k*t)), and t counted from 0',
    targets: ['lrSchedule'],
    dtypes: BOTH,
    settings: { lr: 0.1, rho: 0.9, eps: 1e-8, momentum: 0, centered: false, lrDecay: 0.3 },
    grads: () => randomGrads(89, 5, 16),
    amplify: true,
  },
  {
    id: 'compute-precision',
    describe: 'float32, decay 0.95, 8 random steps, amplified: computed in float32 or in float64 and stored as float32',
    targets: ['computeDtype'],
    dtypes: ['float32'],
    settings: { lr: 0.01, rho: 0.95, eps: 1e-8, momentum: 0, centered: false },
    grads: () => randomGrads(97, 8, 16),
    amplify: true,
  },
];

/** Precisions no probe covers, with the reason (reported as not probed). */
export const UNPROBED_PRECISIONS: Readonly<Record<string, string>> = {
  float16:
    'no identify probe runs float16 (the reference has its arithmetic for the torch profiles only: compare with conform --dtype float16)',
  bfloat16:
    'no identify probe runs bfloat16 (the reference has its arithmetic for the torch profiles only: compare with conform --dtype bfloat16)',
};

/** A few non-finite and zero gradients at step 2 among ordinary ones (NaN, +Inf, -Inf, zeros). */
function nonFiniteGrads(seed: number): number[][] {
  const g = randomGrads(seed, 4, 8);
  g[1][0] = NaN;
  g[1][1] = Infinity;
  g[1][2] = -Infinity;
  for (const row of g) row[3] = 0; // a persistent zero gradient: 0/(0 + eps)
  g[0][4] = 0; // a zero first gradient: 0/(sqrt(0) + eps)
  return g;
}

/**
 * The probe's inputs in a dtype. caseVariant is the variant the adapter is handed (its claimed
 * profile with the probe's settings): amplified elements cancel against its trajectory.
 */
export function instantiateProbe(probe: ProbeSpec, dtype: Dtype, caseVariant: Variant | null): ProbeInstance {
  const grads0 = probe.grads(dtype).map((g) => toDtype(dtype, g));
  const n0 = grads0[0].length;
  const x00 = toDtype(dtype, probe.x0?.(dtype) ?? new Array<number>(n0).fill(1));
  let x0 = x00;
  let grads = grads0;
  if (probe.amplify) {
    let cancel = new Float64Array(n0).fill(1);
    if (caseVariant) {
      const t = runTrajectory(caseVariant, dtype, new Float64Array(n0), grads0.length, replaySource(grads0));
      const end = t.points[t.points.length - 1].params;
      cancel = Float64Array.from(end, (p) => (Number.isFinite(p) && p !== 0 ? -p : 1));
    }
    x0 = Float64Array.from([...x00, ...cancel]);
    grads = grads0.map((g) => Float64Array.from([...g, ...g]));
  }
  return { key: `${probe.id}/${dtype}`, probe, dtype, settings: probe.settings, x0, grads };
}
