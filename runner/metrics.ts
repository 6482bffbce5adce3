// Divergence of an implementation's vectors from the reference's, step by step.

import type { Dtype } from '../reference/arithmetic.js';
import type { Tolerance } from './tolerance.js';
import { sameNonFinite, signedZeroMismatch, ulpDistance } from './ulp.js';

export interface ElementDivergence {
  /** What was compared: 'params', 'v', 'm' or 'b'. */
  quantity: string;
  step: number;
  index: number;
  expected: number;
  actual: number;
  ulps: number;
  /** Why the element is out of tolerance. */
  kind: 'ulps' | 'non-finite' | 'signed-zero' | 'length';
}

export interface StepError {
  step: number;
  maxAbs: number;
  maxRel: number;
  maxUlp: number;
  withinTolerance: boolean;
}

export interface Series {
  steps: StepError[];
  maxAbs: number;
  maxRel: number;
  maxUlp: number;
  /** 1-based step of the first value out of tolerance, or null. */
  firstDivergentStep: number | null;
  firstDivergence: ElementDivergence | null;
}

export function emptySeries(): Series {
  return { steps: [], maxAbs: 0, maxRel: 0, maxUlp: 0, firstDivergentStep: null, firstDivergence: null };
}

/** Classifies one element against the tolerance; returns null when within it. */
export function elementDivergence(expected: number, actual: number, dtype: Dtype, tol: Tolerance): ElementDivergence['kind'] | null {
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return sameNonFinite(expected, actual) ? null : 'non-finite';
  if (tol.signedZero === 'strict' && signedZeroMismatch(expected, actual)) return 'signed-zero';
  if (Math.abs(expected - actual) <= tol.absFloor) return null;
  return ulpDistance(expected, actual, dtype) <= tol.ulps ? null : 'ulps';
}

/** Adds one step's comparison of a quantity to a series (several quantities may share a series). */
export function recordStep(series: Series, quantity: string, step: number, expected: ArrayLike<number>, actual: ArrayLike<number>, dtype: Dtype, tol: Tolerance): void {
  let entry = series.steps.find((s) => s.step === step);
  if (!entry) {
    entry = { step, maxAbs: 0, maxRel: 0, maxUlp: 0, withinTolerance: true };
    series.steps.push(entry);
  }
  const note = (d: ElementDivergence) => {
    entry!.withinTolerance = false;
    if (series.firstDivergentStep === null || step < series.firstDivergentStep) {
      series.firstDivergentStep = step;
      series.firstDivergence = d;
    }
  };
  if (expected.length !== actual.length) {
    note({ quantity, step, index: -1, expected: expected.length, actual: actual.length, ulps: Infinity, kind: 'length' });
    entry.maxUlp = Infinity;
    series.maxUlp = Infinity;
    return;
  }
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const ulps = ulpDistance(e, a, dtype);
    const abs = Number.isFinite(e) && Number.isFinite(a) ? Math.abs(e - a) : sameNonFinite(e, a) ? 0 : Infinity;
    const rel = abs === 0 ? 0 : e === 0 ? Infinity : abs / Math.abs(e);
    entry.maxAbs = Math.max(entry.maxAbs, abs);
    entry.maxRel = Math.max(entry.maxRel, rel);
    entry.maxUlp = Math.max(entry.maxUlp, ulps);
    const kind = elementDivergence(e, a, dtype, tol);
    if (kind !== null && (series.firstDivergentStep === null || step < series.firstDivergentStep)) {
      note({ quantity, step, index: i, expected: e, actual: a, ulps, kind });
    } else if (kind !== null) {
      entry.withinTolerance = false;
    }
  }
  series.maxAbs = Math.max(series.maxAbs, entry.maxAbs);
  series.maxRel = Math.max(series.maxRel, entry.maxRel);
  series.maxUlp = Math.max(series.maxUlp, entry.maxUlp);
}
