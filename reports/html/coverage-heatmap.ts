// The coverage matrix as a heatmap: cases down, adapters across, one coloured square per dtype x
// mode in each cell, the status and its reason on hover (title attribute), and every distinct
// skip/unavailable/error reason listed in a table so nothing depends on hovering.

import type { Cell, CellStatus, ConformanceReport } from '../../runner/result.js';
import { html, type RawHtml } from './escape.js';
import { cellMaxUlp } from '../../runner/summary.js';
import { describeWorst } from '../text.js';
import { formatUlp } from './numbers.js';
import { STATUS_MEANING, STATUS_ORDER } from './style.js';

const EXPLAINED: ReadonlySet<CellStatus> = new Set(['skip', 'unavailable', 'error', 'xfail', 'xpass']);

export interface ReasonEntry {
  number: number;
  status: CellStatus;
  reason: string;
  cells: number;
  adapters: string[];
}

/** Distinct (status, reason) pairs, numbered in order of first appearance. */
export function distinctReasons(cells: readonly Cell[]): ReasonEntry[] {
  const byKey = new Map<string, ReasonEntry>();
  for (const c of cells) {
    if (!EXPLAINED.has(c.status) || c.reason === undefined) continue;
    const key = JSON.stringify([c.status, c.reason]);
    let e = byKey.get(key);
    if (!e) {
      e = { number: byKey.size + 1, status: c.status, reason: c.reason, cells: 0, adapters: [] };
      byKey.set(key, e);
    }
    e.cells++;
    if (!e.adapters.includes(c.adapter)) e.adapters.push(c.adapter);
  }
  return [...byKey.values()];
}

function hoverText(c: Cell, reasonNumber: number | undefined): string {
  const head = `${c.adapter} · ${c.case} · ${c.dtype} · ${c.mode}: ${c.status}`;
  if (c.reason !== undefined) return `${head}: ${c.reason}${reasonNumber ? ` [R${reasonNumber}]` : ''}`;
  if (c.freeRunning)
    return `${head}; max ULP ${formatUlp(cellMaxUlp(c))}${c.tolerance ? ` (tolerance ${c.tolerance.ulps})` : ''}; ${describeWorst(c.worst)}`;
  return head;
}

export function renderStatusLegend(): RawHtml {
  return html`<div class="chips">${STATUS_ORDER.map((s) => html`<span class="chip" title="${STATUS_MEANING[s]}"><span class="sw st-${s}"></span>${s}</span>`)}</div>`;
}

export function renderCoverageHeatmap(report: ConformanceReport): RawHtml {
  const reasons = distinctReasons(report.cells);
  const reasonNumber = new Map(reasons.map((r) => [JSON.stringify([r.status, r.reason]), r.number]));
  const combos = report.selection.dtypes.flatMap((dtype) => report.selection.modes.map((mode) => ({ dtype, mode })));
  const index = new Map<string, Cell>();
  for (const c of report.cells) index.set(JSON.stringify([c.adapter, c.case, c.dtype, c.mode]), c);
  const labels = report.adapters.map((a) => a.label);
  const shorts = new Map(report.adapters.map((a) => [a.label, a.short ?? a.label]));
  const squares = (adapter: string, key: string) =>
    combos.map(({ dtype, mode }) => {
      const c = index.get(JSON.stringify([adapter, key, dtype, mode]));
      if (!c) return html`<span class="none" title="${`${adapter} · ${key} · ${dtype} · ${mode}: not run`}"></span>`;
      return html`<span class="st-${c.status}" data-status="${c.status}" title="${hoverText(c, reasonNumber.get(JSON.stringify([c.status, c.reason])))}"></span>`;
    });
  const grid = `grid-template-columns:repeat(${report.selection.modes.length},11px)`;
  return html`<p class="small muted">Each cell holds one square per ${report.selection.dtypes.join(' / ')} (rows) × ${report.selection.modes.join(' / ')} (columns); a dotted square was not run (streams have no closed loop; an interrupted run stops early). Hover a square for its status and reason.</p>
${renderStatusLegend()}
<div class="wrap"><table class="heatmap" id="coverage-heatmap">
<thead><tr><th>case</th>${labels.map((l) => html`<th class="adapter" title="${l}"><span>${shorts.get(l) ?? l}</span></th>`)}</tr></thead>
<tbody>${report.cases.map((k) => html`<tr><th class="case" title="${k.describe}">${k.key}</th>${labels.map((l) => html`<td><span class="cellgrid" style="${grid}">${squares(l, k.key)}</span></td>`)}</tr>`)}</tbody>
</table></div>
${
  reasons.length === 0
    ? html`<p class="muted">No cell was skipped, unavailable or in error.</p>`
    : html`<h3>Reasons</h3><div class="wrap"><table id="reasons"><thead><tr><th>#</th><th>status</th><th>reason</th><th class="num">cells</th><th>adapters</th></tr></thead><tbody>${reasons.map(
        (r) =>
          html`<tr><td>R${r.number}</td><td><span class="sw st-${r.status}"></span> ${r.status}</td><td class="label">${r.reason}</td><td class="num">${r.cells}</td><td class="label small">${r.adapters.join(', ')}</td></tr>`,
      )}</tbody></table></div>`
}`;
}
