// The progress reporter with a fake stream (collects writes) and a fake clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProgressEvent } from '../../runner/run-conformance.js';
import {
  BAR_INTERVAL_MS,
  createProgressReporter,
  estimateRemainingMs,
  formatDuration,
  progressMode,
  type ProgressStream,
} from '../../scripts/progress.js';

function fakeStream(options: { isTTY?: boolean; columns?: number } = {}) {
  const writes: string[] = [];
  const stream = {
    ...options,
    write(chunk: string | Uint8Array) {
      writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    },
  } as unknown as ProgressStream;
  return { stream, writes, text: () => writes.join('') };
}

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const event = (done: number, total: number, over: Partial<ProgressEvent> = {}): ProgressEvent => ({
  done,
  total,
  adapter: 'ts-f32',
  case: 'problems/xlogx',
  dtype: 'float32',
  mode: 'replay',
  status: 'pass',
  ...over,
});

/** What a terminal would show: the text after the last carriage return of each line, escape sequences removed. */
// eslint-disable-next-line no-control-regex -- the ESC of the erase-line sequence the progress line writes is what is stripped.
const ERASE_LINE = /\x1b\[K/g;

function screen(text: string): string[] {
  return text.split('\n').map((line) => line.split('\r').pop()!.replace(ERASE_LINE, ''));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('progressMode', () => {
  const cases: [string, Parameters<typeof progressMode>[0], ReturnType<typeof progressMode>][] = [
    ['tty, no CI', { quiet: false, json: false, isTTY: true, env: {} }, 'bar'],
    ['tty, CI=true', { quiet: false, json: false, isTTY: true, env: { CI: 'true' } }, 'lines'],
    ['tty, CI=1', { quiet: false, json: false, isTTY: true, env: { CI: '1' } }, 'lines'],
    ['tty, CI=false', { quiet: false, json: false, isTTY: true, env: { CI: 'false' } }, 'bar'],
    ['tty, CI empty', { quiet: false, json: false, isTTY: true, env: { CI: '' } }, 'bar'],
    ['tty, TERM=dumb', { quiet: false, json: false, isTTY: true, env: { TERM: 'dumb' } }, 'lines'],
    ['pipe', { quiet: false, json: false, isTTY: false, env: {} }, 'lines'],
    ['isTTY undefined', { quiet: false, json: false, isTTY: undefined, env: {} }, 'lines'],
    ['pipe in CI', { quiet: false, json: false, isTTY: undefined, env: { CI: 'true' } }, 'lines'],
    ['--quiet on a tty', { quiet: true, json: false, isTTY: true, env: {} }, 'silent'],
    ['--quiet in CI', { quiet: true, json: false, isTTY: false, env: { CI: 'true' } }, 'silent'],
    ['--json on a tty', { quiet: false, json: true, isTTY: true, env: {} }, 'silent'],
    ['--json in a pipe', { quiet: false, json: true, isTTY: false, env: {} }, 'silent'],
  ];
  it.each(cases)('%s', (_, input, expected) => {
    expect(progressMode(input)).toBe(expected);
  });
});

describe('helpers', () => {
  it('formats durations as m:ss and h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(14_000)).toBe('0:14');
    expect(formatDuration(75_400)).toBe('1:15');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(NaN)).toBe('--:--');
  });
  it('estimates the remaining time from the average so far, only after a few cells', () => {
    expect(estimateRemainingMs(1000, 1, 100)).toBeNull();
    expect(estimateRemainingMs(10_000, 10, 30)).toBe(20_000);
    expect(estimateRemainingMs(10_000, 30, 30)).toBe(0);
  });
});

describe("mode 'bar'", () => {
  it('draws a bar with counts, percent, ETA and the cell, redrawn in place', () => {
    const clock = fakeClock();
    const out = fakeStream({ isTTY: true, columns: 200 });
    const p = createProgressReporter({ stream: out.stream, mode: 'bar', now: clock.now });
    clock.advance(1000);
    p.onProgress(event(1, 532));
    expect(out.text()).toContain('ETA --:--'); // too few cells for an estimate
    for (let done = 2; done <= 212; done++) {
      clock.advance(BAR_INTERVAL_MS);
      p.onProgress(event(done, 532));
    }
    const last = out.writes.at(-1);
    expect(last.startsWith('\r\x1b[K')).toBe(true);
    expect(last).not.toContain('\n');
    // 212 cells in 22.1 s -> 320 more at the same pace: 33.4 s
    expect(last).toBe(`\r\x1b[K[#######-------------]  212/532   39%  ETA 0:33  ts-f32 problems/xlogx float32 replay`);
  });

  it('truncates the line to the terminal width', () => {
    const clock = fakeClock();
    const out = fakeStream({ isTTY: true, columns: 40 });
    const p = createProgressReporter({ stream: out.stream, mode: 'bar', now: clock.now });
    p.onProgress(event(1, 532, { adapter: 'external:command=/usr/bin/python3 clients/python/torch_rmsprop.py' }));
    const drawn = out.writes.at(-1).replace('\r\x1b[K', '');
    expect([...drawn].length).toBeLessThanOrEqual(39);
    expect(drawn.endsWith('…')).toBe(true);
    expect(drawn.startsWith('[--------------------]    1/532')).toBe(true);
  });

  it('throttles redraws to about 10 per second but always draws the last cell', () => {
    const clock = fakeClock();
    const out = fakeStream({ isTTY: true, columns: 120 });
    const p = createProgressReporter({ stream: out.stream, mode: 'bar', now: clock.now });
    for (let done = 1; done <= 1000; done++) {
      clock.advance(1); // 1000 cells in 1 s
      p.onProgress(event(done, 1000));
    }
    expect(out.writes.length).toBeLessThanOrEqual(12);
    expect(out.writes.at(-1)).toContain('1000/1000');
    p.finish();
  });

  it('draws the latest state after the interval when no further event comes', () => {
    vi.useFakeTimers();
    const clock = fakeClock();
    const out = fakeStream({ isTTY: true, columns: 120 });
    const p = createProgressReporter({ stream: out.stream, mode: 'bar', now: clock.now });
    p.onProgress(event(1, 10));
    p.onProgress(event(2, 10)); // throttled
    expect(out.writes.at(-1)).toContain(' 1/10');
    clock.advance(BAR_INTERVAL_MS);
    vi.advanceTimersByTime(BAR_INTERVAL_MS);
    expect(out.writes.at(-1)).toContain(' 2/10');
    p.finish();
  });

  it('prints failures and errors on their own line above the bar', () => {
    const clock = fakeClock();
    const out = fakeStream({ isTTY: true, columns: 120 });
    const p = createProgressReporter({ stream: out.stream, mode: 'bar', now: clock.now });
    p.onProgress(event(1, 10));
    p.onProgress(event(2, 10, { status: 'fail' })); // not throttled: a failure is never lost
    p.onProgress(event(3, 10, { adapter: 'tfjs-cpu', case: 'edge/nan-at', status: 'error' }));
    p.onProgress(event(4, 10, { status: 'xpass' }));
    const lines = screen(out.text());
    expect(lines).toContain('FAIL ts-f32 problems/xlogx float32 replay');
    expect(lines).toContain('ERROR tfjs-cpu edge/nan-at float32 replay');
    expect(lines).toContain('XPASS ts-f32 problems/xlogx float32 replay');
    expect(lines.at(-1)).toContain(' 4/10');
  });

  it('finish clears the bar and prints the elapsed time and failure counts', () => {
    const clock = fakeClock();
    const out = fakeStream({ isTTY: true, columns: 120 });
    const p = createProgressReporter({ stream: out.stream, mode: 'bar', now: clock.now });
    for (let done = 1; done <= 10; done++) {
      clock.advance(8300);
      p.onProgress(event(done, 10, { status: done === 5 ? 'fail' : 'pass' }));
    }
    p.finish();
    p.finish(); // idempotent
    const last = out.writes.at(-1);
    expect(last).toBe('\r\x1b[K10/10 cells in 1:23: 1 failed\n');
    expect(out.writes.filter((w) => w.includes('cells in'))).toHaveLength(1);
    p.onProgress(event(10, 10)); // after finish: ignored
    expect(out.writes.at(-1)).toBe(last);
  });

  it('an interrupted run says where it stopped', () => {
    const clock = fakeClock();
    const out = fakeStream({ isTTY: true, columns: 120 });
    const p = createProgressReporter({ stream: out.stream, mode: 'bar', now: clock.now });
    p.onProgress(event(3, 10));
    clock.advance(5000);
    p.finish();
    expect(screen(out.text()).at(-2)).toBe('stopped after 3/10 cells in 0:05: no failures');
  });

  it('never writes control characters from adapter labels or case keys', () => {
    const out = fakeStream({ isTTY: true, columns: 200 });
    const p = createProgressReporter({ stream: out.stream, mode: 'bar', now: fakeClock().now });
    p.onProgress(event(1, 2, { adapter: 'evil\x1b[2J\nadapter', status: 'fail' }));
    expect(out.text()).not.toContain('\x1b[2J');
    expect(out.text()).toContain('FAIL evil [2J adapter');
  });
});

describe("mode 'lines'", () => {
  it('one line per new adapter, one per failure, a heartbeat every 10 s and a final line; no control characters', () => {
    const clock = fakeClock();
    const out = fakeStream({ isTTY: false });
    const p = createProgressReporter({ stream: out.stream, mode: 'lines', now: clock.now });
    const adapters = ['ts-f32', 'tfjs-cpu', 'ts-f64'];
    for (let done = 1; done <= 60; done++) {
      clock.advance(1000);
      // Interleaved like a worker pool: adapters alternate.
      const adapter = adapters[done % 3];
      const status = done === 7 ? 'fail' : done === 8 ? 'error' : done === 9 ? 'xpass' : done === 10 ? 'xfail' : 'pass';
      p.onProgress(event(done, 60, { adapter, status }));
    }
    p.finish();
    const text = out.text();
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\x1b');
    const lines = text.trimEnd().split('\n');
    expect(lines.filter((l) => /^\[\d+\/60\] [a-z]/.test(l))).toEqual(['[1/60] tfjs-cpu', '[2/60] ts-f64', '[3/60] ts-f32']);
    expect(lines).toContain('FAIL tfjs-cpu problems/xlogx float32 replay');
    expect(lines).toContain('ERROR ts-f64 problems/xlogx float32 replay');
    expect(lines).toContain('XPASS ts-f32 problems/xlogx float32 replay');
    expect(text).not.toContain('XFAIL');
    const heartbeats = lines.filter((l) => / ETA /.test(l));
    expect(heartbeats).toEqual([
      '[10/60] 16% ETA 0:50',
      '[20/60] 33% ETA 0:40',
      '[30/60] 50% ETA 0:30',
      '[40/60] 66% ETA 0:20',
      '[50/60] 83% ETA 0:10',
    ]);
    expect(lines.at(-1)).toBe('60/60 cells in 1:00: 2 failed, 1 error');
  });

  it('no heartbeat when cells come faster than every 10 s in total', () => {
    const clock = fakeClock();
    const out = fakeStream();
    const p = createProgressReporter({ stream: out.stream, mode: 'lines', now: clock.now });
    for (let done = 1; done <= 100; done++) {
      clock.advance(50);
      p.onProgress(event(done, 100));
    }
    p.finish();
    expect(out.text()).toBe('[1/100] ts-f32\n100/100 cells in 0:05: no failures\n');
  });
});

describe("mode 'silent'", () => {
  it('prints nothing', () => {
    const clock = fakeClock();
    const out = fakeStream({ isTTY: true, columns: 80 });
    const p = createProgressReporter({ stream: out.stream, mode: 'silent', now: clock.now });
    for (let done = 1; done <= 20; done++) {
      clock.advance(20_000);
      p.onProgress(event(done, 20, { status: done % 2 ? 'fail' : 'error' }));
    }
    p.finish();
    expect(out.writes).toEqual([]);
  });
});

it('finish without any event prints nothing (the run failed before the first cell)', () => {
  for (const mode of ['bar', 'lines'] as const) {
    const out = fakeStream({ isTTY: true });
    createProgressReporter({ stream: out.stream, mode, now: fakeClock().now }).finish();
    expect(out.writes).toEqual([]);
  }
});

describe('before the first cell ends', () => {
  it('bar: shows what is starting at once and ticks its elapsed time every second until the first cell replaces it', () => {
    vi.useFakeTimers();
    const clock = fakeClock();
    const out = fakeStream({ isTTY: true, columns: 100 });
    const p = createProgressReporter({ stream: out.stream, mode: 'bar', now: clock.now });
    p.begin(['ts-f32', 'tfjs-cpu']);
    expect(screen(out.text()).at(-1)).toBe('probing 2 adapters: ts-f32, tfjs-cpu  0:00');
    clock.advance(3000);
    vi.advanceTimersByTime(3000);
    expect(screen(out.text()).at(-1)).toBe('probing 2 adapters: ts-f32, tfjs-cpu  0:03');
    p.onProgress(event(1, 4));
    const shown = out.writes.length;
    vi.advanceTimersByTime(5000);
    expect(out.writes).toHaveLength(shown); // the ticker stopped
    expect(screen(out.text()).at(-1)).toMatch(/^\[#####-+\] {2}1\/4 +25%/);
    p.finish();
  });

  it('lines: one line saying how many adapters are being probed', () => {
    const out = fakeStream({ isTTY: false });
    const p = createProgressReporter({ stream: out.stream, mode: 'lines', now: fakeClock().now });
    p.begin(['ts-f32']);
    p.onProgress(event(1, 1));
    p.finish();
    expect(out.text()).toBe('probing 1 adapter\n[1/1] ts-f32\n1/1 cells in 0:00: no failures\n');
  });

  it('bar: a run that stops before any cell clears the starting line and leaves nothing behind', () => {
    vi.useFakeTimers();
    const out = fakeStream({ isTTY: true });
    const p = createProgressReporter({ stream: out.stream, mode: 'bar', now: fakeClock().now });
    p.begin(['ts-f32']);
    p.finish();
    const n = out.writes.length;
    vi.advanceTimersByTime(5000);
    expect(out.writes).toHaveLength(n);
    expect(screen(out.text())).toEqual(['']);
  });
});
