import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../runner/bench/report.js';
import { diffBench, diffConformance } from '../../runner/diff-reports.js';
import { emptySeries } from '../../runner/metrics.js';
import type { Cell, CellStatus } from '../../runner/result.js';

function cell(adapter: string, status: CellStatus, maxUlp = 0): Cell {
  return {
    adapter,
    case: 'edge/random',
    suite: 'edge',
    dtype: 'float32',
    mode: 'replay',
    status,
    durationMs: 1,
    freeRunning: { ...emptySeries(), maxUlp, maxRel: maxUlp * 1e-7 },
  };
}

describe('report diff: conformance', () => {
  it('lists cells newly failing, newly passing, no longer compared, and error growth', () => {
    const base = {
      cells: [cell('a', 'pass', 0), cell('b', 'fail', 9), cell('c', 'pass', 1), cell('d', 'pass', 0), cell('e', 'pass', 0)],
    };
    const head = {
      cells: [cell('a', 'fail', 9), cell('b', 'pass', 1), cell('c', 'pass', 2), cell('d', 'unavailable'), cell('f', 'error')],
    };
    const d = diffConformance(base, head);
    expect(d.newlyFailing.map((c) => [c.key, c.base, c.head])).toEqual([
      ['a edge/random float32 replay', 'pass', 'fail'],
      ['f edge/random float32 replay', null, 'error'],
    ]);
    expect(d.newlyPassing.map((c) => c.key)).toEqual(['b edge/random float32 replay']);
    expect(d.noLongerCompared.map((c) => [c.key, c.head])).toEqual([
      ['d edge/random float32 replay', 'unavailable'],
      ['e edge/random float32 replay', null],
    ]);
    expect(d.errorGrowth.map((g) => [g.key, g.baseMaxUlp, g.headMaxUlp])).toEqual([
      ['a edge/random float32 replay', 0, 9],
      ['c edge/random float32 replay', 1, 2],
    ]);
    expect([d.added, d.removed, d.exitCode]).toEqual([1, 1, 1]);
  });

  it('identical reports differ in nothing and exit 0', () => {
    const r = { cells: [cell('a', 'pass'), cell('b', 'xfail', 5)] };
    expect(diffConformance(r, r)).toMatchObject({
      newlyFailing: [],
      newlyPassing: [],
      noLongerCompared: [],
      errorGrowth: [],
      unchanged: 2,
      exitCode: 0,
    });
  });
});

describe('report diff: bench', () => {
  const bench = (medians: Record<string, number>): Pick<BenchReport, 'results' | 'models'> => ({
    results: Object.entries(medians).map(
      ([target, medianMs]) =>
        ({
          target,
          n: 1000,
          dtype: 'float32',
          status: 'ok',
          stats: { medianMs, rme: 1 },
        }) as unknown as BenchReport['results'][number],
    ),
    models: [],
  });

  it('shows only changes beyond noise, slower first, with the gate verdict as exit code', () => {
    const d = diffBench(bench({ a: 1, b: 1, c: 1, gone: 1 }), bench({ a: 3, b: 1.005, c: 0.2, fresh: 1 }));
    expect(d.significant.map((c) => [c.key, c.verdict])).toEqual([
      ['a float32 n=1000', 'slower'],
      ['c float32 n=1000', 'faster'],
    ]);
    expect([d.same, d.missing, d.added, d.exitCode]).toEqual([1, 1, 1, 1]);
    expect(diffBench(bench({ a: 1 }), bench({ a: 0.5 })).exitCode).toBe(0);
  });
});
