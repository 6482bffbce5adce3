// Cells are isolated from each other: an adapter that attacks the harness (mutates the arrays it is
// given, reuses one buffer, patches Math, throws a hostile Proxy) changes nothing for any other
// adapter, in worker processes and in-process alike.
import { describe, expect, it } from 'vitest';
import { runConformance, type ConformanceOptions } from '../../runner/run-conformance.js';
import type { Cell, ConformanceReport } from '../../runner/result.js';
import { describeThrown } from '../../runner/guarded-adapter.js';
import { IntrinsicsGuard } from '../../runner/intrinsics-guard.js';

const HOSTILE = 'tests/fixtures/adapters/hostile-adapter.mjs';
const hostile = (fault: string) => `module:path=${HOSTILE},fault=${fault}`;
const base: ConformanceOptions = {
  adapters: [],
  suites: ['problems', 'edge'],
  cases: ['problems/quad2d', 'problems/linreg', 'edge/random'],
  dtypes: ['float64'],
  modes: ['replay'],
};

const timeless = (cells: Cell[]) => cells.map(({ durationMs: _, ...c }) => c);
const cellsOf = (r: ConformanceReport, adapter: string) => r.cells.filter((c) => c.adapter === adapter);

describe('cells isolated from each other', () => {
  it('an adapter that writes NaN into the x0, gradient and state arrays it is given changes no other cell (in-process, sharing the reference arrays)', async () => {
    const clean = await runConformance({ ...base, adapters: ['ts-f64'], isolation: 'in-process' });
    const r = await runConformance({ ...base, adapters: [hostile('mutate'), 'ts-f64'], isolation: 'in-process' });
    expect(timeless(cellsOf(r, 'ts-f64'))).toEqual(timeless(clean.cells));
    // It only spoiled its own copies: its own cells are measured against the intact reference.
    for (const c of cellsOf(r, hostile('mutate'))) expect(c.status, c.reason).toBe('pass');
  }, 60_000);

  it('an adapter whose read() returns the same buffer every step is measured step by step (its profile distances are those of ts-f64)', async () => {
    const r = await runConformance({ ...base, adapters: ['ts-f64', hostile('same-buffer')], isolation: 'in-process' });
    const reference = cellsOf(r, 'ts-f64');
    const reused = cellsOf(r, hostile('same-buffer'));
    expect(reused.length).toBe(reference.length);
    reused.forEach((c, i) => {
      expect(c.status).toBe('pass');
      expect(c.profiles).toEqual(reference[i].profiles);
      expect(c.finalLoss).toEqual(reference[i].finalLoss);
    });
  }, 60_000);

  for (const isolation of ['process', 'in-process'] as const) {
    it(`a module that replaces Math.sqrt and Math.fround when loaded fails its own cells and changes nothing for the built-in adapters (${isolation})`, async () => {
      const clean = await runConformance({ ...base, adapters: ['ts-f64'], isolation, jobs: 1 });
      const r = await runConformance({ ...base, adapters: [hostile('patch-math'), 'ts-f64'], isolation, jobs: 1 });
      expect(timeless(cellsOf(r, 'ts-f64'))).toEqual(timeless(clean.cells));
      const patched = r.adapters.find((a) => a.label === hostile('patch-math'))!;
      expect(patched).toMatchObject({ available: false, probeFailed: true });
      expect(patched.reason).toMatch(/replaced the built-in Math\.fround, Math\.sqrt;/);
      for (const c of cellsOf(r, hostile('patch-math'))) expect(c.status).toBe('error');
      expect(Math.sqrt(2)).toBe(1.4142135623730951); // put back in this process too
    }, 90_000);
  }

  it('under --isolation in-process, an adapter throwing a Proxy whose every trap throws fails its cells; the run completes', async () => {
    const r = await runConformance({ ...base, adapters: [hostile('proxy-throw'), 'ts-f64'], isolation: 'in-process' });
    expect(r.complete).toBe(true);
    for (const c of cellsOf(r, hostile('proxy-throw'))) {
      expect(c.status).toBe('error');
      expect(c.reason).toMatch(/threw an object that cannot be inspected/);
    }
    for (const c of cellsOf(r, 'ts-f64')) expect(c.status).toBe('pass');
  }, 60_000);

  it('describes anything thrown without trusting it', () => {
    const trap = () => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, has: trap });
    expect(describeThrown(proxy)).toBe('threw an object that cannot be inspected (its properties throw when read)');
    expect(describeThrown(new TypeError('bad\nthing'))).toBe('TypeError: bad thing');
    expect(describeThrown('plain')).toBe('threw plain');
    expect(describeThrown({ code: 3 })).toBe('threw {"code":3}');
  });

  it('the intrinsics guard names and restores a replaced or deleted built-in', () => {
    const guard = new IntrinsicsGuard();
    const sqrt = Math.sqrt;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only the built-in's identity is compared; it is never called.
    const from = Float64Array.from;
    Math.sqrt = () => 0;
    delete (Object.getPrototypeOf(Float64Array) as { from?: unknown }).from;
    expect(guard.restore()).toEqual(expect.arrayContaining(['Math.sqrt', 'TypedArray.from']));
    expect(Math.sqrt).toBe(sqrt);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only the built-in's identity is compared; it is never called.
    expect(Float64Array.from).toBe(from);
    expect(guard.restore()).toEqual([]);
  });
});
