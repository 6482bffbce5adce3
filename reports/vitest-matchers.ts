// Matchers for users' own vitest suites:
//   import { rmspropMatchers } from 'rmsprop-harness/vitest'; expect.extend(rmspropMatchers);
//   expect(myParams).toBeWithinUlps(expected, 2, 'float32');
//   expect(myTrajectory).toMatchGolden({ profile: 'torch', case: 'problems/quad2d', dtype: 'float32' });
import type { Dtype } from '../reference/arithmetic.js';
import { emptySeries, recordStep } from '../runner/metrics.js';
import { DEFAULT_TOLERANCES, type Tolerance } from '../runner/tolerance.js';
import { loadGolden } from '../suites/golden-store.js';
import { formatUlps } from '../runner/ulp.js';
import { formatValue } from './text.js';

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function compareSteps(expected: ArrayLike<number>[], actual: ArrayLike<number>[], dtype: Dtype, tol: Tolerance): MatcherResult {
  const series = emptySeries();
  const n = Math.max(expected.length, actual.length);
  for (let t = 0; t < n; t++) recordStep(series, 'params', t + 1, expected[t] ?? [], actual[t] ?? [], dtype, tol);
  const d = series.firstDivergence;
  return {
    pass: d === null,
    message: () =>
      d === null
        ? `expected a divergence beyond ${tol.ulps} ulps, all ${n} steps are within (max ${formatUlps(series.maxUlp)} ulps)`
        : `step ${d.step} element ${d.index}: expected ${formatValue(d.expected)}, got ${formatValue(d.actual)} (${d.kind === 'ulps' ? `${formatUlps(d.ulps)} ulps > ${tol.ulps}` : d.kind})`,
  };
}

export const rmspropMatchers = {
  /** Every element within `ulps` units in the last place of the dtype; NaN/Inf/signed zero strict. */
  toBeWithinUlps(received: ArrayLike<number>, expected: ArrayLike<number>, ulps: number, dtype: Dtype = 'float64'): MatcherResult {
    return compareSteps([expected], [received], dtype, { ...DEFAULT_TOLERANCES[dtype], ulps, absFloor: 0 });
  },
  /** A trajectory (params after each step) against a stored golden of the harness. */
  toMatchGolden(received: ArrayLike<number>[], golden: { profile: string; case: string; dtype: Dtype; ulps?: number; dir?: string }): MatcherResult {
    const g = loadGolden(golden.profile, golden.case, golden.dtype, golden.dir);
    return compareSteps(g.params, received, golden.dtype, { ...DEFAULT_TOLERANCES[golden.dtype], ...(golden.ulps !== undefined ? { ulps: golden.ulps } : {}) });
  },
};

/** Types for the matchers: `interface Assertion<T> extends RmspropMatchers<T> {}` in a `declare module 'vitest'` block of your own. */
export interface RmspropMatchers<R = unknown> {
  toBeWithinUlps(expected: ArrayLike<number>, ulps: number, dtype?: Dtype): R;
  toMatchGolden(golden: { profile: string; case: string; dtype: Dtype; ulps?: number; dir?: string }): R;
}
