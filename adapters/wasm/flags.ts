// The flag word and scalar arguments of the WASM step kernels, from a Variant and the step
// program's prepared StepScalars. The generated AssemblyScript (kernel-source.ts) takes its bit
// constants, condition tests and specialised words from here, so there is one copy of the layout.

import type { StepScalars } from '../../reference/program/index.js';
import type { Variant } from '../../reference/variant.js';

export const F_DECOUPLED = 1 << 0;
export const F_DECOUPLED_LR = 1 << 1;
export const F_MAXIMIZE = 1 << 2;
export const F_RESCALE = 1 << 3;
export const F_COUPLED = 1 << 4;
export const F_WD_BEFORE_CLIP = 1 << 5;
export const F_CLIP = 1 << 6;
export const F_NORM = 1 << 7;
export const EMA_SHIFT = 8;
export const F_SQUARE_WEIGHT_FIRST = 1 << 10;
export const F_CENTERED = 1 << 11;
export const MEAN_SHIFT = 12;
export const F_BIAS = 1 << 14;
export const EPS_SHIFT = 15;
export const F_EPS_FIRST = 1 << 17;
export const SCALE_SHIFT = 18;
export const ORDER_SHIFT = 20;
export const F_MOMENTUM = 1 << 22;
export const KIND_SHIFT = 23;

const EMA = { blend: 0, increment: 1, lerp: 2 } as const;
const EPS = { outside: 0, inside: 1, 'inside-subtracted': 2 } as const;
const SCALE = { divide: 0, rsqrt: 1, reciprocal: 2 } as const;
const ORDER = { 'lr-first': 0, 'lr-last': 1, 'lr-over-d': 2 } as const;
const KIND = { 'lr-inside': 0, 'lr-outside': 1, graves: 2, nesterov: 3 } as const;

/** Combinations with their own branch-free export step_<dtype>_<name>; the words match rmsprop.as. */
export const FAST_KERNELS = {
  plain_outside: 0,
  torch: F_SQUARE_WEIGHT_FIRST,
  torch_momentum: F_SQUARE_WEIGHT_FIRST | F_MOMENTUM | (KIND['lr-outside'] << KIND_SHIFT),
  plain_inside: EPS.inside << EPS_SHIFT,
  tfjs: (EPS.inside << EPS_SHIFT) | F_MOMENTUM,
  tf_raw: (EPS.inside << EPS_SHIFT) | (EMA.increment << EMA_SHIFT) | F_MOMENTUM,
} as const;
export type FastKernel = keyof typeof FAST_KERNELS;

/**
 * The flag word of one step. Conditions are exactly the reference's (stepElement): the weight-decay
 * branches test the variant's weightDecay, the others the step's scalars.
 */
export function stepFlags(variant: Variant, S: StepScalars): number {
  let f = 0;
  if (variant.weightDecayKind === 'decoupled' && variant.weightDecay !== 0) {
    f |= F_DECOUPLED;
    if (variant.decoupledScaledByLr) f |= F_DECOUPLED_LR;
  }
  if (variant.maximize) f |= F_MAXIMIZE;
  if (S.rescale !== 1) f |= F_RESCALE;
  if (variant.weightDecayKind === 'coupled' && variant.weightDecay !== 0) {
    f |= F_COUPLED;
    if (variant.weightDecayBeforeClip) f |= F_WD_BEFORE_CLIP;
  }
  if (S.clip !== null) f |= F_CLIP;
  if (S.normScale !== 1) f |= F_NORM;
  f |= EMA[variant.emaForm] << EMA_SHIFT;
  if (variant.emaForm === 'blend' && variant.squareGrouping === '((1-b)*g)*g') f |= F_SQUARE_WEIGHT_FIRST;
  if (variant.centered) {
    f |= F_CENTERED;
    f |= EMA[variant.meanForm] << MEAN_SHIFT;
    if (variant.epsPlacement === 'inside' && variant.centeredGrouping === '(v+eps)-m2') f |= F_EPS_FIRST;
  }
  if (S.biasCorrection !== 1) f |= F_BIAS;
  f |= EPS[variant.epsPlacement] << EPS_SHIFT;
  f |= SCALE[variant.scaleForm] << SCALE_SHIFT;
  if (S.useMomentum) {
    f |= F_MOMENTUM;
    f |= KIND[variant.momentumKind] << KIND_SHIFT;
  }
  // lr-outside momentum ignores the update order; keep the word canonical so it can hit a fast kernel.
  if (!(S.useMomentum && variant.momentumKind === 'lr-outside')) f |= ORDER[variant.updateOrder] << ORDER_SHIFT;
  return f;
}

/** The name of the branch-free kernel for a word, or null for the general one. */
export function fastKernelFor(word: number): FastKernel | null {
  for (const [name, w] of Object.entries(FAST_KERNELS)) if (w === word) return name as FastKernel;
  return null;
}

/** Scalar arguments after the flag word: lr, decay, w, eps, mu, wd, rescale, clip, normScale, biasCorrection. */
export function stepArguments(S: StepScalars): [number, number, number, number, number, number, number, number, number, number] {
  return [S.lr, S.decay, S.oneMinusDecay, S.eps, S.momentum, S.weightDecay, S.rescale, S.clip ?? 0, S.normScale, S.biasCorrection];
}

/** The bit constants by name, for the generated AssemblyScript (adapters/wasm/kernel-source.ts). */
export const FLAG_CONSTANTS: Readonly<Record<string, number>> = {
  F_DECOUPLED, F_DECOUPLED_LR, F_MAXIMIZE, F_RESCALE, F_COUPLED, F_WD_BEFORE_CLIP, F_CLIP, F_NORM, EMA_SHIFT,
  F_SQUARE_WEIGHT_FIRST, F_CENTERED, MEAN_SHIFT, F_BIAS, EPS_SHIFT, F_EPS_FIRST, SCALE_SHIFT, ORDER_SHIFT, F_MOMENTUM, KIND_SHIFT,
};

/**
 * How the general kernel tests a condition of the step program on the flag word: a bit (for a
 * two-valued axis, set when it has value `set`), or a 2-bit field holding an axis value's code.
 * Each test reads what stepFlags writes.
 */
export type FlagTest = { bit: string; set?: string } | { shift: string; values: Readonly<Record<string, number>> };
export const CONDITION_FLAGS: Readonly<Record<string, FlagTest>> = {
  decoupled: { bit: 'F_DECOUPLED' },
  decoupledScaledByLr: { bit: 'F_DECOUPLED_LR' },
  maximize: { bit: 'F_MAXIMIZE' },
  rescaled: { bit: 'F_RESCALE' },
  coupled: { bit: 'F_COUPLED' },
  weightDecayBeforeClip: { bit: 'F_WD_BEFORE_CLIP' },
  clipped: { bit: 'F_CLIP' },
  normClipped: { bit: 'F_NORM' },
  emaForm: { shift: 'EMA_SHIFT', values: EMA },
  squareGrouping: { bit: 'F_SQUARE_WEIGHT_FIRST', set: '((1-b)*g)*g' },
  centered: { bit: 'F_CENTERED' },
  meanForm: { shift: 'MEAN_SHIFT', values: EMA },
  biasCorrection: { bit: 'F_BIAS' },
  epsPlacement: { shift: 'EPS_SHIFT', values: EPS },
  centeredGrouping: { bit: 'F_EPS_FIRST', set: '(v+eps)-m2' },
  scaleForm: { shift: 'SCALE_SHIFT', values: SCALE },
  updateOrder: { shift: 'ORDER_SHIFT', values: ORDER },
  momentum: { bit: 'F_MOMENTUM' },
  momentumKind: { shift: 'KIND_SHIFT', values: KIND },
};
