import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../reference/errors.js';
import { resolveVariant } from '../../reference/resolve.js';
import { renderBenchMarkdown } from '../../reports/bench-markdown.js';
import { accuracyFromConformance } from '../../runner/bench/accuracy.js';
import { baselineProblem, compareReports, compareStats, loadBaseline } from '../../runner/bench/baseline.js';
import type { Stats } from '../../runner/bench/measure.js';
import { modelLayout, modelScale, TENSOR_ALIGN } from '../../runner/bench/models.js';
import { BENCH_FORMAT, type BenchReport } from '../../runner/bench/report.js';
import { limitFor, limitsOf, probeBytes, type Roofline } from '../../runner/bench/roofline.js';
import { mannWhitneyU, normalUpperTail } from '../../runner/bench/rank-test.js';
import { besideSummary, runBench, throughputEntry } from '../../runner/bench/run-bench.js';
import { BENCH_TARGETS } from '../../runner/bench/targets.js';
import { triadBytesPerElement, variantTraffic } from '../../runner/bench/traffic.js';
import type { ConformanceReport } from '../../runner/result.js';
import { bench, type BenchArgs } from '../../scripts/commands/bench.js';
import { runCommand } from '../../scripts/cli-support.js';
import { gpt2Small, MODELS, parameterCount, resnet50, smallMlp } from '../../suites/models/index.js';

/** 20 samples spread +-2% around the median (a fixed pattern: deterministic). */
const spreadSamples = (medianMs: number) =>
  Array.from({ length: 20 }, (_, i) => medianMs * (1 + 0.02 * Math.sin(i * 2.399963))).sort((a, b) => a - b);
const stats = (medianMs: number, rme: number): Stats => ({
  medianMs,
  p99Ms: medianMs * 1.2,
  meanMs: medianMs,
  minMs: medianMs * 0.9,
  rme,
  samples: 20,
  batch: 1,
  samplesMs: spreadSamples(medianMs),
});

function syntheticReport(entries: { target: string; n: number; medianMs: number; rme: number }[]): BenchReport {
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
      cpu: 'test',
      cores: 2,
      memoryGiB: 1,
      freeMemoryGiB: 1,
      loadAverage: [0, 0, 0],
    },
    settings: {
      targets: [...new Set(entries.map((e) => e.target))],
      sizes: [...new Set(entries.map((e) => e.n))],
      dtype: 'float32',
      profile: 'torch',
      timeMs: 10,
      models: [],
    },
    variantTraffic: variantTraffic(resolveVariant('torch', 'float32').variant, 'float32'),
    roofline: [],
    results: entries.map((e) => ({
      target: e.target,
      adapter: e.target,
      device: 'cpu',
      threads: 1,
      n: e.n,
      dtype: 'float32',
      status: 'ok',
      stats: stats(e.medianMs, e.rme),
    })),
    models: [],
    accuracy: null,
  };
}

describe('suites/models: parameter shapes from the architectures', () => {
  it('ResNet-50 totals the published 25,557,032', () => {
    expect(parameterCount(resnet50)).toBe(25_557_032);
    expect(resnet50.tensors.length).toBe(161); // 53 convs, 53 BN x 2, fc weight + bias
  });
  it('GPT-2 small totals the published 124,439,808 (tied embeddings)', () => {
    expect(parameterCount(gpt2Small)).toBe(124_439_808);
    expect(gpt2Small.tensors.some((t) => t.name.startsWith('lm_head'))).toBe(false);
    expect(gpt2Small.tensors.length).toBe(2 + 12 * 12 + 2);
  });
  it('every model matches its stated count', () => {
    for (const m of MODELS) expect(parameterCount(m), m.id).toBe(m.publishedParameters);
    expect(parameterCount(smallMlp)).toBe(535_818);
  });
  it('lays tensors out aligned, and scales only when memory is short', () => {
    const L = modelLayout(resnet50);
    expect(L.sizes.reduce((a, b) => a + b, 0)).toBe(25_557_032);
    for (const o of L.offsets) expect(o % TENSOR_ALIGN).toBe(0);
    expect(L.total).toBeGreaterThanOrEqual(25_557_032);
    expect(L.total - 25_557_032).toBeLessThan(TENSOR_ALIGN * L.sizes.length);
    expect(modelScale(gpt2Small, 'float32', 5, 24 * 2 ** 30)).toBe(1); // ~2.5 GB fits in 24 GiB
    expect(modelScale(gpt2Small, 'float32', 5, 2 * 2 ** 30)).toBe(1 / 4);
  });
});

describe('bytes per element', () => {
  it('counts reads of p, g, v and writes of p, v, plus m and b where the variant keeps them', () => {
    const plain = resolveVariant('torch', 'float32').variant;
    expect(variantTraffic(plain, 'float32')).toMatchObject({ reads: ['p', 'g', 'v'], writes: ['p', 'v'], bytesPerElement: 20 });
    expect(variantTraffic(plain, 'float64').bytesPerElement).toBe(40);
    const centered = resolveVariant('torch', 'float32', { centered: true }).variant;
    expect(variantTraffic(centered, 'float32')).toMatchObject({
      reads: ['p', 'g', 'v', 'm'],
      writes: ['p', 'v', 'm'],
      bytesPerElement: 28,
    });
    const both = resolveVariant('torch', 'float32', { centered: true, momentum: 0.9 }).variant;
    expect(variantTraffic(both, 'float32').bytesPerElement).toBe(36);
    const momentum = resolveVariant('torch', 'float32', { momentum: 0.9 }).variant;
    expect(variantTraffic(momentum, 'float32').writes).toEqual(['p', 'v', 'b']);
    expect(triadBytesPerElement('float32')).toBe(12);
    expect(triadBytesPerElement('float64')).toBe(24);
  });
});

describe('roofline ratio', () => {
  it("holds each row to the limit of its thread count, at the step's write-allocate bytes", () => {
    const roof: Roofline = {
      n: 1000,
      dtype: 'float32',
      probes: [],
      byteModel: 'write-allocate',
      limits: [
        { threads: 1, probe: 'wasm-simd-triad x1', gbPerSecond: 80, bound: 'memory' },
        { threads: 2, probe: 'wasm-simd-copy x2', gbPerSecond: 160, bound: 'memory' },
      ],
      best: 'wasm-simd-copy x2',
      gbPerSecond: 160,
      native: [],
    };
    // 1000 elements in 1 us = 1e9 elements/s; x 20 B = 20 GB/s; / 80 = 0.25
    const touched = variantTraffic(resolveVariant('torch', 'float32', { centered: true, momentum: 0.9 }).variant, 'float32');
    const e = throughputEntry(
      { target: 'x', adapter: 'x', device: 'cpu', threads: 1, n: 1000, dtype: 'float32' },
      { stats: stats(1e-3, 1), touched },
      20,
      roof,
    );
    expect(e.elementsPerSecond).toBeCloseTo(1e9, 3);
    expect(e.gbPerSecond).toBeCloseTo(20, 6);
    expect(e.ratio).toBeCloseTo(0.25, 9);
    expect(e.limitMs).toBeCloseTo(0.25e-3, 12); // 1000 x 20 B at 80 GB/s
    expect(e.bestRatio).toBeCloseTo(0.25 / 0.9, 9); // the fastest sample (0.9 us)
    expect(e.touchedGbPerSecond).toBeCloseTo(36, 6);
    expect(e.touchedRatio).toBeCloseTo(0.45, 9);
    expect(e.roofline).toEqual({ probe: 'wasm-simd-triad x1', gbPerSecond: 80, threads: 1 });
    expect(e.ratioNote).toBeUndefined();
    const two = throughputEntry(
      { target: 'y', adapter: 'y', device: 'cpu', threads: 2, n: 1000, dtype: 'float32' },
      { stats: stats(1e-4, 1), touched },
      20,
      roof,
    );
    expect(two.roofline).toEqual({ probe: 'wasm-simd-copy x2', gbPerSecond: 160, threads: 2 });
    expect(two.ratio).toBeCloseTo(1.25, 9); // 200 GB/s of a 160 GB/s limit: printed with its reason
    expect(two.ratioNote).toMatch(/cache/);
    expect(limitFor(roof, 8)!.threads).toBe(2);
  });

  it('counts probe bytes with write-allocate: triad 4, copy 3, sum 1 elements', () => {
    expect(probeBytes('triad', 'float32')).toBe(16);
    expect(probeBytes('copy', 'float32')).toBe(12);
    expect(probeBytes('sum', 'float32')).toBe(4);
    expect(probeBytes('triad', 'float64')).toBe(32);
  });

  it("caps the bandwidth limit with the step's compute ceiling where that is lower", () => {
    const probe = (kernel: 'triad' | 'copy' | 'sum', threads: number, gb: number) => ({
      probe: `wasm-simd-${kernel}`,
      kernel,
      threads,
      bytesPerElement: probeBytes(kernel, 'float32'),
      gbPerSecond: gb,
      medianGbPerSecond: gb,
    });
    const limits = limitsOf(
      [probe('triad', 1, 30), probe('sum', 1, 35), probe('triad', 2, 60), probe('copy', 2, 58)],
      [
        { threads: 1, gbPerSecond: 31, medianGbPerSecond: 31 },
        { threads: 2, gbPerSecond: 62, medianGbPerSecond: 62 },
      ],
    );
    expect(limits).toEqual([
      {
        threads: 1,
        probe: 'step in cache x1',
        gbPerSecond: 31,
        bestGbPerSecond: 31,
        bound: 'compute',
        memoryGbPerSecond: 35,
        memoryBestGbPerSecond: 35,
        memoryProbe: 'wasm-simd-sum x1',
        computeGbPerSecond: 31,
        computeBestGbPerSecond: 31,
      },
      {
        threads: 2,
        probe: 'wasm-simd-triad x2',
        gbPerSecond: 60,
        bestGbPerSecond: 60,
        bound: 'memory',
        memoryGbPerSecond: 60,
        memoryBestGbPerSecond: 60,
        memoryProbe: 'wasm-simd-triad x2',
        computeGbPerSecond: 62,
        computeBestGbPerSecond: 62,
      },
    ]);
  });

  it("holds a row's median to the probes' medians and its fastest sample to their fastest samples", () => {
    // copy has the faster outlier sample (49 GB/s), the triad the faster median (31 GB/s): the
    // median limit follows the triad, the fastest-sample limit the copy.
    const limits = limitsOf([
      { probe: 'wasm-simd-triad', kernel: 'triad', threads: 1, bytesPerElement: 16, gbPerSecond: 38, medianGbPerSecond: 31 },
      { probe: 'wasm-simd-copy', kernel: 'copy', threads: 1, bytesPerElement: 12, gbPerSecond: 49, medianGbPerSecond: 30 },
    ]);
    expect(limits).toEqual([
      {
        threads: 1,
        probe: 'wasm-simd-triad x1',
        gbPerSecond: 31,
        bestGbPerSecond: 49,
        bound: 'memory',
        memoryGbPerSecond: 31,
        memoryBestGbPerSecond: 49,
        memoryProbe: 'wasm-simd-triad x1',
      },
    ]);
    const roof = { limits, best: 'wasm-simd-triad x1', gbPerSecond: 31 };
    // 1e6 elements x 20 B: median 0.8 ms = 25 GB/s, fastest 0.5 ms = 40 GB/s
    const e = throughputEntry(
      { target: 'x', adapter: 'x', device: 'cpu', threads: 1, n: 1e6, dtype: 'float32' },
      { stats: { ...stats(0.8, 1), minMs: 0.5 }, touched: variantTraffic(resolveVariant('torch', 'float32').variant, 'float32') },
      20,
      roof,
    );
    expect(e.ratio).toBeCloseTo(25 / 31, 9);
    expect(e.bestRatio).toBeCloseTo(40 / 49, 9);
  });

  it('runs the bench at a tiny size: structure, accounting, ratio against the same-size triad', async () => {
    const report = await runBench({
      targets: ['ts-f32', 'wasm-simd', 'wasm-simd-mt'],
      sizes: [1000, 4096],
      dtype: 'float32',
      profile: 'torch',
      timeMs: 15,
      models: ['mlp'],
      modelScale: 1 / 64,
      minSamples: 3,
      sampleMs: 0.2,
      repetitions: 2,
    });
    expect(report.format).toBe(BENCH_FORMAT);
    expect(report.environment.cores).toBeGreaterThan(0);
    expect(report.environment.node).toBe(process.version);
    expect(typeof report.environment.cpu).toBe('string');
    expect(report.variantTraffic.bytesPerElement).toBe(20);
    expect(report.roofline.map((r) => r.n)).toEqual([1000, 4096]);
    expect(report.byteModel).toBe('write-allocate');
    for (const r of report.roofline) {
      expect(r.probes.map((p) => [p.probe, p.threads, p.bytesPerElement])).toEqual([
        ['wasm-simd-triad', 1, 16],
        ['wasm-simd-copy', 1, 12],
        ['wasm-simd-sum', 1, 4],
        ['wasm-simd-triad', 2, 16],
        ['wasm-simd-copy', 2, 12],
        ['wasm-simd-sum', 2, 4],
      ]);
      expect(r.limits!.map((l) => l.threads)).toEqual([1, 2]);
      for (const l of r.limits!) expect(l.gbPerSecond).toBe(Math.min(l.memoryGbPerSecond!, l.computeGbPerSecond!));
      expect(r.gbPerSecond).toBe(r.limits![1].gbPerSecond);
    }
    expect(report.results.map((e) => [e.target, e.threads])).toEqual([
      ['ts-f32', 1],
      ['wasm-simd', 1],
      ['wasm-simd-mt', 2],
      ['ts-f32', 1],
      ['wasm-simd', 1],
      ['wasm-simd-mt', 2],
    ]);
    for (const e of report.results) {
      expect(e.repetitions).toHaveLength(2);
      expect(e.stats!.samplesMs!.length).toBeGreaterThanOrEqual(6); // pooled over both repetitions
      expect(e.status, e.reason).toBe('ok');
      const s = e.stats!;
      for (const k of ['medianMs', 'p99Ms', 'rme'] as const) expect(Number.isFinite(s[k])).toBe(true);
      expect(s.medianMs).toBeGreaterThan(0);
      expect(e.traffic!.variantBytesPerElement).toBe(20);
      expect(e.traffic!.touchedBytesPerElement).toBe(20); // every CPU kernel touches only the arrays the variant uses
      const limit = limitFor(
        report.roofline.find((r) => r.n === e.n)!,
        e.threads,
      )!;
      expect(e.roofline!.gbPerSecond).toBe(limit.gbPerSecond);
      expect(e.ratio).toBeCloseTo(((e.n / (s.medianMs / 1e3)) * 20) / 1e9 / limit.gbPerSecond, 9);
      if (e.ratio! > 1) expect(e.ratioNote).toBeTruthy(); // never an unexplained ratio above 100%
    }
    expect(report.models.map((m) => [m.model, m.target, m.status])).toEqual([
      ['mlp', 'ts-f32', 'ok'],
      ['mlp', 'wasm-simd', 'ok'],
      ['mlp', 'wasm-simd-mt', 'unavailable'],
    ]);
    expect(report.models[2].reason).toMatch(/join per tensor/);
    expect(report.models[0].scale).toBe(1 / 64);
    const md = renderBenchMarkdown(report);
    expect(md).toContain('## Roofline');
    expect(md).toContain('write-allocate');
    expect(md).toContain('## Throughput at 1e3 elements');
    expect(md).toMatch(/\| ts-f32 \| 1 \| [\d.]+ (µs|ms|ns) \|/);
    expect(md).toContain('## Model-shaped step');
    expect(JSON.parse(JSON.stringify(report))).toBeTruthy();
  }, 60_000);

  it('refuses a repetition count that is not a whole number of at least 1', async () => {
    await expect(
      runBench({ targets: ['ts-f32'], sizes: [64], dtype: 'float32', profile: 'torch', timeMs: 5, models: [], repetitions: 0 }),
    ).rejects.toThrow(InputError);
  });

  it('reports targets that do not run the dtype as unavailable, and rejects unknown ones', async () => {
    const report = await runBench({
      targets: ['webgpu'],
      sizes: [64],
      dtype: 'float64',
      profile: 'torch',
      timeMs: 5,
      models: [],
      minSamples: 2,
    });
    expect(report.results[0]).toMatchObject({ target: 'webgpu', status: 'unavailable' });
    await expect(
      runBench({ targets: ['ts-f33'], sizes: [64], dtype: 'float32', profile: 'torch', timeMs: 5, models: [] }),
    ).rejects.toThrow(/unknown bench target 'ts-f33'.*ts-f32/);
    expect(new Set(BENCH_TARGETS.map((t) => t.id)).size).toBe(BENCH_TARGETS.length);
  }, 30_000);
});

describe('the Markdown report', () => {
  it('has a table per size with ms/step, spread, G elem/s, GB/s, fraction of the limit and speed-up over PyTorch, and explains ratios above 100%', () => {
    const report = syntheticReport([
      { target: 'wasm-simd', n: 1000, medianMs: 1e-3, rme: 1 },
      { target: 'torch.optim.RMSprop foreach x1', n: 1000, medianMs: 4e-3, rme: 1 },
    ]);
    const roof: Roofline = {
      n: 1000,
      dtype: 'float32',
      byteModel: 'write-allocate',
      probes: [],
      limits: [
        {
          threads: 1,
          probe: 'wasm-simd-copy x1',
          gbPerSecond: 16,
          bound: 'memory',
          memoryGbPerSecond: 16,
          memoryProbe: 'wasm-simd-copy x1',
        },
      ],
      best: 'wasm-simd-copy x1',
      gbPerSecond: 16,
      native: [],
    };
    report.roofline = [roof];
    report.byteModel = 'write-allocate';
    report.pytorchReference = [{ n: 1000, target: 'torch.optim.RMSprop foreach x1', medianMs: 4e-3 }];
    report.results = report.results.map((r) => {
      const e = throughputEntry(
        r,
        { stats: r.stats!, touched: report.variantTraffic, ...(r.target.startsWith('torch') ? { pytorch: true } : {}) },
        20,
        roof,
      );
      e.speedupOverPytorch = 4e-3 / r.stats!.medianMs;
      e.repetitions = [
        { medianMs: 1e-3, minMs: 0.9e-3, ratio: 1.2 },
        { medianMs: 1.1e-3, minMs: 1e-3, ratio: 1.1 },
      ];
      return e;
    });
    const md = renderBenchMarkdown(report);
    expect(md).toContain('## Throughput at 1e3 elements');
    expect(md).toContain('the fastest PyTorch CPU step at this size, `torch.optim.RMSprop foreach x1`');
    // 1000 x 20 B in 1 us = 20 GB/s: 125% of 16 GB/s, marked and explained
    expect(md).toMatch(
      /\| wasm-simd \| 1 \| 1\.000 µs \| [^|]+ \| 900\.0 ns \| 1\.000 \| 20\.0 \| 1\.250 µs \(wasm-simd-copy x1\) \| 125% \* \/ 139% \| 110%–120% \(120% 110%\) \| 4\.00x \|/,
    );
    expect(md).toMatch(/\n\* wasm-simd: 125% of the limit: the step's 0\.0 MiB of arrays stay in cache/);
    expect(md).toContain('**write-allocate** model');
  });
});

describe('Mann-Whitney U', () => {
  it('matches the normal approximation with continuity correction (scipy method=asymptotic)', () => {
    // U = 0 (or 25): mu 12.5, sigma sqrt(25/12 x 11); z = 12 / 4.787 = 2.507; p = 2 x 0.006093
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u).toBe(0);
    expect(r.p).toBeCloseTo(0.012186, 5);
    expect(mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).p).toBeCloseTo(r.p, 12);
  });

  it('averages ranks over ties and corrects the variance for them', () => {
    // all equal: no evidence either way
    expect(mannWhitneyU([1, 1, 1], [1, 1, 1]).p).toBe(1);
    const r = mannWhitneyU([1, 2, 2], [2, 3, 3]);
    expect(r.u).toBe(1); // pairs a > b: none; ties a = b: (2,2) x 2 -> 1
    expect(r.p).toBeGreaterThan(0.05);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
  });
});

describe('baseline gate', () => {
  const sample = (center: number, n: number, spread: number) =>
    Array.from({ length: n }, (_, i) => center * (1 + spread * Math.sin(i * 2.399963)));
  it('decides on the samples with the rank test: a shift beyond 5% that the ranks confirm', () => {
    const base = { medianMs: 10, rme: 1, samplesMs: sample(10, 40, 0.03) };
    expect(compareStats(base, { medianMs: 12, rme: 1, samplesMs: sample(12, 40, 0.03) })).toBe('slower');
    expect(compareStats(base, { medianMs: 8, rme: 1, samplesMs: sample(8, 40, 0.03) })).toBe('faster');
    // the same distribution: same, whatever the medians' margins of error say
    expect(compareStats(base, { medianMs: 10.05, rme: 0.01, samplesMs: sample(10.05, 40, 0.03) })).toBe('same');
    // significant but small (3%): not a regression
    expect(compareStats(base, { medianMs: 10.3, rme: 0.1, samplesMs: sample(10.3, 400, 0.001) })).toBe('same');
    // one wild outlier does not decide it (ranks, not means)
    expect(compareStats(base, { medianMs: 10, rme: 50, samplesMs: [...sample(10, 39, 0.03), 1e6] })).toBe('same');
  });

  it('falls back to the margins of error for baselines saved without samples (bench format 1)', () => {
    expect(compareStats({ medianMs: 10, rme: 2 }, { medianMs: 10.1, rme: 2 })).toBe('same');
    expect(compareStats({ medianMs: 10, rme: 2 }, { medianMs: 10.3, rme: 2 })).toBe('same'); // 10.094 < 10.2
    expect(compareStats({ medianMs: 10, rme: 2 }, { medianMs: 12, rme: 2 })).toBe('slower'); // 11.76 > 10.2
    expect(compareStats({ medianMs: 10, rme: 2 }, { medianMs: 8, rme: 2 })).toBe('faster');
    expect(compareStats({ medianMs: 10, rme: 30 }, { medianMs: 14, rme: 10 })).toBe('same'); // wide baseline interval absorbs it
  });

  it('compares reports entry by entry', () => {
    const base = syntheticReport([
      { target: 'ts-f32', n: 1000, medianMs: 1, rme: 1 },
      { target: 'wasm-simd', n: 1000, medianMs: 0.1, rme: 1 },
      { target: 'gone', n: 1000, medianMs: 1, rme: 1 },
    ]);
    const noisy = syntheticReport([
      { target: 'ts-f32', n: 1000, medianMs: 1.01, rme: 1.5 },
      { target: 'wasm-simd', n: 1000, medianMs: 0.099, rme: 2 },
      { target: 'fresh', n: 1000, medianMs: 1, rme: 1 },
    ]);
    const r1 = compareReports(base, noisy);
    expect(r1.slower).toBe(0);
    expect(Object.fromEntries(r1.comparisons.map((c) => [c.key, c.verdict]))).toEqual({
      'ts-f32 float32 n=1000': 'same',
      'wasm-simd float32 n=1000': 'same',
      'fresh float32 n=1000': 'new',
      'gone float32 n=1000': 'missing',
    });
    const slow = syntheticReport([
      { target: 'ts-f32', n: 1000, medianMs: 2, rme: 1 },
      { target: 'wasm-simd', n: 1000, medianMs: 0.1, rme: 1 },
    ]);
    const r2 = compareReports(base, slow);
    expect(r2.slower).toBe(1);
    expect(r2.comparisons.find((c) => c.verdict === 'slower')!.ratio).toBeCloseTo(2, 9);
  });

  it('validates baseline files', () => {
    expect(baselineProblem(syntheticReport([{ target: 'a', n: 1, medianMs: 1, rme: 1 }]))).toBeNull();
    expect(baselineProblem([])).toMatch(/not a JSON object/);
    expect(baselineProblem({ format: 'other', results: [], models: [] })).toMatch(/format/);
    const broken = syntheticReport([{ target: 'a', n: 1, medianMs: 1, rme: 1 }]);
    broken.results[0].stats = { medianMs: 'x' } as unknown as Stats;
    expect(baselineProblem(broken)).toMatch(/results\[0\]/);
  });

  it('exits 2 with one line on a malformed baseline, 1 on a slowdown, 0 within the margins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "rmsprop-harness/bench", "results": 3}');
    expect(() => loadBaseline(bad)).toThrow(InputError);
    expect(() => loadBaseline(join(dir, 'absent.json'))).toThrow(/cannot read/);
    writeFileSync(join(dir, 'notjson.json'), '{oops');
    expect(() => loadBaseline(join(dir, 'notjson.json'))).toThrow(/not valid JSON/);

    const args = (extra: Partial<BenchArgs>): BenchArgs => ({
      adapters: ['ts-f32'],
      sizes: '256',
      dtype: 'float32',
      profile: 'torch',
      time: 60,
      json: false,
      out: join(dir, 'out'),
      models: 'none',
      quiet: true,
      ...extra,
    });
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const saved = process.exitCode;
    process.stderr.write = (chunk: string) => (stderr.push(String(chunk)), true);
    try {
      await runCommand(() => bench(args({ baseline: bad })));
      expect(process.exitCode).toBe(2);
    } finally {
      process.stderr.write = write;
      process.exitCode = saved;
    }
    expect(stderr.join('')).toMatch(
      /^rmsprop-harness: error: --baseline .*bad\.json: malformed bench baseline: no results array\n$/,
    );
    expect(existsSync(join(dir, 'out', 'bench.json'))).toBe(false); // nothing measured

    // A baseline 1000x faster than anything: the run is slower beyond the margins -> 1.
    const fast = syntheticReport([{ target: 'ts-f32', n: 256, medianMs: 1e-9, rme: 0.1 }]);
    fast.results[0].dtype = 'float32';
    writeFileSync(join(dir, 'fast.json'), JSON.stringify(fast));
    const out: string[] = [];
    const writeOut = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string) => (out.push(String(chunk)), true);
    let code: number;
    let code2: number;
    try {
      code = await bench(args({ baseline: join(dir, 'fast.json'), saveBaseline: join(dir, 'saved.json') }));
      // A baseline 1000x slower, with its margins: no regression -> 0.
      const slow = syntheticReport([{ target: 'ts-f32', n: 256, medianMs: 1e6, rme: 0.1 }]);
      writeFileSync(join(dir, 'slow.json'), JSON.stringify(slow));
      code2 = await bench(args({ baseline: join(dir, 'slow.json') }));
    } finally {
      process.stdout.write = writeOut;
    }
    // The rank test on the samples decides (both reports carry them), however wide the margins of error under load.
    expect(code, out.join('')).toBe(1);
    expect(code2, out.join('')).toBe(0);
    expect(out.join('')).toMatch(/SLOWER +ts-f32 float32 n=256/);
    expect(out.join('')).toMatch(/FASTER +ts-f32 float32 n=256/);
    const savedReport = loadBaseline(join(dir, 'saved.json'));
    expect(savedReport.results[0].target).toBe('ts-f32');
    expect(readFileSync(join(dir, 'out', 'bench.md'), 'utf8')).toContain('# RMSprop benchmark');
  }, 120_000); // two real (tiny) benchmarks with their roofline probes: slow on a loaded 2-core CI machine
});

describe('accuracy from a conformance report', () => {
  it('takes max ULP and pass/fail per adapter', () => {
    const series = (maxUlp: number) => ({
      steps: [],
      maxAbs: 0,
      maxRel: 0,
      maxUlp,
      firstDivergentStep: null,
      firstDivergence: null,
    });
    const doc = {
      format: 'rmsprop-harness/conformance',
      adapters: [{ label: 'ts-f32' }, { label: 'webgpu' }, { label: 'tfjs-node' }],
      cells: [
        { adapter: 'ts-f32', dtype: 'float32', status: 'pass', freeRunning: series(0) },
        { adapter: 'ts-f32', dtype: 'float32', status: 'pass', freeRunning: series(2) },
        { adapter: 'webgpu', dtype: 'float32', status: 'fail', freeRunning: series(40) },
        { adapter: 'webgpu', dtype: 'float64', status: 'skip' },
        { adapter: 'tfjs-node', dtype: 'float32', status: 'unavailable' },
      ],
    } as unknown as ConformanceReport;
    const a = accuracyFromConformance(doc);
    expect(a.find((x) => x.adapter === 'ts-f32')).toMatchObject({ pass: 2, fail: 0, maxUlp: 2, verdict: 'pass' });
    expect(a.find((x) => x.adapter === 'webgpu')).toMatchObject({ pass: 0, fail: 1, skip: 1, maxUlp: 40, verdict: 'fail' });
    expect(a.find((x) => x.adapter === 'tfjs-node')).toMatchObject({ maxUlp: null, verdict: 'no cells' });
  });

  it("shows the max ULP of the benchmark's dtype only (ULPs of float32 and float64 are not comparable)", () => {
    const report = syntheticReport([{ target: 'wasm-simd', n: 1000, medianMs: 1e-3, rme: 1 }]);
    report.accuracy = {
      source: 'conformance.json',
      entries: [
        {
          adapter: 'wasm-simd',
          pass: 3,
          fail: 0,
          error: 0,
          skip: 0,
          maxUlp: 1_000_000,
          maxUlpByDtype: { float32: 2, float64: 1_000_000 },
          verdict: 'pass',
        },
      ],
    };
    const md = renderBenchMarkdown(report);
    expect(md).toContain('| max ULP (float32) |');
    expect(md).toMatch(/\| wasm-simd \| wasm-simd \| pass \| 3 \| 0 \| 0 \| 2 \|/);
    expect(md).not.toContain('1000000');
  });
});

describe('paired ratios', () => {
  const n = 10_000_000;
  const msAt = (gbPerSecond: number) => ((n * 20) / (gbPerSecond * 1e9)) * 1e3;

  it("holds each sample to its own round's limit, so a drift of the machine moves both", () => {
    // the machine's bandwidth drifts from 20 to 40 GB/s; the row runs at 90% of it throughout
    const memory = [20, 25, 30, 35, 40];
    const run = {
      beside: { samplesMs: memory.map((m) => msAt(0.9 * m)), rounds: memory.map((m) => ({ memoryGbPerSecond: m })) },
    };
    const s = besideSummary(n, 20, run, undefined)!;
    expect(s.median).toBeCloseTo(0.9, 12);
    expect(s.entry.ratioMin).toBeCloseTo(0.9, 12);
    expect(s.entry.ratioMax).toBeCloseTo(0.9, 12);
    expect(s.entry.limitGbPerSecond).toBe(30);
    expect(s.entry.computeBoundShare).toBe(0);
  });

  it("caps every round's limit with the step's compute ceiling, and says how often it bound", () => {
    const run = { beside: { samplesMs: [msAt(30), msAt(30)], rounds: [{ memoryGbPerSecond: 20 }, { memoryGbPerSecond: 40 }] } };
    const s = besideSummary(n, 20, run, 30)!;
    expect([s.entry.ratioMin, s.entry.ratioMax].map((x) => Math.round(x * 1000) / 1000)).toEqual([1, 1.5]);
    expect(s.entry.computeBoundShare).toBe(0.5);
    expect(s.entry.computeGbPerSecond).toBe(30);
  });

  it('pairs nothing when the rounds and the samples do not match one to one', () => {
    expect(
      besideSummary(n, 20, { beside: { samplesMs: [1, 2], rounds: [{ memoryGbPerSecond: 20 }] } }, undefined),
    ).toBeUndefined();
    expect(besideSummary(n, 20, {}, undefined)).toBeUndefined();
  });
});
