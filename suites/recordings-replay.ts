// Calibration: every recorded framework run replayed through the reference, by the same path as
// `rmsprop-harness trajectory --profile P --dtype D --grads FILE --x0 ... --set ...`, and classified
// against the parameters the framework recorded after every step:
//   bit-exact  every parameter of every step has the same bits (NaN matches NaN, -0 is not +0);
//   within     the normwise relative error of every step stays within the dtype's tolerance
//              (element by element for the edge streams, whose point is the individual element);
//   outside    the replay runs but leaves the tolerance;
//   refused    it cannot be replayed (a dtype or a feature the reference does not have), with why.
import { ALL_DTYPES, type Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { decodeVector } from '../reference/number-encoding.js';
import { computeTrajectory } from './compute-trajectory.js';
import { replayCommand, replayPlan } from './recordings-mapping.js';
import { loadRecordings, type Recording } from './recordings-file.js';

export type CalibrationVerdict = 'bit-exact' | 'within' | 'outside' | 'refused';
export const CALIBRATION_VERDICTS: readonly CalibrationVerdict[] = ['bit-exact', 'within', 'outside', 'refused'];

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
export function calibrateRecording(recording: Recording): CalibrationResult {
  const plan = replayPlan(recording);
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
  const dtype = recording.dtype as Dtype;
  let trajectory: Float64Array[];
  try {
    const doc = computeTrajectory({
      profile: plan.profile,
      dtype,
      grads: { path: recording.file, stream: recording.grads },
      x0: Array.from(recording.x0),
      settings: plan.settings,
    });
    trajectory = doc.trajectory.map((row, i) => decodeVector(row, `step ${i + 1}`));
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
  const verdict: CalibrationVerdict =
    firstDifferentStep === undefined ? 'bit-exact' : firstStepOutside === undefined ? 'within' : 'outside';
  return {
    ...base,
    verdict,
    metric,
    maxError,
    ...(firstDifferentStep !== undefined ? { firstDifferentStep } : {}),
    ...(firstStepOutside !== undefined ? { firstStepOutside } : {}),
  };
}

function emptyCounts(): Record<CalibrationVerdict, number> {
  return { 'bit-exact': 0, within: 0, outside: 0, refused: 0 };
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
 * each one. `dir` defaults to the recordings shipped with the package.
 */
export function calibrate(options: { framework?: string; dir?: string } = {}): CalibrationReport {
  const results = loadRecordings(options).map(calibrateRecording);
  return { tolerance: CALIBRATION_TOLERANCE, results, summary: summarize(results) };
}
