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
// The probes' GB/s come from their fastest sample (STREAM's "best time"): the limit is what the
// machine can do, not what it did while another process had the core.

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
  /** elementsPerSecond x the variant's bytes per element: the ceiling in the same units as the bandwidth. */
  gbPerSecond?: number;
  error?: string;
}

export interface Limit {
  threads: number;
  /** The binding ceiling: a bandwidth probe ('wasm-simd-copy x2') or 'step in cache x2' (compute). */
  probe: string;
  /** min(memory, compute), at the variant's bytes per element. */
  gbPerSecond: number;
  bound?: 'memory' | 'compute';
  memoryGbPerSecond?: number;
  memoryProbe?: string;
  computeGbPerSecond?: number;
}

export interface Roofline {
  n: number;
  dtype: Dtype;
  /** How the probes' bytes are counted (absent in reports of bench format 1: STREAM's 3 elements per triad). */
  byteModel?: typeof BYTE_MODEL;
  probes: BandwidthProbe[];
  /** The step's compute ceiling per thread count (empty when not measured). */
  compute?: ComputeProbe[];
  /** Per thread count probed (ascending): min(best bandwidth probe on at most that many threads, the step's compute ceiling). */
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

/** Per thread count: the best bandwidth probe on at most that many threads, capped by the step's compute ceiling there. */
export function limitsOf(probes: readonly BandwidthProbe[], compute: readonly ComputeProbe[] = []): Limit[] {
  const counts = [...new Set(probes.map((p) => p.threads))].sort((a, b) => a - b);
  const out: Limit[] = [];
  for (const t of counts) {
    const ok = probes.filter((p) => p.threads <= t && p.gbPerSecond !== undefined);
    if (ok.length === 0) continue;
    const best = ok.reduce((x, y) => (y.gbPerSecond! > x.gbPerSecond! ? y : x));
    const memory = { probe: `${best.probe} x${best.threads}`, gbPerSecond: best.gbPerSecond! };
    const c = compute
      .filter((x) => x.threads <= t && x.gbPerSecond !== undefined)
      .reduce<ComputeProbe | undefined>((x, y) => (!x || y.gbPerSecond! > x.gbPerSecond! ? y : x), undefined);
    const computeBound = c !== undefined && c.gbPerSecond! < memory.gbPerSecond;
    out.push({
      threads: t,
      probe: computeBound ? `step in cache x${c.threads}` : memory.probe,
      gbPerSecond: computeBound ? c.gbPerSecond! : memory.gbPerSecond,
      bound: computeBound ? 'compute' : 'memory',
      memoryGbPerSecond: memory.gbPerSecond,
      memoryProbe: memory.probe,
      ...(c ? { computeGbPerSecond: c.gbPerSecond! } : {}),
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
        out.push({ threads: t, stats, elementsPerSecond: eps, gbPerSecond: (eps * variantBytes) / 1e9 });
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
