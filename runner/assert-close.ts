// assertClose: the closeness check people know from torch.testing.assert_close / numpy.allclose
// (|actual - expected| <= atol + rtol * |expected|), plus a tolerance in ULPs of the dtype, with a
// mismatch summary in torch's words: how many elements differ, the greatest absolute and relative
// difference and where. Used by the API and by the vitest matchers (reports/vitest-matchers.ts).

import type { Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { sameNonFinite, signedZeroMismatch, ulpDistance } from './ulp.js';

export interface CloseOptions {
  /** Relative tolerance. */
  rtol?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Tolerance in units in the last place of the dtype (an element within it is close whatever rtol/atol say). */
  ulps?: number;
  /** NaN equals NaN (default false, as in torch.testing.assert_close). */
  equalNan?: boolean;
  /** Default: float32 when either side is a Float32Array, else float64. */
  dtype?: Dtype;
  /** +0 vs -0: 'strict' (default: the harness's rule) or 'ignore' (torch's). */
  signedZero?: 'strict' | 'ignore';
}

/**
 * torch.testing's defaults per dtype (torch/testing/_comparison.py, _DTYPE_PRECISIONS),
 * used when none of rtol, atol and ulps is given.
 */
export const DEFAULT_CLOSENESS: Readonly<Record<Dtype, { rtol: number; atol: number }>> = {
  float32: { rtol: 1.3e-6, atol: 1e-5 },
  float64: { rtol: 1e-7, atol: 1e-7 },
  bfloat16: { rtol: 1.6e-2, atol: 1e-5 },
  float16: { rtol: 1e-3, atol: 1e-5 },
};

export interface Extreme {
  value: number;
  index: number;
}

export interface CloseResult {
  pass: boolean;
  dtype: Dtype;
  /** The tolerances applied (missing ones are 0 when any was given). */
  rtol: number;
  atol: number;
  ulps: number | null;
  total: number;
  mismatched: number;
  /** Index of the first element out of tolerance, or null. */
  firstMismatch: number | null;
  /** Over the elements where both values are finite; null when there are none. */
  greatestAbs: Extreme | null;
  greatestRel: Extreme | null;
  greatestUlps: Extreme | null;
  /** Set when the lengths differ: nothing else is compared. */
  lengths?: { expected: number; actual: number };
  /** The summary, one fact a line (the assertion's message when pass is false). */
  message: string;
}

export type Numbers = ArrayLike<number>;

/** float32 when either side is a Float32Array, float64 otherwise. */
export function inferDtype(actual: Numbers, expected: Numbers): Dtype {
  return actual instanceof Float32Array || expected instanceof Float32Array ? 'float32' : 'float64';
}

const fmt = (x: number) =>
  Number.isNaN(x) ? 'NaN' : !Number.isFinite(x) ? (x > 0 ? 'Infinity' : '-Infinity') : Object.is(x, -0) ? '-0' : String(x);

function checkTolerance(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0))
    throw new InputError(`assertClose: ${name} must be a finite number >= 0, got ${value}`);
}

/** Compares element by element; never throws on a mismatch (see assertClose). */
export function compareClose(actual: Numbers, expected: Numbers, options: CloseOptions = {}): CloseResult {
  checkTolerance('rtol', options.rtol);
  checkTolerance('atol', options.atol);
  checkTolerance('ulps', options.ulps);
  const dtype = options.dtype ?? inferDtype(actual, expected);
  const given = options.rtol !== undefined || options.atol !== undefined || options.ulps !== undefined;
  const rtol = given ? (options.rtol ?? 0) : DEFAULT_CLOSENESS[dtype].rtol;
  const atol = given ? (options.atol ?? 0) : DEFAULT_CLOSENESS[dtype].atol;
  const ulps = options.ulps ?? null;
  const equalNan = options.equalNan ?? false;
  const strictZero = (options.signedZero ?? 'strict') === 'strict';
  const tolerances = `rtol ${rtol}, atol ${atol}${ulps !== null ? `, ulps ${ulps}` : ''}, ${dtype}`;
  const base = { dtype, rtol, atol, ulps, greatestAbs: null, greatestRel: null, greatestUlps: null };

  if (actual.length !== expected.length) {
    return {
      ...base,
      pass: false,
      total: expected.length,
      mismatched: Math.max(actual.length, expected.length),
      firstMismatch: null,
      lengths: { expected: expected.length, actual: actual.length },
      message: `Lengths differ: expected ${expected.length} elements, got ${actual.length}.`,
    };
  }

  let mismatched = 0;
  let firstMismatch: number | null = null;
  let greatestAbs: Extreme | null = null;
  let greatestRel: Extreme | null = null;
  let greatestUlps: Extreme | null = null;
  const raise = (current: Extreme | null, value: number, index: number) =>
    current === null || value > current.value ? { value, index } : current;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    let close: boolean;
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      close = Number.isNaN(e) && Number.isNaN(a) ? equalNan : sameNonFinite(e, a);
    } else {
      const abs = Math.abs(a - e);
      const rel = abs === 0 ? 0 : e === 0 ? Infinity : abs / Math.abs(e);
      const d = ulpDistance(a, e, dtype);
      greatestAbs = raise(greatestAbs, abs, i);
      greatestRel = raise(greatestRel, rel, i);
      greatestUlps = raise(greatestUlps, d, i);
      close = (abs <= atol + rtol * Math.abs(e) || (ulps !== null && d <= ulps)) && !(strictZero && signedZeroMismatch(a, e));
    }
    if (!close) {
      mismatched++;
      firstMismatch ??= i;
    }
  }
  const total = expected.length;
  const pass = mismatched === 0;
  const lines = [
    pass ? `All ${total} elements are close (${tolerances}).` : `Arrays are not close (${tolerances})!`,
    `Mismatched elements: ${mismatched} / ${total} (${total === 0 ? 0 : ((100 * mismatched) / total).toFixed(1)}%)`,
  ];
  if (greatestAbs)
    lines.push(`Greatest absolute difference: ${fmt(greatestAbs.value)} at index ${greatestAbs.index} (up to ${atol} allowed)`);
  if (greatestRel)
    lines.push(`Greatest relative difference: ${fmt(greatestRel.value)} at index ${greatestRel.index} (up to ${rtol} allowed)`);
  if (greatestUlps)
    lines.push(
      `Greatest ULP distance: ${fmt(greatestUlps.value)} at index ${greatestUlps.index}${ulps !== null ? ` (up to ${ulps} allowed)` : ''}`,
    );
  if (firstMismatch !== null)
    lines.push(
      `First mismatch at index ${firstMismatch}: expected ${fmt(expected[firstMismatch])}, got ${fmt(actual[firstMismatch])}`,
    );
  return { ...base, pass, total, mismatched, firstMismatch, greatestAbs, greatestRel, greatestUlps, message: lines.join('\n') };
}

/** An assertion failure: the message is the mismatch summary. */
export class CloseAssertionError extends Error {
  readonly result: CloseResult;
  constructor(result: CloseResult, prefix = '') {
    super(`${prefix}${result.message}`);
    this.name = 'AssertionError';
    this.result = result;
  }
}

/**
 * Throws a CloseAssertionError unless every element of `actual` is close to `expected`:
 *   |actual - expected| <= atol + rtol * |expected|, or within `ulps` ULPs of the dtype.
 * With none of rtol, atol, ulps given, torch.testing's defaults for the dtype apply (DEFAULT_CLOSENESS).
 * NaN equals NaN only with equalNan; infinities must match; +0 vs -0 is a mismatch unless signedZero 'ignore'.
 */
export function assertClose(actual: Numbers, expected: Numbers, options: CloseOptions = {}): void {
  const result = compareClose(actual, expected, options);
  if (!result.pass) throw new CloseAssertionError(result);
}

export interface TrajectoryCloseResult {
  pass: boolean;
  steps: number;
  /** Steps with at least one element out of tolerance. */
  mismatchedSteps: number;
  /** 1-based step of the first mismatch (or of a length difference), or null. */
  firstMismatchStep: number | null;
  /** Set when the numbers of steps differ. */
  stepCounts?: { expected: number; actual: number };
  message: string;
}

/** Compares two trajectories (one vector per step) step by step with compareClose. */
export function compareTrajectories(
  actual: readonly Numbers[],
  expected: readonly Numbers[],
  options: CloseOptions = {},
): TrajectoryCloseResult {
  if (actual.length !== expected.length) {
    return {
      pass: false,
      steps: expected.length,
      mismatchedSteps: Math.max(actual.length, expected.length),
      firstMismatchStep: null,
      stepCounts: { expected: expected.length, actual: actual.length },
      message: `Numbers of steps differ: expected ${expected.length} steps, got ${actual.length}.`,
    };
  }
  let mismatchedSteps = 0;
  let first: { step: number; result: CloseResult } | null = null;
  for (let t = 0; t < expected.length; t++) {
    const r = compareClose(actual[t], expected[t], { ...options, dtype: options.dtype ?? inferDtype(actual[t], expected[t]) });
    if (!r.pass) {
      mismatchedSteps++;
      first ??= { step: t + 1, result: r };
    }
  }
  const steps = expected.length;
  const message = first
    ? `Trajectories are not close: ${mismatchedSteps} of ${steps} steps differ; the first is step ${first.step}:\n${first.result.message}`
    : `All ${steps} steps are close.`;
  return { pass: first === null, steps, mismatchedSteps, firstMismatchStep: first?.step ?? null, message };
}
