// Running the WASM kernels: an instance with its memory laid out as flat arrays, the fused step,
// and quick bandwidth checks (fused step vs STREAM triad, one thread or several threads over one
// shared memory, scripts/wasm-speed-check.ts); the benchmark's probes and samplers are in bench.ts.
// Nothing here copies between JS and WASM per step except what a caller writes itself (the adapter
// writes the incoming gradient).

import type { Dtype } from '../../reference/arithmetic.js';
import { resolveVariant } from '../../reference/resolve.js';
import { prepareScalars, stepProgram, type StepScalars } from '../../reference/program/index.js';
import type { Variant } from '../../reference/variant.js';
import { SHARED_MAXIMUM_PAGES } from './compile.js';
import { F_CENTERED, F_MOMENTUM, FAST_KERNELS, fastKernelFor, stepArguments, stepFlags, type FastKernel } from './flags.js';
import { loadKernelModule } from './loader.js';
import { WasmPool, type PoolCall } from './pool.js';
import { PAGE_BYTES, WA, type WasmInstance, type WasmMemory, type WasmModule } from './webassembly.js';

type StepFn = (
  pP: number,
  pG: number,
  pV: number,
  pM: number,
  pB: number,
  lo: number,
  hi: number,
  flags: number,
  ...scalars: number[]
) => void;
type RangeFn = (pA: number, pB: number, pC: number, lo: number, hi: number, s: number) => void;
type FillFn = (ptr: number, lo: number, hi: number, x: number) => void;

export interface KernelExports {
  step_f32: StepFn;
  step_f64: StepFn;
  triad_f32: RangeFn;
  triad_f64: RangeFn;
  fill_f32: FillFn;
  fill_f64: FillFn;
  fill_random: (ptr: number, lo: number, hi: number, size: number, seed: number) => void;
  heap_base: () => number;
  [name: string]: unknown;
}

export const bytesOf = (dtype: Dtype): number => (dtype === 'float32' ? 4 : 8);
const align = (x: number, to: number) => Math.ceil(x / to) * to;

/** Byte offsets of `count` arrays of n elements from base, each 64-byte aligned (a cache line). */
export function layoutArrays(base: number, n: number, dtype: Dtype, count: number): { offsets: number[]; end: number } {
  const stride = align(n * bytesOf(dtype), 64);
  let at = align(base, 64);
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    offsets.push(at);
    at += stride;
  }
  return { offsets, end: at };
}

/** Checks the module's specialised words against flags.ts (they are two copies of one table). */
function checkFastWords(exports: KernelExports): void {
  for (const [name, word] of Object.entries(FAST_KERNELS)) {
    const fn = exports[`fast_${name}`] as (() => number) | undefined;
    if (typeof fn !== 'function' || fn() !== word)
      throw new Error(`wasm-simd: kernel word '${name}' differs between rmsprop.as and flags.ts`);
  }
}

/** One instance of the kernels with its own memory (the plain build), or over a shared memory (the threads build). */
export class KernelInstance {
  private constructor(
    readonly exports: KernelExports,
    readonly memory: WasmMemory,
    readonly shared: boolean,
  ) {
    checkFastWords(exports);
  }

  static async create(): Promise<KernelInstance> {
    const { module } = await loadKernelModule('plain');
    const instance = await WA.instantiate(module, { env: { abort: abortImport } });
    const exports = instance.exports as KernelExports;
    return new KernelInstance(exports, exports.memory as WasmMemory, false);
  }

  static async createShared(memory: WasmMemory, module?: WasmModule): Promise<KernelInstance> {
    const m = module ?? (await loadKernelModule('shared')).module;
    const instance: WasmInstance = await WA.instantiate(m, { env: { memory, abort: abortImport } });
    return new KernelInstance(instance.exports as KernelExports, memory, true);
  }

  get heapBase(): number {
    return this.exports.heap_base();
  }

  get pages(): number {
    return this.memory.buffer.byteLength / PAGE_BYTES;
  }

  /** Grows the memory so that bytes [0, end) exist. */
  ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
  }

  /** A view of n elements at a byte offset (recreate after ensure(): growing detaches old views). */
  view(dtype: Dtype, offset: number, n: number): Float32Array | Float64Array {
    return dtype === 'float32'
      ? new Float32Array(this.memory.buffer, offset, n)
      : new Float64Array(this.memory.buffer, offset, n);
  }

  /** The step function for a flag word: the branch-free export when there is one. */
  stepFunction(dtype: Dtype, word: number): StepFn {
    const fast = fastKernelFor(word);
    const suffix = dtype === 'float32' ? 'f32' : 'f64';
    return (fast ? this.exports[`step_${suffix}_${fast}`] : this.exports[`step_${suffix}`]) as StepFn;
  }

  /** One fused step over elements [lo, hi) of arrays at p, g, v, m, b. */
  step(dtype: Dtype, ptrs: readonly number[], lo: number, hi: number, word: number, S: StepScalars): void {
    this.stepFunction(dtype, word)(ptrs[0], ptrs[1], ptrs[2], ptrs[3], ptrs[4], lo, hi, word, ...stepArguments(S));
  }
}

function abortImport(): never {
  throw new Error('wasm-simd: abort called in the kernel');
}

// ---------------------------------------------------------------------------------------------
// Bandwidth probes.

export interface BenchOptions {
  /** Elements per array. */
  n: number;
  dtype?: Dtype;
  /** Timed repetitions (each one full pass); default 10. */
  reps?: number;
  /** Untimed repetitions first; default 2. */
  warmup?: number;
  /** Variant of the step (default: torch profile, plain). */
  variant?: Variant;
}

export interface BenchResult {
  what: 'step' | 'triad';
  dtype: Dtype;
  n: number;
  threads: number;
  /** Which export ran (step: fast kernel name or 'general'). */
  kernel: string;
  /** Bytes moved per element per pass (reads + writes of the arrays the pass touches). */
  bytesPerElement: number;
  /** Median and best seconds per pass. */
  medianSeconds: number;
  bestSeconds: number;
  /** From the median pass. */
  elementsPerSecond: number;
  gbPerSecond: number;
  bestGbPerSecond: number;
}

function summarize(
  what: 'step' | 'triad',
  dtype: Dtype,
  n: number,
  threads: number,
  kernel: string,
  bytesPerElement: number,
  times: number[],
): BenchResult {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const best = sorted[0];
  return {
    what,
    dtype,
    n,
    threads,
    kernel,
    bytesPerElement,
    medianSeconds: median,
    bestSeconds: best,
    elementsPerSecond: n / median,
    gbPerSecond: (n * bytesPerElement) / median / 1e9,
    bestGbPerSecond: (n * bytesPerElement) / best / 1e9,
  };
}

/** The word, scalars and traffic of a benchmark step. */
export function benchStepPlan(
  dtype: Dtype,
  variant?: Variant,
): { word: number; scalars: StepScalars; kernel: FastKernel | 'general'; bytesPerElement: number } {
  const v = variant ?? resolveVariant('torch', dtype).variant;
  if (v.clipNorm !== null)
    throw new Error('wasm-simd bench: clipNorm needs the gradient on the host; not part of the in-memory bench');
  const scalars = prepareScalars(stepProgram(v, dtype), 0, new Float64Array(0));
  const word = stepFlags(v, scalars);
  // read p, g, v; write p, v; plus read+write of m (centered) and b (momentum)
  const accesses = 5 + ((word & F_CENTERED) !== 0 ? 2 : 0) + ((word & F_MOMENTUM) !== 0 ? 2 : 0);
  return { word, scalars, kernel: fastKernelFor(word) ?? 'general', bytesPerElement: bytesOf(dtype) * accesses };
}

function timeReps(reps: number, warmup: number, pass: () => void): number[] {
  for (let i = 0; i < warmup; i++) pass();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    pass();
    times.push((performance.now() - t0) / 1000);
  }
  return times;
}

/** Prepares p, g, v, m, b of n elements in WASM memory and times the fused step (single thread, no copies). */
export async function benchFusedStep(options: BenchOptions): Promise<BenchResult> {
  const { n, dtype = 'float32', reps = 10, warmup = 2 } = options;
  const plan = benchStepPlan(dtype, options.variant);
  const k = await KernelInstance.create();
  const { offsets, end } = layoutArrays(k.heapBase, n, dtype, 5);
  k.ensure(end);
  initStepArrays(k, dtype, offsets, n);
  const fn = k.stepFunction(dtype, plan.word);
  const args = stepArguments(plan.scalars);
  const [pP, pG, pV, pM, pB] = offsets as [number, number, number, number, number];
  const times = timeReps(reps, warmup, () => fn(pP, pG, pV, pM, pB, 0, n, plan.word, ...args));
  return summarize('step', dtype, n, 1, plan.kernel, plan.bytesPerElement, times);
}

/** Times the STREAM triad a = b + s*c over n elements in WASM memory (single thread). */
export async function benchTriad(options: Omit<BenchOptions, 'variant'>): Promise<BenchResult> {
  const { n, dtype = 'float32', reps = 10, warmup = 2 } = options;
  const k = await KernelInstance.create();
  const { offsets, end } = layoutArrays(k.heapBase, n, dtype, 3);
  k.ensure(end);
  initTriadArrays(k, dtype, offsets, n);
  const fn = dtype === 'float32' ? k.exports.triad_f32 : k.exports.triad_f64;
  const [pA, pB, pC] = offsets as [number, number, number];
  const times = timeReps(reps, warmup, () => fn(pA, pB, pC, 0, n, 2));
  return summarize('triad', dtype, n, 1, 'triad', 3 * bytesOf(dtype), times);
}

function initStepArrays(k: KernelInstance, dtype: Dtype, offsets: number[], n: number, lo = 0, hi = n): void {
  const fill = dtype === 'float32' ? k.exports.fill_f32 : k.exports.fill_f64;
  k.exports.fill_random(offsets[0], lo, hi, bytesOf(dtype), 1);
  k.exports.fill_random(offsets[1], lo, hi, bytesOf(dtype), 2);
  fill(offsets[2], lo, hi, 0.01);
  fill(offsets[3], lo, hi, 0);
  fill(offsets[4], lo, hi, 0);
}

function initTriadArrays(k: KernelInstance, dtype: Dtype, offsets: number[], n: number, lo = 0, hi = n): void {
  const fill = dtype === 'float32' ? k.exports.fill_f32 : k.exports.fill_f64;
  fill(offsets[0], lo, hi, 0);
  fill(offsets[1], lo, hi, 1);
  fill(offsets[2], lo, hi, 0.5);
}

// ---------------------------------------------------------------------------------------------
// Threads: the persistent pool (pool.ts) over one shared memory.

export interface ThreadedBenchOptions extends BenchOptions {
  what: 'step' | 'triad';
  threads: number;
}

/**
 * The step or the triad split over `threads` threads (the caller and threads-1 warm workers, see
 * pool.ts) on one shared WebAssembly.Memory (threads build of the kernels). A pass is timed from the
 * release of the threads to the completion of its last chunk.
 */
export async function benchThreaded(options: ThreadedBenchOptions): Promise<BenchResult> {
  const { n, dtype = 'float32', reps = 10, warmup = 2, threads, what } = options;
  const { module } = await loadKernelModule('shared');
  const count = what === 'step' ? 5 : 3;
  const probe = await KernelInstance.createShared(
    new WA.Memory({ initial: 1, maximum: SHARED_MAXIMUM_PAGES, shared: true }),
    module,
  );
  const { offsets, end } = layoutArrays(probe.heapBase, n, dtype, count);
  const pages = Math.ceil(end / PAGE_BYTES);
  if (pages > SHARED_MAXIMUM_PAGES)
    throw new Error(`wasm-simd bench: ${n} elements need ${pages} pages, over the shared maximum ${SHARED_MAXIMUM_PAGES}`);
  const memory = new WA.Memory({ initial: pages, maximum: SHARED_MAXIMUM_PAGES, shared: true });
  const plan = what === 'step' ? benchStepPlan(dtype, options.variant) : null;
  const suffix = dtype === 'float32' ? 'f32' : 'f64';
  const size = bytesOf(dtype);
  const o = offsets;
  const init: PoolCall[] =
    what === 'step'
      ? [
          { fn: 'fill_random', args: [o[0], 0, 0, size, 1], loArg: 1 },
          { fn: 'fill_random', args: [o[1], 0, 0, size, 2], loArg: 1 },
          { fn: `fill_${suffix}`, args: [o[2], 0, 0, 0.01], loArg: 1 },
          { fn: `fill_${suffix}`, args: [o[3], 0, 0, 0], loArg: 1 },
          { fn: `fill_${suffix}`, args: [o[4], 0, 0, 0], loArg: 1 },
        ]
      : [
          { fn: `fill_${suffix}`, args: [o[0], 0, 0, 0], loArg: 1 },
          { fn: `fill_${suffix}`, args: [o[1], 0, 0, 1], loArg: 1 },
          { fn: `fill_${suffix}`, args: [o[2], 0, 0, 0.5], loArg: 1 },
        ];
  const call: PoolCall = plan
    ? {
        fn: plan.kernel === 'general' ? `step_${suffix}` : `step_${suffix}_${plan.kernel}`,
        args: [...o.slice(0, 5), 0, 0, plan.word, ...stepArguments(plan.scalars)],
        loArg: 5,
      }
    : { fn: `triad_${suffix}`, args: [o[0], o[1], o[2], 0, 0, 2], loArg: 3 };
  const pool = await WasmPool.create({ module, memory, threads, n, elementBytes: size, init, call });
  try {
    const times: number[] = [];
    for (let r = 0; r < warmup + reps; r++) {
      const ms = pool.sample(1);
      if (r >= warmup) times.push(ms / 1000);
    }
    return summarize(
      what,
      dtype,
      n,
      threads,
      plan ? plan.kernel : 'triad',
      plan ? plan.bytesPerElement : 3 * bytesOf(dtype),
      times,
    );
  } finally {
    await pool.close();
  }
}

export { FAST_KERNELS, type FastKernel };
