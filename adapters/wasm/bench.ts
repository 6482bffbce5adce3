// The wasm-simd adapter's bench capability and the memory-bandwidth probes: everything the benchmark
// runs in WebAssembly, behind two entry points (wasmStepBench, openBandwidthProbe), so that the
// runner needs none of the kernels' internals (memory layout, exports, flag words, workers).
//
//   one thread:  the plain build, one call per tensor per step, arrays in its linear memory, exactly
//                as the adapter steps a case (minus the gradient copy the adapter does per step).
//   T threads:   the threads build over one shared memory, run by a WasmPool (pool.ts): the caller
//                plus T-1 warm workers, cache-line-aligned ranges, chunks claimed from per-range
//                counters so a descheduled thread's work is taken over.

import os from 'node:os';
import type { AdapterBenchRequest, AdapterBenchResult } from '../adapter.js';
import type { Dtype } from '../../reference/arithmetic.js';
import type { Variant } from '../../reference/variant.js';
import { SHARED_MAXIMUM_PAGES } from './compile.js';
import { stepArguments } from './flags.js';
import { benchStepPlan, bytesOf, KernelInstance, layoutArrays } from './kernels.js';
import { loadBandwidthModule, loadKernelModule } from './loader.js';
import { WasmPool, type PoolCall } from './pool.js';
import { PAGE_BYTES, simdSupported, threadsSupported, WA, type WasmMemory, type WasmModule } from './webassembly.js';
import { collectSamples, pathSampling, type Sampler } from '../bench-sampling.js';

export { collectSamples, type Sampler };

/** Bytes of a 32-bit linear memory (plain build) and of the shared build's declared maximum. */
export const PLAIN_MEMORY_LIMIT = 65536 * PAGE_BYTES;
export const SHARED_MEMORY_LIMIT = SHARED_MAXIMUM_PAGES * PAGE_BYTES;

/** Threads of the multi-threaded path: every core this process may use (at least 2). */
export function defaultThreads(): number {
  return Math.max(2, os.availableParallelism?.() ?? os.cpus().length);
}

// ---------------------------------------------------------------------------------------------
// Shared memories.

async function sharedMemory(
  module: WasmModule,
  heapBaseExport: string,
  bytes: (base: number) => number,
): Promise<{ memory: WasmMemory; base: number }> {
  const memory = new WA.Memory({ initial: 1, maximum: SHARED_MAXIMUM_PAGES, shared: true });
  const probe = await WA.instantiate(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('wasm abort');
      },
    },
  });
  const base = (probe.exports[heapBaseExport] as () => number)();
  const end = bytes(base);
  if (end > SHARED_MEMORY_LIMIT)
    throw new RangeError(
      `needs ${end} bytes of shared linear memory, over the threads build's ${SHARED_MEMORY_LIMIT}-byte maximum`,
    );
  const have = memory.buffer.byteLength;
  if (end > have) memory.grow(Math.ceil((end - have) / PAGE_BYTES));
  return { memory, base };
}

// ---------------------------------------------------------------------------------------------
// Bandwidth probes.

export type BandwidthKernel = 'triad' | 'copy' | 'sum';

/** Arrays each probe reads and writes, in elements moved per element (write-allocate: a store first reads its line). */
export const BANDWIDTH_KERNELS: Readonly<Record<BandwidthKernel, { reads: number; writes: number; describe: string }>> = {
  triad: { reads: 2, writes: 1, describe: 'a = b + s*c' },
  copy: { reads: 1, writes: 1, describe: 'a = b' },
  sum: { reads: 1, writes: 0, describe: 's += b (read only)' },
};

function bandwidthCalls(kernel: BandwidthKernel, dtype: Dtype, offsets: number[]): { init: PoolCall[]; call: PoolCall } {
  const sfx = dtype === 'float32' ? 'f32' : 'f64';
  const [a, b, c] = offsets as [number, number, number];
  return {
    init: [
      { fn: `bw_fill_${sfx}`, args: [a, 0, 0, 0], loArg: 1 },
      { fn: `bw_fill_${sfx}`, args: [b, 0, 0, 1], loArg: 1 },
      { fn: `bw_fill_${sfx}`, args: [c, 0, 0, 0.5], loArg: 1 },
    ],
    call: { fn: `bw_${kernel}_${sfx}`, args: [a, b, c, 0, 0, 2], loArg: 3 },
  };
}

/**
 * How long a pool's idle workers spin before they sleep. Back to back samples of one kernel keep them
 * warm (the pool's default); samples interleaved with other kernels (a limit measured beside each
 * sample) must not, or one pool's spinning worker takes a core from the next kernel's threads.
 */
export const spinFor = (interleaved: boolean): number | undefined => (interleaved ? 0 : undefined);

/** A bandwidth probe over n elements on `threads` threads (1: the plain build, one call per pass); `interleaved`: its samples alternate with other kernels'. */
export async function openBandwidthProbe(
  kernel: BandwidthKernel,
  dtype: Dtype,
  n: number,
  threads: number,
  interleaved = false,
): Promise<Sampler> {
  if (!simdSupported()) throw new Error('this WebAssembly engine has no SIMD');
  if (threads > 1 && !threadsSupported()) throw new Error('this WebAssembly engine has no threads (shared memory)');
  if (threads <= 1) {
    const { module } = await loadBandwidthModule('plain');
    const instance = await WA.instantiate(module, {
      env: {
        abort: () => {
          throw new Error('wasm abort');
        },
      },
    });
    const x = instance.exports as Record<string, (...a: number[]) => number>;
    const memory = instance.exports.memory as WasmMemory;
    const { offsets, end } = layoutArrays(x.bw_heap_base(), n, dtype, 3);
    if (end > PLAIN_MEMORY_LIMIT) throw new RangeError(`${n} elements x 3 arrays exceed wasm32's 4 GiB memory`);
    const have = memory.buffer.byteLength;
    if (end > have) memory.grow(Math.ceil((end - have) / PAGE_BYTES));
    const { init, call } = bandwidthCalls(kernel, dtype, offsets);
    for (const c of init) x[c.fn](c.args[0], 0, n, c.args[3]);
    const f = x[call.fn];
    const [a, b, c] = offsets as [number, number, number];
    return {
      sample(batch) {
        const t0 = performance.now();
        for (let i = 0; i < batch; i++) f(a, b, c, 0, n, 2);
        return performance.now() - t0;
      },
      close: async () => {},
    };
  }
  const { module } = await loadBandwidthModule('shared');
  const { memory, base } = await sharedMemory(module, 'bw_heap_base', (b) => layoutArrays(b, n, dtype, 3).end);
  const { offsets } = layoutArrays(base, n, dtype, 3);
  const pool = await WasmPool.create({
    module,
    memory,
    threads,
    n,
    elementBytes: bytesOf(dtype),
    ...bandwidthCalls(kernel, dtype, offsets),
    spinMs: spinFor(interleaved),
  });
  return { sample: (batch) => pool.sample(batch), close: () => pool.close() };
}

// ---------------------------------------------------------------------------------------------
// The RMSprop step.

export type WasmBenchPath = 'simd' | 'simd-mt';

function stepExportName(dtype: Dtype, kernel: string): string {
  const sfx = dtype === 'float32' ? 'f32' : 'f64';
  return kernel === 'general' ? `step_${sfx}` : `step_${sfx}_${kernel}`;
}

/** Arguments of a step call over [lo, hi) (lo, hi at index 5, 6). */
function stepCall(
  dtype: Dtype,
  variant: Variant,
  ptrs: readonly number[],
): { call: PoolCall; kernel: string; bytesPerElement: number } {
  const plan = benchStepPlan(dtype, variant);
  return {
    call: {
      fn: stepExportName(dtype, plan.kernel),
      args: [...ptrs.slice(0, 5), 0, 0, plan.word, ...stepArguments(plan.scalars)],
      loArg: 5,
    },
    kernel: plan.kernel,
    bytesPerElement: plan.bytesPerElement,
  };
}

function stepInit(dtype: Dtype, o: readonly number[]): PoolCall[] {
  const sfx = dtype === 'float32' ? 'f32' : 'f64';
  const size = bytesOf(dtype);
  return [
    { fn: 'fill_random', args: [o[0], 0, 0, size, 1], loArg: 1 },
    { fn: 'fill_random', args: [o[1], 0, 0, size, 2], loArg: 1 },
    { fn: `fill_${sfx}`, args: [o[2], 0, 0, 0.01], loArg: 1 },
    { fn: `fill_${sfx}`, args: [o[3], 0, 0, 0], loArg: 1 },
    { fn: `fill_${sfx}`, args: [o[4], 0, 0, 0], loArg: 1 },
  ];
}

/** Tensor offsets (elements) in the flat arrays, each start on a 64-byte line. */
function tensorOffsets(tensors: readonly number[], dtype: Dtype): { offsets: number[]; total: number } {
  const perLine = 64 / bytesOf(dtype);
  const offsets: number[] = [];
  let at = 0;
  for (const s of tensors) {
    offsets.push(at);
    at += Math.ceil(s / perLine) * perLine;
  }
  return { offsets, total: at };
}

async function stepSampler(
  request: AdapterBenchRequest,
  threads: number,
  spinMs = spinFor(request.beside !== undefined),
): Promise<{ sampler: Sampler; kernel: string; bytesPerElement: number; note: string }> {
  const { dtype, variant } = request;
  const { offsets: tOff, total } = tensorOffsets(request.tensors, dtype);
  const flat = request.layout === 'flat' || request.tensors.length === 1;
  if (threads <= 1) {
    const k = await KernelInstance.create();
    const { offsets, end } = layoutArrays(k.heapBase, total, dtype, 5);
    if (end > PLAIN_MEMORY_LIMIT) throw new RangeError(`${total} elements x 5 arrays exceed wasm32's 4 GiB memory`);
    k.ensure(end);
    for (const c of stepInit(dtype, offsets))
      (k.exports[c.fn] as (...a: number[]) => void)(...c.args.map((a, i) => (i === c.loArg + 1 ? total : a)));
    const { call, kernel, bytesPerElement } = stepCall(dtype, variant, offsets);
    const f = k.exports[call.fn] as (...a: number[]) => void;
    const a = call.args.slice();
    const e = bytesOf(dtype);
    const calls = flat
      ? [[offsets, total] as const]
      : request.tensors.map((s, i) => [offsets.map((o) => o + tOff[i] * e), s] as const);
    return {
      sampler: {
        sample(batch) {
          const t0 = performance.now();
          for (let r = 0; r < batch; r++) {
            for (const [ptrs, size] of calls) {
              a[0] = ptrs[0]!;
              a[1] = ptrs[1]!;
              a[2] = ptrs[2]!;
              a[3] = ptrs[3]!;
              a[4] = ptrs[4]!;
              a[6] = size;
              f(...a);
            }
          }
          return performance.now() - t0;
        },
        close: async () => {},
      },
      kernel,
      bytesPerElement,
      note: flat ? 'one call over the flat arrays per step' : `one call per tensor (${request.tensors.length} calls per step)`,
    };
  }
  if (!flat)
    throw new Error(
      'the pool splits one flat range over its threads; per-tensor steps on threads would need a join per tensor (use layout flat)',
    );
  const { module } = await loadKernelModule('shared');
  const { memory, base } = await sharedMemory(module, 'heap_base', (b) => layoutArrays(b, total, dtype, 5).end);
  const { offsets } = layoutArrays(base, total, dtype, 5);
  const { call, kernel, bytesPerElement } = stepCall(dtype, variant, offsets);
  const pool = await WasmPool.create({
    module,
    memory,
    threads,
    n: total,
    elementBytes: bytesOf(dtype),
    init: stepInit(dtype, offsets),
    call,
    spinMs,
  });
  return {
    sampler: { sample: (batch) => pool.sample(batch), close: () => pool.close() },
    kernel,
    bytesPerElement,
    note: `${threads} threads (the caller and ${threads - 1} warm worker${threads > 2 ? 's' : ''}), ${pool.layout.chunks.reduce((x, y) => x + y, 0)} chunks of ${pool.layout.chunk} elements per step, claimed from per-thread ranges (idle threads take over the rest)`,
  };
}

/** The wasm-simd bench capability: paths 'simd' (one thread) and 'simd-mt' (every core). */
export async function wasmStepBench(request: AdapterBenchRequest, threads = defaultThreads()): Promise<AdapterBenchResult[]> {
  const wanted: WasmBenchPath[] = (request.paths ?? ['simd', 'simd-mt']).filter(
    (p): p is WasmBenchPath => p === 'simd' || p === 'simd-mt',
  );
  const out: AdapterBenchResult[] = [];
  for (const path of wanted) {
    const t = path === 'simd' ? 1 : threads;
    const base = { path, threads: t, device: 'cpu' as const, samplesMs: [], stepsPerSample: 0 };
    const describe =
      path === 'simd'
        ? `AssemblyScript ${request.dtype === 'float32' ? 'f32x4' : 'f64x2'} step, one thread, arrays in linear memory`
        : `the same kernel on ${t} threads over one shared memory`;
    if (!simdSupported()) {
      out.push({ ...base, describe, unavailable: 'this WebAssembly engine has no SIMD' });
      continue;
    }
    if (t > 1 && !threadsSupported()) {
      out.push({ ...base, describe, unavailable: 'this WebAssembly engine has no threads (shared memory)' });
      continue;
    }
    let s: Awaited<ReturnType<typeof stepSampler>>;
    try {
      s = await stepSampler(request, t);
    } catch (e) {
      out.push({ ...base, describe, unavailable: (e as Error).message });
      continue;
    }
    try {
      const { samplesMs, stepsPerSample } = collectSamples(s.sampler, pathSampling(request, path, t));
      out.push({
        ...base,
        describe,
        samplesMs,
        stepsPerSample,
        kernel: s.kernel,
        touchedBytesPerElement: s.bytesPerElement,
        notes: [s.note],
      });
    } finally {
      await s.sampler.close();
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The step's compute ceiling.

/** Elements per thread of the compute probe: 5 float32 arrays of 8192 elements are 160 KiB, inside a 512 KiB L2 (long enough calls that the call itself costs little). */
export const COMPUTE_PROBE_ELEMENTS = 8192;

/**
 * The step with its arrays in cache (L2), repeated: the rate at which this core's 128-bit SIMD can do the
 * step's arithmetic (sqrt, divide, multiply-adds) when memory costs nothing. On `threads` threads,
 * each thread steps its own cache-sized arrays. A sample's pass is every thread's arrays once, so
 * elements per pass = COMPUTE_PROBE_ELEMENTS x threads.
 */
export async function openStepComputeProbe(
  dtype: Dtype,
  variant: Variant,
  threads: number,
): Promise<Sampler & { elementsPerPass: number }> {
  const n = COMPUTE_PROBE_ELEMENTS * Math.max(1, threads);
  const tensors = [n];
  const s = await stepSampler(
    { dtype, variant, profile: undefined as never, native: {}, tensors, layout: 'flat', timeMs: 0, minSamples: 1, sampleMs: 1 },
    threads,
  );
  return { ...s.sampler, elementsPerPass: n };
}
