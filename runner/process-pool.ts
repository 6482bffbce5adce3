// A pool of worker processes running cells in parallel. A cell that hangs (even in a synchronous loop)
// or crashes the process is killed with everything it spawned (found through the worker's tag, see
// adapters/process-tree.ts), the cell fails with the reason, and a fresh worker takes the next cell.
// An adapter loaded from a user's module runs in workers of its own: whatever it does to the
// process's globals cannot reach the built-in adapters or another module.

import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { killTree, newProcessTag, taggedEnv } from '../adapters/process-tree.js';
import { parseAdapterSpec } from '../adapters/registry.js';
import type { ProbeResult } from './adapter-host.js';
import type { CellExecutor } from './cell-executor.js';
import { unmeasuredCell, type CellJob } from './cell-job.js';
import type { ObserveOutcome, ObserveRequest } from './identify/observe.js';
import type { Cell } from './result.js';
import type { WorkerReply, WorkerRequest } from './worker-messages.js';

type Outcome = { ok: true; value: ProbeResult | Cell | ObserveOutcome } | { ok: false; error: string };

interface Task {
  request: Exclude<WorkerRequest, { kind: 'close' }>;
  spec: string;
  timeoutMs: number;
  settle: (outcome: Outcome) => void;
}

interface Worker {
  child: ChildProcess;
  /** In the environment of the worker and of everything it starts. */
  tag: string;
  /** Which adapters may share this worker: see affinity(). */
  affinity: string;
  /** Adapters this worker has loaded: later cells of the same adapter go there first. */
  specs: Set<string>;
  task: Task | null;
  timer: NodeJS.Timeout | null;
  /** Last output of the worker, quoted when it dies. */
  tail: string;
  /** Modules loaded: a task's time limit counts from here, not from the spawn. */
  ready: boolean;
}

const TAIL_CHARS = 600;

function workerEntry(): { path: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    // Running from sources (tests, tsx): the worker needs the same TypeScript loader.
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return { path: join(dirname(here), 'cell-worker.ts'), execArgv: ['--import', pathToFileURL(tsx).href] };
  }
  return { path: join(dirname(here), 'cell-worker.js'), execArgv: [] };
}

/** The worker and everything it started (external programs, their children, a module's children). */
function killWorker(worker: Worker): void {
  const { child } = worker;
  const alive = child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  killTree(worker.tag, alive ? [child.pid] : []);
  if (alive) child.kill('SIGKILL'); // where /proc cannot be read
}

/**
 * Built-in adapters are the harness's own code and share workers; a module adapter is foreign code
 * (it may patch Math or other globals when loaded) and only shares a worker with its own cells.
 */
function affinity(spec: string): string {
  try {
    return parseAdapterSpec(spec).id === 'module' ? `module ${spec}` : 'built-in';
  } catch {
    return `other ${spec}`;
  }
}

export class ProcessPool implements CellExecutor {
  private readonly workers: Worker[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private stopped = false;
  /** Workers still running, including those retired to make room (they may still be closing). */
  private readonly living = new Set<Worker>();
  private readonly onExit = () => this.living.forEach((w) => killWorker(w));

  constructor(private readonly size: number) {
    process.once('exit', this.onExit);
  }

  probe(spec: string, timeoutMs: number): Promise<ProbeResult | { failed: string }> {
    return this.submit({ kind: 'probe', id: this.nextId++, spec }, spec, timeoutMs).then((o) =>
      o.ok ? (o.value as ProbeResult) : { failed: o.error },
    );
  }

  run(job: CellJob, timeoutMs: number): Promise<Cell> {
    const started = performance.now();
    return this.submit({ kind: 'run', id: this.nextId++, job }, job.adapter, timeoutMs).then((o) =>
      o.ok ? (o.value as Cell) : unmeasuredCell(job, 'error', o.error, performance.now() - started),
    );
  }

  observe(spec: string, request: ObserveRequest, timeoutMs: number): Promise<ObserveOutcome> {
    return this.submit({ kind: 'observe', id: this.nextId++, spec, request }, spec, timeoutMs).then((o) =>
      o.ok ? (o.value as ObserveOutcome) : { failed: o.error },
    );
  }

  private submit(request: Task['request'], spec: string, timeoutMs: number): Promise<Outcome> {
    return new Promise((settle) => {
      if (this.stopped) return settle({ ok: false, error: 'run interrupted' });
      this.queue.push({ request, spec, timeoutMs, settle });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.stopped) {
      const idle = this.workers.filter((w) => w.task === null);
      let pick: { worker: Worker; index: number } | null = null;
      // A worker that has the adapter loaded already, else one its adapter may share.
      for (const w of idle) {
        const index = this.queue.findIndex((t) => w.specs.has(t.spec));
        if (index >= 0) {
          pick = { worker: w, index };
          break;
        }
      }
      for (let index = 0; !pick && index < this.queue.length && idle.length > 0; index++) {
        const w = idle.find((x) => x.affinity === affinity(this.queue[index].spec));
        if (w) pick = { worker: w, index };
      }
      if (!pick) {
        if (this.workers.length >= this.size) {
          // Every idle worker hosts adapters the next task may not share: replace one.
          const spare = idle[0];
          if (!spare) return;
          this.retire(spare);
        }
        pick = { worker: this.spawn(affinity(this.queue[0].spec)), index: 0 };
      }
      const [task] = this.queue.splice(pick.index, 1);
      this.start(pick.worker, task);
    }
  }

  /** An idle worker leaves the pool: it closes its adapters (10 s at most) and exits. */
  private retire(worker: Worker): void {
    this.remove(worker);
    const force = setTimeout(() => killWorker(worker), 10_000);
    force.unref();
    worker.child.once('exit', () => clearTimeout(force));
    if (worker.child.connected) worker.child.send({ kind: 'close' } satisfies WorkerRequest);
    else killWorker(worker);
  }

  private spawn(affinityKey: string): Worker {
    const { path, execArgv } = workerEntry();
    const tag = newProcessTag('worker');
    const child = fork(path, [], {
      execArgv,
      env: taggedEnv(process.env, tag),
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    const worker: Worker = {
      child,
      tag,
      affinity: affinityKey,
      specs: new Set(),
      task: null,
      timer: null,
      tail: '',
      ready: false,
    };
    this.living.add(worker);
    const keep = (chunk: Buffer) => {
      worker.tail = (worker.tail + chunk.toString()).slice(-TAIL_CHARS);
      if (process.env.RMSPROP_HARNESS_DEBUG) process.stderr.write(chunk);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (raw) => {
      const reply = raw as WorkerReply;
      if ('ready' in reply) {
        worker.ready = true;
        if (worker.task) this.armTimer(worker, worker.task);
        return;
      }
      if (!worker.task || reply.id !== worker.task.request.id) return;
      this.finish(
        worker,
        reply.ok
          ? { ok: true, value: reply.value }
          : { ok: false, error: `internal error in the worker: ${reply.error.split('\n')[0]}` },
      );
    });
    child.on('exit', (code, signal) => {
      this.living.delete(worker);
      this.remove(worker);
      // Whatever it started and left behind (a module that spawned a child, then called process.exit).
      killTree(worker.tag);
      if (worker.task) {
        const output = worker.tail.trim().split('\n').slice(-3).join(' | ');
        this.finish(worker, {
          ok: false,
          error: `the worker process died (${signal ?? `exit code ${code}`})${output ? `; its last output: ${output}` : ''}`,
        });
      }
    });
    child.on('error', () => killWorker(worker));
    this.workers.push(worker);
    return worker;
  }

  private start(worker: Worker, task: Task): void {
    worker.task = task;
    worker.specs.add(task.spec);
    if (worker.ready) this.armTimer(worker, task);
    worker.child.send(task.request);
  }

  private armTimer(worker: Worker, task: Task): void {
    worker.timer = setTimeout(() => {
      const what =
        task.request.kind === 'probe'
          ? 'probe'
          : task.request.kind === 'observe'
            ? `identify probe ${task.request.request.key}`
            : 'cell';
      this.finish(worker, {
        ok: false,
        error: `${what} timed out after ${task.timeoutMs / 1000} s; the worker process was stopped`,
      });
      this.remove(worker);
      killWorker(worker);
    }, task.timeoutMs);
  }

  private finish(worker: Worker, outcome: Outcome): void {
    const task = worker.task;
    if (!task) return;
    if (worker.timer) clearTimeout(worker.timer);
    worker.task = null;
    worker.timer = null;
    task.settle(outcome);
    queueMicrotask(() => this.dispatch());
  }

  private remove(worker: Worker): void {
    const i = this.workers.indexOf(worker);
    if (i >= 0) this.workers.splice(i, 1);
  }

  abort(): void {
    this.stopped = true;
    for (const task of this.queue.splice(0)) task.settle({ ok: false, error: 'run interrupted' });
    for (const w of [...this.workers]) this.finish(w, { ok: false, error: 'run interrupted' });
    for (const w of [...this.living]) killWorker(w);
    process.off('exit', this.onExit);
  }

  async close(): Promise<void> {
    this.stopped = true;
    const exits = [...this.living].map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
          const force = setTimeout(() => killWorker(w), 10_000); // adapters get 10 s to release devices
          w.child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          if (w.child.connected) w.child.send({ kind: 'close' } satisfies WorkerRequest);
          else killWorker(w);
        }),
    );
    await Promise.all(exits);
    process.off('exit', this.onExit);
  }
}
