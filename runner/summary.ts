// Counts per status and the verdict: the one place the exit code of a set of cells is decided.
import type { Cell, CellStatus, ConformanceReport } from './result.js';

export function summarize(cells: readonly Cell[]): ConformanceReport['summary'] {
  const summary: Record<CellStatus, number> & { exitCode: number } = { pass: 0, fail: 0, xfail: 0, xpass: 0, error: 0, skip: 0, unavailable: 0, exitCode: 0 };
  for (const c of cells) summary[c.status]++;
  summary.exitCode = summary.fail + summary.xpass + summary.error > 0 ? 1 : 0;
  return summary;
}
