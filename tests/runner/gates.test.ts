import { describe, expect, it } from 'vitest';
import { InputError } from '../../reference/errors.js';
import type { Cell } from '../../runner/result.js';
import { runConformance } from '../../runner/run-conformance.js';
import { notCompared, summarize } from '../../runner/summary.js';

const base = {
  suites: ['edge'],
  cases: ['edge/random'],
  dtypes: ['float64' as const],
  modes: ['replay' as const],
  isolation: 'in-process' as const,
};

describe('honest gates', () => {
  it('a required adapter that is unavailable fails the run, and the report says it was not compared and why', async () => {
    const report = await runConformance({ ...base, adapters: ['ts-f64', 'tfjs-node'], require: ['tfjs-node'] });
    const node = report.adapters.find((a) => a.label === 'tfjs-node')!;
    expect(node.available, 'this test needs tfjs-node to be unavailable, as it is without libtensorflow').toBe(false);
    expect(report.selection.required).toEqual(['tfjs-node']);
    expect(report.summary.exitCode).toBe(1);
    expect(notCompared(report)).toEqual([{ label: 'tfjs-node', required: true, reason: `unavailable: ${node.reason}` }]);
  });

  it('without --require the same run passes but still lists the adapter as not compared', async () => {
    const report = await runConformance({ ...base, adapters: ['ts-f64', 'tfjs-node'] });
    expect(report.summary.exitCode).toBe(0);
    expect(notCompared(report).map((m) => [m.label, m.required])).toEqual([['tfjs-node', false]]);
  });

  it('a required adapter that is compared passes; one that is not in the run is bad input', async () => {
    const report = await runConformance({ ...base, adapters: ['ts-f64'], require: ['ts-f64'] });
    expect(report.summary.exitCode).toBe(0);
    await expect(runConformance({ ...base, adapters: ['ts-f64'], require: ['tfjs-cpu'] })).rejects.toThrow(InputError);
    await expect(runConformance({ ...base, adapters: ['ts-f64'], require: ['tfjs-cpu'] })).rejects.toThrow(
      /require: 'tfjs-cpu' is not among the adapters of this run \(ts-f64\)/,
    );
  });

  it('an interrupted run says exit code 130 whatever its cells say', () => {
    const cell = { adapter: 'a', case: 'edge/random', suite: 'edge', dtype: 'float64', mode: 'replay', status: 'pass' } as Cell;
    expect(summarize([cell]).exitCode).toBe(0);
    expect(summarize([cell], [], { complete: false }).exitCode).toBe(130);
    expect(summarize([{ ...cell, status: 'error' }], [], { required: ['a'] }).exitCode).toBe(1);
    expect(summarize([{ ...cell, status: 'skip' }], [], { required: ['a'] }).exitCode).toBe(1);
    expect(summarize([cell], [], { required: ['b'] }).exitCode, 'b has its cells in another shard').toBe(0);
  });
});
