// A pool of worker processes running cells in parallel. Each worker is its own process group, so a
// cell that hangs (even in a synchronous loop) or crashes the process is killed with everything it
// spawned, the cell fails with the reason, and a fresh worker takes the next cell.

import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // the worker and whatever it spawned (external programs)
  } catch {
    child.kill('SIGKILL');
  }
}

export class ProcessPool implements CellExecutor {
  private readonly workers: Worker[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private stopped = false;
  private readonly onExit = () => this.workers.forEach((w) => killGroup(w.child));

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
    return this.submit({ kind: 'observe', id: this.nextId++, spec, request }, spec, timeoutMs).then((o) => (o.ok ? (o.value as ObserveOutcome) : { failed: o.error }));
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
      let worker: Worker | undefined;
      let index = -1;
      for (const w of idle) {
        index = this.queue.findIndex((t) => w.specs.has(t.spec));
        if (index >= 0) {
          worker = w;
          break;
        }
      }
      if (!worker) {
        worker = idle[0] ?? (this.workers.length < this.size ? this.spawn() : undefined);
        index = 0;
      }
      if (!worker) return;
      const [task] = this.queue.splice(index, 1);
      this.start(worker, task!);
    }
  }

  private spawn(): Worker {
    const { path, execArgv } = workerEntry();
    const child = fork(path, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
    const worker: Worker = { child, specs: new Set(), task: null, timer: null, tail: '', ready: false };
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
      this.finish(worker, reply.ok ? { ok: true, value: reply.value } : { ok: false, error: `internal error in the worker: ${reply.error.split('\n')[0]}` });
    });
    child.on('exit', (code, signal) => {
      this.remove(worker);
      if (worker.task) {
        const output = worker.tail.trim().split('\n').slice(-3).join(' | ');
        this.finish(worker, { ok: false, error: `the worker process died (${signal ?? `exit code ${code}`})${output ? `; its last output: ${output}` : ''}` });
      }
    });
    child.on('error', () => killGroup(child));
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
      const what = task.request.kind === 'probe' ? 'probe' : task.request.kind === 'observe' ? `identify probe ${task.request.request.key}` : 'cell';
      this.finish(worker, { ok: false, error: `${what} timed out after ${task.timeoutMs / 1000} s; the worker process was stopped` });
      this.remove(worker);
      killGroup(worker.child);
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
    for (const w of [...this.workers]) {
      this.finish(w, { ok: false, error: 'run interrupted' });
      killGroup(w.child);
    }
    process.off('exit', this.onExit);
  }

  async close(): Promise<void> {
    this.stopped = true;
    const exits = this.workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
          const force = setTimeout(() => killGroup(w.child), 10_000); // adapters get 10 s to release devices
          w.child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          if (w.child.connected) w.child.send({ kind: 'close' } satisfies WorkerRequest);
          else killGroup(w.child);
        }),
    );
    await Promise.all(exits);
    process.off('exit', this.onExit);
  }
}
