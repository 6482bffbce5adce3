// GitHub Actions output: the step summary, workflow-command annotations and their escaping.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../runner/bench/baseline.js';
import type { AdapterEntry, Cell, ConformanceReport } from '../../runner/result.js';
import type { Series } from '../../runner/metrics.js';
import {
  ANNOTATION_LIMIT,
  createGitHubOutput,
  escapeData,
  escapeProperty,
  publishBenchToGitHub,
  publishToGitHub,
  renderAnnotations,
  renderBenchAnnotations,
  renderBenchStepSummary,
  renderStepSummary,
  SUMMARY_FAILURE_LIMIT,
  type GitHubOutput,
} from '../../reports/github.js';

const EVIL = '<img src=x onerror=alert(1)>';
const ERROR_REASON = 'worker crashed: 100% of memory\nat step 3: params, v\r\n::error::injected';

const adapter = (label: string, over: Partial<AdapterEntry> = {}): AdapterEntry => ({
  label,
  short: label,
  id: label,
  version: '1.0.0',
  describe: `${label} adapter`,
  claims: 'torch@2',
  available: true,
  facts: {},
  capabilities: {
    dtypes: ['float32', 'float64'],
    devices: ['cpu'],
    hyperparameters: ['lr'],
    configurableAxes: 'all',
    loadState: true,
    readState: true,
  },
  ...over,
});

const series = (maxUlp: number, firstDivergentStep: number | null): Series => ({
  steps: [],
  maxAbs: 1e-7,
  maxRel: 2e-7,
  maxUlp,
  maxUlpAtScale: maxUlp,
  firstDivergentStep,
  firstDivergence:
    firstDivergentStep === null
      ? null
      : { quantity: 'params', step: firstDivergentStep, index: 0, expected: 0.5, actual: 0.5000006, ulps: maxUlp, kind: 'ulps' },
  worst: null,
});

const cell = (over: Partial<Cell> & Pick<Cell, 'adapter' | 'status'>): Cell => ({
  case: 'problems/xlogx',
  suite: 'problems',
  dtype: 'float32',
  mode: 'replay',
  durationMs: 12,
  ...over,
});

function makeReport(over: Partial<ConformanceReport> = {}): ConformanceReport {
  const cells: Cell[] = [
    cell({ adapter: 'ts-f32', status: 'pass', freeRunning: series(0, null), reanchored: series(0, null) }),
    cell({
      adapter: 'ts-f32',
      case: 'edge/nan-at',
      suite: 'edge',
      status: 'fail',
      expectedProfile: 'torch@2',
      tolerance: { ulps: 2, absFloor: 1e-30, signedZero: 'strict', reasons: [] },
      freeRunning: series(40, 5),
      reanchored: series(12, 3),
    }),
    cell({ adapter: EVIL, status: 'error', reason: ERROR_REASON, expectedProfile: 'torch@2' }),
    cell({ adapter: EVIL, status: 'skip', reason: 'does not support float64', dtype: 'float64' }),
    cell({ adapter: 'webgpu', status: 'unavailable', reason: 'no adapter' }),
  ];
  return {
    format: 'rmsprop-harness/conformance',
    formatVersion: 2,
    generatedAt: '2025-01-01T00:00:00.000Z',
    complete: true,
    environment: { harness: '0.1.0', node: 'v20.19.0', platform: 'linux', arch: 'x64', cpu: 'test cpu', cores: 4, memoryGiB: 16 },
    selection: {
      adapters: ['ts-f32', EVIL, 'webgpu'],
      suites: ['problems', 'edge'],
      dtypes: ['float32', 'float64'],
      modes: ['replay'],
    },
    adapters: [adapter('ts-f32'), adapter(EVIL), adapter('webgpu', { available: false, reason: 'no GPU | no Mesa' })],
    cases: [
      { key: 'problems/xlogx', suite: 'problems', describe: 'x log x', steps: 10, source: 'problem xlogx' },
      { key: 'edge/nan-at', suite: 'edge', describe: 'NaN at step 3', steps: 10, source: 'stream nan' },
    ],
    seriesSampling: { maxPoints: 120, rule: 'bucket maxima' },
    cells,
    verdicts: [],
    summary: { pass: 1, fail: 1, xfail: 0, xpass: 0, error: 1, skip: 1, unavailable: 1, exitCode: 1 },
    ...over,
  };
}

function recorder(): GitHubOutput & { lines: string[]; appended: { path: string; text: string }[] } {
  const lines: string[] = [];
  const appended: { path: string; text: string }[] = [];
  return { lines, appended, annotate: (l) => lines.push(l), appendSummary: (path, text) => appended.push({ path, text }) };
}

describe('escaping of workflow commands', () => {
  it('data: % CR LF; properties also : and ,', () => {
    expect(escapeData('50% a\r\nb:c,d')).toBe('50%25 a%0D%0Ab:c,d');
    expect(escapeProperty('50% a\r\nb:c,d')).toBe('50%25 a%0D%0Ab%3Ac%2Cd');
    // % first: an already-escaped sequence is not unescaped by the runner
    expect(escapeData('%0A')).toBe('%250A');
  });
});

describe('renderStepSummary', () => {
  const summary = renderStepSummary(makeReport());

  it('has the verdict and a per-adapter table', () => {
    expect(summary).toContain('❌ **FAIL**: 1 beyond tolerance, 1 error, 1 passed, 1 skipped, 1 unavailable');
    expect(summary).toContain('| adapter | pass | fail | xfail | error | skip | unavailable |');
    expect(summary).toContain('| ts-f32 | 1 | **1** | 0 | 0 | 0 | 0 |');
    expect(summary).toContain('| webgpu (unavailable: no GPU \\| no Mesa) | 0 | 0 | 0 | 0 | 0 | 1 |');
  });

  it('lists the failing cells with first divergent step, max ULP and reason', () => {
    const row = summary.split('\n').find((l) => l.startsWith('| ts-f32 | edge/nan-at'))!;
    expect(row).toBeDefined();
    expect(row).toContain('| fail | 3 | 40 |');
    expect(row).toContain('first divergent step 3 (re-anchored, vs torch@2)');
    expect(summary).toContain('### Failing cells (2)');
  });

  it('escapes adapter labels and reasons: no HTML, no broken table rows', () => {
    expect(summary).not.toMatch(/(?<!\\)<img/); // only the escaped form
    expect(summary).toContain('\\<img src=x onerror=alert(1)\\>');
    const row = summary.split('\n').find((l) => l.includes('worker crashed'))!;
    expect(row).toMatch(
      /^\| \\<img src=x onerror=alert\(1\)\\> \| problems\/xlogx \| float32 \| replay \| error \| – \| – \| error: worker crashed: 100% of memory at step 3: params, v {2}::error::injected \|$/,
    );
    expect(summary).not.toContain('\r');
    // every row of the failing-cells table has its 8 columns: nothing in a reason splits or ends a row
    const rows = summary
      .split('### Failing cells')[1]
      .split('\n')
      .filter((l) => l.startsWith('|'));
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r.replace(/\\\|/g, '').split('|')).toHaveLength(10);
  });

  it('passes, incomplete runs and shards', () => {
    const ok = renderStepSummary(
      makeReport({
        cells: [cell({ adapter: 'ts-f32', status: 'pass' })],
        summary: { pass: 1, fail: 0, xfail: 0, xpass: 0, error: 0, skip: 0, unavailable: 0, exitCode: 0 },
        complete: false,
        selection: { adapters: ['ts-f32'], suites: ['problems'], dtypes: ['float32'], modes: ['replay'], shard: '2/3' },
      }),
    );
    expect(ok).toContain('✅ **PASS** (shard 2/3): 1 cell within tolerance');
    expect(ok).toContain('**Incomplete report**');
    expect(ok).not.toContain('Failing cells');
  });

  it('lists at most 50 failing cells, then "and N more"', () => {
    const cells = Array.from({ length: 80 }, (_, i) =>
      cell({ adapter: 'ts-f32', case: `edge/c${i}`, status: 'fail', freeRunning: series(9, 1) }),
    );
    const text = renderStepSummary(
      makeReport({ cells, summary: { pass: 0, fail: 80, xfail: 0, xpass: 0, error: 0, skip: 0, unavailable: 0, exitCode: 1 } }),
    );
    expect(text.split('\n').filter((l) => l.startsWith('| ts-f32 | edge/c'))).toHaveLength(SUMMARY_FAILURE_LIMIT);
    expect(text).toContain(`… and ${80 - SUMMARY_FAILURE_LIMIT} more`);
  });
});

describe('renderAnnotations', () => {
  it('a summary error, then one ::error per failing cell, escaped', () => {
    const lines = renderAnnotations(makeReport());
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('::error title=rmsprop-harness conformance failed::1 cell beyond tolerance, 1 error');
    expect(lines[1]).toMatch(
      /^::error title=divergence%3A ts-f32 edge\/nan-at float32 replay::first divergent step 3 \(re-anchored, vs torch@2\): params\[0\] expected 0.5 got 0.5000006 \(12 ulps\); tolerance 2 ulps$/,
    );
    expect(lines[2]).toBe(
      `::error title=error%3A ${EVIL} problems/xlogx float32 replay::error: worker crashed: 100%25 of memory%0Aat step 3: params, v%0D%0A::error::injected`,
    );
    for (const l of lines) {
      expect(l).not.toMatch(/[\r\n]/);
      // one '::' opens, one '::' separates the properties from the message: the title holds none
      expect(l.slice(2, l.indexOf('::', 2))).not.toContain(':');
    }
  });

  it('warns about an incomplete report; nothing for a clean complete run', () => {
    const clean = makeReport({
      cells: [cell({ adapter: 'ts-f32', status: 'pass' })],
      summary: { pass: 1, fail: 0, xfail: 0, xpass: 0, error: 0, skip: 0, unavailable: 0, exitCode: 0 },
    });
    expect(renderAnnotations(clean)).toEqual([]);
    const partial = renderAnnotations({ ...clean, complete: false });
    expect(partial).toHaveLength(1);
    expect(partial[0]).toMatch(
      /^::warning title=rmsprop-harness%3A incomplete report::The conformance run was interrupted after 1 cell;/,
    );
  });

  it('caps the annotations and puts the first failure of each adapter first', () => {
    const cells = [
      ...Array.from({ length: 70 }, (_, i) =>
        cell({ adapter: 'ts-f32', case: `edge/c${i}`, status: 'fail', freeRunning: series(9, 1) }),
      ),
      cell({ adapter: 'tfjs-cpu', status: 'xpass' }),
    ];
    const lines = renderAnnotations(
      makeReport({ cells, summary: { pass: 0, fail: 70, xfail: 0, xpass: 1, error: 0, skip: 0, unavailable: 0, exitCode: 1 } }),
    );
    expect(lines).toHaveLength(ANNOTATION_LIMIT + 1);
    expect(lines[0]).toContain(`71 cells beyond tolerance, 0 errors (${71 - ANNOTATION_LIMIT} not annotated`);
    expect(lines[2]).toBe(
      '::error title=unexpected pass%3A tfjs-cpu problems/xlogx float32 replay::passed although marked expected-to-fail: remove it from the xfail list',
    );
  });
});

describe('publishToGitHub', () => {
  it('appends the summary to GITHUB_STEP_SUMMARY (twice: appended, not overwritten); no annotations without GITHUB_ACTIONS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-summary-'));
    const file = join(dir, 'summary.md');
    writeFileSync(file, '# earlier step\n');
    const annotations: string[] = [];
    const out: GitHubOutput = { ...createGitHubOutput(), annotate: (l) => annotations.push(l) };
    const report = makeReport();
    const env = { GITHUB_STEP_SUMMARY: file };
    expect(publishToGitHub(report, env, out)).toEqual({ summaryWritten: true, annotations: 0 });
    expect(publishToGitHub(report, env, out)).toEqual({ summaryWritten: true, annotations: 0 });
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# earlier step\n## RMSprop conformance')).toBe(true);
    expect(text.split('## RMSprop conformance')).toHaveLength(3);
    expect(text).toBe(`# earlier step\n${renderStepSummary(report)}${renderStepSummary(report)}`);
    expect(annotations).toEqual([]);
  });

  it('annotates only when GITHUB_ACTIONS=true, and writes no summary without GITHUB_STEP_SUMMARY', () => {
    const report = makeReport();
    const a = recorder();
    expect(publishToGitHub(report, { GITHUB_ACTIONS: 'true' }, a)).toEqual({ summaryWritten: false, annotations: 3 });
    expect(a.lines).toEqual(renderAnnotations(report));
    expect(a.appended).toEqual([]);
    const b = recorder();
    expect(publishToGitHub(report, { GITHUB_ACTIONS: 'false', CI: 'true' }, b)).toEqual({
      summaryWritten: false,
      annotations: 0,
    });
    expect(b.lines).toEqual([]);
    const c = recorder();
    expect(publishToGitHub(report, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/x/summary' }, c)).toEqual({
      summaryWritten: true,
      annotations: 3,
    });
    expect(c.appended).toEqual([{ path: '/x/summary', text: renderStepSummary(report) }]);
  });

  it('an unwritable summary file is reported, not thrown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-summary-'));
    const r = publishToGitHub(makeReport(), { GITHUB_STEP_SUMMARY: dir }, createGitHubOutput());
    expect(r.summaryWritten).toBe(false);
    expect(r.summaryError).toMatch(/^cannot append to GITHUB_STEP_SUMMARY .*EISDIR/);
  });

  it('the default output writes one workflow command per line to its stream', () => {
    const written: string[] = [];
    const stream = { write: (s: string) => written.push(s) } as unknown as NodeJS.WritableStream;
    createGitHubOutput(stream).annotate('::error::x');
    expect(written).toEqual(['::error::x\n']);
  });
});

describe('bench', () => {
  const comparisons: Comparison[] = [
    {
      key: 'ts-f32 float32 n=1000',
      verdict: 'same',
      baseline: { medianMs: 0.01, rme: 1 },
      current: { medianMs: 0.0101, rme: 1 },
      ratio: 1.01,
    },
    {
      key: 'wasm-simd float32 n=10000000',
      verdict: 'slower',
      baseline: { medianMs: 10, rme: 0.5 },
      current: { medianMs: 12.5, rme: 0.5 },
      ratio: 1.25,
    },
    { key: 'model gpt2 x1 ts-f32 fused', verdict: 'missing', baseline: { medianMs: 40, rme: 2 } },
    { key: 'webgpu float32 n=1000, <b>x</b>', verdict: 'new', current: { medianMs: 1, rme: 3 } },
  ];

  it('summary: verdict, slower entries first, escaped keys', () => {
    const text = renderBenchStepSummary(comparisons, { baseline: 'reports/baseline-bench.json' });
    expect(text).toContain('❌ **REGRESSION** against reports/baseline-bench.json: 1 slower beyond both margins of error');
    expect(text).toContain('1 same, 0 faster, 1 slower, 1 new, 1 missing from this run');
    const rows = text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| verdict'));
    expect(rows[0]).toBe('| **slower** | wasm-simd float32 n=10000000 | 10.00 ms ±0.5% | 12.50 ms ±0.5% | +25.0% |');
    expect(text).not.toMatch(/(?<!\\)<b>/);
    expect(text).toContain('webgpu float32 n=1000, \\<b\\>x\\</b\\>');
    expect(renderBenchStepSummary(comparisons.filter((c) => c.verdict !== 'slower'))).toContain(
      '✅ **no slowdown** beyond the margins of error',
    );
  });

  it('annotations: ::error per slower entry, a warning for baseline entries not measured', () => {
    const lines = renderBenchAnnotations(comparisons);
    expect(lines).toEqual([
      '::error title=rmsprop-harness bench regression::1 entry slower than the baseline beyond both margins of error',
      '::error title=slower%3A wasm-simd float32 n=10000000::wasm-simd float32 n=10000000: 10.00 ms ±0.5%25 -> 12.50 ms ±0.5%25 (+25.0%25)',
      '::warning title=rmsprop-harness bench%3A baseline entries not measured::1 baseline entry has no counterpart in this run: model gpt2 x1 ts-f32 fused',
    ]);
    expect(renderBenchAnnotations(comparisons.filter((c) => c.verdict === 'same'))).toEqual([]);
  });

  it('publishBenchToGitHub follows the same environment rules', () => {
    const a = recorder();
    expect(publishBenchToGitHub(comparisons, { GITHUB_STEP_SUMMARY: '/s' }, a)).toEqual({ summaryWritten: true, annotations: 0 });
    const b = recorder();
    expect(publishBenchToGitHub(comparisons, { GITHUB_ACTIONS: 'true' }, b)).toEqual({ summaryWritten: false, annotations: 3 });
  });
});
