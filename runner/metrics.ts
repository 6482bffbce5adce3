// Divergence of an implementation's vectors from the reference's, step by step, and the worst
// element of a series as a record (step, element, values, abs, rel, ULPs, ULPs at the vector's scale).

import type { Dtype } from '../reference/arithmetic.js';
import type { ElementDivergence, Series, StepError, WorstError } from './result.js';
import type { Tolerance } from './tolerance.js';
import { sameNonFinite, signedZeroMismatch, ulpDistance, ulpOf } from './ulp.js';

export type { ElementDivergence, Series, StepError, WorstError };
export type Quantity = WorstError['quantity'];

export function emptySeries(): Series {
  return {
    steps: [],
    maxAbs: 0,
    maxRel: 0,
    maxUlp: 0,
    maxUlpAtScale: 0,
    firstDivergentStep: null,
    firstDivergence: null,
    worst: null,
  };
}

/** Classifies one element against the tolerance; returns null when within it. */
export function elementDivergence(
  expected: number,
  actual: number,
  dtype: Dtype,
  tol: Tolerance,
): ElementDivergence['kind'] | null {
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return sameNonFinite(expected, actual) ? null : 'non-finite';
  if (tol.signedZero === 'strict' && signedZeroMismatch(expected, actual)) return 'signed-zero';
  const abs = Math.abs(expected - actual);
  if (abs <= tol.absFloor) return null;
  // The assert_close mode: accepted when within atol + rtol * |expected| (either may be 0).
  if ((tol.rtol !== undefined || tol.atol !== undefined) && abs <= (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(expected))
    return null;
  return ulpDistance(expected, actual, dtype) <= tol.ulps ? null : 'ulps';
}

/** max_i |expected_i| over the finite elements: the scale the error is measured at. */
export function vectorScale(expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(expected[i]);
    if (Number.isFinite(e) && e > scale) scale = e;
  }
  return scale;
}

/**
 * |got - expected| in ULPs of the vector's scale: a 5e-8 parameter crossing zero in a vector of
 * size 1 is a few ULPs of 1, not 9e18 ULPs of 5e-8. Infinity for a NaN/Inf mismatch.
 */
export function ulpsAtScale(abs: number, scale: number, dtype: Dtype): number {
  if (abs === 0) return 0;
  if (!Number.isFinite(abs)) return Infinity;
  return abs / ulpOf(scale, dtype);
}

/** Whether candidate is a worse error than current: larger at scale, then more ULPs, then earlier. */
function worse(candidate: WorstError, current: WorstError | null): boolean {
  if (current === null) return true;
  if (candidate.ulpsAtScale !== current.ulpsAtScale) return candidate.ulpsAtScale > current.ulpsAtScale;
  return candidate.ulps > current.ulps;
}

/** Adds one step's comparison of a quantity to a series (several quantities may share a series). */
export function recordStep(
  series: Series,
  quantity: Quantity,
  step: number,
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  dtype: Dtype,
  tol: Tolerance,
): void {
  let entry = series.steps.find((s) => s.step === step);
  if (!entry) {
    entry = { step, maxAbs: 0, maxRel: 0, maxUlp: 0, maxUlpAtScale: 0, withinTolerance: true };
    series.steps.push(entry);
  }
  const note = (d: ElementDivergence) => {
    entry.withinTolerance = false;
    if (series.firstDivergentStep === null || step < series.firstDivergentStep) {
      series.firstDivergentStep = step;
      series.firstDivergence = d;
    }
  };
  if (expected.length !== actual.length) {
    note({ quantity, step, index: -1, expected: expected.length, actual: actual.length, ulps: Infinity, kind: 'length' });
    entry.maxUlp = entry.maxUlpAtScale = Infinity;
    series.maxUlp = series.maxUlpAtScale = Infinity;
    const record: WorstError = {
      quantity,
      step,
      index: -1,
      expected: expected.length,
      got: actual.length,
      abs: Infinity,
      rel: Infinity,
      ulps: Infinity,
      ulpsAtScale: Infinity,
      scale: vectorScale(expected),
    };
    if (worse(record, series.worst)) series.worst = record;
    return;
  }
  const scale = vectorScale(expected);
  let stepWorst: WorstError | null = null;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    const ulps = ulpDistance(e, a, dtype);
    const abs = Number.isFinite(e) && Number.isFinite(a) ? Math.abs(e - a) : sameNonFinite(e, a) ? 0 : Infinity;
    const rel = abs === 0 ? 0 : e === 0 ? Infinity : abs / Math.abs(e);
    const atScale = ulpsAtScale(abs, scale, dtype);
    entry.maxAbs = Math.max(entry.maxAbs, abs);
    entry.maxRel = Math.max(entry.maxRel, rel);
    entry.maxUlp = Math.max(entry.maxUlp, ulps);
    entry.maxUlpAtScale = Math.max(entry.maxUlpAtScale, atScale);
    const record: WorstError = { quantity, step, index: i, expected: e, got: a, abs, rel, ulps, ulpsAtScale: atScale, scale };
    if (worse(record, stepWorst)) stepWorst = record;
    const kind = elementDivergence(e, a, dtype, tol);
    if (kind !== null && (series.firstDivergentStep === null || step < series.firstDivergentStep)) {
      note({ quantity, step, index: i, expected: e, actual: a, ulps, kind });
    } else if (kind !== null) {
      entry.withinTolerance = false;
    }
  }
  if (stepWorst && worse(stepWorst, series.worst)) series.worst = stepWorst;
  series.maxAbs = Math.max(series.maxAbs, entry.maxAbs);
  series.maxRel = Math.max(series.maxRel, entry.maxRel);
  series.maxUlp = Math.max(series.maxUlp, entry.maxUlp);
  series.maxUlpAtScale = Math.max(series.maxUlpAtScale, entry.maxUlpAtScale);
}

/** Per-step series longer than this are downsampled in the report (the rule is written into the report). */
export const SERIES_MAX_POINTS = 120;
export const SERIES_SAMPLING_RULE =
  'series with more steps than maxPoints keep, per bucket of ceil(steps/maxPoints) consecutive steps, the step with the largest maxUlpAtScale; the first divergent step and the worst step are always kept; stepsTotal gives the original length';

/** Downsamples a series' per-step entries by SERIES_SAMPLING_RULE (in place; returns it). */
export function downsampleSeries(series: Series, maxPoints = SERIES_MAX_POINTS): Series {
  const steps = series.steps;
  if (steps.length <= maxPoints) return series;
  const keep = new Set([series.firstDivergentStep, series.worst?.step].filter((s): s is number => s !== null && s !== undefined));
  const bucket = Math.ceil(steps.length / maxPoints);
  const out: StepError[] = [];
  for (let start = 0; start < steps.length; start += bucket) {
    let best: StepError | null = null;
    for (const s of steps.slice(start, start + bucket)) {
      if (keep.has(s.step)) out.push(s);
      else if (
        best === null ||
        s.maxUlpAtScale > best.maxUlpAtScale ||
        (s.maxUlpAtScale === best.maxUlpAtScale && s.maxUlp > best.maxUlp)
      )
        best = s;
    }
    if (best) out.push(best);
  }
  series.stepsTotal = steps.length;
  series.steps = out.sort((a, b) => a.step - b.step);
  return series;
}
