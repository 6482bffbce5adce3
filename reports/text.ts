// Short human sentences about a cell, shared by the Markdown, JUnit and console renderers.
import type { AdapterVerdict, Cell, CellWorst, ConformanceReport } from '../runner/result.js';
import { formatGap, formatUlps, formatValue } from '../runner/number-format.js';

export { formatValue };

/** "first divergent step 3 (re-anchored): params[0] expected 0.5 got 0.6 (12 ulps)" */
export function describeDivergence(c: Cell): string {
  // The earliest divergence of the three series: one step from the reference state, the free run, its state.
  const candidates = [
    ['re-anchored', c.reanchored?.firstDivergence],
    ['free-running', c.freeRunning?.firstDivergence],
    ['free-running state', c.state?.firstDivergence],
  ] as const;
  const found = candidates.filter(([, d]) => d).sort((a, b) => a[1]!.step - b[1]!.step)[0];
  if (!found) return 'within tolerance';
  const [series, d] = [found[0], found[1]!];
  const where =
    d.kind === 'length'
      ? `${d.quantity} has ${d.actual} elements, expected ${d.expected}`
      : `${d.quantity}[${d.index}] expected ${formatValue(d.expected)} got ${formatValue(d.actual)} (${d.kind === 'ulps' ? `${formatUlps(d.ulps)} ulps` : d.kind})`;
  const tol = c.tolerance ? `; tolerance ${c.tolerance.ulps} ulps` : '';
  return `first divergent step ${d.step} (${series}, vs ${c.expectedProfile ?? 'reference'}): ${where}${tol}`;
}

/** "worst: re-anchored params[1] at step 7: expected 0.5 got 0.50000006 (abs 6e-8, 1 ulp, 0.5 ulps at scale 1)" */
export function describeWorst(w: CellWorst | null | undefined): string {
  if (!w) return 'nothing compared';
  const where =
    w.index < 0
      ? `${w.quantity} length at step ${w.step}: expected ${w.expected} got ${w.got}`
      : `${w.quantity}[${w.index}] at step ${w.step}: expected ${formatValue(w.expected)} got ${formatValue(w.got)}`;
  return `worst ${w.series} ${where} (abs ${formatGap(w.abs)}, rel ${formatGap(w.rel)}, ${formatUlps(w.ulps)} ulps, ${formatUlps(w.ulpsAtScale)} ulps at scale ${formatValue(w.scale)})`;
}

/** Adapters that fail for want of any comparison ("nothing compared: ..."): no failing cell says so, the verdict does. */
export function nothingCompared(report: Pick<ConformanceReport, 'verdicts'>): AdapterVerdict[] {
  return (report.verdicts ?? []).filter((v) => v.verdict === 'fail' && v.compared === 0);
}
