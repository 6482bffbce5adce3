// The Mann-Whitney U test (Wilcoxon rank-sum), two-sided, as google/benchmark's tools/compare.py
// runs it (scipy.stats.mannwhitneyu, alternative='two-sided') on the repetitions of a benchmark:
// whether two sets of timings come from the same distribution, from their ranks alone, so one
// outlier cannot decide it and no normality is assumed. p from the normal approximation with the
// tie correction and a continuity correction (scipy's method='asymptotic', use_continuity=True).

export interface RankTest {
  /** U of the first sample (the number of pairs (a, b) with a > b, ties counting 1/2). */
  u: number;
  /** Two-sided p-value. */
  p: number;
  nA: number;
  nB: number;
}

/** Standard normal upper tail, P(Z > z), by the complementary error function (Numerical Recipes erfc, |error| < 1.2e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  const upper = erfc / 2;
  return z >= 0 ? upper : 1 - upper;
}

export function mannWhitneyU(a: readonly number[], b: readonly number[]): RankTest {
  const nA = a.length;
  const nB = b.length;
  if (nA === 0 || nB === 0) throw new RangeError('mannWhitneyU: both samples need at least one value');
  const all = [...a.map((x) => ({ x, first: true })), ...b.map((x) => ({ x, first: false }))].sort((p, q) => p.x - q.x);
  // Average ranks over ties; collect the tie term sum(t^3 - t).
  let rankSumA = 0;
  let ties = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].x === all[i].x) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (all[k].first) rankSumA += rank;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumA - (nA * (nA + 1)) / 2;
  const n = nA + nB;
  const mean = (nA * nB) / 2;
  const variance = ((nA * nB) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, nA, nB };
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalUpperTail(Math.max(0, z))), nA, nB };
}
