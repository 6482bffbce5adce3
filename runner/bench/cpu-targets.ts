// CPU bench targets: the TypeScript fused loop (adapters/native: compileFusedStep over big typed
// arrays), stepping in place with no copies and no Promise per step. (The WASM SIMD kernels are
// timed through the wasm-simd adapter's bench capability: adapter-target.ts.)

import os from 'node:os';
import { compileFusedStep, type Vector } from '../../adapters/native/kernel-codegen.js';
import { arithmeticFor, type Dtype } from '../../reference/arithmetic.js';
import { stepScalars } from '../../reference/step.js';
import { measureSync } from './measure.js';
import { elementBytes, variantTraffic } from './traffic.js';
import type { BenchContext, BenchTarget, ModelLayout, ModelRun, SizeRun, TargetCreation } from './types.js';

/** Deterministic uniform values in [-1, 1) (an LCG: the benchmark needs data, not randomness). */
export function fillUniform(a: Vector, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s / 2 ** 32) * 2 - 1;
  }
}

export function memorySkip(n: number, dtype: Dtype, arrays: number): string | null {
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
