// An objective with an analytic gradient, evaluated in a dtype's arithmetic.
import type { Dtype } from '../reference/arithmetic.js';

/**
 * Order in which the chain rule is evaluated in float32: reverse-mode engines differ in how they
 * group the same derivative (PyTorch's div backward is -grad*((a/b)/b), TensorFlow's is
 * grad*((-a/b)/b)), and float32 results differ in the last bits.
 */
export type AutodiffOrder = 'torch' | 'tf';

export interface Problem {
  id: string;
  describe: string;
  /** Fixed dimension, or null when any dimension works (default used when none is given). */
  dim: number | null;
  defaultDim: number;
  defaultX0(dim: number): number[];
  /** The minimiser, when known in closed form. */
  minimum?(dim: number): number[];
  loss(x: Float64Array, dtype: Dtype): number;
  /** Gradient at x, every operation rounded to the dtype. stepIndex selects the minibatch where there is one. */
  gradient(x: Float64Array, dtype: Dtype, stepIndex: number, order: AutodiffOrder): Float64Array;
}
