// Short human sentences about a cell, shared by the Markdown, JUnit and console renderers.
import type { Cell } from '../runner/result.js';
import { formatUlps } from '../runner/ulp.js';

export function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}


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
  const where = d.kind === 'length' ? `${d.quantity} has ${d.actual} elements, expected ${d.expected}` : `${d.quantity}[${d.index}] expected ${formatValue(d.expected)} got ${formatValue(d.actual)} (${d.kind === 'ulps' ? `${formatUlps(d.ulps)} ulps` : d.kind})`;
  const tol = c.tolerance ? `; tolerance ${c.tolerance.ulps} ulps` : '';
  return `first divergent step ${d.step} (${series}, vs ${c.expectedProfile ?? 'reference'}): ${where}${tol}`;
}
