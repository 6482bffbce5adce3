// The vocabulary of a step program: operands, operations and the decision blocks that choose
// between them. A program is data: generators (adapters) and interpreters (reference) walk it; none
// of them knows RMSprop.

/** Vectors of the optimizer, one element each per parameter. Writes to them are stored (storage dtype). */
export const VECTORS = ['p', 'g', 'v', 'm', 'b'] as const;
export type VectorName = (typeof VECTORS)[number];

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
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'sqrt'
  | 'pow'
  | 'sum-of-squares' // reduction over a vector, in index order
  | 'factor-above'; // args (bound, x): x > bound ? bound / x : 1 (global-norm clipping)

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
