// The memory limit measured beside each sample. The roofline of a size is measured once per
// repetition, seconds before the rows it holds; on a shared machine the memory bandwidth moves by
// 10-30% within those seconds (measured here at 1e7 float32, one thread: the bandwidth probes went
// from 13.7 to 20.0 GB/s within three seconds, the step beside them from 13.9 to 19.1), so a row's
// ratio to it says as much about the minute as about the kernel. Targets that
// time their loop in this process call `round(threads)` right before each sample: the roofline's
// bandwidth probes on that many threads (triad, copy, sum) each run one sample, and the row's sample
// is held to the best of them, capped by the step's compute ceiling from the roofline (a paired
// ratio; run-bench.ts besideSummary). The compute ceiling is not measured per round: it is the
// core's, not the minute's memory traffic's, and one short sample of it on a shared two-core VM is
// noisier than the drift pairing follows (measured: the two-thread in-cache step at 27-38 GB/s beside
// the rows against 41 GB/s back to back).

import os from 'node:os';
import type { Dtype } from '../../reference/arithmetic.js';
import { openBandwidthProbe, type BandwidthKernel, type Sampler } from '../../adapters/wasm/bench.js';
import { probeBytes } from './roofline.js';
import { elementBytes } from './traffic.js';

/**
 * The shortest sample of a probe or a row measured in rounds: switching kernels costs each sample a
 * cold start (another kernel's arrays in the caches, a sleeping worker's wake-up), which must stay a
 * small part of it. Measured at 1e6 float32 on two threads: 1 ms samples gave paired ratios from 0.41
 * to 1.64, 4 ms samples 0.83-1.07 around the same median.
 */
export const ROUND_SAMPLE_MS = 4;

/**
 * Steps whose arrays take at most this many bytes stay in the caches between steps (this machine's
 * L3 is 32 MiB); there the rows are held to the roofline alone: probes between a row's samples would
 * evict its arrays and time a cold step instead of the training loop's warm one (measured at 1e6
 * float32, 19 MiB: 1.27 ms per step between probes against 0.77-0.93 back to back).
 */
export const CACHE_RESIDENT_BYTES = 64 * 2 ** 20;

/** Fraction of the free memory the probes kept open beside the rows may take. */
const MEMORY_SHARE = 0.25;

/** What one round measured: the best bandwidth probe's GB/s (write-allocate bytes). */
export interface BesideRound {
  memoryGbPerSecond: number;
}

interface TimedProbe {
  sampler: Sampler;
  batch: number;
  bytesPerElement: number;
}

/** A batch so that one sample lasts at least ROUND_SAMPLE_MS (after one untimed call). */
function roundBatch(s: Sampler): number {
  s.sample(1);
  const once = Math.max(s.sample(1), 1e-3);
  return Math.max(1, Math.ceil(ROUND_SAMPLE_MS / once));
}

export class BesideLimit {
  private constructor(
    private readonly n: number,
    private readonly sets: Map<number, TimedProbe[]>,
  ) {}

  /**
   * Opens the probes on each thread count at n elements; null, with the reason, where they cannot
   * stay open beside the rows (memory) or cannot run here.
   */
  static async open(
    n: number,
    dtype: Dtype,
    stepBytesPerElement: number,
    threadCounts: readonly number[],
  ): Promise<BesideLimit | { unavailable: string }> {
    const footprint = n * stepBytesPerElement;
    if (footprint <= CACHE_RESIDENT_BYTES)
      return {
        unavailable: `the step's ${(footprint / 2 ** 20).toFixed(1)} MiB of arrays stay in cache between steps, and probes between its samples would evict them`,
      };
    // three probes (triad, copy, sum) of three arrays each, per thread count
    const need = threadCounts.length * 3 * 3 * n * elementBytes(dtype);
    if (need > os.freemem() * MEMORY_SHARE)
      return {
        unavailable: `the probes beside the samples would hold ${(need / 2 ** 30).toFixed(1)} GiB, over ${MEMORY_SHARE * 100}% of the free memory`,
      };
    const sets = new Map<number, TimedProbe[]>();
    const opened: Sampler[] = [];
    try {
      for (const t of threadCounts) {
        const probes: TimedProbe[] = [];
        for (const kernel of ['triad', 'copy', 'sum'] as BandwidthKernel[]) {
          const sampler = await openBandwidthProbe(kernel, dtype, n, t, true);
          opened.push(sampler);
          probes.push({ sampler, batch: roundBatch(sampler), bytesPerElement: probeBytes(kernel, dtype) });
        }
        sets.set(t, probes);
      }
    } catch (e) {
      await Promise.all(opened.map((s) => s.close()));
      return { unavailable: (e as Error).message };
    }
    return new BesideLimit(n, sets);
  }

  /** One round on `threads` threads (the largest probed count not above it): every bandwidth probe runs one sample. */
  round(threads: number): BesideRound {
    const counts = [...this.sets.keys()].sort((a, b) => a - b);
    const t = counts.filter((c) => c <= Math.max(1, threads)).pop() ?? counts[0];
    let memory = 0;
    for (const p of this.sets.get(t)!) {
      const ms = p.sampler.sample(p.batch) / p.batch;
      memory = Math.max(memory, (this.n * p.bytesPerElement) / ms / 1e6);
    }
    return { memoryGbPerSecond: memory };
  }

  async close(): Promise<void> {
    const all = [...this.sets.values()].flat().map((p) => p.sampler);
    this.sets.clear();
    await Promise.all(all.map((s) => s.close()));
  }
}
