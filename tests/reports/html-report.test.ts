import { beforeAll, describe, expect, it } from 'vitest';
import { numberReplacer } from '../../reports/json-report.js';
import { decodeNumber } from '../../reference/number-encoding.js';
import { renderChart } from '../../reports/html/charts.js';
import { logLevels, lossContours } from '../../runner/contours.js';
import { comparedCells, divergenceSpec, ULP_FLOOR } from '../../reports/html/divergence-charts.js';
import { downsampleMax } from '../../reports/html/downsample.js';
import { escapeHtml, html } from '../../reports/html/escape.js';
import { CONTENT_SECURITY_POLICY, renderHtml } from '../../reports/html/html-report.js';
import { Palette } from '../../reports/html/palette.js';
import { profilePaths } from '../../runner/profile-paths.js';
import { trajectoryCases } from '../../reports/html/trajectory-charts.js';
import { resolveVariant } from '../../reference/resolve.js';
import { variantTraffic } from '../../runner/bench/traffic.js';
import { BENCH_FORMAT, type BenchReport } from '../../runner/bench/report.js';
import type { Cell, ConformanceReport } from '../../runner/result.js';
import { runConformance } from '../../runner/run-conformance.js';
import { ALL_CASES, caseKey } from '../../suites/suites.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const BROKEN_ATTRIBUTE = `" onmouseover="alert(2)" x='`;
const WRONG = 'ts-f64:profile=torch,epsPlacement=inside'; // claims torch, moves eps inside the sqrt: fails at step 1

let report: ConformanceReport;
let page: string;

/** A deep copy the way the JSON report round-trips it (non-finite numbers as strings and back). */
function roundTrip(r: ConformanceReport): ConformanceReport {
  return JSON.parse(JSON.stringify(r, numberReplacer), (_k, v) =>
    typeof v === 'string' && ['NaN', 'Infinity', '-Infinity', '-0'].includes(v) ? decodeNumber(v) : v,
  ) as ConformanceReport;
}

/** Every string an adapter, a config or a case controls, replaced by hostile markup. */
function poisoned(r: ConformanceReport): ConformanceReport {
  const copy = roundTrip(r);
  const victim = copy.adapters[0].label;
  copy.adapters[0].label = HOSTILE;
  copy.adapters[0].describe = `${HOSTILE} describe`;
  copy.adapters[0].version = BROKEN_ATTRIBUTE;
  copy.adapters[0].facts = { [HOSTILE]: HOSTILE, cpu: BROKEN_ATTRIBUTE };
  for (const c of copy.cells) if (c.adapter === victim) c.adapter = HOSTILE;
  const skipped = copy.cells.find((c) => c.status === 'skip')!;
  skipped.reason = `${HOSTILE} ${BROKEN_ATTRIBUTE}`;
  copy.cases[0].describe = `${HOSTILE} case`;
  copy.environment.cpu = HOSTILE;
  copy.adapters.push({ ...copy.adapters[1], label: `${HOSTILE}2`, available: false, reason: `${BROKEN_ATTRIBUTE}${HOSTILE}` });
  return copy;
}

function tinyBench(): BenchReport {
  const stats = { medianMs: 0.01, p99Ms: 0.02, meanMs: 0.011, minMs: 0.009, rme: 1, samples: 10, batch: 1 };
  return {
    format: BENCH_FORMAT,
    formatVersion: 1,
    generatedAt: '2025-01-01T00:00:00.000Z',
    complete: true,
    environment: {
      harness: '0.1.0',
      node: 'v20',
      platform: 'linux',
      arch: 'x64',
      cpu: HOSTILE,
      cores: 2,
      memoryGiB: 1,
      freeMemoryGiB: 1,
      loadAverage: [0, 0, 0],
    },
    settings: { targets: [HOSTILE], sizes: [1000, 10000], dtype: 'float32', profile: 'torch', timeMs: 10, models: [] },
    variantTraffic: variantTraffic(resolveVariant('torch', 'float32').variant, 'float32'),
    roofline: [1000, 10000].map((n) => ({ n, dtype: 'float32' as const, probes: [], best: 'ts-triad', gbPerSecond: 50 })),
    results: [1000, 10000].map((n) => ({
      target: HOSTILE,
      adapter: HOSTILE,
      device: 'cpu' as const,
      threads: 1,
      n,
      dtype: 'float32' as const,
      status: 'ok' as const,
      kernel: HOSTILE,
      notes: [HOSTILE],
      stats,
      elementsPerSecond: n / 1e-5,
      gbPerSecond: (20 * n) / 1e-5 / 1e9,
      roofline: { probe: 'ts-triad', gbPerSecond: 50 },
      ratio: 0.5,
    })),
    models: [],
    accuracy: {
      source: HOSTILE,
      entries: [
        { adapter: HOSTILE, pass: 1, fail: 0, error: 0, skip: 0, maxUlp: 0, maxUlpByDtype: { float32: 0 }, verdict: 'pass' },
      ],
    },
  };
}

const svgCount = (s: string) => (s.match(/<svg\b/g) ?? []).length;

/** The <figure> of a case's divergence plot. */
function divergenceFigure(doc: string, caseKeyText: string): string {
  const start = doc.indexOf(`data-case="${escapeHtml(caseKeyText)}"`);
  expect(start, `no divergence figure for ${caseKeyText}`).toBeGreaterThan(0);
  return doc.slice(start, doc.indexOf('</figure>', start));
}

beforeAll(async () => {
  report = await runConformance({
    adapters: ['ts-f64', 'ts-f32', 'ts-f32:profile=keras', WRONG],
    suites: ['problems'],
    cases: ['problems/quad2d', 'problems/rosenbrock', 'problems/xlogx'],
    isolation: 'in-process',
  });
  page = await renderHtml(report);
}, 60_000);

describe('renderHtml: one self-contained document', () => {
  it('has the overview: version, environment, counts and one row per adapter', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(`rmsprop-harness ${report.environment.harness}`);
    expect(page).toContain(escapeHtml(report.environment.node));
    expect(page).toContain(`<b>${report.summary.pass}</b> pass`);
    expect(page).toContain(`<b>${report.summary.fail}</b> fail`);
    for (const a of report.adapters) expect(page).toContain(`data-adapter="${escapeHtml(a.label)}"`);
    expect(page).toContain('id="coverage-heatmap"');
    // one coloured square per cell that ran, with its status and reason on hover
    expect((page.match(/<span class="st-[a-z]+" data-status=/g) ?? []).length).toBe(report.cells.length);
    expect(page).toContain('ts-f64 does not support float32');
    expect(page).toContain('id="reasons"');
  });

  it('draws one divergence chart per compared case and one trajectory chart per 2-D case; no bench: a note', () => {
    const comparedCases = new Set(comparedCells(report).map((c) => c.case));
    expect(comparedCases.size).toBe(3);
    expect(trajectoryCases(report).map((c) => caseKey(c))).toEqual(['problems/quad2d', 'problems/rosenbrock']);
    expect(svgCount(page)).toBe(3 + 2);
    expect(page).toContain('No benchmark in this run (run <code>rmsprop-harness bench</code>)');
  });

  it('marks the first divergent step of a failing cell in its chart and in words', () => {
    const failing = report.cells.find((c) => c.status === 'fail' && c.case === 'problems/rosenbrock')!;
    expect(failing.adapter).toBe(WRONG);
    const first = failing.reanchored!.firstDivergentStep!;
    expect(first).toBeGreaterThanOrEqual(1);

    const cells = comparedCells(report).filter((c) => c.case === failing.case);
    const spec = divergenceSpec(failing.case, 'describe', cells, new Palette(report.adapters.map((a) => a.label))) as {
      data: { values: { kind: string; adapter?: string; step: number; mode: string; dtype: string; ulp: number }[] };
    };
    const marks = spec.data.values.filter(
      (r) => r.kind === 'divergence' && r.adapter === WRONG && r.mode === failing.mode && r.dtype === failing.dtype,
    );
    expect(marks.map((m) => m.step)).toContain(first);
    expect(spec.data.values.filter((r) => r.kind === 'divergence' && r.adapter !== WRONG)).toEqual([]);
    expect(marks.every((m) => m.ulp > ULP_FLOOR)).toBe(true);

    const figure = divergenceFigure(page, failing.case);
    // the rule and the diamond are drawn (vega writes a <line> per rule, a <path> per symbol)
    expect(figure).toMatch(/class="mark-rule role-mark[^"]*"[^>]*><line /);
    expect(figure).toMatch(/class="mark-symbol role-mark[^"]*"[^>]*><path /);
    expect(figure).toContain(`first divergent step ${first} (re-anchored`);
    expect(figure).toContain('tolerance 2 ulps');
  });

  it('draws no divergence mark where every cell is within tolerance', async () => {
    const passing = comparedCells(report).filter((c) => c.case === 'problems/quad2d' && c.adapter !== WRONG);
    const svg = await renderChart(divergenceSpec('problems/quad2d', '', passing, new Palette([])), 'probe');
    expect(svg).not.toMatch(/class="mark-rule role-mark[^"]*"[^>]*><line /);
    expect(svg).toMatch(/class="mark-line role-mark/);
  });

  it('shows an incomplete run as such', async () => {
    expect(page).not.toContain('id="incomplete"');
    const interrupted = await renderHtml({ ...report, complete: false, cells: report.cells.slice(0, 10) });
    expect(interrupted).toContain('id="incomplete"');
    expect(interrupted).toContain('incomplete (interrupted)');
  });

  it('references nothing outside the document and forbids it by policy', () => {
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY)}">`);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<(link|iframe|object|embed|img)\b/i);
    expect(page).not.toMatch(/\b(src|href|xlink:href|action)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(page).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    expect(page).not.toMatch(/@import/i);
    // the only links are to anchors in the page, and each anchor exists
    for (const [, target] of page.matchAll(/href="([^"]*)"/g)) {
      expect(target).toMatch(/^#[a-z0-9-]+$/);
      expect(page).toContain(`id="${target.slice(1)}"`);
    }
  });

  it('renders the same document twice for the same input (ids included)', async () => {
    const again = await renderHtml(report);
    expect(again).toBe(page);
    const ids = [...page.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('renderHtml: hostile strings', () => {
  let doc: string;
  beforeAll(async () => {
    doc = await renderHtml(poisoned(report), tinyBench());
  });

  it('never lets markup from an adapter, a case, a config or a program through, in text or attributes', () => {
    expect(doc).not.toContain('<img');
    expect(doc).not.toContain('" onmouseover="');
    // no tag gained an event-handler attribute: look at every real tag with its quoted values removed
    for (const [tag] of doc.matchAll(/<[a-zA-Z][^>]*>/g)) expect(tag.replace(/"[^"]*"/g, '""')).not.toMatch(/\son[a-z]+\s*=/i);
    expect(doc).toContain(escapeHtml(HOSTILE));
    expect(doc).toContain(escapeHtml(BROKEN_ATTRIBUTE));
  });

  it('is escaped inside the SVG charts too (vega escapes the text it writes)', () => {
    const svgs = doc.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBeGreaterThanOrEqual(4); // 3 divergence, 2 trajectories, 1 throughput
    const withLabel = svgs.filter((s) => s.includes('&lt;img src=x onerror=alert(1)&gt;'));
    expect(withLabel.length).toBeGreaterThanOrEqual(2); // a divergence legend and the throughput legend
    for (const s of svgs) expect(s).not.toContain('<img');
  });

  it('shows the bench: throughput chart and the accuracy-versus-speed table', () => {
    expect(doc).toContain('Throughput vs size');
    expect(doc).toContain('Accuracy versus speed');
    const table = doc.slice(doc.indexOf('id="accuracy-speed"'), doc.indexOf('</table>', doc.indexOf('id="accuracy-speed"')));
    expect(table).toContain(`<td class="label">${escapeHtml(HOSTILE)}</td><td><span class="sw st-pass"></span> pass</td>`);
    expect(table).toContain('<td class="num">1.000</td>'); // best G elem/s: 1e4 elements in 0.01 ms
    expect(doc).not.toContain('No benchmark in this run');
  });
});

describe('html building blocks', () => {
  it('escapes text and attribute values alike, and only raw() passes markup', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(html`<td title="${BROKEN_ATTRIBUTE}">${HOSTILE}</td>`.__html).toBe(
      `<td title="${escapeHtml(BROKEN_ATTRIBUTE)}">${escapeHtml(HOSTILE)}</td>`,
    );
    expect(html`<ul>${['<a>', html`<li>${'<b>'}</li>`]}</ul>`.__html).toBe('<ul>&lt;a&gt;<li>&lt;b&gt;</li></ul>');
  });

  it('downsamples by bucket maxima and keeps the first divergent step exactly', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ step: i + 1, value: i === 500 ? 99 : i % 7 }));
    const kept = downsampleMax(points, 100, [733]);
    expect(kept.length).toBeLessThanOrEqual(101);
    expect(kept.find((p) => p.step === 501)?.value).toBe(99);
    expect(kept.some((p) => p.step === 733)).toBe(true);
    expect(kept.map((p) => p.step)).toEqual([...kept.map((p) => p.step)].sort((a, b) => a - b));
    expect(downsampleMax(points.slice(0, 50), 100)).toEqual(points.slice(0, 50));
  });

  it('traces contour lines where the loss has the level, cut at the box edge', () => {
    const circle = lossContours((x, y) => x * x + y * y, { x: [-5, 5], y: [-5, 5] }, [9], 61);
    expect(circle.length).toBe(1);
    for (const [x, y] of circle[0].points) expect(Math.hypot(x, y)).toBeCloseTo(3, 1);
    // the box cuts the circle: an open arc, no run along the box edge
    const arc = lossContours((x, y) => x * x + y * y, { x: [-2, 5], y: [-5, 5] }, [9], 61);
    for (const line of arc) for (const [x, y] of line.points) expect(Math.hypot(x, y)).toBeCloseTo(3, 1);
    expect(logLevels(1, 1000, 4).map((v) => Math.round(v))).toEqual([1, 10, 100, 1000]);
  });

  it('computes each canonical profile path from the case settings (identical paths drawn once)', () => {
    const quad = ALL_CASES.find((c) => caseKey(c) === 'problems/quad2d')!;
    const { paths } = profilePaths(quad);
    const torch = paths.find((p) => p.profiles.includes('torch@2.1'))!;
    expect(torch.points.length).toBe(quad.steps + 1);
    expect(torch.points[0]).toEqual([-5, -2]);
    const names = paths.flatMap((p) => p.profiles);
    expect(new Set(names).size).toBe(names.length);
  });

  it('finds the compared cells only (no skips, errors or unavailable)', () => {
    const statuses = new Set(comparedCells(report).map((c: Cell) => c.status));
    for (const s of statuses) expect(['pass', 'fail', 'xfail', 'xpass']).toContain(s);
  });
});
