// The reference trajectory for a profile, dtype and gradient source: what `rmsprop-harness trajectory` prints.

import type { Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { encodeVector, type EncodedNumber } from '../reference/number-encoding.js';
import { resolveVariant, type Settings } from '../reference/resolve.js';
import { replaySource, runTrajectory, type GradientSource } from '../reference/trajectory.js';
import type { Variant } from '../reference/variant.js';
import { findProblem } from './case-source.js';
import type { AutodiffOrder } from './problem.js';
import { autodiffOrderFor } from './problems.js';

export interface TrajectoryRequest {
  profile: string;
  dtype: Dtype;
  problem?: string;
  grads?: { path: string; stream: Float64Array[] };
  /** The learning rate of every step (`--lr-per-step`, or the gradient file's `lr_per_step`): replaces lr and any schedule. */
  lrPerStep?: number[];
  x0?: number[];
  dim?: number;
  steps?: number;
  settings?: Settings;
  autodiff?: AutodiffOrder;
}

export interface TrajectoryDocument {
  profile: string;
  dtype: Dtype;
  problem?: string;
  grads?: string;
  hyperparameters: Record<string, number | boolean | null>;
  variant: Variant;
  steps: number;
  x0: EncodedNumber[];
  trajectory: EncodedNumber[][];
  final: EncodedNumber[];
  loss?: EncodedNumber[];
  /** The weight average after every step (useEma: Keras use_ema keeps it as optimizer state). */
  ema?: EncodedNumber[][];
}

export function computeTrajectory(req: TrajectoryRequest): TrajectoryDocument {
  const resolved = resolveVariant(req.profile, req.dtype, req.settings ?? {});
  if ((req.problem === undefined) === (req.grads === undefined)) throw new InputError('give exactly one of --problem or --grads');
  if (req.steps !== undefined && (!Number.isInteger(req.steps) || req.steps < 1))
    throw new InputError(`--steps: expected a positive integer, got ${req.steps}`);
  const profileLabel = `${resolved.profile.name}@${resolved.profile.version}`;
  let x0: number[];
  let steps: number;
  let source: GradientSource;
  let lossAt: ((x: Float64Array) => number) | undefined;
  if (req.grads) {
    if (!req.x0) throw new InputError('--x0 is required with --grads');
    const dim = req.grads.stream[0].length;
    if (req.x0.length !== dim)
      throw new InputError(`--x0 has ${req.x0.length} values but the gradients in ${req.grads.path} have ${dim}`);
    steps = req.steps ?? req.grads.stream.length;
    if (steps > req.grads.stream.length)
      throw new InputError(`--steps ${steps} exceeds the ${req.grads.stream.length} gradients in ${req.grads.path}`);
    x0 = req.x0;
    source = replaySource(req.grads.stream);
  } else {
    const problem = findProblem(req.problem!);
    const dim = problem.dim ?? req.dim ?? req.x0?.length ?? problem.defaultDim;
    x0 = req.x0 ?? problem.defaultX0(dim);
    if (x0.length !== dim) throw new InputError(`--x0 has ${x0.length} values but problem ${problem.id} has dimension ${dim}`);
    steps = req.steps ?? 100;
    const order = req.autodiff ?? autodiffOrderFor(resolved.profile.name);
    source = (params, t) => problem.gradient(params, req.dtype, t, order);
    lossAt = (x) => problem.loss(x, req.dtype);
  }
  if (req.lrPerStep !== undefined) {
    if (req.lrPerStep.length < steps)
      throw new InputError(`--lr-per-step has ${req.lrPerStep.length} values for ${steps} steps (one learning rate per step)`);
    const bad = req.lrPerStep.findIndex((x) => !(Number.isFinite(x) && x >= 0));
    if (bad >= 0) throw new InputError(`--lr-per-step: value ${bad + 1} is ${req.lrPerStep[bad]}, expected a finite number >= 0`);
    resolved.variant = { ...resolved.variant, lrPerStep: req.lrPerStep };
  }
  const t = runTrajectory(resolved.variant, req.dtype, x0, steps, source);
  const doc: TrajectoryDocument = {
    profile: profileLabel,
    dtype: req.dtype,
    ...(req.problem ? { problem: req.problem } : { grads: req.grads!.path }),
    hyperparameters: resolved.native,
    variant: resolved.variant,
    steps,
    x0: encodeVector(t.x0),
    trajectory: t.points.map((p) => encodeVector(p.params)),
    final: encodeVector(t.points[t.points.length - 1].params),
  };
  if (resolved.variant.useEma) doc.ema = t.points.map((p) => encodeVector(p.state.a!));
  if (lossAt) doc.loss = t.points.map((p) => encodeVector([lossAt(p.params)])[0]);
  return doc;
}
