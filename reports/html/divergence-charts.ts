// ULP error per step for every compared cell of a case: one line per adapter and series, dtype in
// columns, mode in rows, the tolerance band shaded, the first divergent step marked.

import type { TopLevelSpec } from 'vega-lite';
import type { Encoding } from 'vega-lite/types_unstable/encoding.js';
import type { Series } from '../../runner/metrics.js';
import type { Cell, CellStatus, ConformanceReport } from '../../runner/result.js';
import { describeDivergence } from '../text.js';
import { renderChart } from './charts.js';
import { downsampleMax, type StepValue } from './downsample.js';
import { html, raw, type RawHtml } from './escape.js';
import { numeric } from './numbers.js';
import type { Palette } from './palette.js';
import { wrapText } from './wrap-text.js';

/** Where an exact zero is drawn on the log axis (labelled 0). */
export const ULP_FLOOR = 0.1;
/** Where a NaN/Inf mismatch (an infinite ULP distance) is drawn: above any finite float64 distance (< 2^64). */
export const NON_FINITE_ULP = 1e20;
/** Longer series are reduced to bucket maxima. */
export const MAX_POINTS_PER_SERIES = 150;

const COMPARED: ReadonlySet<CellStatus> = new Set(['pass', 'fail', 'xfail', 'xpass']);
const SERIES_KINDS = ['free-running', 're-anchored'] as const;

/** Cells whose values were compared with the reference (the ones with an error series to plot). */
export function comparedCells(report: ConformanceReport): Cell[] {
  return report.cells.filter((c) => COMPARED.has(c.status) && c.freeRunning !== undefined);
}

interface Row {
  kind: 'error' | 'tolerance' | 'divergence';
  adapter?: string;
  dtype: string;
  mode: string;
  series?: string;
  step: number;
  ulp: number;
  ulp2?: number;
  band?: string;
}

function plotted(ulp: unknown): number {
  const v = numeric(ulp);
  if (!Number.isFinite(v)) return NON_FINITE_ULP;
  return Math.min(NON_FINITE_ULP, Math.max(ULP_FLOOR, v));
}

function seriesRows(cell: Cell, kind: (typeof SERIES_KINDS)[number], series: Series, label: string): Row[] {
  const first = series.firstDivergentStep === null ? null : numeric(series.firstDivergentStep);
  const points: StepValue[] = series.steps.map((s) => ({ step: numeric(s.step), value: plotted(s.maxUlp) }));
  const kept = downsampleMax(points, MAX_POINTS_PER_SERIES, first === null ? [] : [first]);
  const base = { adapter: label, dtype: cell.dtype, mode: cell.mode, series: kind };
  const rows: Row[] = kept.map((p) => ({ kind: 'error', ...base, step: p.step, ulp: p.value }));
  if (first !== null) {
    const at = points.find((p) => p.step === first);
    rows.push({ kind: 'divergence', ...base, step: first, ulp: at?.value ?? NON_FINITE_ULP });
  }
  return rows;
}

/** The tolerance band of each (dtype, mode) panel: from the zero line up to each distinct tolerance. */
function toleranceRows(cells: readonly Cell[], lastStep: number): Row[] {
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const c of cells) {
    if (!c.tolerance) continue;
    const tol = plotted(c.tolerance.ulps);
    const key = `${c.dtype}|${c.mode}|${tol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const step of [1, lastStep])
      rows.push({ kind: 'tolerance', dtype: c.dtype, mode: c.mode, step, ulp: ULP_FLOOR, ulp2: tol, band: String(tol) });
  }
  return rows;
}

/** Tick values for the log axis: the zero line, powers of ten up to the top (about 7), and the NaN/Inf line when it is in range. */
function ulpTicks(top: number): number[] {
  const maxExponent = Math.floor(Math.log10(top));
  const stride = Math.max(1, Math.ceil((maxExponent + 1) / 6));
  const ticks = [ULP_FLOOR];
  for (let e = 0; e <= maxExponent; e += stride) if (10 ** e < NON_FINITE_ULP) ticks.push(10 ** e);
  if (top >= NON_FINITE_ULP) ticks.push(NON_FINITE_ULP);
  return ticks;
}

/** shortOf: the display label of an adapter (id plus a short hash; the full spec is in the adapter table). */
export function divergenceSpec(
  caseKey: string,
  describe: string,
  cells: readonly Cell[],
  palette: Palette,
  shortOf: (label: string) => string = (l) => l,
): TopLevelSpec {
  const rows: Row[] = [];
  for (const c of cells) {
    rows.push(...seriesRows(c, 'free-running', c.freeRunning!, shortOf(c.adapter)));
    if (c.reanchored) rows.push(...seriesRows(c, 're-anchored', c.reanchored, shortOf(c.adapter)));
  }
  const lastStep = Math.max(2, ...rows.map((r) => r.step));
  rows.push(...toleranceRows(cells, lastStep));
  const top = Math.max(10, ...rows.map((r) => Math.max(r.ulp, r.ulp2 ?? 0))) * 3;
  const adapters = [...new Set(cells.map((c) => shortOf(c.adapter)))];
  const x: Encoding<string>['x'] = {
    field: 'step',
    type: 'quantitative',
    title: 'step',
    scale: { domain: [1, lastStep], nice: false, padding: 8 },
  }; // padding: a divergence at step 1 stays off the axis
  const y: Encoding<string>['y'] = {
    field: 'ulp',
    type: 'quantitative',
    title: 'max ULP error',
    scale: { type: 'log', domain: [ULP_FLOOR / 2, top], nice: false, clamp: true }, // the zero line sits just above the axis
    axis: {
      values: ulpTicks(top),
      labelExpr: `datum.value <= ${ULP_FLOOR} ? '0' : datum.value >= ${NON_FINITE_ULP} ? 'NaN/Inf' : datum.value < 1e4 ? format(datum.value, ',') : format(datum.value, '.0e')`,
    },
  };
  const color: Encoding<string>['color'] = {
    field: 'adapter',
    type: 'nominal',
    title: 'adapter',
    scale: palette.scaleFor(adapters),
    legend: { orient: 'bottom', columns: 2, symbolType: 'stroke', labelLimit: 420 },
  };
  const spec: TopLevelSpec = {
    title: {
      text: caseKey,
      subtitle: [
        ...wrapText(describe),
        ...wrapText(
          'Largest ULP distance over the params at each step on a log scale: exact zeros are drawn on the bottom line labelled 0 (a log axis has no 0), NaN/Inf mismatches at the top.',
        ),
        ...wrapText(
          "Solid: free-running (the adapter's own trajectory); dashed: re-anchored (each step from the reference state). Shaded: within tolerance. Rule and diamond: first divergent step.",
        ),
      ],
    },
    data: { values: rows },
    facet: {
      column: { field: 'dtype', type: 'nominal', title: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
      row: {
        field: 'mode',
        type: 'nominal',
        title: null,
        sort: ['replay', 'closed-loop'],
        header: { labelFontSize: 12, labelFontWeight: 'bold' },
      },
    },
    spec: {
      width: 330,
      height: 150,
      layer: [
        {
          transform: [{ filter: { field: 'kind', equal: 'tolerance' } }],
          mark: { type: 'area', color: '#2e9e44', opacity: 0.12 },
          encoding: { x, y, y2: { field: 'ulp2' }, detail: { field: 'band', type: 'nominal' } },
        },
        {
          transform: [{ filter: { field: 'kind', equal: 'error' } }],
          mark: { type: 'line', strokeWidth: 1.6, clip: true },
          encoding: {
            x,
            y,
            color,
            strokeDash: {
              field: 'series',
              type: 'nominal',
              title: 'series',
              scale: {
                domain: [...SERIES_KINDS],
                range: [
                  [1, 0],
                  [5, 3],
                ],
              },
              legend: { orient: 'right', symbolType: 'stroke' },
            },
          },
        },
        {
          transform: [{ filter: { field: 'kind', equal: 'divergence' } }],
          mark: { type: 'rule', strokeWidth: 1, opacity: 0.8 },
          encoding: { x, color },
        },
        {
          transform: [{ filter: { field: 'kind', equal: 'divergence' } }],
          mark: { type: 'point', shape: 'diamond', size: 90, filled: true, stroke: '#111', strokeWidth: 1, opacity: 1 },
          encoding: { x, y, color },
        },
      ],
    },
    resolve: { scale: { x: 'shared', y: 'shared' } },
  };
  return spec;
}

/** One figure per case with compared cells, in the report's case order, with the divergences in words under it. */
export async function renderDivergenceSection(
  report: ConformanceReport,
  palette: Palette,
  caseAnchor: (key: string) => string,
): Promise<RawHtml> {
  const shorts = new Map(report.adapters.map((a) => [a.label, a.short ?? a.label]));
  const shortOf = (label: string) => shorts.get(label) ?? label;
  const byCase = new Map<string, Cell[]>();
  for (const c of comparedCells(report)) byCase.set(c.case, [...(byCase.get(c.case) ?? []), c]);
  const figures: RawHtml[] = [];
  let index = 0;
  for (const k of report.cases) {
    const cells = byCase.get(k.key);
    if (!cells) continue;
    const svg = await renderChart(divergenceSpec(k.key, k.describe, cells, palette, shortOf), `div-${index++}`);
    const beyond = cells.filter((c) => c.status === 'fail' || c.status === 'xfail' || c.status === 'xpass');
    // Values within the absolute floor of the expected value pass whatever their ULP distance (near zero).
    const aboveBandYetPassing = cells.some(
      (c) => c.status === 'pass' && c.tolerance && numeric(c.freeRunning!.maxUlp) > numeric(c.tolerance.ulps),
    );
    figures.push(html`<figure id="${caseAnchor(k.key)}" class="divergence" data-case="${k.key}">
${raw(svg)}
<figcaption>${cells.length} compared cell${cells.length === 1 ? '' : 's'} (${[...new Set(cells.map((c) => c.adapter))].length} adapters)${beyond.length === 0 ? ', all within tolerance' : html`; beyond tolerance:`}</figcaption>
${aboveBandYetPassing ? html`<p class="small muted">A passing line above the band: those values are within the absolute floor of the expected value (near zero), where the ULP distance is not the criterion.</p>` : ''}
${beyond.length > 0 ? html`<ul class="divergences">${beyond.map((c) => html`<li><b class="label" title="${c.adapter}">${shortOf(c.adapter)}</b> [${c.dtype}, ${c.mode}, ${c.status}]: ${describeDivergence(c)}</li>`)}</ul>` : ''}
</figure>`);
  }
  if (figures.length === 0)
    return html`<p class="muted">No cell was compared (every cell was skipped, unavailable or an error).</p>`;
  return html`${figures}`;
}
