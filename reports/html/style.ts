// The page's inline stylesheet and the status colours shared by the heatmap, the legend and the charts.
import type { CellStatus } from '../../runner/result.js';

export const STATUS_ORDER: readonly CellStatus[] = ['pass', 'fail', 'xfail', 'xpass', 'error', 'skip', 'unavailable'];

export const STATUS_COLOR: Record<CellStatus, string> = {
  pass: '#2e9e44',
  fail: '#d62728',
  xfail: '#e6b422',
  xpass: '#9b2fae',
  error: '#7f1d1d',
  skip: '#c8c8c8',
  unavailable: '#6b7280',
};

export const STATUS_MEANING: Record<CellStatus, string> = {
  pass: 'within tolerance',
  fail: 'beyond tolerance',
  xfail: 'beyond tolerance, expected to be',
  xpass: 'within tolerance although marked expected-to-fail',
  error: 'the adapter threw, hung or returned garbage',
  skip: 'not applicable or deselected',
  unavailable: 'the adapter cannot run on this machine',
};

const statusRules = STATUS_ORDER.map((s) => `.st-${s}{background:${STATUS_COLOR[s]}}`).join('\n');

export const STYLESHEET = `
:root{color-scheme:light}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
main{max-width:1280px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0}
h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:20px 0 4px}
nav ul{display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;list-style:none;margin:4px 0}
nav a,a{color:#0969da}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px}
table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#57606a}
.small{font-size:12px}
.wrap{overflow-x:auto}
.banner{padding:8px 12px;border-radius:6px;margin:8px 0;font-weight:600}
.banner.ok{background:#dafbe1;border:1px solid #2e9e44}
.banner.bad{background:#ffebe9;border:1px solid #d62728}
.banner.warn{background:#fff8c5;border:2px solid #bf8700}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0}
.chip{display:inline-flex;align-items:center;gap:4px;border:1px solid #d0d7de;border-radius:12px;padding:1px 10px}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:middle}
${statusRules}
table.heatmap td{padding:2px;text-align:center}
table.heatmap th.case{white-space:nowrap;font-weight:normal}
table.heatmap th.adapter{vertical-align:bottom;padding:4px 2px}
table.heatmap th.adapter span{writing-mode:vertical-rl;transform:rotate(180deg);display:inline-block;max-height:14em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:normal}
.cellgrid{display:inline-grid;gap:1px}
.cellgrid span{display:block;width:11px;height:11px;border-radius:1px}
.cellgrid span.none{background:transparent;outline:1px dotted #d0d7de}
figure{margin:12px 0 24px}
figure svg{max-width:100%;height:auto;display:block}
figcaption{font-size:12px;color:#57606a;margin-top:4px}
details{margin:2px 0}
details summary{cursor:pointer}
ul.divergences{margin:4px 0;padding-left:20px;font-size:12px}
.label{overflow-wrap:anywhere}
table.diffmatrix td{min-width:18px;font-size:11px;border-color:#e5e7eb}
table.diffmatrix td a{color:#1f2328;text-decoration:none;display:block}
table.diffmatrix td.dark a,table.diffmatrix td.dark{color:#fff}
table.diffmatrix td.diag{background:#f6f8fa}
table.diffmatrix td.na{color:#c8c8c8}
tr.responsible td{background:#fff8c5}
.trap{color:#bf8700;font-weight:700}
ul.traps{margin:0;padding-left:16px}
figure.comparison:target{outline:2px solid #0969da;outline-offset:4px}
`;
