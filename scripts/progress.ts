// Progress of a long conformance run on stderr: a redrawn bar on a terminal, plain lines in CI logs,
// nothing with --quiet or --json. Cells may finish out of order (a worker pool): `done` only grows,
// but consecutive events can name any adapter.

import type { ProgressEvent } from '../runner/run-conformance.js';

export type ProgressMode = 'bar' | 'lines' | 'silent';

export interface ProgressSink {
  /**
   * The run has started: its adapters are being probed (loading tfjs, onnxruntime, Dawn or a Python
   * program can take seconds before the first cell ends). Shown at once, so a run never starts blank.
   */
  begin(adapters: readonly string[]): void;
  onProgress(e: ProgressEvent): void;
  /** Clears the bar and prints the final line; idempotent; prints nothing when no cell was reported. */
  finish(): void;
}

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface ProgressOptions {
  stream: ProgressStream;
  mode: ProgressMode;
  /** Milliseconds; Date.now by default (tests pass a fake clock). */
  now?: () => number;
}

/** Before the first cell ends, the bar's elapsed time ticks this often. */
export const STARTING_TICK_MS = 1000;
/** Bar redraws at most this often (the final redraw and redraws after a failure line are not throttled). */
export const BAR_INTERVAL_MS = 100;
/** 'lines' prints a heartbeat at most this often. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** The ETA shows '--:--' until this many cells are done. */
export const ETA_MIN_DONE = 3;
const BAR_WIDTH = 20;
const DEFAULT_COLUMNS = 80;

const CLEAR_LINE = '\r\x1b[K';
const FAILURE_LABEL: Partial<Record<ProgressEvent['status'], string>> = { fail: 'FAIL', error: 'ERROR', xpass: 'XPASS' };

/** 'bar' on an interactive terminal, 'lines' in CI logs and pipes, 'silent' for --quiet and --json. */
export function progressMode(options: {
  quiet: boolean;
  json: boolean;
  isTTY: boolean | undefined;
  env: NodeJS.ProcessEnv;
}): ProgressMode {
  if (options.quiet || options.json) return 'silent';
  if (!options.isTTY) return 'lines';
  if (isSet(options.env.CI)) return 'lines';
  if (options.env.TERM === 'dumb') return 'lines'; // no cursor control
  return 'bar';
}

/** CI=true, CI=1, CI=anything; unset, empty, '0' and 'false' mean not CI. */
function isSet(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** 14_000 -> '0:14'; 3_725_000 -> '1:02:05'. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--:--';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

/** Remaining time extrapolated from the average time per cell so far; null until a few cells are done. */
export function estimateRemainingMs(elapsedMs: number, done: number, total: number): number | null {
  if (done < ETA_MIN_DONE || done <= 0 || elapsedMs <= 0) return null;
  return (elapsedMs / done) * Math.max(0, total - done);
}

/** Adapter labels and case keys come from the command line and from external programs: no control characters on the terminal. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point: they become spaces.
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** Cuts a line to `width` characters (code points), marking the cut. */
function truncate(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  if (width <= 1) return chars.slice(0, Math.max(0, width)).join('');
  return `${chars.slice(0, width - 1).join('')}…`;
}

function cellName(e: ProgressEvent): string {
  return clean(`${e.adapter} ${e.case} ${e.dtype} ${e.mode}`);
}

function bar(done: number, total: number): string {
  const filled = total > 0 ? Math.min(BAR_WIDTH, Math.floor((done / total) * BAR_WIDTH)) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

function percent(done: number, total: number): number {
  return total > 0 ? Math.floor((done / total) * 100) : 100;
}

export function createProgressReporter(options: ProgressOptions): ProgressSink {
  const { stream, mode } = options;
  const now = options.now ?? Date.now;
  if (mode === 'silent') return { begin() {}, onProgress() {}, finish() {} };

  const started = now();
  const seen = new Set<string>();
  const counts = { failed: 0, errors: 0 };
  let last: ProgressEvent | null = null;
  let finished = false;
  // bar state
  let barShown = false;
  let lastDraw = -Infinity;
  let pending: ReturnType<typeof setTimeout> | null = null;
  // lines state
  let lastHeartbeat = started;
  // before the first cell: what is starting, and the bar's ticking clock
  let starting: string | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;

  const write = (s: string) => {
    stream.write(s);
  };
  const eta = (done: number, total: number) => {
    const ms = estimateRemainingMs(now() - started, done, total);
    return ms === null ? '--:--' : formatDuration(ms);
  };
  const countsText = () => {
    const parts = [
      counts.failed > 0 ? `${counts.failed} failed` : '',
      counts.errors > 0 ? `${counts.errors} error${counts.errors === 1 ? '' : 's'}` : '',
    ].filter((p) => p !== '');
    return parts.length > 0 ? parts.join(', ') : 'no failures';
  };

  const cancelPending = () => {
    if (pending !== null) clearTimeout(pending);
    pending = null;
  };

  const stopTicker = () => {
    if (ticker !== null) clearInterval(ticker);
    ticker = null;
  };

  const drawStarting = () => {
    if (starting === null || finished) return;
    const width = Math.max(10, (stream.columns ?? DEFAULT_COLUMNS) - 1);
    write(`${CLEAR_LINE}${truncate(`${starting}  ${formatDuration(now() - started)}`, width)}`);
    barShown = true;
  };

  const draw = () => {
    cancelPending();
    if (!last || finished) return;
    const e = last;
    const width = Math.max(10, (stream.columns ?? DEFAULT_COLUMNS) - 1); // the last column would wrap on some terminals
    const digits = String(e.total).length;
    const line = `${bar(e.done, e.total)}  ${String(e.done).padStart(digits)}/${e.total}  ${String(percent(e.done, e.total)).padStart(3)}%  ETA ${eta(e.done, e.total)}  ${cellName(e)}`;
    write(`${CLEAR_LINE}${truncate(line, width)}`);
    barShown = true;
    lastDraw = now();
  };

  const onBar = (e: ProgressEvent) => {
    const label = FAILURE_LABEL[e.status];
    if (label) {
      // Above the bar, on a line of its own, so it stays in the scrollback.
      write(`${barShown ? CLEAR_LINE : ''}${label} ${cellName(e)}\n`);
      barShown = false;
      draw();
      return;
    }
    if (e.done >= e.total || now() - lastDraw >= BAR_INTERVAL_MS) {
      draw();
      return;
    }
    // Throttled: draw the latest state when the interval is over, in case no further event comes soon.
    if (pending === null) {
      pending = setTimeout(draw, Math.max(0, BAR_INTERVAL_MS - (now() - lastDraw)));
      pending.unref?.();
    }
  };

  const onLines = (e: ProgressEvent) => {
    if (!seen.has(e.adapter)) {
      seen.add(e.adapter);
      write(`[${e.done}/${e.total}] ${clean(e.adapter)}\n`);
    }
    const label = FAILURE_LABEL[e.status];
    if (label) write(`${label} ${cellName(e)}\n`);
    const t = now();
    if (t - lastHeartbeat >= HEARTBEAT_INTERVAL_MS && e.done < e.total) {
      lastHeartbeat = t;
      write(`[${e.done}/${e.total}] ${percent(e.done, e.total)}% ETA ${eta(e.done, e.total)}\n`);
    }
  };

  return {
    begin(adapters) {
      if (finished || last || starting !== null) return;
      const count = `probing ${adapters.length} adapter${adapters.length === 1 ? '' : 's'}`;
      if (mode === 'lines') {
        // Without the names: a line per adapter follows when its first cell ends, as before.
        write(`${count}\n`);
        return;
      }
      starting = clean(`${count}: ${adapters.join(', ')}`);
      drawStarting();
      ticker = setInterval(drawStarting, STARTING_TICK_MS);
      ticker.unref?.();
    },
    onProgress(e) {
      if (finished) return;
      stopTicker();
      starting = null;
      // Out-of-order delivery must not move the counter backwards.
      if (last && e.done < last.done) last = { ...e, done: last.done, total: Math.max(e.total, last.total) };
      else last = e;
      if (e.status === 'fail' || e.status === 'xpass') counts.failed++;
      if (e.status === 'error') counts.errors++;
      if (mode === 'bar') {
        seen.add(e.adapter);
        onBar({ ...e, done: last.done, total: last.total });
      } else onLines({ ...e, done: last.done, total: last.total });
    },
    finish() {
      if (finished) return;
      cancelPending();
      stopTicker();
      finished = true;
      if (!last) {
        if (mode === 'bar' && barShown) write(CLEAR_LINE); // the starting line goes; the error that stopped the run follows
        return;
      }
      const elapsed = formatDuration(now() - started);
      const what =
        last.done >= last.total
          ? `${last.done}/${last.total} cells in ${elapsed}`
          : `stopped after ${last.done}/${last.total} cells in ${elapsed}`;
      write(`${mode === 'bar' && barShown ? CLEAR_LINE : ''}${what}: ${countsText()}\n`);
      barShown = false;
    },
  };
}
