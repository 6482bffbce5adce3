// The flag word and scalar arguments of the WASM step kernels, from a Variant and the step
// program's prepared StepScalars. The generated AssemblyScript (kernel-source.ts) takes its bit
// constants, condition tests and specialised words from here, so there is one copy of the layout.

import { conditionHolds, parseCondition, type ParsedCondition, type StepDefinition } from '../../reference/program/definition.js';
import type { StepScalars } from '../../reference/program/index.js';
import type { ElementOp } from '../../reference/program/ops.js';
import { RMSPROP } from '../../reference/program/rmsprop.js';
import { walkBlock } from '../../reference/program/walk.js';
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
export const F_FLUSH = 1 << 25;

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
  // The TF raw ops flush subnormals (reference/profiles/tensorflow.ts): the profile's word has F_FLUSH.
  tf_raw: (EPS.inside << EPS_SHIFT) | (EMA.increment << EMA_SHIFT) | F_MOMENTUM | F_FLUSH,
} as const;
export type FastKernel = keyof typeof FAST_KERNELS;

/**
 * One field of the flag word: the condition of the step program it answers (a bit, or a 2-bit
 * field holding an axis value's code), set only where it matters so that the word of a common
 * variant equals a FAST_KERNELS word. `scalar` takes the bit from the step's prepared scalars where
 * the kernel may skip an op that would be the identity this step (rescale, norm factor, bias
 * correction equal to 1).
 */
export interface FlagField {
  name: string;
  /** The condition ('axis=value' for a two-valued axis is the value that sets the bit), or the axis of a code field. */
  condition: string;
  bit?: number;
  shift?: number;
  values?: Readonly<Record<string, number>>;
  relevant?: (variant: Variant, S: StepScalars) => boolean;
  scalar?: (S: StepScalars) => boolean;
}

const lrOutsideMomentum = (v: Variant, S: StepScalars) => S.useMomentum && v.momentumKind === 'lr-outside';

export const FLAG_LAYOUT: readonly FlagField[] = [
  { name: 'F_DECOUPLED', condition: 'decoupled', bit: F_DECOUPLED },
  {
    name: 'F_DECOUPLED_LR',
    condition: 'decoupledScaledByLr',
    bit: F_DECOUPLED_LR,
    relevant: (v) => v.weightDecayKind === 'decoupled' && v.weightDecay !== 0,
  },
  { name: 'F_MAXIMIZE', condition: 'maximize', bit: F_MAXIMIZE },
  { name: 'F_RESCALE', condition: 'rescaled', bit: F_RESCALE, scalar: (S) => S.rescale !== 1 },
  { name: 'F_COUPLED', condition: 'coupled', bit: F_COUPLED },
  {
    name: 'F_WD_BEFORE_CLIP',
    condition: 'weightDecayBeforeClip',
    bit: F_WD_BEFORE_CLIP,
    relevant: (v) => v.weightDecayKind === 'coupled' && v.weightDecay !== 0,
  },
  { name: 'F_CLIP', condition: 'clipped', bit: F_CLIP, scalar: (S) => S.clip !== null },
  { name: 'F_NORM', condition: 'normClipped', bit: F_NORM, scalar: (S) => S.normScale !== 1 || S.normDivisor !== 1 },
  { name: 'EMA_SHIFT', condition: 'emaForm', shift: EMA_SHIFT, values: EMA },
  {
    name: 'F_SQUARE_WEIGHT_FIRST',
    condition: 'squareGrouping=((1-b)*g)*g',
    bit: F_SQUARE_WEIGHT_FIRST,
    relevant: (v) => v.emaForm === 'blend',
  },
  { name: 'F_CENTERED', condition: 'centered', bit: F_CENTERED },
  { name: 'MEAN_SHIFT', condition: 'meanForm', shift: MEAN_SHIFT, values: EMA, relevant: (v) => v.centered },
  { name: 'F_BIAS', condition: 'biasCorrection', bit: F_BIAS, scalar: (S) => S.biasCorrection !== 1 },
  { name: 'EPS_SHIFT', condition: 'epsPlacement', shift: EPS_SHIFT, values: EPS },
  {
    name: 'F_EPS_FIRST',
    condition: 'centeredGrouping=(v+eps)-m2',
    bit: F_EPS_FIRST,
    relevant: (v) => v.centered && v.epsPlacement === 'inside',
  },
  { name: 'SCALE_SHIFT', condition: 'scaleForm', shift: SCALE_SHIFT, values: SCALE },
  // lr-outside momentum ignores the update order; keep the word canonical so it can hit a fast kernel.
  {
    name: 'ORDER_SHIFT',
    condition: 'updateOrder',
    shift: ORDER_SHIFT,
    values: ORDER,
    relevant: (v, S) => !lrOutsideMomentum(v, S),
  },
  { name: 'F_MOMENTUM', condition: 'momentum', bit: F_MOMENTUM, scalar: (S) => S.useMomentum },
  { name: 'KIND_SHIFT', condition: 'momentumKind', shift: KIND_SHIFT, values: KIND, relevant: (_v, S) => S.useMomentum },
  // Not a branch of the program but its rounding rule (DAZ + FTZ): the kernel flushes with a compare-and-select.
  { name: 'F_FLUSH', condition: 'flushSubnormals', bit: F_FLUSH },
];

/** First bit free for conditions the layout does not name: a new axis gets one without an edit here. */
const FIRST_FREE_BIT = 26;
/** Conditions the kernel decides without the word: FMA sites (none in WASM) and lerp's branch (from w). */
const NOT_IN_WORD = (c: ParsedCondition) => c.kind === 'fma' || c.name === 'smallWeight';

/** The layout for a definition: the fixed fields, then one bit per condition they do not cover. */
export function flagLayout(definition: StepDefinition<Variant> = RMSPROP): readonly FlagField[] {
  let layout = layouts.get(definition);
  if (!layout) layouts.set(definition, (layout = buildLayout(definition)));
  return layout;
}

const layouts = new WeakMap<StepDefinition<Variant>, readonly FlagField[]>();

function buildLayout(definition: StepDefinition<Variant>): readonly FlagField[] {
  const covered = (c: ParsedCondition) => FLAG_LAYOUT.some((f) => f.condition === c.name || f.condition.startsWith(`${c.name}=`));
  const extra = new Set<string>();
  walkBlock<ElementOp>(definition.element, () => 'runtime', {
    op: () => undefined,
    runtime: (when, then, otherwise) => {
      for (const text of when) {
        const c = parseCondition(text, definition.conditions);
        if (!NOT_IN_WORD(c) && !covered(c)) extra.add(text.replace(/^!/, ''));
      }
      then();
      otherwise();
    },
  });
  const added = [...extra].map((condition, k): FlagField => ({
    name: `F_EXTRA_${k}`,
    condition,
    bit: 1 << (FIRST_FREE_BIT + k),
  }));
  // Bits 26..31 (bit 31 is the i32's sign bit: & and != 0 still test it). Six extra conditions fit;
  // a seventh needs a second word.
  if (FIRST_FREE_BIT + added.length > 32)
    throw new Error(`wasm kernel: ${added.length} extra conditions do not fit in the flag word`);
  return [...FLAG_LAYOUT, ...added];
}

/** How the generated kernel tests a condition on the word (null: not a word condition). */
export function flagTest(layout: readonly FlagField[], definition: StepDefinition<Variant>, condition: string): string | null {
  const c = parseCondition(condition, definition.conditions);
  if (NOT_IN_WORD(c)) return null;
  const field = layout.find(
    (f) => f.condition === c.name || f.condition === `${c.name}=${c.value}` || f.condition.startsWith(`${c.name}=`),
  );
  if (!field) throw new Error(`wasm kernel: no flag for condition '${condition}'`);
  let test: string;
  if (field.shift !== undefined) {
    const code = field.values?.[c.value ?? ''];
    if (code === undefined) throw new Error(`wasm kernel: no code for '${condition}'`);
    test = `((flags >> ${field.name}) & 3) == ${code}`;
  } else {
    const setsBit = field.condition === c.name || field.condition === `${c.name}=${c.value}`;
    test = `(flags & ${field.name}) ${setsBit ? '!=' : '=='} 0`;
  }
  return c.negated ? `!(${test})` : `(${test})`;
}

/** The flag word of one step: every field of the layout, read off the variant and the step's scalars. */
export function stepFlags(variant: Variant, S: StepScalars, definition: StepDefinition<Variant> = RMSPROP): number {
  let word = 0;
  const env = S as unknown as Readonly<Record<string, number | undefined>>;
  for (const f of flagLayout(definition)) {
    if (f.relevant && !f.relevant(variant, S)) continue;
    if (f.shift !== undefined)
      word |= (f.values?.[String((variant as unknown as Record<string, unknown>)[f.condition])] ?? 0) << f.shift;
    else if (f.scalar ? f.scalar(S) : conditionHolds(definition, f.condition, variant, env)) word |= f.bit!;
  }
  return word;
}

/** The constants of the generated AssemblyScript: bits and shifts by name. */
export function flagConstants(layout: readonly FlagField[]): Record<string, number> {
  return Object.fromEntries(layout.map((f) => [f.name, f.shift ?? f.bit!]));
}

/** The name of the branch-free kernel for a word, or null for the general one. */
export function fastKernelFor(word: number): FastKernel | null {
  for (const [name, w] of Object.entries(FAST_KERNELS)) if (w === word) return name as FastKernel;
  return null;
}

/** Scalar arguments after the flag word: lr, decay, w, eps, mu, wd, rescale, clip, normScale, biasCorrection, normDivisor. */
export function stepArguments(
  S: StepScalars,
): [number, number, number, number, number, number, number, number, number, number, number] {
  return [
    S.lr,
    S.decay,
    S.oneMinusDecay,
    S.eps,
    S.momentum,
    S.weightDecay,
    S.rescale,
    S.clip ?? 0,
    S.normScale,
    S.biasCorrection,
    S.normDivisor,
  ];
}
