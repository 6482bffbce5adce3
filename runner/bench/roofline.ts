// The roofline at each size: the best of several WASM SIMD bandwidth probes (triad a = b + s*c,
// copy a = b, read-only sum), each on one thread and on every core (a pool of warm threads,
// adapters/wasm/pool.ts), bytes counted with the write-allocate model; capped by the step's compute
// ceiling (the step with its arrays in cache, on as many threads), which binds where the arrays fit in
// cache and the bandwidth is higher than the arithmetic can use. The limit for a target on t threads
// is that pair on at most t threads, and the RMSprop step's limit follows:
// n x (the variant's bytes per element) / the limit's GB/s.
//
// Byte model (write-allocate): a store to a line not in cache first reads the line, so a stream that
// writes an array it did not read moves it twice. triad: read b, c + read and write a = 4 elements
// (16 B in float32); copy: 3 elements; sum: 1. The RMSprop step writes only p and v, which it has just
// read, so its 20 B/element (float32) are its write-allocate traffic too. STREAM's own convention
// (3 elements for the triad) undercounts by 4/3, which is how a step could print 110-130% "of the triad".
// Statistic: a limit and the rows held to it use the same one. The headline limit is the probes'
// median throughput (and a row's ratio its median against it); the fastest-sample limit (STREAM's
// "best time") is kept beside it for the rows' fastest samples. On a shared machine a probe's fastest
// sample is up to 1.3x its median, so a row's median held to the probes' fastest sample could not
// pass 0.8 even when it ran exactly at the probes' speed (measured: the wasm triad's own median is
// 82% of its fastest sample at 1e7).

import type { Dtype } from '../../reference/arithmetic.js';
import {
  BANDWIDTH_KERNELS,
  collectSamples,
  defaultThreads,
  openBandwidthProbe,
  openStepComputeProbe,
  type BandwidthKernel,
} from '../../adapters/wasm/bench.js';
import type { Variant } from '../../reference/variant.js';
import { statsFromSamples, type MeasureOptions, type Stats } from './measure.js';
import { elementBytes } from './traffic.js';

export const BYTE_MODEL = 'write-allocate';

export interface BandwidthProbe {
  /** 'wasm-simd-triad', 'wasm-simd-copy', 'wasm-simd-sum'. */
  probe: string;
  kernel: BandwidthKernel;
  threads: number;
  /** Bytes moved per element under the write-allocate model. */
  bytesPerElement: number;
  stats?: Stats;
  /** From the fastest sample. */
  gbPerSecond?: number;
  /** From the median sample. */
  medianGbPerSecond?: number;
  error?: string;
}

/** A framework's own triad measured in the same run (an external program's bench answer, kind 'triad'). */
export interface NativeTriad {
  source: string;
  describe: string;
  threads: number;
  bytesPerElement: number;
  stats: Stats;
  gbPerSecond: number;
  medianGbPerSecond: number;
}

/** The step's compute ceiling on `threads` threads: its rate with the arrays in cache (adapters/wasm/bench.ts openStepComputeProbe). */
export interface ComputeProbe {
  threads: number;
  stats?: Stats;
  /** From the fastest sample. */
  elementsPerSecond?: number;
  /** elementsPerSecond x the variant's bytes per element: the ceiling in the same units as the bandwidth (fastest sample). */
  gbPerSecond?: number;
  /** The same from the median sample. */
  medianGbPerSecond?: number;
  error?: string;
}

export interface Limit {
  threads: number;
  /** The binding ceiling: a bandwidth probe ('wasm-simd-copy x2') or 'step in cache x2' (compute). */
  probe: string;
  /** min(memory, compute) at the variant's bytes per element, from the probes' medians: what a row's median is held to. */
  gbPerSecond: number;
  /** The same from the probes' fastest samples: what a row's fastest sample is held to. */
  bestGbPerSecond?: number;
  bound?: 'memory' | 'compute';
  /** The best bandwidth probe's median GB/s. */
  memoryGbPerSecond?: number;
  /** The best bandwidth probe's fastest-sample GB/s. */
  memoryBestGbPerSecond?: number;
  memoryProbe?: string;
  /** The step's compute ceiling, median. */
  computeGbPerSecond?: number;
  computeBestGbPerSecond?: number;
}

export interface Roofline {
  n: number;
  dtype: Dtype;
  /** How the probes' bytes are counted (absent in reports of bench format 1: STREAM's 3 elements per triad). */
  byteModel?: typeof BYTE_MODEL;
  probes: BandwidthProbe[];
  /** The step's compute ceiling per thread count (empty when not measured). */
  compute?: ComputeProbe[];
  /** Per thread count probed (ascending): min(best bandwidth probe on at most that many threads, the step's compute ceiling), by median. */
  limits?: Limit[];
  /** The best probe overall and its GB/s (the roofline line of the charts). */
  best: string;
  gbPerSecond: number;
  /** Native triads from programs in the same run, when any answered (torch.add, NumPy). */
  native?: NativeTriad[];
}

const gbps = (n: number, bytes: number, ms: number) => (n * bytes) / (ms / 1e3) / 1e9;

export function probeBytes(kernel: BandwidthKernel, dtype: Dtype): number {
  const k = BANDWIDTH_KERNELS[kernel];
  // write-allocate: every written element is also read first
  return (k.reads + 2 * k.writes) * elementBytes(dtype);
}

/** The limit a target on `threads` threads is held to: the best probe on at most that many threads. */
export function limitFor(roofline: Pick<Roofline, 'limits'>, threads: number): Limit | undefined {
  const limits = roofline.limits ?? [];
  const fit = limits.filter((l) => l.threads <= Math.max(1, threads));
  return fit.length > 0 ? fit[fit.length - 1] : limits[0];
}

/** A probe's median GB/s (reports of bench format 1 have only the fastest sample's). */
const medianOf = (p: { gbPerSecond?: number; medianGbPerSecond?: number }): number | undefined =>
  p.medianGbPerSecond ?? p.gbPerSecond;

/** Per thread count: the best bandwidth probe on at most that many threads, capped by the step's compute ceiling there; chosen and compared by median. */
export function limitsOf(probes: readonly BandwidthProbe[], compute: readonly ComputeProbe[] = []): Limit[] {
  const counts = [...new Set(probes.map((p) => p.threads))].sort((a, b) => a - b);
  const out: Limit[] = [];
  for (const t of counts) {
    const ok = probes.filter((p) => p.threads <= t && medianOf(p) !== undefined);
    if (ok.length === 0) continue;
    const best = ok.reduce((x, y) => (medianOf(y)! > medianOf(x)! ? y : x));
    const memory = medianOf(best)!;
    const memoryBest = Math.max(...ok.map((p) => p.gbPerSecond ?? medianOf(p)!));
    const cs = compute.filter((x) => x.threads <= t && medianOf(x) !== undefined);
    const c = cs.reduce<ComputeProbe | undefined>((x, y) => (!x || medianOf(y)! > medianOf(x)! ? y : x), undefined);
    const cBest = cs.length > 0 ? Math.max(...cs.map((x) => x.gbPerSecond ?? medianOf(x)!)) : undefined;
    const computeBound = c !== undefined && medianOf(c)! < memory;
    out.push({
      threads: t,
      probe: computeBound ? `step in cache x${c.threads}` : `${best.probe} x${best.threads}`,
      gbPerSecond: computeBound ? medianOf(c)! : memory,
      bestGbPerSecond: cBest !== undefined ? Math.min(cBest, memoryBest) : memoryBest,
      bound: computeBound ? 'compute' : 'memory',
      memoryGbPerSecond: memory,
      memoryBestGbPerSecond: memoryBest,
      memoryProbe: `${best.probe} x${best.threads}`,
      ...(c ? { computeGbPerSecond: medianOf(c)!, computeBestGbPerSecond: cBest } : {}),
    });
  }
  return out;
}

/** The step's compute ceiling on each thread count (the wasm step with its arrays in cache). */
export async function measureCompute(
  dtype: Dtype,
  variant: Variant,
  variantBytes: number,
  measure: MeasureOptions,
  threadCounts: readonly number[],
): Promise<ComputeProbe[]> {
  const out: ComputeProbe[] = [];
  for (const t of threadCounts) {
    try {
      const p = await openStepComputeProbe(dtype, variant, t);
      try {
        const { samplesMs, stepsPerSample } = collectSamples(p, {
          timeMs: measure.timeMs,
          minSamples: measure.minSamples ?? 10,
          sampleMs: Math.max(measure.sampleMs ?? 1, 1),
        });
        const stats = await statsFromSamples(samplesMs, stepsPerSample);
        const eps = p.elementsPerPass / (stats.minMs / 1e3);
        const medianEps = p.elementsPerPass / (stats.medianMs / 1e3);
        out.push({
          threads: t,
          stats,
          elementsPerSecond: eps,
          gbPerSecond: (eps * variantBytes) / 1e9,
          medianGbPerSecond: (medianEps * variantBytes) / 1e9,
        });
      } finally {
        await p.close();
      }
    } catch (e) {
      out.push({ threads: t, error: (e as Error).message });
    }
  }
  return out;
}

export interface StepForCeiling {
  variant: Variant;
  bytesPerElement: number;
}

export async function measureRoofline(
  n: number,
  dtype: Dtype,
  measure: MeasureOptions,
  threads = defaultThreads(),
  step?: StepForCeiling,
): Promise<Roofline> {
  const probes: BandwidthProbe[] = [];
  const kernels: BandwidthKernel[] = ['triad', 'copy', 'sum'];
  for (const t of threads > 1 ? [1, threads] : [1]) {
    for (const kernel of kernels) {
      const bytes = probeBytes(kernel, dtype);
      const entry: BandwidthProbe = { probe: `wasm-simd-${kernel}`, kernel, threads: t, bytesPerElement: bytes };
      try {
        const p = await openBandwidthProbe(kernel, dtype, n, t);
        try {
          const { samplesMs, stepsPerSample } = collectSamples(p, {
            timeMs: measure.timeMs,
            minSamples: measure.minSamples ?? 10,
            sampleMs: measure.sampleMs ?? 1,
          });
          const stats = await statsFromSamples(samplesMs, stepsPerSample);
          entry.stats = stats;
          entry.gbPerSecond = gbps(n, bytes, stats.minMs);
          entry.medianGbPerSecond = gbps(n, bytes, stats.medianMs);
        } finally {
          await p.close();
        }
      } catch (e) {
        entry.error = (e as Error).message;
      }
      probes.push(entry);
    }
  }
  const compute = step
    ? await measureCompute(dtype, step.variant, step.bytesPerElement, measure, threads > 1 ? [1, threads] : [1])
    : [];
  const limits = limitsOf(probes, compute);
  if (limits.length === 0)
    throw new Error(`no bandwidth probe ran at n=${n}: ${probes.map((p) => `${p.probe} x${p.threads}: ${p.error}`).join('; ')}`);
  const top = limits[limits.length - 1];
  return { n, dtype, byteModel: BYTE_MODEL, probes, compute, limits, best: top.probe, gbPerSecond: top.gbPerSecond, native: [] };
}
