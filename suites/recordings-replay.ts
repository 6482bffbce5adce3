// Calibration: every recorded framework run replayed through the reference, by the same path as
// `rmsprop-harness trajectory --profile P --dtype D --grads FILE --x0 ... --set ...`, and classified
// against the parameters the framework recorded after every step:
//   bit-exact  every parameter of every step has the same bits (NaN matches NaN, -0 is not +0);
//   exact-up-to-op-error
//              not bit-exact, but the profile declares ops the framework's build does not round
//              correctly (reference/op-error.ts), and every step, re-anchored on the recorded
//              parameters and state, is reproduced exactly by some choice of those ops' results
//              within the declared bound (reference/op-error-step.ts);
//   within     the normwise relative error of every step stays within the dtype's tolerance
//              (element by element for the edge streams, whose point is the individual element);
//   outside    the replay runs but leaves the tolerance;
//   refused    it cannot be replayed (a dtype or a feature the reference does not have), with why.
import { ALL_DTYPES, type Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { decodeVector } from '../reference/number-encoding.js';
import { describeOpErrors, opErrorsInEffect } from '../reference/op-error.js';
import { OpErrorStep, type StepVectors } from '../reference/op-error-step.js';
import { findProfile } from '../reference/registry.js';
import { initialState } from '../reference/step.js';
import type { Variant } from '../reference/variant.js';
import { computeTrajectory } from './compute-trajectory.js';
import { replayCommand, replayPlan } from './recordings-mapping.js';
import type { Recording } from './recordings-file.js';
import { loadRecordingFolder } from './recordings-folder.js';
import { recordedState } from './recordings-state.js';

export type CalibrationVerdict = 'bit-exact' | 'exact-up-to-op-error' | 'within' | 'outside' | 'refused';
export const CALIBRATION_VERDICTS: readonly CalibrationVerdict[] = [
  'bit-exact',
  'exact-up-to-op-error',
  'within',
  'outside',
  'refused',
];

/** Relative tolerance per dtype: normwise per step, or per element for the edge streams. */
// bfloat16 and float16: a few units of each format's precision (2^-8 = 3.9e-3, 2^-11 = 4.9e-4).
export const CALIBRATION_TOLERANCE: Readonly<Record<Dtype, number>> = {
  float64: 1e-12,
  float32: 1e-6,
  bfloat16: 1e-2,
  float16: 1e-3,
};

export interface CalibrationResult {
  file: string;
  framework: string;
  case: string;
  dtype: string;
  profile: string;
  settings: Record<string, string>;
  /** The command line that reproduces the replay. */
  command: string;
  verdict: CalibrationVerdict;
  /** Why it was refused. */
  reason?: string;
  /** 'normwise' (per step) or 'elementwise' (edge streams). */
  metric?: 'normwise' | 'elementwise';
  /** Largest relative error over the steps (Infinity where the non-finite pattern differs). */
  maxError?: number;
  /** First step (1-based) whose parameters differ in any bit. */
  firstDifferentStep?: number;
  /** First step (1-based) outside the tolerance. */
  firstStepOutside?: number;
  /** The ops the profile declares inexact in this dtype, with their bounds ('sqrt within 1 ulp (mkl-vml-sqrt)'). */
  opErrors?: string;
  /** The re-anchored check against the declared op error, where the profile declares one and the run is not bit-exact. */
  reanchored?: ReanchoredCheck;
}

export interface ReanchoredCheck {
  /** Every step reproduced exactly by some choice of the declared ops' results within their bound. */
  explained: boolean;
  /** The verdict of the free-running comparison (within or outside the tolerance). */
  freeRunning: 'within' | 'outside';
  /** Where it is not: the first step (1-based), element and quantity ('p', 'v', 'm', 'b') no allowed choice reproduces. */
  step?: number;
  index?: number;
  quantity?: string;
  /** Why it could not be checked (a buffer the step writes is not recorded). */
  unavailable?: string;
}

export interface CalibrationSummary {
  total: number;
  counts: Record<CalibrationVerdict, number>;
  byFramework: Record<string, Record<CalibrationVerdict, number>>;
}

export interface CalibrationReport {
  tolerance: Readonly<Record<Dtype, number>>;
  results: CalibrationResult[];
  summary: CalibrationSummary;
}

/** Normwise relative error of one step: non-finite values must sit at the same places with the same value. */
function normwiseError(ours: Float64Array, ref: Float64Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = ours[i];
    const r = ref[i];
    if (!Number.isFinite(r) || !Number.isFinite(a)) {
      if (!(Number.isNaN(a) && Number.isNaN(r)) && a !== r) return Infinity;
      continue;
    }
    diff += (a - r) ** 2;
    norm += r * r;
  }
  if (norm === 0) return diff === 0 ? 0 : Infinity;
  return Math.sqrt(diff) / Math.sqrt(norm);
}

/** Largest relative error of one element of a step; a zero reference demands zero. */
function elementwiseError(ours: Float64Array, ref: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = ours[i];
    const r = ref[i];
    if (!Number.isFinite(r) || !Number.isFinite(a)) {
      if (!(Number.isNaN(a) && Number.isNaN(r)) && a !== r) return Infinity;
      continue;
    }
    if (a === r) continue;
    worst = Math.max(worst, r === 0 ? Infinity : Math.abs(a - r) / Math.abs(r));
  }
  return worst;
}

const sameBits = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/** Replays one recording and classifies it. */
/**
 * `settings` are added to the replay's own (name=value as `--set` takes them): the same recordings
 * under another build's arithmetic, e.g. sqrtImpl=correctly-rounded for a torch whose sqrt is not
 * MKL's AMD kernel.
 */
export function calibrateRecording(recording: Recording, settings: Readonly<Record<string, string>> = {}): CalibrationResult {
  const mapped = replayPlan(recording);
  const plan = { ...mapped, settings: { ...mapped.settings, ...settings } };
  const base = {
    file: recording.file,
    framework: recording.framework,
    case: recording.case,
    dtype: recording.dtype,
    profile: plan.profile,
    settings: plan.settings,
    command: replayCommand(recording, plan),
  };
  if (!(ALL_DTYPES as readonly string[]).includes(recording.dtype)) {
    return {
      ...base,
      verdict: 'refused',
      reason: `dtype ${recording.dtype}: the reference computes in ${ALL_DTYPES.join(', ')} only`,
    };
  }
  if (plan.refused) return { ...base, verdict: 'refused', reason: plan.refused };
  const dtype = recording.dtype;
  let trajectory: Float64Array[];
  let variant: Variant;
  try {
    const doc = computeTrajectory({
      profile: plan.profile,
      dtype,
      grads: { path: recording.file, stream: recording.grads },
      x0: Array.from(recording.x0),
      settings: plan.settings,
    });
    trajectory = doc.trajectory.map((row, i) => decodeVector(row, `step ${i + 1}`));
    variant = doc.variant;
  } catch (e) {
    if (e instanceof InputError) return { ...base, verdict: 'refused', reason: e.message };
    throw e;
  }
  const metric = recording.case.startsWith('edge') ? 'elementwise' : 'normwise';
  const tolerance = CALIBRATION_TOLERANCE[dtype];
  let maxError = 0;
  let firstDifferentStep: number | undefined;
  let firstStepOutside: number | undefined;
  for (let t = 0; t < recording.trajectory.length; t++) {
    const ours = trajectory[t];
    const ref = recording.trajectory[t];
    if (firstDifferentStep === undefined && !sameBits(ours, ref)) firstDifferentStep = t + 1;
    const error = metric === 'elementwise' ? elementwiseError(ours, ref) : normwiseError(ours, ref);
    maxError = Math.max(maxError, error);
    if (firstStepOutside === undefined && !(error <= tolerance)) firstStepOutside = t + 1;
  }
  const freeRunning: ReanchoredCheck['freeRunning'] = firstStepOutside === undefined ? 'within' : 'outside';
  const declared = opErrorsInEffect(findProfile(plan.profile).opErrors, variant, dtype);
  const opErrors = describeOpErrors(declared, dtype);
  const reanchored =
    firstDifferentStep !== undefined && opErrors !== ''
      ? { freeRunning, ...reanchoredCheck(recording, variant, dtype, new OpErrorStep(variant, dtype, declared)) }
      : undefined;
  const verdict: CalibrationVerdict =
    firstDifferentStep === undefined ? 'bit-exact' : reanchored?.explained ? 'exact-up-to-op-error' : freeRunning;
  return {
    ...base,
    verdict,
    ...(opErrors ? { opErrors } : {}),
    ...(reanchored ? { reanchored } : {}),
    metric,
    maxError,
    ...(firstDifferentStep !== undefined ? { firstDifferentStep } : {}),
    ...(firstStepOutside !== undefined ? { firstStepOutside } : {}),
  };
}

/**
 * Every step started from the recorded parameters and state of the step before (the first from x0 and
 * the profile's initial state), with the declared ops free within their bound: is each recorded step
 * reproduced exactly?
 */
function reanchoredCheck(
  recording: Recording,
  variant: Variant,
  dtype: Dtype,
  checker: OpErrorStep,
): Omit<ReanchoredCheck, 'freeRunning'> {
  const where = `recording ${recording.file}`;
  const { rows: state } = recordedState(recording.statePerStep, where);
  const missing = checker.stateWritten.filter((q) => state[q] === undefined);
  if (missing.length > 0)
    return { explained: false, unavailable: `the step writes ${missing.join(', ')}, which the recording does not hold` };
  const short = checker.stateWritten.find((q) => state[q]!.length < recording.trajectory.length);
  if (short)
    return {
      explained: false,
      unavailable: `the recording holds ${state[short]!.length} rows of ${short} for ${recording.trajectory.length} steps`,
    };
  const rule = checker.program.rule;
  const n = recording.x0.length;
  const start = initialState(variant, dtype, n);
  let before: StepVectors = { p: Float64Array.from(recording.x0, (x) => rule.storage(x)), v: start.v, m: start.m, b: start.b };
  for (let t = 0; t < recording.trajectory.length; t++) {
    const after: StepVectors = {
      p: recording.trajectory[t],
      v: state.v?.[t] ?? start.v,
      m: state.m?.[t] ?? start.m,
      b: state.b?.[t] ?? start.b,
    };
    const miss = checker.check(t, before, recording.grads[t], {
      p: after.p,
      ...Object.fromEntries(checker.stateWritten.map((q) => [q, after[q]])),
    });
    if (miss) return { explained: false, step: t + 1, index: miss.index, quantity: miss.quantity };
    before = after;
  }
  return { explained: true };
}

function emptyCounts(): Record<CalibrationVerdict, number> {
  return { 'bit-exact': 0, 'exact-up-to-op-error': 0, within: 0, outside: 0, refused: 0 };
}

export function summarize(results: readonly CalibrationResult[]): CalibrationSummary {
  const counts = emptyCounts();
  const byFramework: Record<string, Record<CalibrationVerdict, number>> = {};
  for (const r of results) {
    counts[r.verdict]++;
    (byFramework[r.framework] ??= emptyCounts())[r.verdict]++;
  }
  return { total: results.length, counts, byFramework };
}

/**
 * Replays the calibration recordings (all, or one framework's) through the reference and classifies
 * each one. `dir` defaults to the recordings shipped with the package; a folder without a manifest is
 * read as a user's own recorded runs (clients/python/record.py).
 */
export function calibrate(
  options: { framework?: string; dir?: string; settings?: Readonly<Record<string, string>> } = {},
): CalibrationReport {
  const results = loadRecordingFolder(options).map((r) => calibrateRecording(r, options.settings));
  return { tolerance: CALIBRATION_TOLERANCE, results, summary: summarize(results) };
}
