// Counts per status, the per-adapter verdicts and the exit code: the one place where a set of cells
// is judged. Renderers print these; none recomputes them.
import type { AdapterEntry, AdapterVerdict, Cell, CellStatus, ConformanceReport } from './result.js';
import { CELL_STATUSES } from './result.js';

const COMPARED: ReadonlySet<CellStatus> = new Set(['pass', 'fail', 'xfail', 'xpass']);

/** Whether a cell was measured against the reference (whatever the outcome). */
export const isCompared = (c: Cell): boolean => COMPARED.has(c.status);

/**
 * The "max ULP" of a cell, the one definition every report uses: the largest ULP distance of any
 * compared value (params and optimizer state, free-running and re-anchored); null when nothing was
 * compared. Infinity for a NaN/Inf mismatch.
 */
export function cellMaxUlp(c: Cell): number | null {
  if (!isCompared(c)) return null;
  return maxUlpOfSeries(c.freeRunning, c.reanchored, c.state);
}

/** The same over the series of a measurement (before it is a cell): null when there is none. */
export function maxUlpOfSeries(...series: ({ maxUlp: number } | null | undefined)[]): number | null {
  const values = series.map((s) => s?.maxUlp).filter((v): v is number => typeof v === 'number');
  return values.length > 0 ? Math.max(...values) : null;
}

/** The largest error in ULPs of the vector's scale of a cell (see CellWorst), null when nothing was compared. */
export function cellMaxUlpAtScale(c: Cell): number | null {
  return isCompared(c) && c.worst ? c.worst.ulpsAtScale : null;
}

function countStatuses(cells: readonly Cell[]): Record<CellStatus, number> {
  const counts = Object.fromEntries(CELL_STATUSES.map((s) => [s, 0])) as Record<CellStatus, number>;
  for (const c of cells) counts[c.status]++;
  return counts;
}

/** The commonest reason among cells, with its count. */
function commonestReason(cells: readonly Cell[]): string {
  const tally = new Map<string, number>();
  for (const c of cells) if (c.reason) tally.set(c.reason, (tally.get(c.reason) ?? 0) + 1);
  const [reason, n] = [...tally].sort((a, b) => b[1] - a[1])[0] ?? ['no cell selected', 0];
  return n > 0 && n < cells.length ? `${reason} (${n} of ${cells.length} cells)` : reason;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * One verdict per adapter. An available adapter for which nothing was compared fails ("nothing
 * compared: ..."): a harness must never report a pass it did not measure. In a shard report an
 * adapter without compared cells is undecided: its cells may be in another shard.
 */
export function adapterVerdict(entry: Pick<AdapterEntry, 'label' | 'available' | 'reason' | 'probeFailed'> | undefined, label: string, cells: readonly Cell[], shard: boolean): AdapterVerdict {
  const counts = countStatuses(cells);
  const compared = cells.filter(isCompared);
  let maxUlp: number | null = null;
  let maxUlpAtScale: number | null = null;
  const maxUlpByDtype: Record<string, number> = {};
  let worst: AdapterVerdict['worst'] = null;
  for (const c of compared) {
    const u = cellMaxUlp(c);
    if (u !== null) {
      maxUlp = Math.max(maxUlp ?? 0, u);
      maxUlpByDtype[c.dtype] = Math.max(maxUlpByDtype[c.dtype] ?? 0, u);
    }
    const s = cellMaxUlpAtScale(c);
    if (s !== null) maxUlpAtScale = Math.max(maxUlpAtScale ?? 0, s);
    if (c.worst && (worst === null || c.worst.ulpsAtScale > worst.ulpsAtScale || (c.worst.ulpsAtScale === worst.ulpsAtScale && c.worst.ulps > worst.ulps))) {
      worst = { ...c.worst, case: c.case, dtype: c.dtype, mode: c.mode };
    }
  }
  const beyond = counts.fail + counts.xpass;
  let verdict: AdapterVerdict['verdict'];
  let reason: string;
  if (entry && !entry.available) {
    verdict = entry.probeFailed ? 'error' : 'unavailable';
    reason = `${entry.probeFailed ? 'broken' : 'unavailable'}: ${entry.reason ?? 'no reason given'}`;
  } else if (beyond > 0) {
    verdict = 'fail';
    reason = `${plural(beyond, 'cell')} beyond tolerance${counts.xpass > 0 ? ` (${counts.xpass} unexpectedly passing)` : ''} of ${compared.length} compared`;
  } else if (counts.error > 0) {
    verdict = 'error';
    reason = `${plural(counts.error, 'cell')} in error: ${commonestReason(cells.filter((c) => c.status === 'error'))}`;
  } else if (compared.length === 0) {
    verdict = shard ? 'undecided' : 'fail';
    reason = shard ? 'no compared cell in this shard (decided when the shards are merged)' : `nothing compared: ${commonestReason(cells)}`;
  } else {
    verdict = 'pass';
    reason = `${plural(compared.length, 'cell')} within tolerance${counts.xfail > 0 ? ` (${counts.xfail} expected failures)` : ''}`;
  }
  return { adapter: label, verdict, reason, counts, compared: compared.length, maxUlp, maxUlpByDtype, maxUlpAtScale, worst };
}

/** Verdicts for the report's adapters, then for any label only the cells name (a merged report). */
export function adapterVerdicts(adapters: readonly AdapterEntry[], cells: readonly Cell[], shard: boolean): AdapterVerdict[] {
  const labels = adapters.map((a) => a.label);
  for (const c of cells) if (!labels.includes(c.adapter)) labels.push(c.adapter);
  return labels.map((label) => adapterVerdict(adapters.find((a) => a.label === label), label, cells.filter((c) => c.adapter === label), shard));
}

export function summarize(cells: readonly Cell[], verdicts: readonly AdapterVerdict[] = []): ConformanceReport['summary'] {
  const summary: Record<CellStatus, number> & { exitCode: number } = { ...countStatuses(cells), exitCode: 0 };
  const failingVerdict = verdicts.some((v) => v.verdict === 'fail' || v.verdict === 'error');
  summary.exitCode = summary.fail + summary.xpass + summary.error > 0 || failingVerdict ? 1 : 0;
  return summary;
}
