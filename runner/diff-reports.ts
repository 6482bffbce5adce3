// Two runs compared, for a pull request: which conformance cells newly fail or pass and where the
// error grew (conformance reports are deterministic, so any growth is real), and which benchmark
// entries changed beyond noise, by the bench gate's own test (compareReports).

import { compareReports, type Comparison } from './bench/baseline.js';
import type { BenchReport } from './bench/report.js';
import type { Cell, CellStatus, ConformanceReport } from './result.js';

const FAILING: ReadonlySet<CellStatus> = new Set(['fail', 'xpass', 'error']);
const COMPARED: ReadonlySet<CellStatus> = new Set(['pass', 'fail', 'xfail', 'xpass']);

export interface CellChange {
  key: string;
  base: CellStatus | null;
  head: CellStatus | null;
  reason?: string;
}

export interface ErrorGrowth {
  key: string;
  baseMaxUlp: number;
  headMaxUlp: number;
  baseMaxRel: number;
  headMaxRel: number;
}

export interface ConformanceDiff {
  kind: 'conformance';
  newlyFailing: CellChange[];
  newlyPassing: CellChange[];
  /** Compared in the base, not in the head (now skipped, unavailable or gone). */
  noLongerCompared: CellChange[];
  /** Cells compared in both whose largest ULP error (free-running) grew. */
  errorGrowth: ErrorGrowth[];
  added: number;
  removed: number;
  unchanged: number;
  /** 1 when a cell newly fails, else 0. */
  exitCode: 0 | 1;
}

export interface BenchDiff {
  kind: 'bench';
  /** Entries slower or faster beyond both margins of error (the bench gate's test). */
  significant: Comparison[];
  same: number;
  missing: number;
  added: number;
  /** 1 when an entry is significantly slower, else 0. */
  exitCode: 0 | 1;
}

const cellKey = (c: Pick<Cell, 'adapter' | 'case' | 'dtype' | 'mode'>) => `${c.adapter} ${c.case} ${c.dtype} ${c.mode}`;

export function diffConformance(base: Pick<ConformanceReport, 'cells'>, head: Pick<ConformanceReport, 'cells'>): ConformanceDiff {
  const before = new Map(base.cells.map((c) => [cellKey(c), c]));
  const after = new Map(head.cells.map((c) => [cellKey(c), c]));
  const diff: ConformanceDiff = {
    kind: 'conformance',
    newlyFailing: [],
    newlyPassing: [],
    noLongerCompared: [],
    errorGrowth: [],
    added: 0,
    removed: 0,
    unchanged: 0,
    exitCode: 0,
  };
  for (const [key, h] of after) {
    const b = before.get(key);
    const change: CellChange = { key, base: b?.status ?? null, head: h.status, ...(h.reason ? { reason: h.reason } : {}) };
    if (!b) diff.added++;
    if (FAILING.has(h.status) && !(b && FAILING.has(b.status))) diff.newlyFailing.push(change);
    else if (b && FAILING.has(b.status) && !FAILING.has(h.status) && COMPARED.has(h.status)) diff.newlyPassing.push(change);
    else if (b && COMPARED.has(b.status) && !COMPARED.has(h.status)) diff.noLongerCompared.push(change);
    else if (b) diff.unchanged++;
    const bs = b?.freeRunning;
    const hs = h.freeRunning;
    if (b && bs && hs && COMPARED.has(b.status) && COMPARED.has(h.status) && hs.maxUlp > bs.maxUlp) {
      diff.errorGrowth.push({ key, baseMaxUlp: bs.maxUlp, headMaxUlp: hs.maxUlp, baseMaxRel: bs.maxRel, headMaxRel: hs.maxRel });
    }
  }
  for (const [key, b] of before) {
    if (after.has(key)) continue;
    diff.removed++;
    if (COMPARED.has(b.status)) diff.noLongerCompared.push({ key, base: b.status, head: null });
  }
  diff.errorGrowth.sort((x, y) => y.headMaxUlp - y.baseMaxUlp - (x.headMaxUlp - x.baseMaxUlp));
  diff.exitCode = diff.newlyFailing.length > 0 ? 1 : 0;
  return diff;
}

export function diffBench(
  base: Pick<BenchReport, 'results' | 'models'>,
  head: Pick<BenchReport, 'results' | 'models'>,
): BenchDiff {
  const { comparisons, slower } = compareReports(base, head);
  const significant = comparisons
    .filter((c) => c.verdict === 'slower' || c.verdict === 'faster')
    .sort((a, b) => (a.verdict === b.verdict ? (b.ratio ?? 0) - (a.ratio ?? 0) : a.verdict === 'slower' ? -1 : 1));
  return {
    kind: 'bench',
    significant,
    same: comparisons.filter((c) => c.verdict === 'same').length,
    missing: comparisons.filter((c) => c.verdict === 'missing').length,
    added: comparisons.filter((c) => c.verdict === 'new').length,
    exitCode: slower > 0 ? 1 : 0,
  };
}
