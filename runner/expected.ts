// The trajectory an adapter is expected to produce: the reference evaluated in the adapter's dtype,
// with its claimed profile, the case's hyperparameters and the adapter's fixed axes.

import type { Dtype } from '../reference/arithmetic.js';
import type { Profile } from '../reference/profile.js';
import { resolveVariant, type ResolvedVariant } from '../reference/resolve.js';
import { initialState, type OptimizerState } from '../reference/step.js';
import { runTrajectory, toDtype, type Trajectory } from '../reference/trajectory.js';
import type { Axes } from '../reference/variant.js';
import type { CaseSpec } from '../suites/case.js';
import { caseGradientSource, caseX0, findProblem } from '../suites/case-source.js';
import type { AutodiffOrder } from '../suites/problem.js';
import { autodiffOrderFor } from '../suites/problems.js';
import { caseKey } from '../suites/suites.js';

export interface Expected {
  resolved: ResolvedVariant;
  order: AutodiffOrder;
  x0: Float64Array;
  initial: OptimizerState;
  trajectory: Trajectory;
  /** Loss of the problem at a point, in the dtype (problems only). */
  loss?: (x: Float64Array) => number;
}

const cache = new Map<string, Expected>();

export function expectedFor(
  profile: string | Profile,
  fixedAxes: Partial<Axes> | undefined,
  c: CaseSpec,
  dtype: Dtype,
): Expected {
  const profileName = typeof profile === 'string' ? profile : `${profile.name}@${profile.version}`;
  const key = JSON.stringify([profileName, fixedAxes ?? {}, caseKey(c), dtype]);
  const hit = cache.get(key);
  if (hit) return hit;
  const base = resolveVariant(profile, dtype, c.settings);
  const resolved: ResolvedVariant = { ...base, variant: { ...base.variant, ...fixedAxes } };
  const order = autodiffOrderFor(resolved.profile.name);
  const x0 = toDtype(dtype, caseX0(c));
  const trajectory = runTrajectory(resolved.variant, dtype, x0, c.steps, caseGradientSource(c, dtype, order));
  const problem = c.source.kind === 'problem' ? findProblem(c.source.problem) : undefined;
  const out: Expected = {
    resolved,
    order,
    x0,
    initial: initialState(resolved.variant, dtype, x0.length),
    trajectory,
    ...(problem ? { loss: (x: Float64Array) => problem.loss(x, dtype) } : {}),
  };
  cache.set(key, out);
  return out;
}

export function clearExpectedCache(): void {
  cache.clear();
}
