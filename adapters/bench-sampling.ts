// How an implementation times its own step loop for the optional bench capability (adapter.ts
// AdapterBenchRequest): a batch calibrated so that a sample lasts about sampleMs, a short warm-up,
// then samples until both the time budget and the minimum count are reached. Milliseconds per step,
// one value per sample. (The Python clients do the same in clients/python/bench.py.)

/** A self-timed sampler: runs `batch` passes and returns their total milliseconds. */
export interface Sampler {
  sample(batch: number): number;
  close(): Promise<void>;
}

export interface SampleOptions {
  timeMs: number;
  minSamples: number;
  sampleMs: number;
  /** Cap on the samples (a fast kernel with a long budget). */
  maxSamples?: number;
  /** Called right before each kept sample, outside its timing (the harness measures the limit there). */
  beforeSample?: () => void;
}

/**
 * The sampling options of a bench request for one path: beforeSample runs the request's `beside` with
 * the path and its threads, unless the path says it cannot be paired (`paired` false).
 */
export function pathSampling(
  request: SampleOptions & { beside?(path: string, threads: number): void },
  path: string,
  threads: number,
  paired = true,
): SampleOptions {
  const { timeMs, minSamples, sampleMs, maxSamples } = request;
  const beside = paired ? request.beside?.bind(request) : undefined;
  return {
    timeMs,
    minSamples,
    sampleMs,
    ...(maxSamples !== undefined ? { maxSamples } : {}),
    ...(beside ? { beforeSample: () => beside(path, threads) } : {}),
  };
}

/**
 * Calibrates a batch so that one sample lasts about sampleMs, warms up, then samples until both the
 * time budget and the minimum count are reached. Returns milliseconds per pass, one per sample.
 */
export function collectSamples(s: Pick<Sampler, 'sample'>, o: SampleOptions): { samplesMs: number[]; stepsPerSample: number } {
  s.sample(1);
  const once = Math.max(s.sample(1), 1e-4);
  const batch = Math.max(1, Math.min(100_000, Math.ceil(o.sampleMs / once)));
  const warmEnd = performance.now() + Math.min(100, o.timeMs / 4);
  do s.sample(batch);
  while (performance.now() < warmEnd);
  const samplesMs: number[] = [];
  const end = performance.now() + o.timeMs;
  const max = o.maxSamples ?? 10_000;
  while ((samplesMs.length < o.minSamples || performance.now() < end) && samplesMs.length < max) {
    o.beforeSample?.();
    samplesMs.push(s.sample(batch) / batch);
  }
  return { samplesMs, stepsPerSample: batch };
}

/** collectSamples for a step that returns a Promise (ONNX Runtime's session.run, tfjs). */
export async function collectSamplesAsync(
  step: () => Promise<void>,
  o: SampleOptions,
): Promise<{ samplesMs: number[]; stepsPerSample: number }> {
  await step();
  const t0 = performance.now();
  await step();
  const once = Math.max(performance.now() - t0, 1e-4);
  const batch = Math.max(1, Math.min(10_000, Math.ceil(o.sampleMs / once)));
  const warmEnd = performance.now() + Math.min(100, o.timeMs / 4);
  do for (let i = 0; i < batch; i++) await step();
  while (performance.now() < warmEnd);
  const samplesMs: number[] = [];
  const end = performance.now() + o.timeMs;
  while ((samplesMs.length < o.minSamples || performance.now() < end) && samplesMs.length < (o.maxSamples ?? 10_000)) {
    o.beforeSample?.();
    const s0 = performance.now();
    for (let i = 0; i < batch; i++) await step();
    samplesMs.push((performance.now() - s0) / batch);
  }
  return { samplesMs, stepsPerSample: batch };
}
