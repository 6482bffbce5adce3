// Optional bulk methods a PreparedCase may offer. An external program answers a whole trajectory per
// message, so the runner should hand it every gradient at once rather than step() / read() per step.
// (Kept here until the contract in adapters/adapter.ts takes them over.)

import type { OptimizerStateView, PreparedCase } from '../adapter.js';

export interface BulkTrajectory {
  /** Params after step 1, 2, ..., one per step, in the case dtype. */
  trajectory: Float64Array[];
  /** Optimizer state after the last step, when the implementation reports it. */
  state?: OptimizerStateView;
  /** Optimizer state after every step, when the implementation reports it (compared at every step). */
  states?: OptimizerStateView[];
  /** Closed loop only: the gradients the implementation computed, one per step, when it reports them. */
  grads?: Float64Array[];
}

/** The reference state a re-anchored step starts from. */
export interface Anchor {
  params: Float64Array;
  state: { v: Float64Array; m: Float64Array; b: Float64Array; step: number };
}

export interface BulkPreparedCase extends PreparedCase {
  /**
   * Run the whole case from x0 with these gradients (replay): step t consumes grads[t]. Equivalent to
   * step(grads[0]) ... step(grads[n-1]) then read() after each, in one exchange. Independent of the
   * step()/read() buffer: it may be called any number of times, each run starts from x0.
   */
  runReplay(grads: readonly Float64Array[]): Promise<BulkTrajectory>;
  /**
   * Closed loop on a named problem: the implementation computes its own gradients (its autograd) for
   * `steps` steps from x0. Present only when the implementation supports the problem; throws
   * UnsupportedCaseError otherwise.
   */
  runProblem?(problem: string, steps: number): Promise<BulkTrajectory>;
  /** Problems runProblem accepts. */
  problems?: readonly string[];
  /**
   * Re-anchored steps in one exchange: step t starts from anchors[t] (the reference params and
   * state) and consumes grads[t]; trajectory[t] (and states[t]) is its result. Present where the
   * implementation can load state.
   */
  runReanchored?(anchors: readonly Anchor[], grads: readonly Float64Array[]): Promise<BulkTrajectory>;
}

export function hasBulkReplay(p: PreparedCase): p is BulkPreparedCase {
  return typeof (p as Partial<BulkPreparedCase>).runReplay === 'function';
}
