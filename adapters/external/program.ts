// A child program spoken to in newline-delimited JSON: spawning, line framing, a bounded stderr tail,
// timeouts that kill the whole process group, and faults that say what went wrong.

import { spawn, type ChildProcess } from 'node:child_process';
import { describeJsonSyntaxError } from '../../suites/json-file.js';

/** The program broke the protocol or died: the conversation is over and the program is killed. */
export class ProgramFault extends Error {
  override name = 'ProgramFault';
}

const STDERR_KEEP_LINES = 20;
const STDERR_KEEP_CHARS = 16_384;
/** A line longer than this without a newline is garbage, not a message. */
const MAX_LINE_CHARS = 256 * 1024 * 1024;

interface Waiter {
  what: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type Taken = { value: unknown } | { error: Error };

export interface ProgramOptions {
  command: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export class ExternalProgram {
  readonly command: string;
  private readonly child: ChildProcess;
  private stdoutPartial = '';
  private stderrText = '';
  private readonly lines: string[] = [];
  private waiter: Waiter | null = null;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private closed = false;
  private spawnError: Error | null = null;
  private killedByUs: string | null = null;

  constructor(options: ProgramOptions) {
    this.command = options.command;
    // Its own process group (detached), so a timeout kills the shell and whatever it started.
    this.child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderrText = (this.stderrText + chunk).slice(-STDERR_KEEP_CHARS);
    });
    // Writes after the program died fail with EPIPE: the exit is reported instead.
    this.child.stdin!.on('error', () => {});
    this.child.on('error', (e) => {
      this.spawnError = e;
      this.onClose();
    });
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      // stdout may be held open by a grandchild: do not wait for 'close' forever.
      setTimeout(() => this.onClose(), 200).unref();
    });
    this.child.on('close', () => this.onClose());
    this.idle();
  }

  get alive(): boolean {
    return !this.closed && this.exit === null && this.spawnError === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last lines the program wrote to stderr. */
  stderrTail(lines = STDERR_KEEP_LINES): string {
    const all = this.stderrText.replace(/\s+$/, '').split('\n');
    return all.slice(-lines).join('\n');
  }

  send(message: unknown): void {
    if (!this.alive) return;
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  /**
   * The next message (parsed JSON) the program writes, or a ProgramFault when it exits, times out
   * (then it is killed) or writes something that is not JSON. `what` names what was awaited.
   */
  next(timeoutMs: number, what: string): Promise<unknown> {
    if (this.waiter) return Promise.reject(new Error('ExternalProgram.next: already waiting'));
    const queued = this.takeLine();
    if (queued) return 'error' in queued ? Promise.reject(queued.error) : Promise.resolve(queued.value);
    if (!this.alive) return Promise.reject(this.fault(`${this.deathText()} before ${what}`));
    this.busy();
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        this.kill(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
        reject(this.fault(`timed out after ${timeoutMs / 1000} s waiting for ${what} (killed)`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiter = null;
        this.idle();
      };
      this.waiter = {
        what,
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
    });
  }

  /** Wait a moment for stderr written just before a stdout answer to arrive (the pipes are not ordered). */
  settle(ms = 50): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** A fault naming the program, with its stderr tail. */
  fault(text: string): ProgramFault {
    const tail = this.stderrTail();
    const stderr = tail === '' ? 'stderr: (empty)' : `stderr (last ${STDERR_KEEP_LINES} lines):\n${tail}`;
    return new ProgramFault(`external program \`${this.command}\` ${text}\n${stderr}`);
  }

  /** Kill the process group (SIGKILL). */
  kill(reason = 'killed by the harness'): void {
    if (this.killedByUs === null) this.killedByUs = reason;
    if (this.exit !== null || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      try {
        this.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Ask the program to finish: send bye, close stdin, wait up to graceMs, then kill. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.alive) {
      this.send({ type: 'bye' });
      this.child.stdin!.end();
    }
    if (this.exit === null && this.spawnError === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      this.busy();
      await Promise.race([exited, timer]);
      this.kill('did not exit after bye');
    }
  }

  private takeLine(): Taken | null {
    while (this.lines.length > 0) {
      const line = this.lines.shift()!;
      if (line.trim() === '') continue;
      return this.parse(line);
    }
    return null;
  }

  private parse(line: string): Taken {
    try {
      return { value: JSON.parse(line) as unknown };
    } catch (e) {
      const shown = line.length > 200 ? `${line.slice(0, 200)}...` : line;
      // Why, and where: a message cut short ("truncated") is the common case of a crashing client.
      const why = (describeJsonSyntaxError(line) ?? (e as Error).message)
        .replace(/^at line 1 column /, 'at column ')
        .replace('the text ends in the middle of the document', 'the line ends in the middle of a message');
      const error = this.fault(`wrote a line that is not JSON: ${JSON.stringify(shown)} (${why})`);
      this.kill('wrote non-JSON');
      return { error };
    }
  }

  private deliver(w: Waiter, taken: Taken): void {
    if ('error' in taken) w.reject(taken.error);
    else w.resolve(taken.value);
  }

  private onStdout(chunk: string): void {
    this.stdoutPartial += chunk;
    let nl: number;
    while ((nl = this.stdoutPartial.indexOf('\n')) >= 0) {
      this.lines.push(this.stdoutPartial.slice(0, nl).replace(/\r$/, ''));
      this.stdoutPartial = this.stdoutPartial.slice(nl + 1);
    }
    if (this.stdoutPartial.length > MAX_LINE_CHARS) {
      this.stdoutPartial = '';
      const w = this.waiter;
      this.kill('wrote an over-long line');
      w?.reject(this.fault(`wrote more than ${MAX_LINE_CHARS} characters without a newline (killed)`));
      return;
    }
    if (this.waiter) {
      const w = this.waiter;
      const next = this.takeLine();
      if (next) this.deliver(w, next);
    }
  }

  private onClose(): void {
    if (this.closed) return;
    // A last line without a trailing newline still counts.
    if (this.stdoutPartial.trim() !== '') {
      this.lines.push(this.stdoutPartial);
      this.stdoutPartial = '';
    }
    this.closed = true;
    const w = this.waiter;
    if (!w) return;
    const next = this.takeLine();
    if (next) this.deliver(w, next);
    else w.reject(this.fault(`${this.deathText()} before ${w.what}`));
  }

  private deathText(): string {
    if (this.spawnError) return `could not be started (${this.spawnError.message})`;
    if (this.killedByUs !== null) return `was killed (${this.killedByUs})`;
    if (this.exit?.signal) return `was killed by ${this.exit.signal}`;
    if (this.exit) {
      const hint = this.exit.code === 127 ? ' (command not found)' : '';
      return `exited with code ${this.exit.code}${hint}`;
    }
    return 'closed its stdout';
  }

  /** While nothing is awaited, the program must not keep Node alive (a forgotten close() cannot hang the process). */
  private idle(): void {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { unref?(): void } | null)?.unref?.();
  }

  private busy(): void {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { ref?(): void } | null)?.ref?.();
  }
}
