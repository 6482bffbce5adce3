// Counts per status and the verdict: the one place the exit code of a set of cells is decided.
import type { Cell, CellStatus, ConformanceReport } from './result.js';

/** Exit code of a run stopped by Ctrl-C or SIGTERM (its report is incomplete). */
export const EXIT_CODE_INTERRUPTED = 130;

export interface VerdictOptions {
  /** False for an interrupted run: its exit code is 130 whatever the cells say. */
  complete?: boolean;
  /** Adapter labels that must be compared: an unavailable or erroring cell of one fails the run. */
  required?: readonly string[];
}

const COMPARED: ReadonlySet<CellStatus> = new Set(['pass', 'fail', 'xfail', 'xpass']);

export function summarize(cells: readonly Cell[], verdict: VerdictOptions = {}): ConformanceReport['summary'] {
  const summary: Record<CellStatus, number> & { exitCode: number } = { pass: 0, fail: 0, xfail: 0, xpass: 0, error: 0, skip: 0, unavailable: 0, exitCode: 0 };
  for (const c of cells) summary[c.status]++;
  const requiredMissed = requiredNotCompared(cells, verdict.required ?? []).length > 0;
  summary.exitCode = summary.fail + summary.xpass + summary.error > 0 || requiredMissed ? 1 : 0;
  if (verdict.complete === false) summary.exitCode = EXIT_CODE_INTERRUPTED;
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
    const first = own.find((c) => c.reason) ?? own[0]!;
    const reason = !a.available ? `${a.probeFailed ? 'broken' : 'unavailable'}: ${a.reason ?? 'no reason given'}` : `every cell ${first.status === 'skip' ? 'skipped' : first.status}${first.reason ? `: ${first.reason}` : ''}`;
    out.push({ label: a.label, reason, required: required.has(a.label) });
  }
  return out;
}
