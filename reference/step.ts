// One RMSprop step as a pure function of (state, params, grad, variant), evaluated in the
// arithmetic of a dtype. In float64 this is the golden reference; in float32 it is the emulation of
// a framework's kernels, operation by operation, in the order the variant's axes prescribe.

import { arithmeticFor, type Arithmetic, type Dtype } from './arithmetic.js';
import type { FmaSite, Variant } from './variant.js';

export interface OptimizerState {
  /** Steps taken so far. */
  step: number;
  /** Second-moment accumulator. */
  v: Float64Array;
  /** Mean-gradient accumulator (centered); zeros otherwise. */
  m: Float64Array;
  /** Momentum buffer (for 'graves', the signed delta); zeros when momentum is off. */
  b: Float64Array;
}

export interface StepResult {
  state: OptimizerState;
  params: Float64Array;
}

export function initialState(variant: Variant, dtype: Dtype, n: number): OptimizerState {
  const A = arithmeticFor(dtype);
  return {
    step: 0,
    v: new Float64Array(n).fill(A.round(variant.initialAccumulator)),
    m: new Float64Array(n),
    b: new Float64Array(n),
  };
}

/** Scalars of one step, already in the dtype, computed the way the framework computes them. */
export interface StepScalars {
  lr: number;
  decay: number;
  oneMinusDecay: number;
  eps: number;
  momentum: number;
  weightDecay: number;
  rescale: number;
  clip: number | null;
  /** Global-norm clip factor applied to g (1 when not clipping). */
  normScale: number;
  /** 1 - decay^t when bias-correcting, else 1. */
  biasCorrection: number;
  /** Whether the momentum path runs at all this step. */
  useMomentum: boolean;
}

/** A hyperparameter as the framework hands it to the kernel: possibly float32-rounded on the host, then cast to the dtype. */
function hostValue(variant: Variant, name: 'lr' | 'decay' | 'eps' | 'momentum' | 'weightDecay' | 'rescale' | 'lrDecay'): number {
  const x = variant[name];
  return variant.float32Hyperparameters.includes(name) ? Math.fround(x) : x;
}

export function stepScalars(variant: Variant, A: Arithmetic, step: number, grad: Float64Array): StepScalars {
  const decayHost = hostValue(variant, 'decay');
  const decay = A.round(decayHost);
  const oneMinusDecay = variant.oneMinusDecay === 'host' ? A.round(1 - decayHost) : A.sub(A.round(1), decay);
  let lr = A.round(hostValue(variant, 'lr'));
  if (variant.lrDecay > 0) {
    const t = A.round(step);
    const denominator = A.add(A.round(1), A.mul(A.round(hostValue(variant, 'lrDecay')), t));
    lr = variant.lrSchedule === 'inverse-time' ? A.div(lr, denominator) : A.mul(lr, A.div(A.round(1), denominator));
  }
  const momentum = A.round(hostValue(variant, 'momentum'));
  let normScale = 1;
  if (variant.clipNorm !== null) {
    let sum = 0;
    for (const g of grad) sum = A.add(sum, A.mul(g, g));
    const norm = A.sqrt(sum);
    const bound = A.round(variant.clipNorm);
    if (norm > bound) normScale = A.div(bound, norm);
  }
  return {
    lr,
    decay,
    oneMinusDecay,
    eps: A.round(hostValue(variant, 'eps')),
    momentum,
    weightDecay: A.round(hostValue(variant, 'weightDecay')),
    rescale: A.round(hostValue(variant, 'rescale')),
    clip: variant.clip === null ? null : A.round(variant.clip),
    normScale,
    biasCorrection: variant.biasCorrection ? A.round(1 - decayHost ** (step + 1)) : 1,
    useMomentum: variant.momentumAlways || variant.momentum !== 0,
  };
}

/** Per-element result: new param and accumulators. */
export interface ElementState {
  p: number;
  v: number;
  m: number;
  b: number;
}

/**
 * One element of one step. Exported so that adapters written in other arithmetic (typed arrays,
 * WASM, GPU) can be checked op by op against it.
 */
export function stepElement(
  variant: Variant,
  A: Arithmetic,
  S: StepScalars,
  p: number,
  g: number,
  v: number,
  m: number,
  b: number,
): ElementState {
  const fused = (site: FmaSite) => variant.fma.includes(site);
  // a*b + c, contracted where the framework's kernel contracts it.
  const madd = (site: FmaSite, x: number, y: number, c: number) => (fused(site) ? A.fma(x, y, c) : A.add(A.mul(x, y), c));

  // Decoupled weight decay acts on the parameter before the step (Keras 3 _apply_weight_decay).
  if (variant.weightDecayKind === 'decoupled' && variant.weightDecay !== 0) {
    const shrink = variant.decoupledScaledByLr ? A.mul(A.mul(p, S.weightDecay), S.lr) : A.mul(p, S.weightDecay);
    p = A.sub(p, shrink);
  }

  // Gradient preprocessing.
  if (variant.maximize) g = -g;
  if (S.rescale !== 1) g = A.mul(S.rescale, g);
  const coupled = variant.weightDecayKind === 'coupled' && variant.weightDecay !== 0;
  if (coupled && variant.weightDecayBeforeClip) g = madd('weight-decay', S.weightDecay, p, g);
  if (S.clip !== null) g = g > S.clip ? S.clip : g < -S.clip ? -S.clip : g;
  if (S.normScale !== 1) g = A.mul(g, S.normScale);
  if (coupled && !variant.weightDecayBeforeClip) g = madd('weight-decay', S.weightDecay, p, g);

  // Second moment.
  const w = S.oneMinusDecay;
  if (variant.emaForm === 'increment') {
    v = madd('ema', A.sub(A.mul(g, g), v), w, v);
  } else if (variant.emaForm === 'lerp') {
    v = lerp(A, fused('ema'), v, A.mul(g, g), w);
  } else {
    const kept = A.mul(S.decay, v);
    v = variant.squareGrouping === '((1-b)*g)*g' ? madd('ema', A.mul(w, g), g, kept) : madd('ema', w, A.mul(g, g), kept);
  }

  // Centered mean.
  if (variant.centered) {
    if (variant.meanForm === 'increment') m = madd('mean', A.sub(g, m), w, m);
    else if (variant.meanForm === 'lerp') m = lerp(A, fused('mean'), m, g, w);
    else m = madd('mean', w, g, A.mul(S.decay, m));
  }

  // Denominator: eps placement, centered grouping, scale form.
  const vHat = S.biasCorrection === 1 ? v : A.div(v, S.biasCorrection);
  const meanSquare = () => A.mul(m, m);
  const variance = () => (variant.centered ? (fused('centered') ? A.fma(-m, m, vHat) : A.sub(vHat, meanSquare())) : vHat);
  let denominator: number; // d, when dividing
  let scale = NaN; // s, when multiplying
  if (variant.epsPlacement === 'outside') {
    denominator = A.add(A.sqrt(variance()), S.eps);
    if (variant.scaleForm !== 'divide') scale = A.div(A.round(1), denominator);
  } else {
    let inner: number;
    if (!variant.centered) inner = A.add(vHat, S.eps);
    else if (variant.epsPlacement === 'inside-subtracted') inner = A.sub(vHat, A.add(meanSquare(), S.eps));
    else if (variant.centeredGrouping === '(v+eps)-m2') inner = A.sub(A.add(vHat, S.eps), meanSquare());
    else inner = A.add(variance(), S.eps);
    denominator = A.sqrt(inner);
    if (variant.scaleForm === 'rsqrt') scale = A.rsqrt(inner);
    else if (variant.scaleForm === 'reciprocal') scale = A.div(A.round(1), denominator);
  }
  const byDenominator = (x: number) => (variant.scaleForm === 'divide' ? A.div(x, denominator) : A.mul(x, scale));

  // Update and momentum.
  if (S.useMomentum && variant.momentumKind === 'lr-outside') {
    b = madd('momentum', S.momentum, b, byDenominator(g));
    p = fused('param') ? A.fma(-S.lr, b, p) : A.sub(p, A.mul(S.lr, b));
    return { p, v, m, b };
  }
  let u: number;
  if (variant.updateOrder === 'lr-first') u = byDenominator(A.mul(S.lr, g));
  else if (variant.updateOrder === 'lr-last') u = A.mul(S.lr, byDenominator(g));
  else u = A.mul(g, variant.scaleForm === 'divide' ? A.div(S.lr, denominator) : A.mul(S.lr, scale));

  if (!S.useMomentum) {
    p = A.sub(p, u);
  } else if (variant.momentumKind === 'graves') {
    b = A.sub(A.mul(S.momentum, b), u);
    p = A.add(p, b);
  } else if (variant.momentumKind === 'nesterov') {
    b = madd('momentum', S.momentum, b, u);
    p = A.sub(p, madd('momentum', S.momentum, b, u));
  } else {
    b = madd('momentum', S.momentum, b, u);
    p = A.sub(p, b);
  }
  return { p, v, m, b };
}

/**
 * ATen's lerp(start, end, weight): start + w*(end-start) for |w| < 0.5, else end - (end-start)*(1-w);
 * with FMA the vectorised kernel computes fma(w, end-start, start) or fma(w-1, end-start, end).
 */
function lerp(A: Arithmetic, fused: boolean, start: number, end: number, w: number): number {
  const diff = A.sub(end, start);
  if (Math.abs(w) < 0.5) return fused ? A.fma(w, diff, start) : A.add(start, A.mul(w, diff));
  return fused ? A.fma(A.sub(w, A.round(1)), diff, end) : A.sub(end, A.mul(diff, A.sub(A.round(1), w)));
}

/** One full step over all elements. Pure: inputs are not modified. */
export function step(variant: Variant, dtype: Dtype, state: OptimizerState, params: Float64Array, grad: Float64Array): StepResult {
  const n = params.length;
  if (grad.length !== n || state.v.length !== n) {
    throw new RangeError(`gradient has ${grad.length} elements, params ${n}, state ${state.v.length}`);
  }
  const A = arithmeticFor(dtype);
  // The gradient as the dtype holds it, once: the global norm (clipNorm) and the update see the same values.
  const g = Float64Array.from(grad, (x) => A.round(x));
  const S = stepScalars(variant, A, state.step, g);
  const out = new Float64Array(n);
  const next: OptimizerState = { step: state.step + 1, v: new Float64Array(n), m: new Float64Array(n), b: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const e = stepElement(variant, A, S, params[i]!, g[i]!, state.v[i]!, state.m[i]!, state.b[i]!);
    out[i] = e.p;
    next.v[i] = e.v;
    next.m[i] = e.m;
    next.b[i] = e.b;
  }
  return { state: next, params: out };
}
