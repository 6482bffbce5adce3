// Integration point with the WASM SIMD kernels (adapters/wasm/**, owned by the wasm-simd adapter):
// everything the benchmark needs from them goes through this file. Arrays live in WASM linear
// memory; the step and the triad are called in place (no copies). The threaded variants run the
// shared-memory build in a pool of workers that stay alive across samples and are released by an
// Atomics barrier, so a sample is barrier to barrier, with no worker start-up or postMessage in it.

import { Worker } from 'node:worker_threads';
import type { Dtype } from '../../reference/arithmetic.js';
import type { Variant } from '../../reference/variant.js';
import { SHARED_MAXIMUM_PAGES } from '../../adapters/wasm/compile.js';
import { stepArguments } from '../../adapters/wasm/flags.js';
import { benchStepPlan, KernelInstance, layoutArrays } from '../../adapters/wasm/kernels.js';
import { loadKernelModule } from '../../adapters/wasm/loader.js';
import { PAGE_BYTES, simdSupported, threadsSupported, WA } from '../../adapters/wasm/webassembly.js';

export { simdSupported, threadsSupported };

/** Bytes of a 32-bit linear memory (plain build: 65536 pages) and of the shared build's declared maximum. */
export const PLAIN_MEMORY_LIMIT = 65536 * PAGE_BYTES;
export const SHARED_MEMORY_LIMIT = SHARED_MAXIMUM_PAGES * PAGE_BYTES;

export type StepPlan = ReturnType<typeof benchStepPlan>;

/** The flag word, scalars, kernel name and touched bytes per element of the benchmark step. */
export function wasmStepPlan(dtype: Dtype, variant: Variant): StepPlan {
  return benchStepPlan(dtype, variant);
}

export function stepExportName(dtype: Dtype, plan: StepPlan): string {
  const suffix = dtype === 'float32' ? 'f32' : 'f64';
  return plan.kernel === 'general' ? `step_${suffix}` : `step_${suffix}_${plan.kernel}`;
}

type AnyFn = (...args: number[]) => void;

/** Arrays of n elements laid out in one instance's memory, filled like the wasm bench fills them. */
export interface WasmArrays {
  kernel: KernelInstance;
  offsets: number[];
  end: number;
}

/** Required bytes for `count` arrays of n elements. */
export function wasmBytesFor(n: number, dtype: Dtype, count: number): number {
  return layoutArrays(0, n, dtype, count).end + 1024 * 1024;
}

function fill(k: KernelInstance, dtype: Dtype, offsets: number[], lo: number, hi: number, what: 'step' | 'triad'): void {
  const x = k.exports;
  const fillFn = dtype === 'float32' ? x.fill_f32 : x.fill_f64;
  const size = dtype === 'float32' ? 4 : 8;
  if (what === 'step') {
    x.fill_random(offsets[0]!, lo, hi, size, 1);
    x.fill_random(offsets[1]!, lo, hi, size, 2);
    fillFn(offsets[2]!, lo, hi, 0.01);
    fillFn(offsets[3]!, lo, hi, 0);
    fillFn(offsets[4]!, lo, hi, 0);
  } else {
    fillFn(offsets[0]!, lo, hi, 0);
    fillFn(offsets[1]!, lo, hi, 1);
    fillFn(offsets[2]!, lo, hi, 0.5);
  }
}

/** A single-threaded instance with the step's five arrays (or the triad's three) of n elements. */
export async function wasmArrays(n: number, dtype: Dtype, what: 'step' | 'triad'): Promise<WasmArrays> {
  const kernel = await KernelInstance.create();
  const { offsets, end } = layoutArrays(kernel.heapBase, n, dtype, what === 'step' ? 5 : 3);
  if (end > PLAIN_MEMORY_LIMIT) throw new RangeError(`${n} elements need ${end} bytes of linear memory, over the 4 GiB of wasm32`);
  kernel.ensure(end);
  fill(kernel, dtype, offsets, 0, n, what);
  return { kernel, offsets, end };
}

/** One step over elements [lo, hi) of arrays whose base pointers are ptrs (byte offsets). */
export function wasmStepCaller(k: KernelInstance, dtype: Dtype, plan: StepPlan): (ptrs: readonly number[], lo: number, hi: number) => void {
  const fn = k.exports[stepExportName(dtype, plan)] as AnyFn;
  const [lr, decay, w, eps, mu, wd, rescale, clip, norm, bc] = stepArguments(plan.scalars);
  const word = plan.word;
  return (ptrs, lo, hi) => fn(ptrs[0]!, ptrs[1]!, ptrs[2]!, ptrs[3]!, ptrs[4]!, lo, hi, word, lr, decay, w, eps, mu, wd, rescale, clip, norm, bc);
}

export function wasmTriadCaller(k: KernelInstance, dtype: Dtype, offsets: readonly number[], n: number): () => void {
  const fn = (dtype === 'float32' ? k.exports.triad_f32 : k.exports.triad_f64) as AnyFn;
  const [a, b, c] = offsets as [number, number, number];
  return () => fn(a, b, c, 0, n, 2);
}

// ---------------------------------------------------------------------------------------------
// Worker pool over one shared memory.

const GEN = 0;
const DONE = 1;
const BATCH = 2;
const CMD = 3;
const RUN = 0;
const STOP = 1;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, ctrl: ctrlBuffer, threads } = workerData;
const ctrl = new Int32Array(ctrlBuffer);
const started = WebAssembly.instantiate(module, { env: { memory, abort() { throw new Error('wasm abort'); } } });
parentPort.on('message', async (job) => {
  let x;
  try { x = (await started).exports; } catch (e) { parentPort.postMessage({ error: String(e) }); return; }
  if (job.init) {
    const size = job.dtype === 'float32' ? 4 : 8;
    const fill = x[job.dtype === 'float32' ? 'fill_f32' : 'fill_f64'];
    const o = job.offsets;
    if (job.init === 'step') {
      x.fill_random(o[0], job.lo, job.hi, size, 1); x.fill_random(o[1], job.lo, job.hi, size, 2);
      fill(o[2], job.lo, job.hi, 0.01); fill(o[3], job.lo, job.hi, 0); fill(o[4], job.lo, job.hi, 0);
    } else { fill(o[0], job.lo, job.hi, 0); fill(o[1], job.lo, job.hi, 1); fill(o[2], job.lo, job.hi, 0.5); }
  }
  const f = x[job.fn];
  if (typeof f !== 'function') { parentPort.postMessage({ error: 'no export ' + job.fn }); return; }
  const args = job.args;
  let gen = Atomics.load(ctrl, ${GEN});
  parentPort.postMessage({ ready: true });
  for (;;) {
    Atomics.wait(ctrl, ${GEN}, gen);
    gen = Atomics.load(ctrl, ${GEN});
    if (Atomics.load(ctrl, ${CMD}) === ${STOP}) break;
    const batch = Atomics.load(ctrl, ${BATCH});
    for (let i = 0; i < batch; i++) f.apply(null, args);
    if (Atomics.add(ctrl, ${DONE}, 1) + 1 === threads) Atomics.notify(ctrl, ${DONE});
  }
  parentPort.postMessage({ idle: true });
});
`;

export interface PoolJob {
  /** Export to call. */
  fn: string;
  /** Its arguments for the slice [lo, hi). */
  args: (lo: number, hi: number) => number[];
  /** Fill the slice first (each worker fills its own slice: first touch). */
  init?: { what: 'step' | 'triad'; dtype: Dtype; offsets: number[] };
}

/** `threads` workers, each owning a contiguous slice of [0, n) (slices aligned to 16 elements). */
export class WasmPool {
  private readonly ctrl: Int32Array;
  private running = false;

  private constructor(
    readonly threads: number,
    readonly n: number,
    readonly heapBase: number,
    private readonly workers: Worker[],
    ctrl: SharedArrayBuffer,
  ) {
    this.ctrl = new Int32Array(ctrl);
  }

  static async create(threads: number, n: number, dtype: Dtype, count: number): Promise<{ pool: WasmPool; offsets: number[] }> {
    const { module } = await loadKernelModule('shared');
    const memory = new WA.Memory({ initial: 1, maximum: SHARED_MAXIMUM_PAGES, shared: true });
    const main = await KernelInstance.createShared(memory, module);
    const { offsets, end } = layoutArrays(main.heapBase, n, dtype, count);
    if (end > SHARED_MEMORY_LIMIT) throw new RangeError(`${n} elements x ${count} arrays need ${end} bytes, over the shared build's ${SHARED_MEMORY_LIMIT}-byte maximum`);
    main.ensure(end);
    const ctrl = new SharedArrayBuffer(16);
    const workers = Array.from({ length: threads }, () => new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrl, threads } }));
    return { pool: new WasmPool(threads, n, main.heapBase, workers, ctrl), offsets };
  }

  private slice(i: number): [number, number] {
    const chunk = Math.ceil(this.n / this.threads / 16) * 16;
    const lo = Math.min(this.n, i * chunk);
    return [lo, Math.min(this.n, lo + chunk)];
  }

  /** Sends a job to every worker and waits until all wait at the barrier. */
  async configure(job: PoolJob): Promise<void> {
    await this.park();
    Atomics.store(this.ctrl, CMD, RUN);
    await Promise.all(
      this.workers.map(
        (w, i) =>
          new Promise<void>((resolve, reject) => {
            const [lo, hi] = this.slice(i);
            const onMessage = (m: { ready?: boolean; error?: string }) => {
              w.off('error', reject);
              if (m.error) reject(new Error(m.error));
              else resolve();
            };
            w.once('message', onMessage);
            w.once('error', reject);
            w.postMessage({ fn: job.fn, args: job.args(lo, hi), lo, hi, ...(job.init ? { init: job.init.what, dtype: job.init.dtype, offsets: job.init.offsets } : {}) });
          }),
      ),
    );
    this.running = true;
  }

  /** Runs `batch` passes on every worker; milliseconds from release to the last worker's arrival. Blocks the calling thread. */
  run(batch: number): number {
    if (!this.running) throw new Error('WasmPool: configure() first');
    Atomics.store(this.ctrl, DONE, 0);
    Atomics.store(this.ctrl, BATCH, batch);
    const t0 = performance.now();
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    let d: number;
    while ((d = Atomics.load(this.ctrl, DONE)) < this.threads) Atomics.wait(this.ctrl, DONE, d, 60_000);
    return performance.now() - t0;
  }

  /** Takes the workers out of their barrier loop (back to their message loop). */
  private async park(): Promise<void> {
    if (!this.running) return;
    const idle = this.workers.map((w) => new Promise<void>((resolve) => w.once('message', () => resolve())));
    Atomics.store(this.ctrl, CMD, STOP);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    await Promise.all(idle);
    this.running = false;
  }

  async close(): Promise<void> {
    await this.park();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A pool whose job is the fused step over n elements (each worker steps its slice). */
export async function wasmStepPool(threads: number, n: number, dtype: Dtype, variant: Variant): Promise<{ pool: WasmPool; plan: StepPlan }> {
  const plan = wasmStepPlan(dtype, variant);
  const { pool, offsets } = await WasmPool.create(threads, n, dtype, 5);
  const scalars = stepArguments(plan.scalars);
  try {
    await pool.configure({ fn: stepExportName(dtype, plan), args: (lo, hi) => [...offsets, lo, hi, plan.word, ...scalars], init: { what: 'step', dtype, offsets } });
  } catch (e) {
    await pool.close();
    throw e;
  }
  return { pool, plan };
}

/** A pool whose job is the triad a = b + 2c over n elements. */
export async function wasmTriadPool(threads: number, n: number, dtype: Dtype): Promise<WasmPool> {
  const { pool, offsets } = await WasmPool.create(threads, n, dtype, 3);
  try {
    await pool.configure({ fn: dtype === 'float32' ? 'triad_f32' : 'triad_f64', args: (lo, hi) => [...offsets, lo, hi, 2], init: { what: 'triad', dtype, offsets } });
  } catch (e) {
    await pool.close();
    throw e;
  }
  return pool;
}
