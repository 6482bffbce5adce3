// Timing with tinybench's statistics. Every measurement is "milliseconds per step": a task either
// times a batch of repetitions itself (so that sub-microsecond in-cache passes are above the timer's
// resolution) and reports the per-repetition duration to tinybench, or hands over samples measured
// elsewhere (device-side GPU timings), which tinybench then summarises the same way.

import { Type, type Static } from '@sinclair/typebox';
import { Bench } from 'tinybench';

/** The timing statistics of one entry, as a TypeBox schema: the Stats type is derived from it. */
export const StatsSchema = Type.Object({
  medianMs: Type.Number({
    exclusiveMinimum: 0,
    description: 'Median milliseconds per step (> 0: ratios are taken against it).',
  }),
  p99Ms: Type.Number({ description: '99th percentile, ms per step.' }),
  meanMs: Type.Number({ description: 'Mean, ms per step.' }),
  minMs: Type.Number({ description: 'Fastest sample, ms per step.' }),
  rme: Type.Number({ minimum: 0, description: "Relative margin of error of the mean, percent (95%, Student's t)." }),
  samples: Type.Number({ description: 'Samples timed.' }),
  batch: Type.Number({ description: 'Repetitions timed together per sample (1 = each sample is one step).' }),
  p25Ms: Type.Optional(Type.Number({ description: 'First quartile, ms per step (the spread).' })),
  p75Ms: Type.Optional(Type.Number({ description: 'Third quartile, ms per step (the spread).' })),
  maxMs: Type.Optional(Type.Number({ description: 'Slowest sample, ms per step.' })),
  samplesMs: Type.Optional(
    Type.Array(Type.Number({ minimum: 0 }), {
      description:
        "The samples (ms per step, ascending; at most MAX_KEPT_SAMPLES order statistics): what the regression gate's rank test reads.",
    }),
  ),
});

export type Stats = Static<typeof StatsSchema>;

/** Samples kept per entry in a report (evenly spaced order statistics beyond this). */
export const MAX_KEPT_SAMPLES = 256;

/** At most `max` values from ascending samples, evenly spaced in rank (first and last kept). */
export function keepSamples(sorted: readonly number[], max = MAX_KEPT_SAMPLES): number[] {
  if (sorted.length <= max) return [...sorted];
  return Array.from({ length: max }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (max - 1))]);
}

export interface MeasureOptions {
  /** Time budget per task, ms (tinybench `time`). */
  timeMs: number;
  /** Minimum samples (tinybench `iterations`). */
  minSamples?: number;
  /** Target duration of one sample, ms: cheap steps are repeated in a batch until a sample is this long. */
  sampleMs?: number;
  /** Upper bound of the batch. */
  maxBatch?: number;
}

type Result = { overriddenDuration: number; overriddenIterationCost: number };

/** The p-quantile of ascending samples (nearest rank), as every spread in the bench reports it. */
export function quantileOfSorted(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
}

function toStats(bench: Bench, batch: number): Stats {
  const task = bench.tasks[0];
  const r = task.result;
  if (r.state === 'errored') throw r.error;
  if (r.state !== 'completed' && r.state !== 'aborted-with-statistics')
    throw new Error(`benchmark task ended in state ${r.state}`);
  const L = r.latency;
  const sorted = [...(L.samples ?? [])].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length === 0 ? L.p50 : quantileOfSorted(sorted, p));
  return {
    medianMs: L.p50,
    p99Ms: L.p99,
    meanMs: L.mean,
    minMs: L.min,
    rme: Number.isFinite(L.rme) ? L.rme : 0,
    samples: L.samplesCount,
    batch,
    p25Ms: q(0.25),
    p75Ms: q(0.75),
    maxMs: L.max,
    samplesMs: keepSamples(sorted),
  };
}

/** Picks a batch so that one sample takes about sampleMs (one untimed call first). */
async function calibrate(step: () => unknown, sampleMs: number, maxBatch: number): Promise<number> {
  await step();
  const t0 = performance.now();
  await step();
  const once = Math.max(performance.now() - t0, 1e-4);
  return Math.max(1, Math.min(maxBatch, Math.ceil(sampleMs / once)));
}

/** Times a synchronous step (the CPU kernels). */
export async function measureSync(step: () => void, options: MeasureOptions): Promise<Stats> {
  const batch = await calibrate(step, options.sampleMs ?? 1, options.maxBatch ?? 100_000);
  const bench = new Bench({
    time: options.timeMs,
    iterations: options.minSamples ?? 10,
    warmupTime: Math.min(100, options.timeMs / 4),
    warmupIterations: 2,
    retainSamples: true,
  });
  bench.add('step', (): Result => {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) step();
    const dt = performance.now() - t0;
    return { overriddenDuration: dt / batch, overriddenIterationCost: dt };
  });
  await bench.run();
  return toStats(bench, batch);
}

/** Times an asynchronous step (adapters' PreparedCase.step, which resolve when the step is done). */
export async function measureAsync(step: () => Promise<void>, options: MeasureOptions): Promise<Stats> {
  const batch = await calibrate(step, options.sampleMs ?? 1, options.maxBatch ?? 10_000);
  const bench = new Bench({
    time: options.timeMs,
    iterations: options.minSamples ?? 10,
    warmupTime: Math.min(100, options.timeMs / 4),
    warmupIterations: 1,
    retainSamples: true,
  });
  bench.add('step', async (): Promise<Result> => {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await step();
    const dt = performance.now() - t0;
    return { overriddenDuration: dt / batch, overriddenIterationCost: dt };
  });
  await bench.run();
  return toStats(bench, batch);
}

/**
 * A step that times itself (a device-side duration, or a worker pool's barrier-to-barrier time):
 * `sample(batch)` runs `batch` steps and returns their total milliseconds.
 */
export async function measureSelfTimed(
  sample: (batch: number) => number | Promise<number>,
  options: MeasureOptions,
): Promise<Stats> {
  await sample(1);
  const once = Math.max(await sample(1), 1e-4);
  const batch = Math.max(1, Math.min(options.maxBatch ?? 100_000, Math.ceil((options.sampleMs ?? 1) / once)));
  const bench = new Bench({
    time: options.timeMs,
    iterations: options.minSamples ?? 10,
    warmupTime: Math.min(100, options.timeMs / 4),
    warmupIterations: 1,
    retainSamples: true,
  });
  bench.add('step', async (): Promise<Result> => {
    const t0 = performance.now();
    const ms = await sample(batch);
    return { overriddenDuration: ms / batch, overriddenIterationCost: performance.now() - t0 };
  });
  await bench.run();
  return toStats(bench, batch);
}

/** Summarises samples measured elsewhere (ms per step each) with tinybench's statistics. */
export async function statsFromSamples(samplesMs: readonly number[], batch = 1): Promise<Stats> {
  if (samplesMs.length === 0) throw new Error('no samples');
  let i = 0;
  const bench = new Bench({ time: 0, iterations: samplesMs.length, warmup: false, retainSamples: true });
  bench.add('samples', (): Result => {
    const ms = samplesMs[i++ % samplesMs.length];
    return { overriddenDuration: ms, overriddenIterationCost: 0 };
  });
  await bench.run();
  return toStats(bench, batch);
}
