// Matchers for users' own vitest suites:
//   import { rmspropMatchers } from 'rmsprop-harness/vitest'; expect.extend(rmspropMatchers);
//   expect(myParams).toBeCloseToArray(expected, { rtol: 1e-6, atol: 1e-7 });
//   expect(myParams).toBeWithinUlps(expected, 2);   // dtype from Float32Array/Float64Array
//   expect(myTrajectory).toBeCloseToTrajectory(golden.trajectory, { ulps: 2 });
//   expect(myTrajectory).toMatchGolden({ profile: 'torch', case: 'problems/quad2d', dtype: 'float32' });
// Importing this module also gives the types: the `declare module 'vitest'` block below ships in its .d.ts.
// vitest's types, so the `declare module 'vitest'` augmentation below has a module to extend (erased from the JavaScript).
import type {} from 'vitest';

import type { Dtype } from '../reference/arithmetic.js';
import { compareClose, compareTrajectories, inferDtype, type CloseOptions, type Numbers } from '../runner/assert-close.js';
import { emptySeries, recordStep } from '../runner/metrics.js';
import { DEFAULT_TOLERANCES, type Tolerance } from '../runner/tolerance.js';
import { formatUlps } from '../runner/ulp.js';
import { loadGolden } from '../suites/golden-store.js';
import { formatValue } from './text.js';

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** The harness's strict comparison (ULPs with an absolute floor; NaN/Inf/signed zero strict), step by step. */
function compareSteps(expected: readonly Numbers[], actual: readonly Numbers[], dtype: Dtype, tol: Tolerance): MatcherResult {
  if (expected.length !== actual.length) {
    return { pass: false, message: () => `numbers of steps differ: expected ${expected.length} steps, got ${actual.length}` };
  }
  const series = emptySeries();
  const n = expected.length;
  for (let t = 0; t < n; t++) recordStep(series, 'params', t + 1, expected[t], actual[t], dtype, tol);
  const d = series.firstDivergence;
  const where = n === 1 ? '' : `step ${d?.step} `;
  return {
    pass: d === null,
    message: () =>
      d === null
        ? `expected a divergence beyond ${tol.ulps} ulps (${dtype}), all ${n === 1 ? 'elements are' : `${n} steps are`} within (max ${formatUlps(series.maxUlp)} ulps)`
        : d.kind === 'length'
          ? `${where}lengths differ: expected ${d.expected} elements, got ${d.actual}`
          : `${where}element ${d.index}: expected ${formatValue(d.expected)}, got ${formatValue(d.actual)} (${d.kind === 'ulps' ? `${formatUlps(d.ulps)} ulps > ${tol.ulps}, ${dtype}` : d.kind})`,
  };
}

export interface GoldenRef {
  profile: string;
  case: string;
  dtype: Dtype;
  ulps?: number;
  dir?: string;
}

export const rmspropMatchers = {
  /** torch.testing.assert_close semantics (rtol, atol), or ULPs; the message is the mismatch summary. */
  toBeCloseToArray(received: Numbers, expected: Numbers, options: CloseOptions = {}): MatcherResult {
    const r = compareClose(received, expected, options);
    return { pass: r.pass, message: () => (r.pass ? `expected arrays not to be close, but: ${r.message}` : r.message) };
  },
  /** A trajectory (one vector per step) against another, step by step, with toBeCloseToArray's options. */
  toBeCloseToTrajectory(received: readonly Numbers[], expected: readonly Numbers[], options: CloseOptions = {}): MatcherResult {
    const r = compareTrajectories(received, expected, options);
    return { pass: r.pass, message: () => (r.pass ? `expected trajectories not to be close, but: ${r.message}` : r.message) };
  },
  /** Every element within `ulps` units in the last place of the dtype (inferred from Float32Array/Float64Array); NaN/Inf/signed zero strict. */
  toBeWithinUlps(
    received: Numbers,
    expected: Numbers,
    ulps: number,
    dtype: Dtype = inferDtype(received, expected),
  ): MatcherResult {
    return compareSteps([expected], [received], dtype, { ...DEFAULT_TOLERANCES[dtype], ulps, absFloor: 0 });
  },
  /** A trajectory (params after each step) against a stored golden of the harness. */
  toMatchGolden(received: readonly Numbers[], golden: GoldenRef): MatcherResult {
    const g = loadGolden(golden.profile, golden.case, golden.dtype, golden.dir);
    return compareSteps(g.trajectory, received, golden.dtype, {
      ...DEFAULT_TOLERANCES[golden.dtype],
      ...(golden.ulps !== undefined ? { ulps: golden.ulps } : {}),
    });
  },
};

/** The matchers' types, as vitest sees them once this module is imported. */
export interface RmspropMatchers<R = unknown> {
  toBeCloseToArray(expected: Numbers, options?: CloseOptions): R;
  toBeCloseToTrajectory(expected: readonly Numbers[], options?: CloseOptions): R;
  toBeWithinUlps(expected: Numbers, ulps: number, dtype?: Dtype): R;
  toMatchGolden(golden: GoldenRef): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type -- declaration merging into vitest's interface: the empty body and its `any` default are vitest's own signature.
  interface Matchers<T = any> extends RmspropMatchers<T> {}
}
