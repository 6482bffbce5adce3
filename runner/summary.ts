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
export function adapterVerdict(
  entry: Pick<AdapterEntry, 'label' | 'available' | 'reason' | 'probeFailed'> | undefined,
  label: string,
  cells: readonly Cell[],
  shard: boolean,
): AdapterVerdict {
  const counts = countStatuses(cells);
  const compared = cells.filter(isCompared);
  // Which compared cells are bit-exact, exact up to the declared op error, or judged by the tolerance alone.
  const exactness = { 'bit-exact': 0, 'exact-up-to-op-error': 0, inexact: 0 };
  for (const c of compared) if (c.exactness) exactness[c.exactness]++;
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
    if (
      c.worst &&
      (worst === null ||
        c.worst.ulpsAtScale > worst.ulpsAtScale ||
        (c.worst.ulpsAtScale === worst.ulpsAtScale && c.worst.ulps > worst.ulps))
    ) {
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
    reason = !shard
      ? `nothing compared: ${commonestReason(cells)}`
      : cells.length === 0
        ? 'not in this shard: its cells are in the other shards (decided when the shards are merged)'
        : 'no compared cell in this shard (decided when the shards are merged)';
  } else {
    verdict = 'pass';
    const opExact = exactness['exact-up-to-op-error'];
    const detail = [
      ...(opExact > 0
        ? [`${exactness['bit-exact']} bit-exact, ${opExact} exact up to the declared op error, not bit-exact`]
        : []),
      ...(counts.xfail > 0 ? [`${counts.xfail} expected failures`] : []),
    ];
    reason = `${plural(compared.length, 'cell')} within tolerance${detail.length > 0 ? ` (${detail.join('; ')})` : ''}`;
  }
  return {
    adapter: label,
    verdict,
    reason,
    counts,
    compared: compared.length,
    exactness,
    maxUlp,
    maxUlpByDtype,
    maxUlpAtScale,
    worst,
  };
}

/** Verdicts for the report's adapters, then for any label only the cells name (a merged report). */
export function adapterVerdicts(adapters: readonly AdapterEntry[], cells: readonly Cell[], shard: boolean): AdapterVerdict[] {
  const labels = adapters.map((a) => a.label);
  for (const c of cells) if (!labels.includes(c.adapter)) labels.push(c.adapter);
  return labels.map((label) =>
    adapterVerdict(
      adapters.find((a) => a.label === label),
      label,
      cells.filter((c) => c.adapter === label),
      shard,
    ),
  );
}

/** Exit code of a run stopped by Ctrl-C or SIGTERM (its report is incomplete). */
export const EXIT_CODE_INTERRUPTED = 130;

export interface VerdictOptions {
  /** False for an interrupted run: its exit code is 130 whatever the cells say. */
  complete?: boolean;
  /** Adapter labels that must be compared: an unavailable or erroring cell of one fails the run. */
  required?: readonly string[];
}

export function summarize(
  cells: readonly Cell[],
  verdicts: readonly AdapterVerdict[] = [],
  options: VerdictOptions = {},
): ConformanceReport['summary'] {
  const summary: Record<CellStatus, number> & { exitCode: number } = { ...countStatuses(cells), exitCode: 0 };
  const failingVerdict = verdicts.some((v) => v.verdict === 'fail' || v.verdict === 'error');
  const requiredMissed = requiredNotCompared(cells, options.required ?? []).length > 0;
  summary.exitCode = summary.fail + summary.xpass + summary.error > 0 || failingVerdict || requiredMissed ? 1 : 0;
  if (options.complete === false) summary.exitCode = EXIT_CODE_INTERRUPTED;
  return summary;
}

/**
 * Required labels with an unavailable or erroring cell, or whose cells were all skipped. A label with
 * no cell here (another shard has them) is judged where its cells are, and by `report merge`.
 */
export function requiredNotCompared(cells: readonly Cell[], required: readonly string[]): string[] {
  return required.filter((label) => {
    const own = cells.filter((c) => c.adapter === label);
    if (own.length === 0) return false;
    return own.some((c) => c.status === 'unavailable' || c.status === 'error') || !own.some((c) => COMPARED.has(c.status));
  });
}

export interface NotCompared {
  label: string;
  reason: string;
  required: boolean;
}

/**
 * Adapters of the report that were compared on no cell (unavailable, broken, every cell skipped or
 * errored), and why: a gate that passes while checking nothing must say so.
 */
export function notCompared(report: Pick<ConformanceReport, 'adapters' | 'cells' | 'selection'>): NotCompared[] {
  const required = new Set(report.selection.required ?? []);
  const out: NotCompared[] = [];
  for (const a of report.adapters) {
    const own = report.cells.filter((c) => c.adapter === a.label);
    if (own.length === 0 || own.some((c) => COMPARED.has(c.status))) continue;
    const first = own.find((c) => c.reason) ?? own[0];
    const reason = !a.available
      ? `${a.probeFailed ? 'broken' : 'unavailable'}: ${a.reason ?? 'no reason given'}`
      : `every cell ${first.status === 'skip' ? 'skipped' : first.status}${first.reason ? `: ${first.reason}` : ''}`;
    out.push({ label: a.label, reason, required: required.has(a.label) });
  }
  return out;
}
