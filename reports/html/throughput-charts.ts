// Throughput against size from a bench report, held to the roofline measured in the same run, and
// the accuracy-versus-speed table (conformance verdict beside each adapter's best throughput).

import type { TopLevelSpec } from 'vega-lite';
import type { AccuracyEntry, BenchReport, ThroughputEntry } from '../../runner/bench/report.js';
import { renderChart } from './charts.js';
import { html, raw, type RawHtml } from './escape.js';
import { formatFixed, formatMs, formatPercent, formatSize, formatUlp } from './numbers.js';
import { Palette } from './palette.js';
import { wrapText } from './wrap-text.js';

const TRIAD_ROOFLINE = 'roofline: best triad';

function okEntries(bench: BenchReport): ThroughputEntry[] {
  return bench.results.filter((r) => r.status === 'ok' && Number.isFinite(r.gbPerSecond) && (r.gbPerSecond ?? 0) > 0);
}

/** GB/s of the variant's minimum traffic vs n per target, and the roofline lines it is held to. */
export function throughputSpec(bench: BenchReport, palette: Palette): TopLevelSpec {
  const ok = okEntries(bench);
  /** `owner`: the target whose colour the line takes (a GPU roofline is drawn dashed in its target's colour). */
  const rows: { series: string; owner: string | null; kind: string; n: number; gbps: number }[] = ok.map((r) => ({
    series: r.target,
    owner: r.target,
    kind: 'measured',
    n: r.n,
    gbps: r.gbPerSecond!,
  }));
  for (const r of bench.roofline)
    if (Number.isFinite(r.gbPerSecond) && r.gbPerSecond > 0)
      rows.push({ series: TRIAD_ROOFLINE, owner: null, kind: 'roofline', n: r.n, gbps: r.gbPerSecond });
  // GPU targets are held to their own device copy kernel, not to the CPU triad.
  for (const r of ok)
    if (r.device === 'gpu' && r.roofline)
      rows.push({
        series: `roofline: ${r.roofline.probe} (${r.target})`,
        owner: r.target,
        kind: 'roofline',
        n: r.n,
        gbps: r.roofline.gbPerSecond,
      });
  const series = [...new Set(rows.map((r) => r.series))];
  const ownerOf = new Map(rows.map((r) => [r.series, r.owner]));
  const scale = { domain: series, range: series.map((s) => (ownerOf.get(s) ? palette.colorOf(ownerOf.get(s)!) : '#111111')) };
  const spec: TopLevelSpec = {
    title: {
      text: 'Throughput vs size',
      subtitle: [
        ...wrapText(
          `GB/s of the variant's minimum traffic (${bench.variantTraffic.bytesPerElement} B/element, ${bench.settings.dtype}, profile ${bench.settings.profile}) from the median step time; log-log.`,
        ),
        ...wrapText(
          'Dashed: the roofline measured in the same run at the same size (CPU: best STREAM triad; GPU: the device copy kernel).',
        ),
      ],
    },
    width: 560,
    height: 300,
    data: { values: rows },
    mark: { type: 'line', point: { size: 40, filled: true }, strokeWidth: 2 },
    encoding: {
      x: { field: 'n', type: 'quantitative', title: 'elements per step (n)', scale: { type: 'log' }, axis: { format: '~s' } },
      y: { field: 'gbps', type: 'quantitative', title: 'GB/s', scale: { type: 'log' }, axis: { format: '~g' } },
      color: { field: 'series', type: 'nominal', title: 'target', scale, legend: { orient: 'right', symbolType: 'stroke' } },
      strokeDash: {
        field: 'kind',
        type: 'nominal',
        title: null,
        scale: {
          domain: ['measured', 'roofline'],
          range: [
            [1, 0],
            [6, 4],
          ],
        },
        legend: null,
      },
      detail: { field: 'series', type: 'nominal' },
    },
  };
  return spec;
}

function resultsTable(bench: BenchReport): RawHtml {
  const rows = bench.results.map((r) =>
    r.status === 'ok'
      ? html`<tr><td class="label">${r.target}</td><td class="num">${formatSize(r.n)}</td><td class="num">${formatMs(r.stats?.medianMs)}</td><td class="num">${r.stats ? `±${r.stats.rme.toFixed(1)}%` : '-'}</td><td class="num">${formatFixed(r.elementsPerSecond === undefined ? undefined : r.elementsPerSecond / 1e9, 3)}</td><td class="num">${formatFixed(r.gbPerSecond, 1)}</td><td class="label">${r.roofline ? `${formatFixed(r.roofline.gbPerSecond, 1)} ${r.roofline.probe}` : '-'}</td><td class="num">${formatPercent(r.ratio)}</td><td class="label small">${r.kernel ?? ''}</td></tr>`
      : html`<tr><td class="label">${r.target}</td><td class="num">${formatSize(r.n)}</td><td colspan="7" class="label">${r.status}: ${r.reason ?? ''}</td></tr>`,
  );
  const notes = [...new Set(bench.results.flatMap((r) => (r.notes ?? []).map((n) => `${r.target}: ${n}`)))];
  return html`<details><summary>Every measurement (${bench.results.length})</summary>
<div class="wrap"><table><thead><tr><th>target</th><th class="num">size</th><th class="num">median</th><th class="num">rme</th><th class="num">G elem/s</th><th class="num">GB/s</th><th>roofline GB/s</th><th class="num">ratio</th><th>kernel</th></tr></thead>
<tbody>${rows}</tbody></table></div>
${notes.length > 0 ? html`<ul class="small">${notes.map((n) => html`<li class="label">${n}</li>`)}</ul>` : ''}
</details>`;
}

/** Each benchmarked adapter's best throughput (largest elements/s over its targets and sizes) beside its conformance. */
export function accuracyVersusSpeed(
  bench: BenchReport,
): { adapter: string; entry: AccuracyEntry | undefined; best: ThroughputEntry | undefined }[] {
  const ok = okEntries(bench);
  return [...new Set(bench.results.map((r) => r.adapter))].map((adapter) => ({
    adapter,
    entry: bench.accuracy?.entries.find((e) => e.adapter === adapter),
    best: ok.filter((r) => r.adapter === adapter).sort((a, b) => (b.elementsPerSecond ?? 0) - (a.elementsPerSecond ?? 0))[0],
  }));
}

function accuracyTable(bench: BenchReport): RawHtml {
  if (!bench.accuracy)
    return html`<p class="muted">No conformance report was given to the benchmark, so there is no accuracy-versus-speed table.</p>`;
  const verdictCell = (e: AccuracyEntry | undefined) =>
    e
      ? html`<span class="sw st-${e.verdict === 'pass' ? 'pass' : e.verdict === 'fail' ? 'fail' : 'skip'}"></span> ${e.verdict}`
      : html`<span class="muted">not in the conformance report</span>`;
  return html`<p class="small muted">Accuracy from <code>${bench.accuracy.source}</code>: cells within tolerance and the largest free-running ULP distance; speed: the best throughput measured for the adapter.</p>
<div class="wrap"><table id="accuracy-speed"><thead><tr><th>adapter</th><th>conformance</th><th class="num">pass</th><th class="num">fail</th><th class="num">error</th><th class="num">max ULP f32</th><th class="num">max ULP f64</th><th class="num">best G elem/s</th><th class="num">GB/s</th><th class="num">at n</th><th>target</th><th class="num">of roofline</th></tr></thead>
<tbody>${accuracyVersusSpeed(bench).map(
    ({ adapter, entry: e, best: b }) =>
      html`<tr><td class="label">${adapter}</td><td>${verdictCell(e)}</td><td class="num">${e?.pass ?? '-'}</td><td class="num">${e?.fail ?? '-'}</td><td class="num">${e?.error ?? '-'}</td><td class="num">${formatUlp(e?.maxUlpByDtype.float32)}</td><td class="num">${formatUlp(e?.maxUlpByDtype.float64)}</td><td class="num">${b ? formatFixed(b.elementsPerSecond! / 1e9, 3) : '-'}</td><td class="num">${b ? formatFixed(b.gbPerSecond, 1) : '-'}</td><td class="num">${b ? formatSize(b.n) : '-'}</td><td class="label">${b?.target ?? '-'}</td><td class="num">${b ? formatPercent(b.ratio) : '-'}</td></tr>`,
  )}</tbody></table></div>`;
}

function modelsTable(bench: BenchReport): RawHtml {
  if (bench.models.length === 0) return html``;
  return html`<h3>Model-shaped steps (per tensor vs one fused call)</h3>
<div class="wrap"><table><thead><tr><th>model</th><th>target</th><th class="num">parameters</th><th class="num">tensors</th><th class="num">scale</th><th class="num">per-tensor step</th><th class="num">fused step</th><th class="num">per-tensor / fused</th><th class="num">fused GB/s</th><th>status</th></tr></thead>
<tbody>${bench.models.map(
    (m) =>
      html`<tr><td class="label">${m.model}</td><td class="label">${m.target}</td><td class="num">${m.parameters.toLocaleString('en-US')}</td><td class="num">${m.tensors}</td><td class="num">${m.scale}</td><td class="num">${formatMs(m.perTensor?.medianMs)}</td><td class="num">${formatMs(m.fused?.medianMs)}</td><td class="num">${m.speedup === undefined ? '-' : `${m.speedup.toFixed(2)}x`}</td><td class="num">${formatFixed(m.fusedGbPerSecond, 1)}</td><td class="label">${m.status === 'ok' ? 'ok' : `${m.status}: ${m.reason ?? ''}`}</td></tr>`,
  )}</tbody></table></div>`;
}

export async function renderThroughputSection(bench: BenchReport | null | undefined): Promise<RawHtml> {
  if (!bench) return html`<p class="muted">No benchmark in this run (run <code>rmsprop-harness bench</code>).</p>`;
  const e = bench.environment;
  const header = html`<p class="small muted">${bench.generatedAt} · ${e.cpu} · ${e.cores} cores · ${e.memoryGiB} GiB · node ${e.node} · load ${e.loadAverage.join(' ')} · ${bench.settings.timeMs} ms per measurement${bench.complete ? '' : ' · incomplete (interrupted)'}</p>`;
  const ok = okEntries(bench);
  const chart =
    ok.length > 0
      ? html`<figure class="throughput">${raw(await renderChart(throughputSpec(bench, new Palette(bench.settings.targets)), 'throughput'))}</figure>`
      : html`<p class="muted">No target produced a measurement.</p>`;
  return html`${header}${chart}${resultsTable(bench)}${modelsTable(bench)}<h3>Accuracy versus speed</h3>${accuracyTable(bench)}`;
}
