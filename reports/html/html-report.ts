// The self-contained HTML report: one document with inline CSS and inline SVG charts (vega-lite
// rendered at build time), no script and no external resource, so it opens offline and a
// Content-Security-Policy can forbid everything else.

import type { BenchReport } from '../../runner/bench/report.js';
import type { ConformanceReport } from '../../runner/result.js';
import { renderDifferencesSection } from './compare-charts.js';
import { renderCoverageHeatmap } from './coverage-heatmap.js';
import { CONTENT_SECURITY_POLICY_TEXT } from './csp.js';
import { comparedCells, renderDivergenceSection } from './divergence-charts.js';
import { html, raw } from './escape.js';
import { renderAdapterTable, renderBanners, renderEnvironment, renderFailures, renderSummary } from './overview.js';
import { Palette } from './palette.js';
import { STYLESHEET } from './style.js';
import { renderExactness, renderRecordingsSection } from './recordings-section.js';
import { renderThroughputSection } from './throughput-charts.js';
import { renderTrajectorySection } from './trajectory-charts.js';

/** Nothing may load or run: styles are inline, images only as data: URIs (there are none today). */
export const CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY_TEXT;

export async function renderHtml(report: ConformanceReport, bench?: BenchReport | null): Promise<string> {
  // Anchors are numbered, never derived from case names, so a case key cannot break out of an id.
  const plotted = new Set(comparedCells(report).map((c) => c.case));
  const anchors = new Map(report.cases.map((k, i) => [k.key, `case-${i}`]));
  const anchorOf = (key: string) => (plotted.has(key) ? (anchors.get(key) ?? null) : null);
  const palette = new Palette(report.adapters.map((a) => a.short ?? a.label));

  const divergence = await renderDivergenceSection(report, palette, (key) => anchors.get(key)!);
  const trajectories = await renderTrajectorySection(report);
  const throughput = await renderThroughputSection(bench);
  const differences = await renderDifferencesSection(report.differences);

  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RMSprop conformance · harness ${report.environment.harness}</title>
<style>${raw(STYLESHEET)}</style>
</head>
<body>
<main>
<h1>RMSprop conformance</h1>
<p class="muted">rmsprop-harness ${report.environment.harness} · ${report.generatedAt} · report format ${report.formatVersion}</p>
${renderBanners(report)}
${renderSummary(report)}
<nav><ul><li><a href="#overview">Overview</a></li><li><a href="#coverage">Coverage matrix</a></li><li><a href="#divergence">Divergence per case</a></li><li><a href="#differences">How the frameworks differ</a></li><li><a href="#recordings">Real framework runs</a></li><li><a href="#trajectories">Trajectories</a></li><li><a href="#throughput">Throughput</a></li></ul></nav>
<section id="overview">
<h2>Overview</h2>
${renderEnvironment(report)}
<h3>Adapters</h3>
${renderAdapterTable(report)}
${renderExactness(report)}
${renderFailures(report, anchorOf)}
</section>
<section id="coverage">
<h2>Coverage matrix</h2>
${renderCoverageHeatmap(report)}
</section>
<section id="divergence">
<h2>Divergence per case</h2>
<p class="small muted">Every case with at least one compared cell (pass, fail, xfail, xpass). Series longer than the plot can show are reduced to the largest error in each bucket of steps; the first divergent step is always kept exactly.</p>
${divergence}
</section>
<section id="differences">
<h2>How the frameworks differ</h2>
${differences}
</section>
<section id="recordings">
<h2>Real framework runs (calibration recordings)</h2>
${renderRecordingsSection(report)}
</section>
<section id="trajectories">
<h2>Trajectories on the 2-D problems</h2>
${trajectories}
</section>
<section id="throughput">
<h2>Throughput</h2>
${throughput}
</section>
</main>
</body>
</html>
`;
  return page.__html;
}
