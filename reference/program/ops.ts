// The vocabulary of a step program: operands, operations and the decision blocks that choose
// between them. A program is data: generators (adapters) and interpreters (reference) walk it; none
// of them knows RMSprop.

/** Vectors of the optimizer, one element each per parameter. Writes to them are stored (storage dtype). */
export const VECTORS = ['p', 'g', 'v', 'm', 'b'] as const;
export type VectorName = (typeof VECTORS)[number];

/**
 * Stages only the reference runs: no adapter declares their hyperparameter (useEma), so the check
 * of a case against an adapter's capabilities refuses them before any kernel is generated. Their
 * vector and scalars are read by the reference's interpreter only: the weight average 'a' (slot 5)
 * and the weight-EMA momentum and its complement.
 */
export const REFERENCE_ONLY_VECTORS = ['a'] as const;
export const REFERENCE_ONLY_SCALARS = ['emaMomentum', 'emaOneMinus'] as const;

/** Per-step scalars the element stage reads, prepared by the scalar stage. */
export const STEP_SCALARS = [
  'lr',
  'decay',
  'oneMinusDecay',
  'eps',
  'momentum',
  'weightDecay',
  'rescale',
  'clip',
  'normScale',
  'biasCorrection',
  'normDivisor',
] as const;
export type StepScalarName = (typeof STEP_SCALARS)[number];
/** Scalars an element op may read: the prepared ones and the constant 1 of the compute dtype. */
export type ScalarName = StepScalarName | 'one';

export type Operand = { readonly vector: VectorName } | { readonly temp: string } | { readonly scalar: ScalarName };

/** Elementwise operations. fma rounds once; neg and clip are exact (no rounding). */
export type ElementKind = 'add' | 'sub' | 'mul' | 'div' | 'sqrt' | 'rsqrt' | 'neg' | 'fma' | 'clip' | 'copy';

/**
 * Where an op's result is rounded: 'compute' (a temporary, in the compute dtype), 'storage' (written
 * into a named vector, in its storage dtype) or 'exact' (neg, clip and copies never round).
 */
export type Rounding = 'compute' | 'storage' | 'exact';

export interface ElementOp {
  readonly kind: ElementKind;
  readonly out: Operand;
  readonly args: readonly Operand[];
  readonly rounding: Rounding;
  /** The fused multiply-add site this op implements, when it comes from one (fma or its unfused mul/add). */
  readonly site?: string;
  /**
   * The framework op this op is part of where a framework computes it as one kernel (PyTorch's
   * addcmul, addcdiv, lerp): in bfloat16/float16 its intermediates stay in the compute precision and
   * only the last op rounds to the tensor dtype (reference/program/rounding.ts, applyOpBoundaries).
   */
  readonly fused?: { readonly op: string; readonly last?: boolean };
}

/**
 * Scalar preparation. 'host' ops compute in float64 (a Python or JS number), 'compute' ops in the
 * compute dtype of the rounding rule; 'cast' rounds a host value into the compute dtype.
 */
export type ScalarKind =
  | 'hyperparameter' // a hyperparameter as the framework holds it (float32-rounded on the host when the variant says so)
  | 'constant' // args[0] is the value
  | 'step' // steps taken so far
  | 'cast' // host value -> compute dtype
  | 'float32' // host value held as a float32 (a C float field, a float32 scalar), still on the host
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'sqrt'
  | 'pow'
  | 'sum-of-squares' // args (vector, scale, bound): sum of y*y, y = clip(scale*x, ±bound), each op rounded, in index order
  | 'fma-sum-of-squares' // the same as a chain s = fma(y, y, s) (one rounding per element)
  | 'factor-above' // args (bound, x): x > bound ? bound / x : 1 (global-norm clipping)
  | 'min' // NaN-propagating
  | 'max' // NaN-propagating
  | 'select-below' // args (x, bound, a, b): x < bound ? a : b
  | 'schedule' // args (schedule, base): the variant's schedule at this step, in its framework's arithmetic (reference/schedules)
  | 'stream' // args (list): the variant's per-step list at this step (a recorded lr)
  | 'nonzero' // args (x): x != 0 ? 1 : 0 (Keras ops.not_equal(iterations, 0))
  | 'is-multiple'; // args (x, n): n given and x % n == 0 ? 1 : 0

export interface ScalarOp {
  readonly kind: ScalarKind;
  readonly out: string;
  /** Names of earlier scalar results; for 'hyperparameter' the hyperparameter; 'constant' a number; 'sum-of-squares' a vector. */
  readonly args: readonly (string | number)[];
  readonly at: 'host' | 'compute';
}

/**
 * A condition on the variant (and the step's scalars): an axis value 'emaForm=increment', a boolean
 * axis or hyperparameter 'centered', a named condition from the definition's table, 'fma:SITE'
 * (the variant contracts that site), each optionally negated with '!'. A list is a conjunction.
 */
export type Condition = string;

export type ElementBlock = ElementOp | Branch<ElementBlock> | readonly ElementBlock[];
export type ScalarBlock = ScalarOp | Branch<ScalarBlock> | readonly ScalarBlock[];

export interface Branch<B> {
  readonly when: readonly Condition[];
  readonly then: B;
  readonly else?: B;
  /** A stage name, printed with the program. */
  readonly stage?: string;
}

export function isBranch<B>(b: unknown): b is Branch<B> {
  return typeof b === 'object' && b !== null && 'when' in b;
}

export function operandName(o: Operand): string {
  return 'vector' in o ? o.vector : 'temp' in o ? o.temp : o.scalar;
}
