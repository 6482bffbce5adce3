// Running the step function over many steps: the golden trajectory of a case.

import { arithmeticFor, type Dtype } from './arithmetic.js';
import { initialState, step, type OptimizerState } from './step.js';
import type { Variant } from './variant.js';

/** Supplies the gradient for a step, given the params it is evaluated at (closed loop) or ignoring them (replay). */
export type GradientSource = (params: Float64Array, stepIndex: number) => Float64Array;

export interface TrajectoryPoint {
  /** The gradient the step consumed (in the dtype). */
  grad: Float64Array;
  /** Params after the step. */
  params: Float64Array;
  state: OptimizerState;
}

export interface Trajectory {
  dtype: Dtype;
  x0: Float64Array;
  points: TrajectoryPoint[];
}

/** Rounds every element of a vector into the dtype. */
export function toDtype(dtype: Dtype, x: ArrayLike<number>): Float64Array {
  const A = arithmeticFor(dtype);
  return Float64Array.from(x, (v) => A.round(v));
}

export function runTrajectory(
  variant: Variant,
  dtype: Dtype,
  x0: ArrayLike<number>,
  steps: number,
  gradientAt: GradientSource,
): Trajectory {
  let params = toDtype(dtype, x0);
  const start = params;
  let state = initialState(variant, dtype, params.length);
  const points: TrajectoryPoint[] = [];
  for (let t = 0; t < steps; t++) {
    const grad = toDtype(dtype, gradientAt(params, t));
    if (grad.length !== params.length) {
      throw new RangeError(`step ${t + 1}: gradient has ${grad.length} elements, params have ${params.length}`);
    }
    const next = step(variant, dtype, state, params, grad);
    params = next.params;
    state = next.state;
    points.push({ grad, params, state });
  }
  return { dtype, x0: start, points };
}

/** A recorded gradient stream as a source: step t gets grads[t]. */
export function replaySource(grads: readonly Float64Array[]): GradientSource {
  return (_params, t) => {
    const g = grads[t];
    if (g === undefined) throw new RangeError(`gradient stream has ${grads.length} steps, step ${t + 1} requested`);
    return g;
  };
}
