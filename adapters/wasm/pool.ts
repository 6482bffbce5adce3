// A persistent pool of threads running one WASM export over slices of arrays in one shared memory:
// the multi-threaded benchmark of the RMSprop step and of the bandwidth probes.
//
// Why it looks like this (the first design, a fresh barrier release of N workers per sample with
// static halves, ran at anything between the two-thread limit and half of it):
//   - The calling thread is one of the threads: T threads are the caller plus T-1 workers, so a
//     sample wakes T-1 threads, not T, and no core idles while the caller sleeps in a barrier.
//   - Workers stay warm: after a sample they spin on the generation word for a while before
//     sleeping in Atomics.wait, so back-to-back samples do not pay a futex wake-up each.
//   - Each thread owns a contiguous range (aligned to 64-byte cache lines, so no line is written by
//     two threads), and walks it in chunks it claims from a per-range counter (each counter on its
//     own cache line). A thread that finishes its range claims the remaining chunks of the others:
//     on a shared machine, a thread that loses its core for a while no longer doubles the step
//     time, the others take over its chunks. When nobody is descheduled each thread touches only its
//     own range, so the in-cache sizes keep their data in the same core's cache.
//   - A sample is `batch` passes in one claim space (each range's counter starts at chunks x batch
//     and counts down): one release and one join per sample, however many passes it holds.
//   - Pages are first touched by the thread that owns them (the init job runs on the owner).
//   - A pool whose samples alternate with other kernels' (spinMs 0: spinning would take a core from
//     the next kernel) wakes its workers before it starts the clock, and waits briefly until they
//     are running: a sample then times the work on warm threads, as back-to-back samples do, not a
//     sleeping thread's wake-up (measured: with the wake-up inside, the two-thread in-cache step
//     ran at 34 instead of 43 GB/s, and its paired ratios spread from 0.63 to 2.1).

import { Worker } from 'node:worker_threads';
import { WA, type WasmMemory, type WasmModule } from './webassembly.js';

/** An export and its arguments; the element range goes in at args[loArg] (lo) and args[loArg + 1] (hi). */
export interface PoolCall {
  fn: string;
  args: readonly number[];
  loArg: number;
}

export interface PoolOptions {
  /** The threads build of a module (imports env.memory). */
  module: WasmModule;
  memory: WasmMemory;
  /** Threads in all, the caller included (>= 1). */
  threads: number;
  /** Elements per pass. */
  n: number;
  /** Bytes per element (range boundaries fall on 64-byte lines). */
  elementBytes: number;
  /** Run once over each thread's own range before timing (fills: first touch by the owner). */
  init: readonly PoolCall[];
  /** The timed call. */
  call: PoolCall;
  /** Elements per claimed chunk (default 32768: 128 KiB of a float32 array). */
  chunk?: number;
  /** How long an idle worker spins before it sleeps, ms (default 2; 0: sleep at once, and wake the workers before each sample). */
  spinMs?: number;
}

// Control words, each on its own 64-byte line (16 Int32s).
const LINE = 16;
const GEN = 0;
const DONE = 1 * LINE;
const AWAKE = 2 * LINE; // workers that answered the wake-up before a sample (pools that sleep between samples)
const CMD = 3 * LINE;
const TOTAL = 4 * LINE; // chunks to complete in this sample (all ranges, all passes)
const FAILED = 5 * LINE; // set by a worker whose call threw (the caller cannot receive messages while it waits)
const NEXT = 6 * LINE; // NEXT + t * LINE: chunks range t has left in this sample
/** A sample that has not finished after this long is a hang, not a measurement. */
const SAMPLE_DEADLINE_MS = 120_000;
const RUN = 0;
const STOP = 1;
const WAKE = 2;
/** After a wake-up a worker spins this long for the sample that follows it. */
const ARMED_SPIN_MS = 20;
/** The caller waits at most this long for woken workers (one not scheduled by then is not waited for: its chunks are taken over). */
const WAKE_WAIT_MS = 5;

export interface PoolLayout {
  /** [lo, hi) of each thread's range. */
  ranges: [number, number][];
  chunk: number;
  /** Chunks per range per pass. */
  chunks: number[];
}

/** Ranges of n elements over `threads` threads, each boundary on a 64-byte line; chunks within them. */
export function poolLayout(n: number, threads: number, elementBytes: number, chunk = 32768): PoolLayout {
  const perLine = Math.max(1, 64 / elementBytes);
  const part = Math.ceil(n / threads / perLine) * perLine;
  const c = Math.max(perLine, Math.ceil(Math.min(chunk, part) / perLine) * perLine);
  const ranges: [number, number][] = [];
  for (let t = 0; t < threads; t++) {
    const lo = Math.min(n, t * part);
    ranges.push([lo, Math.min(n, lo + part)]);
  }
  return { ranges, chunk: c, chunks: ranges.map(([lo, hi]) => Math.ceil((hi - lo) / c)) };
}

// The loop every thread runs for a sample (the workers' copy is the same text, below). Each range's
// counter holds the chunks it has left in this sample (set by the caller); a claim takes one with a
// fetch-and-subtract, and the chunk follows from the count alone. A worker still in the loop of the
// previous sample when the next one is released therefore claims a chunk of the new sample, never an
// index of the old one: no claim is dropped (the join would wait for it forever) or counted twice.
function work(ctrl: Int32Array, layout: PoolLayout, me: number, run: (lo: number, hi: number) => void): void {
  const T = layout.ranges.length;
  for (let k = 0; k < T; k++) {
    const t = (me + k) % T;
    const [lo, hi] = layout.ranges[t];
    const per = layout.chunks[t];
    for (;;) {
      const left = Atomics.sub(ctrl, NEXT + t * LINE, 1);
      if (left <= 0) break;
      const c = (per - (left % per)) % per;
      const a = lo + c * layout.chunk;
      run(a, Math.min(hi, a + layout.chunk));
      Atomics.add(ctrl, DONE, 1);
    }
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, ctrl: ctrlBuffer, me, layout, spinMs } = workerData;
const ctrl = new Int32Array(ctrlBuffer);
const LINE = ${LINE}, GEN = ${GEN}, DONE = ${DONE}, AWAKE = ${AWAKE}, CMD = ${CMD}, NEXT = ${NEXT}, FAILED = ${FAILED}, STOP = ${STOP}, WAKE = ${WAKE}, ARMED_SPIN_MS = ${ARMED_SPIN_MS};
const T = layout.ranges.length;
const work = ${work.toString()};
const started = WebAssembly.instantiate(module, { env: { memory, abort() { throw new Error('wasm abort'); } } });
parentPort.on('message', async (job) => {
  let x;
  try { x = (await started).exports; } catch (e) { parentPort.postMessage({ error: String(e) }); return; }
  const bind = (call) => {
    const f = x[call.fn];
    if (typeof f !== 'function') throw new Error('no export ' + call.fn);
    const args = call.args.slice();
    return (lo, hi) => { args[call.loArg] = lo; args[call.loArg + 1] = hi; f.apply(null, args); };
  };
  let run;
  try {
    const [lo, hi] = layout.ranges[me];
    for (const c of job.init) bind(c)(lo, hi);
    run = bind(job.call);
  } catch (e) { parentPort.postMessage({ error: String(e) }); return; }
  let gen = Atomics.load(ctrl, GEN);
  parentPort.postMessage({ ready: true });
  let spin = spinMs;
  for (;;) {
    // Spin a while (warm), then sleep until the next release.
    const until = performance.now() + spin;
    while (Atomics.load(ctrl, GEN) === gen && performance.now() < until) {}
    if (Atomics.load(ctrl, GEN) === gen) Atomics.wait(ctrl, GEN, gen);
    gen = Atomics.load(ctrl, GEN);
    const cmd = Atomics.load(ctrl, CMD);
    if (cmd === STOP) break;
    if (cmd === WAKE) {
      // woken ahead of a sample: say so, and spin for its release
      Atomics.add(ctrl, AWAKE, 1);
      spin = ARMED_SPIN_MS;
      continue;
    }
    spin = spinMs;
    try {
      work(ctrl, layout, me, run);
    } catch (e) {
      Atomics.store(ctrl, FAILED, 1);
      Atomics.notify(ctrl, DONE);
      parentPort.postMessage({ error: String(e) });
      return;
    }
    Atomics.notify(ctrl, DONE);
  }
  parentPort.postMessage({ idle: true });
});
`;

type Bound = (lo: number, hi: number) => void;

export class WasmPool {
  private constructor(
    readonly threads: number,
    readonly layout: PoolLayout,
    private readonly ctrl: Int32Array,
    private readonly workers: Worker[],
    private readonly run: Bound,
    private readonly wakeFirst: boolean,
  ) {}

  /** Starts the workers, runs the init calls (each thread over its own range) and leaves every worker warm and waiting. */
  static async create(o: PoolOptions): Promise<WasmPool> {
    const threads = Math.max(1, Math.floor(o.threads));
    const layout = poolLayout(o.n, threads, o.elementBytes, o.chunk);
    const ctrl = new Int32Array(new SharedArrayBuffer((NEXT + threads * LINE) * 4));
    const instance = await WA.instantiate(o.module, {
      env: {
        memory: o.memory,
        abort: () => {
          throw new Error('wasm abort');
        },
      },
    });
    const bind = (call: PoolCall): Bound => {
      const f = instance.exports[call.fn] as ((...a: number[]) => void) | undefined;
      if (typeof f !== 'function') throw new Error(`wasm pool: no export ${call.fn}`);
      const args = call.args.slice();
      return (lo, hi) => {
        args[call.loArg] = lo;
        args[call.loArg + 1] = hi;
        f(...args);
      };
    };
    const [lo0, hi0] = layout.ranges[0];
    for (const c of o.init) bind(c)(lo0, hi0);
    const run = bind(o.call);
    const workers: Worker[] = [];
    try {
      for (let me = 1; me < threads; me++)
        workers.push(
          new Worker(WORKER_SOURCE, {
            eval: true,
            workerData: { module: o.module, memory: o.memory, ctrl: ctrl.buffer, me, layout, spinMs: o.spinMs ?? 2 },
          }),
        );
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              w.once('message', (m: { ready?: boolean; error?: string }) =>
                m.error ? reject(new Error(`wasm pool worker: ${m.error}`)) : resolve(),
              );
              w.once('error', reject);
              w.postMessage({ init: o.init, call: o.call });
            }),
        ),
      );
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new WasmPool(threads, layout, ctrl, workers, run, (o.spinMs ?? 2) === 0 && workers.length > 0);
  }

  /** Runs `batch` passes over all n elements on all threads; milliseconds from release to the last thread's finish. Blocks the caller. */
  sample(batch: number): number {
    const c = this.ctrl;
    if (this.wakeFirst) {
      Atomics.store(c, AWAKE, 0);
      Atomics.store(c, CMD, WAKE);
      Atomics.add(c, GEN, 1);
      Atomics.notify(c, GEN);
      const until = performance.now() + WAKE_WAIT_MS;
      while (Atomics.load(c, AWAKE) < this.workers.length && performance.now() < until) {
        // spin: the workers are about to run
      }
    }
    const total = this.layout.chunks.reduce((a, b) => a + b, 0) * batch;
    Atomics.store(c, TOTAL, total);
    Atomics.store(c, DONE, 0);
    for (let t = 0; t < this.threads; t++) Atomics.store(c, NEXT + t * LINE, this.layout.chunks[t] * batch);
    Atomics.store(c, CMD, RUN);
    const t0 = performance.now();
    Atomics.add(c, GEN, 1);
    if (this.workers.length > 0) Atomics.notify(c, GEN);
    work(c, this.layout, 0, this.run);
    // The join waits for the chunks, not for the workers: a worker that never got a core this sample
    // claimed nothing and is not waited for (the caller did its share). Spin briefly, then sleep.
    const until = performance.now() + 1;
    while (Atomics.load(c, DONE) < total && performance.now() < until) {
      // spin
    }
    let d: number;
    while ((d = Atomics.load(c, DONE)) < total) {
      if (Atomics.load(c, FAILED) !== 0) throw new Error("wasm pool: a worker's call threw (the sample is void)");
      if (performance.now() - t0 > SAMPLE_DEADLINE_MS)
        throw new Error(`wasm pool: a sample did not finish in ${SAMPLE_DEADLINE_MS / 1000} s`);
      Atomics.wait(c, DONE, d, 1000);
    }
    return performance.now() - t0;
  }

  async close(): Promise<void> {
    const idle = this.workers.map((w) => new Promise<void>((resolve) => w.once('message', () => resolve())));
    Atomics.store(this.ctrl, CMD, STOP);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    await Promise.race([Promise.all(idle), new Promise((r) => setTimeout(r, 1000).unref())]);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
