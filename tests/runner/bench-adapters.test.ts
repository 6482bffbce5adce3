import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AdapterBenchRequest } from '../../adapters/adapter.js';
import { checkBenchReply, ProtocolViolation } from '../../adapters/external/protocol.js';
import { poolLayout } from '../../adapters/wasm/pool.js';
import { collectSamples, openBandwidthProbe, wasmStepBench } from '../../adapters/wasm/bench.js';
import { pathSampling } from '../../adapters/bench-sampling.js';
import { resolveVariant } from '../../reference/resolve.js';
import { runBench } from '../../runner/bench/run-bench.js';
import { renderBenchMarkdown } from '../../reports/bench-markdown.js';

const PYTHON = '/usr/bin/python3';

/** Fails (never skips) the calling test when /usr/bin/python3 cannot import the module. */
function requireModule(module: string): void {
  const r = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(
      `${PYTHON} cannot import ${module} (${(r.stderr || r.error?.message || '').trim().split('\n').slice(-1)[0]}): run bash scripts/setup-system.sh (installs Debian python3-torch and python3-numpy)`,
    );
}

/** A wasm-simd bench request for the torch step over 50 000 float32 elements, with the given overrides. */
function stepRequest(over: Partial<AdapterBenchRequest>): AdapterBenchRequest {
  const r = resolveVariant('torch', 'float32');
  return {
    dtype: 'float32',
    variant: { ...r.variant, fma: [] },
    profile: r.profile,
    native: r.native,
    tensors: [50_000],
    layout: 'flat',
    timeMs: 5,
    minSamples: 3,
    sampleMs: 0.5,
    ...over,
  };
}

const tiny = { sizes: [2048], dtype: 'float32' as const, profile: 'torch', timeMs: 20, models: [], minSamples: 3, sampleMs: 0.5 };

describe('the protocol bench request', () => {
  it('accepts a bench-result or an error for the pending id, and names the field of a bad one', () => {
    const ok = {
      type: 'bench-result',
      id: 'b#1',
      results: [{ path: 'foreach x1', describe: 'd', threads: 1, samplesMs: [0.5, 0.6], stepsPerSample: 4 }],
    };
    expect(checkBenchReply(ok, 'b#1')).toEqual(ok);
    expect(checkBenchReply({ type: 'error', id: 'b#1', message: 'no' }, 'b#1').type).toBe('error');
    expect(() => checkBenchReply({ ...ok, id: 'b#2' }, 'b#1')).toThrow(/out of order/);
    expect(() => checkBenchReply({ type: 'result', id: 'b#1', trajectory: [] }, 'b#1')).toThrow(ProtocolViolation);
    expect(() => checkBenchReply({ ...ok, results: [{ ...ok.results[0], samplesMs: ['x'] }] }, 'b#1')).toThrow(
      /results\[0\]\.samplesMs\[0\]/,
    );
  });
});

describe('every implementation in the same run', () => {
  it('times the NumPy client through the bench request (its own loop), with its triad beside the roofline', async () => {
    requireModule('numpy');
    const spec = `external:command=${PYTHON} clients/python/numpy_rmsprop.py`;
    const report = await runBench({ ...tiny, targets: ['wasm-simd', spec] });
    const numpy = report.results.find((r) => r.target === 'numpy tutorial RMSprop tutorial x1');
    expect(numpy, JSON.stringify(report.results.map((r) => [r.target, r.status, r.reason]))).toBeDefined();
    expect(numpy!.status).toBe('ok');
    expect(numpy!.adapter).toBe(spec);
    expect(numpy!.stats!.samples).toBeGreaterThanOrEqual(3);
    expect(numpy!.notes!.join(' ')).toMatch(/own loop/);
    expect(report.roofline[0].native!.map((t) => t.source)).toEqual(['numpy tutorial RMSprop triad x1']);
    expect(report.roofline[0].native![0].bytesPerElement).toBe(16);
  }, 60_000);

  it("shows PyTorch's own step time (for-loop and foreach, 1 and every thread) and the speed-up over it", async () => {
    requireModule('torch');
    const spec = `external:command=${PYTHON} clients/python/torch_rmsprop.py`;
    const report = await runBench({ ...tiny, targets: ['wasm-simd', spec], models: ['mlp'], modelScale: 1 / 64 });
    const torch = report.results.filter((r) => r.pytorch);
    expect(torch.map((r) => r.target)).toEqual(
      expect.arrayContaining(['torch.optim.RMSprop for-loop x1', 'torch.optim.RMSprop foreach x1']),
    );
    for (const r of torch) expect(r.status).toBe('ok');
    const ref = report.pytorchReference!.find((x) => x.n === 2048)!;
    expect(Math.min(...torch.map((r) => r.stats!.medianMs))).toBe(ref.medianMs);
    const wasm = report.results.find((r) => r.target === 'wasm-simd')!;
    expect(wasm.speedupOverPytorch).toBeCloseTo(ref.medianMs / wasm.stats!.medianMs, 9);
    expect(report.roofline[0].native!.map((t) => t.source)).toContain('torch.optim.RMSprop triad x1');
    // model-shaped: the parameter list (per tensor / foreach multi-tensor) and one flat tensor
    const models = report.models.filter((m) => m.pytorch);
    expect(models.map((m) => m.target)).toEqual(
      expect.arrayContaining(['torch.optim.RMSprop for-loop x1', 'torch.optim.RMSprop foreach x1']),
    );
    for (const m of models) expect(m.status, m.reason).toBe('ok');
    expect(renderBenchMarkdown(report)).toMatch(/Speed-up over PyTorch: the fastest PyTorch CPU step/);
  }, 120_000);

  it('times a module adapter through its own bench capability', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-module-'));
    const file = join(dir, 'my-rmsprop.mjs');
    writeFileSync(
      file,
      `export default {
  info: { id: 'mine', version: '1', describe: 'my RMSprop', claims: 'torch', capabilities: { dtypes: ['float32'], devices: ['cpu'], hyperparameters: [], configurableAxes: [], loadState: false, readState: false } },
  async probe() { return { available: true, facts: { implementation: 'my RMSprop' } }; },
  async prepare() { throw new Error('not used by bench'); },
  async bench(request) {
    const n = request.tensors.reduce((a, b) => a + b, 0);
    return [{ path: 'fast', describe: 'a loop of my own', threads: 1, device: 'cpu', samplesMs: [n * 1e-6, n * 1.1e-6, n * 0.9e-6], stepsPerSample: 1 }];
  },
};
`,
    );
    const report = await runBench({ ...tiny, targets: [`module:path=${file}`] });
    const row = report.results.find((r) => r.target === 'my RMSprop fast')!;
    expect(row.status).toBe('ok');
    expect(row.stats!.medianMs).toBeCloseTo(2048e-6, 9);
  }, 60_000);
});

describe('the WASM thread pool', () => {
  it('splits n into cache-line-aligned ranges covered by chunks', () => {
    for (const [n, threads, bytes] of [
      [10_000_000, 2, 4],
      [1000, 2, 4],
      [1001, 3, 8],
      [7, 2, 4],
      [100_000, 4, 4],
    ] as const) {
      const L = poolLayout(n, threads, bytes, 32768);
      expect(L.ranges).toHaveLength(threads);
      let covered = 0;
      for (const [i, [lo, hi]] of L.ranges.entries()) {
        if (hi > lo && lo < n) expect((lo * bytes) % 64).toBe(0);
        if (i > 0) expect(lo).toBe(L.ranges[i - 1][1]);
        expect(L.chunks[i]).toBe(Math.ceil((hi - lo) / L.chunk));
        covered += hi - lo;
      }
      expect(covered).toBe(n);
      expect((L.chunk * bytes) % 64).toBe(0);
    }
  });

  it('runs the probes and the step on one thread and on two (warm workers), each sample a positive time', async () => {
    for (const kernel of ['triad', 'copy', 'sum'] as const) {
      for (const t of [1, 2]) {
        const p = await openBandwidthProbe(kernel, 'float32', 100_000, t);
        try {
          const { samplesMs } = collectSamples(p, { timeMs: 5, minSamples: 3, sampleMs: 0.5 });
          expect(samplesMs.length).toBeGreaterThanOrEqual(3);
          for (const x of samplesMs) expect(x).toBeGreaterThan(0);
        } finally {
          await p.close();
        }
      }
    }
    const results = await wasmStepBench(stepRequest({ minSamples: 3 }), 2);
    expect(results.map((x) => [x.path, x.threads, x.kernel])).toEqual([
      ['simd', 1, 'torch'],
      ['simd-mt', 2, 'torch'],
    ]);
    for (const x of results) expect(x.samplesMs.length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('completes every sample of a pool that sleeps between samples (other work between them), each a positive time', async () => {
    for (const kernel of ['triad', 'sum'] as const) {
      const p = await openBandwidthProbe(kernel, 'float32', 100_000, 2, true);
      try {
        // other work between the samples, as the probes beside a row's samples do
        const { samplesMs } = collectSamples(p, {
          timeMs: 5,
          minSamples: 5,
          sampleMs: 0.5,
          beforeSample: () => {
            const until = performance.now() + 1;
            while (performance.now() < until) {
              // busy
            }
          },
        });
        expect(samplesMs.length).toBeGreaterThanOrEqual(5);
        for (const x of samplesMs) expect(x).toBeGreaterThan(0);
      } finally {
        await p.close();
      }
    }
  }, 60_000);
});

describe('the limit measured beside each sample', () => {
  it('is asked for once right before every kept sample of each path, with that path and its threads', async () => {
    const calls: [string, number][] = [];
    const results = await wasmStepBench(
      stepRequest({
        minSamples: 4,
        beside: (path, threads) => {
          calls.push([path, threads]);
        },
      }),
      2,
    );
    for (const x of results) {
      const mine = calls.filter(([path]) => path === x.path);
      expect(mine).toHaveLength(x.samplesMs.length);
      expect(new Set(mine.map(([, t]) => t))).toEqual(new Set([x.threads]));
    }
    expect(results.map((x) => x.threads)).toEqual([1, 2]);
    // a path that cannot be paired (a framework's own thread pool) never calls it
    const unpaired = pathSampling(stepRequest({ beside: () => calls.push(['never', 0]) }), 'bound x2', 2, false);
    expect(unpaired.beforeSample).toBeUndefined();
  }, 60_000);

  it('pairs each sample of a row above the cache sizes with the limit measured before it, and keeps the roofline ratio beside it', async () => {
    const log: string[] = [];
    // 4e6 float32 elements: 80 MB of step arrays, above the 64 MiB the rows are paired from
    const report = await runBench({
      ...tiny,
      sizes: [2048, 4_000_000],
      targets: ['wasm-simd', 'wasm-simd-mt'],
      timeMs: 40,
      minSamples: 3,
      log: (l) => log.push(l),
    });
    const at = (n: number, target: string) => report.results.find((e) => e.n === n && e.target === target)!;
    for (const target of ['wasm-simd', 'wasm-simd-mt']) {
      const big = at(4_000_000, target);
      expect(big.status).toBe('ok');
      expect(big.ratioMethod).toBe('paired');
      expect(big.beside!.samples).toBe(big.stats!.samples);
      expect(big.pooledRatio).toBeGreaterThan(0);
      expect(big.beside!.ratioP25).toBeLessThanOrEqual(big.ratio!);
      expect(big.beside!.ratioP75).toBeGreaterThanOrEqual(big.ratio!);
      const small = at(2048, target);
      expect(small.ratioMethod).toBe('pooled');
      expect(small.beside).toBeUndefined();
    }
    expect(log.some((l) => /no limit beside the samples .*stay in cache between steps/.test(l))).toBe(true);
    const md = renderBenchMarkdown(report);
    expect(md).toMatch(/"paired": the row timed its loop in this process/);
    expect(md).toMatch(/measured beside \d+ samples/);

    const off = await runBench({ ...tiny, sizes: [4_000_000], targets: ['wasm-simd'], timeMs: 20, minSamples: 3, beside: false });
    expect(off.results[0].ratioMethod).toBe('pooled');
  }, 120_000);
});
