// CPU bench targets: the TypeScript fused loop (adapters/native: compileFusedStep over big typed
// arrays) and the WASM SIMD kernels (single thread, and split over worker threads on one shared
// memory). All step in place with no copies and no Promise per step.

import os from 'node:os';
import { compileFusedStep, type Vector } from '../../adapters/native/kernel-codegen.js';
import { arithmeticFor, type Dtype } from '../../reference/arithmetic.js';
import { stepScalars } from '../../reference/step.js';
import { measureSelfTimed, measureSync } from './measure.js';
import { elementBytes, variantTraffic } from './traffic.js';
import type { BenchContext, BenchTarget, ModelLayout, ModelRun, SizeRun, TargetCreation } from './types.js';
import { PLAIN_MEMORY_LIMIT, SHARED_MEMORY_LIMIT, simdSupported, threadsSupported, wasmArrays, wasmBytesFor, wasmStepCaller, wasmStepPlan, wasmStepPool } from './wasm-kernels.js';

/** Deterministic uniform values in [-1, 1) (an LCG: the benchmark needs data, not randomness). */
export function fillUniform(a: Vector, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s / 2 ** 32) * 2 - 1;
  }
}

function memorySkip(n: number, dtype: Dtype, arrays: number): string | null {
  const need = n * elementBytes(dtype) * arrays;
  const have = os.totalmem() * 0.7;
  return need > have ? `${arrays} arrays of ${n} ${dtype} need ${(need / 2 ** 30).toFixed(1)} GiB, over 70% of this machine's memory` : null;
}

// ---------------------------------------------------------------------------------------------
// TypeScript fused loop.

interface TsArrays {
  p: Vector;
  g: Vector;
  v: Vector;
  m: Vector;
  b: Vector;
}

function tsArrays(n: number, ctx: BenchContext): TsArrays {
  const make = (): Vector => (ctx.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
  const a = { p: make(), g: make(), v: make(), m: make(), b: make() };
  fillUniform(a.p, 1);
  fillUniform(a.g, 2);
  a.v.fill(arithmeticFor(ctx.dtype).round(ctx.variant.initialAccumulator) || 0.01);
  return a;
}

/**
 * `fma: 'profile'` runs the profile's FMA sites (float32 emulates a correctly rounded fma in JS: the
 * exact but slow path); `'off'` runs every site unfused, as the wasm-simd kernel does (fixed fma = []).
 */
export function createTsTarget(id: string, ctx: BenchContext, fma: 'profile' | 'off' = 'profile', adapter = id): TargetCreation {
  const { dtype } = ctx;
  const variant = fma === 'off' ? { ...ctx.variant, fma: [] } : ctx.variant;
  const fused = compileFusedStep(variant, dtype);
  const A = arithmeticFor(dtype);
  const scalarsFor = (g: Vector) => stepScalars(variant, A, 0, variant.clipNorm === null ? new Float64Array(0) : Float64Array.from(g));
  const note = 'compileFusedStep loads and stores p, g, v, m and b for every variant (36 B/element in float32), whatever the variant uses';
  const target: BenchTarget = {
    id,
    adapter,
    device: 'cpu',
    threads: 1,
    describe: `adapters/native compileFusedStep over ${dtype === 'float32' ? 'Float32Array' : 'Float64Array'} (one JS loop per step), FMA sites ${variant.fma.length === 0 ? 'none (unfused)' : `${variant.fma.join(', ')} (${dtype === 'float32' ? 'emulated fma32' : 'emulated fma64'})`}`,
    skipReason: (n) => memorySkip(n, dtype, 5),
    async run(n): Promise<SizeRun> {
      const a = tsArrays(n, ctx);
      const s = scalarsFor(a.g);
      const stats = await measureSync(() => fused(a.p, a.g, a.v, a.m, a.b, s), ctx.measure);
      const fmaNote = variant.fma.length > 0 ? `FMA sites ${variant.fma.join(', ')} run a software-emulated correctly rounded fma per element (the bit-exact path)` : 'no FMA sites (every multiply-add unfused, as the wasm-simd kernel)';
      return { stats, touched: variantTraffic(variant, dtype), kernel: variant.fma.length > 0 ? 'compileFusedStep+fma' : 'compileFusedStep', notes: [note, fmaNote] };
    },
    async runModel(layout: ModelLayout): Promise<ModelRun> {
      const a = tsArrays(layout.total, ctx);
      const s = scalarsFor(a.g);
      const views = layout.sizes.map((size, i) => {
        const o = layout.offsets[i]!;
        return [a.p.subarray(o, o + size), a.g.subarray(o, o + size), a.v.subarray(o, o + size), a.m.subarray(o, o + size), a.b.subarray(o, o + size)] as const;
      });
      const perTensor = await measureSync(() => {
        for (const [p, g, v, m, b] of views) fused(p, g, v, m, b, s);
      }, { ...ctx.measure, minSamples: Math.min(ctx.measure.minSamples ?? 10, 5) });
      const fusedStats = await measureSync(() => fused(a.p, a.g, a.v, a.m, a.b, s), { ...ctx.measure, minSamples: Math.min(ctx.measure.minSamples ?? 10, 5) });
      return { perTensor, fused: fusedStats };
    },
  };
  return { target };
}

// ---------------------------------------------------------------------------------------------
// WASM SIMD, one thread.

export async function createWasmTarget(ctx: BenchContext): Promise<TargetCreation> {
  const { dtype, variant } = ctx;
  if (!simdSupported()) return { unavailable: 'this WebAssembly engine has no SIMD' };
  let plan;
  try {
    plan = wasmStepPlan(dtype, variant);
  } catch (e) {
    return { unavailable: (e as Error).message };
  }
  const touched = variantTraffic(variant, dtype);
  const target: BenchTarget = {
    id: 'wasm-simd',
    adapter: 'wasm-simd',
    device: 'cpu',
    threads: 1,
    describe: `adapters/wasm AssemblyScript ${dtype === 'float32' ? 'f32x4' : 'f64x2'} step, arrays in linear memory, kernel ${plan.kernel}`,
    skipReason: (n) => (wasmBytesFor(n, dtype, 5) > PLAIN_MEMORY_LIMIT ? `${n} elements x 5 arrays exceed wasm32's 4 GiB memory` : memorySkip(n, dtype, 5)),
    async run(n): Promise<SizeRun> {
      const w = await wasmArrays(n, dtype, 'step');
      const step = wasmStepCaller(w.kernel, dtype, plan);
      const stats = await measureSync(() => step(w.offsets, 0, n), ctx.measure);
      return { stats, touched: { ...touched, bytesPerElement: plan.bytesPerElement }, kernel: plan.kernel };
    },
    async runModel(layout: ModelLayout): Promise<ModelRun> {
      const w = await wasmArrays(layout.total, dtype, 'step');
      const step = wasmStepCaller(w.kernel, dtype, plan);
      const e = elementBytes(dtype);
      const ptrs = layout.offsets.map((o) => w.offsets.map((base) => base + o * e));
      const sizes = layout.sizes;
      const opts = { ...ctx.measure, minSamples: Math.min(ctx.measure.minSamples ?? 10, 5) };
      const perTensor = await measureSync(() => {
        for (let i = 0; i < sizes.length; i++) step(ptrs[i]!, 0, sizes[i]!);
      }, opts);
      const fused = await measureSync(() => step(w.offsets, 0, layout.total), opts);
      return { perTensor, fused };
    },
  };
  return { target };
}

// ---------------------------------------------------------------------------------------------
// WASM SIMD over worker threads.

export async function createWasmThreadedTarget(ctx: BenchContext, threads = Math.max(2, os.availableParallelism?.() ?? os.cpus().length)): Promise<TargetCreation> {
  const { dtype, variant } = ctx;
  if (!simdSupported()) return { unavailable: 'this WebAssembly engine has no SIMD' };
  if (!threadsSupported()) return { unavailable: 'this WebAssembly engine has no threads (shared memory)' };
  const touched = variantTraffic(variant, dtype);
  const target: BenchTarget = {
    id: 'wasm-simd-mt',
    adapter: 'wasm-simd',
    device: 'cpu',
    threads,
    describe: `the wasm-simd kernel split over ${threads} worker threads on one shared memory (shared build), Atomics barrier per pass`,
    skipReason: (n) => (wasmBytesFor(n, dtype, 5) > SHARED_MEMORY_LIMIT ? `${n} elements x 5 arrays exceed the shared build's ${SHARED_MEMORY_LIMIT / 2 ** 30} GiB maximum memory` : memorySkip(n, dtype, 5)),
    async run(n): Promise<SizeRun> {
      const { pool, plan } = await wasmStepPool(threads, n, dtype, variant);
      try {
        const stats = await measureSelfTimed((batch) => pool.run(batch), { ...ctx.measure, sampleMs: Math.max(ctx.measure.sampleMs ?? 1, 1) });
        return { stats, touched: { ...touched, bytesPerElement: plan.bytesPerElement }, kernel: plan.kernel, notes: [`${threads} threads; a sample includes the barrier release and the wait for the last worker`] };
      } finally {
        await pool.close();
      }
    },
  };
  return { target };
}
