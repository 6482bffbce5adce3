// Adapter faults are contained: a hang (even a synchronous loop), a throw, a crash, NaN, a wrong
// length or a leak fails that adapter's cell with the reason; every other cell is as in a clean run.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runConformance, type ConformanceOptions } from '../../runner/run-conformance.js';
import { mergeReports, type NamedReport } from '../../runner/merge-reports.js';
import { parseShard } from '../../runner/plan.js';
import type { Cell, ConformanceReport } from '../../runner/result.js';

const FAULTY = 'tests/fixtures/adapters/faulty-adapter.mjs';
const faulty = (fault: string, on = 'quad2d') => `module:path=${FAULTY},fault=${fault},on=${on}`;
const base: ConformanceOptions = {
  adapters: [],
  suites: ['problems'],
  cases: ['problems/quad2d', 'problems/linreg'],
  dtypes: ['float64'],
  modes: ['replay'],
};

/** A report without what legitimately changes between runs (time stamps, durations). */
function timeless(r: ConformanceReport) {
  return { ...r, generatedAt: '', cells: r.cells.map(({ durationMs: _, ...c }) => c) };
}
const cellOf = (r: ConformanceReport, adapter: string, kase: string) =>
  r.cells.find((c) => c.adapter === adapter && c.case === kase) as Cell;

describe('adapter faults', () => {
  it('hangs, throws, crashes, NaN, wrong length and leaks fail their own cells; the rest is intact', async () => {
    const faults = ['hang', 'hang-async', 'throw', 'crash', 'nan', 'length', 'leak'];
    const clean = await runConformance({ ...base, adapters: ['ts-f64'] });
    const r = await runConformance({
      ...base,
      adapters: ['ts-f64', ...faults.map((f) => faulty(f))],
      cellTimeoutMs: 5000,
      jobs: 2,
    });
    expect(r.complete).toBe(true);
    const expectations: Record<string, [Cell['status'], RegExp]> = {
      hang: ['error', /cell timed out after 5 s; the worker process was stopped/],
      'hang-async': ['error', /cell timed out after 5 s/],
      throw: ['error', /step exploded on problems\/quad2d/],
      crash: ['error', /the worker process died \(exit code 7\)/],
      nan: ['fail', /./],
      length: ['fail', /./],
      leak: ['fail', /leaked resources: 3 tensors not disposed/],
    };
    for (const f of faults) {
      const cell = cellOf(r, faulty(f), 'problems/quad2d');
      const [status, reason] = expectations[f];
      expect(cell.status, f).toBe(status);
      if (status === 'error' || f === 'leak') expect(cell.reason, f).toMatch(reason);
      // The same adapter's other case is untouched by the fault (and by a worker being replaced).
      expect(cellOf(r, faulty(f), 'problems/linreg').status, f).toBe('pass');
    }
    expect(cellOf(r, faulty('nan'), 'problems/quad2d').freeRunning?.firstDivergence?.kind).toBe('non-finite');
    expect(cellOf(r, faulty('length'), 'problems/quad2d').freeRunning?.firstDivergence?.kind).toBe('length');
    // ts-f64's cells are exactly those of a run without the faulty adapters.
    expect(timeless(r).cells.filter((c) => c.adapter === 'ts-f64')).toEqual(timeless(clean).cells);
    expect(r.summary).toMatchObject({ error: 4, fail: 3, exitCode: 1 });
  }, 90_000);

  it('a probe that hangs or throws is an adapter fault: its cells are errors, not unavailable', async () => {
    const r = await runConformance({
      ...base,
      adapters: ['ts-f64', faulty('probe-hang'), faulty('probe-throw'), faulty('bad-claim')],
      probeTimeoutMs: 4000,
    });
    const hung = r.adapters.find((a) => a.label === faulty('probe-hang'))!;
    expect(hung).toMatchObject({ available: false, probeFailed: true });
    expect(hung.reason).toMatch(/probe timed out after 4 s/);
    expect(r.adapters.find((a) => a.label === faulty('probe-throw'))!.reason).toMatch(/probe failed: probe exploded/);
    expect(r.adapters.find((a) => a.label === faulty('bad-claim'))).toMatchObject({
      probeFailed: true,
      reason: expect.stringMatching(/unknown profile 'torchh' \(did you mean 'torch'\?\)/),
    });
    for (const c of r.cells.filter((x) => x.adapter !== 'ts-f64')) expect(c.status).toBe('error');
    expect(r.cells.filter((c) => c.adapter === 'ts-f64').every((c) => c.status === 'pass')).toBe(true);
  }, 60_000);

  it('aborting stops at once, also inside a hung cell, and the report says it is incomplete', async () => {
    // No wall-clock bound: the hung cell's own timeout is 600 s, so only a prompt abort finishes within the test's timeout.
    const controller = new AbortController();
    const started = join(mkdtempSync(join(tmpdir(), 'abort-')), 'started');
    const run = runConformance({
      ...base,
      adapters: ['ts-f64', `${faulty('hang')},started=${started}`],
      cellTimeoutMs: 600_000,
      signal: controller.signal,
      jobs: 1,
    });
    // Abort once the hung step has begun (the fixture writes the file as it enters the loop).
    await vi.waitFor(() => expect(existsSync(started)).toBe(true), { timeout: 50_000, interval: 20 });
    controller.abort();
    const r = await run;
    expect(r.complete).toBe(false);
    expect(r.cells.length).toBeGreaterThanOrEqual(2);
    expect(r.cells.every((c) => c.status !== 'error')).toBe(true); // the interrupted cell is left out, not failed
  }, 60_000);

  it('in-process runs stop at the abort too: queued cells are not run one after another', async () => {
    const controller = new AbortController();
    const r = await runConformance({
      ...base,
      adapters: ['ts-f64', 'ts-f32'],
      suites: ['problems', 'edge'],
      cases: ['problems/*', 'edge/*'],
      dtypes: ['float32', 'float64'],
      isolation: 'in-process',
      signal: controller.signal,
      onProgress: (e) => (e.done === 3 ? controller.abort() : undefined),
    });
    expect(r.complete).toBe(false);
    expect(r.cells.length).toBe(3);
  }, 60_000);
});

describe('parallel and sharded runs', () => {
  const options: ConformanceOptions = {
    adapters: ['ts-f64', 'ts-f32', 'ts-f32:profile=keras', 'wasm-simd'],
    suites: ['problems', 'edge'],
    cases: ['problems/quad2d', 'problems/rosenbrock', 'edge/*'],
  };

  it('3 shards merged equal the unsharded run, and 1 worker equals 2 (ignoring timings)', async () => {
    const whole = await runConformance({ ...options, jobs: 2 });
    const serial = await runConformance({ ...options, jobs: 1 });
    expect(timeless(serial)).toEqual({ ...timeless(whole), environment: serial.environment });
    const shards: NamedReport[] = [];
    for (const i of [3, 1, 2])
      shards.push({ source: `shard ${i}`, report: await runConformance({ ...options, shard: parseShard(`${i}/3`) }) });
    for (const s of shards) expect(s.report.cells.length).toBeLessThan(whole.cells.length);
    const merged = mergeReports(shards);
    expect(timeless(merged)).toEqual({ ...timeless(whole), environment: merged.environment });
    expect(merged.selection.shard).toBeUndefined();
    expect(() => mergeReports(shards.slice(0, 2))).toThrow(/shard 2\/3 missing/);
    expect(() => mergeReports([...shards, shards[0]])).toThrow(/given twice/);
    expect(() => mergeReports([{ source: 'whole', report: whole }])).toThrow(/not a shard report/);
  }, 120_000);

  it('parses shards strictly', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1', '1/2/3', '-1/2']) expect(() => parseShard(bad)).toThrow(/expected i\/n/);
  });
});
