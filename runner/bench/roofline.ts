// The bandwidth roofline at each size: STREAM triad a = b + s*c over n elements (3 arrays, 12 bytes
// per float32 element) in plain TypeScript, in WASM SIMD on one thread and (where the engine has
// threads) over worker threads. The roofline at a size is the best triad at that size, so in-cache
// sizes are held to cache bandwidth and large sizes to memory bandwidth.

import os from 'node:os';
import type { Dtype } from '../../reference/arithmetic.js';
import type { Vector } from '../../adapters/native/kernel-codegen.js';
import { measureSelfTimed, measureSync, type MeasureOptions, type Stats } from './measure.js';
import { triadBytesPerElement } from './traffic.js';
import { simdSupported, threadsSupported, wasmArrays, wasmTriadCaller, wasmTriadPool } from './wasm-kernels.js';

export interface TriadProbe {
  probe: 'ts-triad' | 'wasm-simd-triad' | 'wasm-simd-mt-triad';
  threads: number;
  bytesPerElement: number;
  stats?: Stats;
  gbPerSecond?: number;
  error?: string;
}

export interface Roofline {
  n: number;
  dtype: Dtype;
  probes: TriadProbe[];
  /** The best probe (highest GB/s from its median). */
  best: string;
  gbPerSecond: number;
}

const gbps = (n: number, bytes: number, ms: number) => (n * bytes) / (ms / 1e3) / 1e9;

/** The plain JS triad; a function per dtype so the loop stays monomorphic. */
function tsTriad(a: Vector, b: Vector, c: Vector, s: number): void {
  const n = a.length;
  for (let i = 0; i < n; i++) a[i] = b[i]! + s * c[i]!;
}

export async function measureRoofline(n: number, dtype: Dtype, measure: MeasureOptions, threads = Math.max(2, os.availableParallelism?.() ?? os.cpus().length)): Promise<Roofline> {
  const bytes = triadBytesPerElement(dtype);
  const probes: TriadProbe[] = [];
  const attempt = async (probe: TriadProbe['probe'], t: number, body: () => Promise<Stats>) => {
    try {
      const stats = await body();
      probes.push({ probe, threads: t, bytesPerElement: bytes, stats, gbPerSecond: gbps(n, bytes, stats.medianMs) });
    } catch (e) {
      probes.push({ probe, threads: t, bytesPerElement: bytes, error: (e as Error).message });
    }
  };
  await attempt('ts-triad', 1, async () => {
    const make = (x: number): Vector => (dtype === 'float32' ? new Float32Array(n).fill(x) : new Float64Array(n).fill(x));
    const a = make(0);
    const b = make(1);
    const c = make(0.5);
    return measureSync(() => tsTriad(a, b, c, 2), measure);
  });
  if (simdSupported()) {
    await attempt('wasm-simd-triad', 1, async () => {
      const w = await wasmArrays(n, dtype, 'triad');
      return measureSync(wasmTriadCaller(w.kernel, dtype, w.offsets, n), measure);
    });
    if (threadsSupported()) {
      await attempt('wasm-simd-mt-triad', threads, async () => {
        const pool = await wasmTriadPool(threads, n, dtype);
        try {
          return await measureSelfTimed((batch) => pool.run(batch), measure);
        } finally {
          await pool.close();
        }
      });
    }
  }
  const ok = probes.filter((p) => p.gbPerSecond !== undefined);
  if (ok.length === 0) throw new Error(`no triad probe ran at n=${n}: ${probes.map((p) => `${p.probe}: ${p.error}`).join('; ')}`);
  const best = ok.reduce((x, y) => (y.gbPerSecond! > x.gbPerSecond! ? y : x));
  return { n, dtype, probes, best: best.probe, gbPerSecond: best.gbPerSecond! };
}
