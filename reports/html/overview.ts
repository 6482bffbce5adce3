// The top of the page: verdict and completeness banners, counts, environment, and one row per
// adapter with its availability, claims, facts and cell counts.

import type { AdapterEntry, AdapterVerdict, Cell, CellStatus, ConformanceReport } from '../../runner/result.js';
import { describeDivergence, describeWorst } from '../text.js';
import { html, type RawHtml } from './escape.js';
import { formatUlp } from './numbers.js';
import { STATUS_MEANING, STATUS_ORDER } from './style.js';

function countBy(cells: readonly Cell[]): Record<CellStatus, number> {
  const out = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<CellStatus, number>;
  for (const c of cells) out[c.status]++;
  return out;
}

export function renderBanners(report: ConformanceReport): RawHtml {
  const s = report.summary;
  const beyond = s.fail + s.xpass;
  const verdict =
    s.exitCode === 0
      ? html`<div class="banner ok" id="verdict">All compared cells within tolerance (exit code 0).</div>`
      : html`<div class="banner bad" id="verdict">${beyond} cell${beyond === 1 ? '' : 's'} beyond tolerance or unexpectedly passing, ${s.error} error${s.error === 1 ? '' : 's'} (exit code ${s.exitCode}).</div>`;
  const incomplete = report.complete
    ? ''
    : html`<div class="banner warn" id="incomplete" role="alert">⚠ This report is incomplete (interrupted): the run stopped before every planned cell ran, so cells are missing from the matrix and the counts.</div>`;
  return html`${incomplete}${verdict}`;
}

export function renderSummary(report: ConformanceReport): RawHtml {
  const counts = countBy(report.cells);
  return html`<div class="chips" id="summary">${STATUS_ORDER.map((st) => html`<span class="chip" title="${STATUS_MEANING[st]}"><span class="sw st-${st}"></span><b>${counts[st]}</b> ${st}</span>`)}<span class="chip">${report.cases.length} cases</span><span class="chip">${report.adapters.length} adapters</span><span class="chip">${report.cells.length} cells</span></div>`;
}

export function renderEnvironment(report: ConformanceReport): RawHtml {
  const e = report.environment;
  const sel = report.selection;
  const rows: [string, string][] = [
    ['harness', e.harness],
    ['generated', report.generatedAt],
    ['node', e.node],
    ['platform', `${e.platform}-${e.arch}`],
    ['cpu', `${e.cpu} (${e.cores} cores, ${e.memoryGiB} GiB)`],
    ['suites', sel.suites.join(', ')],
    ['dtypes × modes', `${sel.dtypes.join(', ')} × ${sel.modes.join(', ')}`],
    ...(sel.shard ? [['shard', sel.shard] as [string, string]] : []),
  ];
  return html`<table id="environment"><tbody>${rows.map(([k, v]) => html`<tr><th>${k}</th><td class="label">${v}</td></tr>`)}</tbody></table>`;
}

const VERDICT_STATUS: Record<AdapterVerdict['verdict'], CellStatus> = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  unavailable: 'unavailable',
  undecided: 'skip',
};

function adapterRow(a: AdapterEntry, v: AdapterVerdict | undefined): RawHtml {
  const facts = Object.entries(a.facts ?? {});
  const counts = v?.counts;
  const worst = v?.worst;
  return html`<tr data-adapter="${a.label}">
<td class="label" title="${a.label}"><b>${a.short ?? a.label}</b>${a.short && a.short !== a.label ? html`<div class="small"><code>${a.label}</code></div>` : ''}<div class="small muted">${a.describe}</div></td>
<td class="label">${a.version}</td>
<td class="label">${a.claims}</td>
<td data-verdict="${v?.verdict ?? ''}"><span class="sw st-${v ? VERDICT_STATUS[v.verdict] : 'skip'}"></span> ${v?.verdict ?? '-'}<div class="small label">${v?.reason ?? ''}</div></td>
${STATUS_ORDER.map((s) => html`<td class="num">${counts?.[s] || ''}</td>`)}
<td class="num">${formatUlp(v?.maxUlp)}</td>
<td class="num" title="${worst ? describeWorst(worst) : ''}">${formatUlp(v?.maxUlpAtScale)}</td>
<td class="label small">${!worst ? '-' : worst.abs === 0 && worst.ulps === 0 ? 'exact everywhere' : html`${worst.case} [${worst.dtype}, ${worst.mode}] ${worst.series} ${worst.quantity}[${worst.index}] step ${worst.step}`}</td>
<td class="label small">${facts.length === 0 ? '' : html`<details><summary>${facts.length} facts</summary><table>${facts.map(([k, v]) => html`<tr><th>${k}</th><td class="label">${typeof v === 'string' ? v : JSON.stringify(v)}</td></tr>`)}</table></details>`}</td>
</tr>`;
}

export function renderAdapterTable(report: ConformanceReport): RawHtml {
  const verdicts = new Map((report.verdicts ?? []).map((v) => [v.adapter, v]));
  return html`<div class="wrap"><table id="adapters">
<thead><tr><th>adapter</th><th>version</th><th>claims</th><th>verdict</th>${STATUS_ORDER.map((s) => html`<th class="num" title="${STATUS_MEANING[s]}">${s}</th>`)}<th class="num" title="largest ULP distance of any compared value (params and state, free-running and re-anchored)">max ULP</th><th class="num" title="largest |got - expected| in ULPs of the vector's scale max|expected|">ULPs at scale</th><th>worst element</th><th>facts</th></tr></thead>
<tbody>${report.adapters.map((a) => adapterRow(a, verdicts.get(a.label)))}</tbody>
</table></div>`;
}

/** Cells beyond tolerance or in error, in words, each linking to its case's divergence plot. */
export function renderFailures(report: ConformanceReport, caseAnchor: (key: string) => string | null): RawHtml {
  const failures = report.cells.filter((c) => c.status === 'fail' || c.status === 'xpass' || c.status === 'error');
  if (failures.length === 0) return html``;
  const shown = failures.slice(0, 200);
  return html`<h3>Failures (${failures.length})</h3><ul class="divergences" id="failures">${shown.map((c) => {
    const anchor = caseAnchor(c.case);
    const where = anchor ? html`<a href="#${anchor}">${c.case}</a>` : html`${c.case}`;
    return html`<li><b class="label">${c.adapter}</b> ${where} [${c.dtype}, ${c.mode}] <span class="sw st-${c.status}"></span> ${c.status}: <span class="label">${c.status === 'error' ? (c.reason ?? '') : describeDivergence(c)}</span>${c.worst && c.status !== 'error' ? html`<div class="small muted">${describeWorst(c.worst)}</div>` : ''}</li>`;
  })}${failures.length > shown.length ? html`<li>… and ${failures.length - shown.length} more (see the JSON report)</li>` : ''}</ul>`;
}
