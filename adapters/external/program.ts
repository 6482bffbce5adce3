// A child program spoken to in newline-delimited JSON: spawning, line framing, a bounded stderr tail,
// timeouts and exits that kill everything the program started, and faults that say what went wrong.

import { spawn, type ChildProcess } from 'node:child_process';
import { describeJsonSyntaxError } from '../../suites/json-file.js';
import { killTree, newProcessTag, taggedEnv } from '../process-tree.js';

/** The program broke the protocol or died: the conversation is over and the program is killed. */
export class ProgramFault extends Error {
  override name = 'ProgramFault';
}

const STDERR_KEEP_LINES = 20;
const STDERR_KEEP_CHARS = 16_384;
/**
 * A line longer than this is garbage, not a message: the largest answer of the suites (a whole
 * trajectory per message) is well under a megabyte, and the bound keeps a runaway program's memory
 * use and the time to reject it small.
 */
export const MAX_LINE_CHARS = 32 * 1024 * 1024;
/** Deeper nesting than any message of the protocol has: garbage, and it would overflow the checks' recursion. */
export const MAX_NESTING = 32;

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
  /** The pieces of the line being received (joined once its newline arrives: linear, not quadratic). */
  private partial: string[] = [];
  private partialLength = 0;
  /** In the environment of the program and everything it starts: how they are all found and killed. */
  private readonly tag = newProcessTag('program');
  private stderrText = '';
  private readonly lines: string[] = [];
  private waiter: Waiter | null = null;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private closed = false;
  private spawnError: Error | null = null;
  private killedByUs: string | null = null;
  /** After an over-long line: the program is being killed, whatever it still writes is dropped. */
  private discarding = false;
  /** A fault found while nothing was awaited (an over-long line): the next wait gets it. */
  private pendingError: Error | null = null;

  constructor(options: ProgramOptions) {
    this.command = options.command;
    // Its own session (detached), out of the terminal's Ctrl-C; killed with all it started through its tag.
    this.child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: taggedEnv(options.env ?? process.env, this.tag),
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
      // Children it left behind (background jobs, daemons) die with it.
      killTree(this.tag);
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
    if (this.pendingError) return Promise.reject(this.pendingError);
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

  /** Kill the program and every process it started (SIGKILL). */
  kill(reason = 'killed by the harness'): void {
    if (this.killedByUs === null) this.killedByUs = reason;
    if (this.child.pid === undefined) return;
    killTree(this.tag, this.exit === null ? [this.child.pid] : []);
    if (this.exit !== null) return;
    try {
      this.child.kill('SIGKILL'); // where /proc cannot be read
    } catch {
      // already gone
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
    const depth = nestingDepth(line);
    if (depth > MAX_NESTING) {
      const error = this.fault(
        `wrote a message nested more than ${MAX_NESTING} levels deep (garbage, not a protocol message): ${JSON.stringify(line.slice(0, 80))}...`,
      );
      this.kill('wrote a deeply nested message');
      return { error };
    }
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
    if (this.discarding) return; // the rest of an over-long line still in the pipe
    // Only the new chunk is searched for newlines; the pieces of a line are joined once.
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf('\n', start)) >= 0) {
      this.partial.push(chunk.slice(start, nl));
      const line = this.partial.join('');
      this.partial = [];
      this.partialLength = 0;
      start = nl + 1;
      if (line.length > MAX_LINE_CHARS) return this.overLong();
      this.lines.push(line.replace(/\r$/, ''));
    }
    if (start < chunk.length) {
      this.partial.push(chunk.slice(start));
      this.partialLength += chunk.length - start;
    }
    if (this.partialLength > MAX_LINE_CHARS) return this.overLong();
    if (this.waiter) {
      const w = this.waiter;
      const next = this.takeLine();
      if (next) this.deliver(w, next);
    }
  }

  private overLong(): void {
    this.discarding = true;
    this.partial = [];
    this.partialLength = 0;
    this.lines.length = 0;
    const w = this.waiter;
    this.kill('wrote an over-long line');
    const error = this.fault(`wrote a line longer than ${MAX_LINE_CHARS} characters (garbage, not a message; killed)`);
    if (w) w.reject(error);
    else this.pendingError = error;
  }

  private onClose(): void {
    if (this.closed) return;
    // A last line without a trailing newline still counts.
    const last = this.partial.join('');
    this.partial = [];
    this.partialLength = 0;
    if (last.trim() !== '') this.lines.push(last);
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
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr])
      (s as unknown as { unref?(): void } | null)?.unref?.();
  }

  private busy(): void {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { ref?(): void } | null)?.ref?.();
  }
}

/** How deeply arrays and objects nest in a JSON text (strings skipped); stops counting past the limit. */
export function nestingDepth(text: string, limit = MAX_NESTING): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return deepest;
}
