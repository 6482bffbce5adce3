// A user's module adapter declares and runs bfloat16/float16: the values travel as the exact doubles
// of the 16-bit values (as for ts-bf16 and the external protocol), the dtypes it cannot step are
// skipped with its own reason, and a dtype the harness does not know makes it unavailable, as data.
import { describe, expect, it } from 'vitest';
import { roundToBfloat16, roundToFloat16 } from '../../reference/low-precision.js';
import type { ConformanceReport } from '../../runner/result.js';
import { runConformance } from '../../runner/run-conformance.js';

const MODULE = 'module:path=tests/fixtures/adapters/low-precision-module.mjs';
const RUN = { suites: ['problems'], cases: ['problems/quad2d'], modes: ['replay'], isolation: 'in-process' } as const;

interface Seen {
  case: string;
  dtype: string;
  x0: number[];
  grads: number[][];
}
const seen = () => (globalThis as { lowPrecisionModuleSeen?: Seen[] }).lowPrecisionModuleSeen ?? [];
const cellsOf = (r: ConformanceReport, adapter: string) =>
  r.cells.filter((c) => c.adapter === adapter).map((c) => [c.dtype, c.status, c.reason ?? null, c.freeRunning?.maxUlp ?? null]);

describe('a module adapter in bfloat16 and float16', () => {
  it('runs the bfloat16/float16 cells it declares, gets the 16-bit values as exact doubles, and matches the built-in ts-bf16/ts-f16', async () => {
    const report = await runConformance({ ...RUN, adapters: [MODULE, 'ts-bf16', 'ts-f16'] });
    // No dtypes asked: float32/float64 for every adapter, each declared low precision dtype for its adapter.
    expect(report.selection.matrix?.[0]).toEqual({ adapter: MODULE, dtypes: ['float32', 'float64', 'bfloat16', 'float16'] });
    const reason = 'my-half does not support float32: my kernels are half precision only';
    const mine = cellsOf(report, MODULE);
    expect(mine.map((c) => c.slice(0, 3))).toEqual([
      ['float32', 'skip', reason],
      ['float64', 'skip', reason.replace('float32', 'float64')],
      ['bfloat16', 'pass', null],
      ['float16', 'pass', null],
    ]);
    // The same numbers as the built-in adapters it wraps: the module path loses nothing.
    expect(mine.slice(2)).toEqual([...cellsOf(report, 'ts-bf16').slice(2), ...cellsOf(report, 'ts-f16').slice(2)]);
    expect(report.verdicts[0]).toMatchObject({ verdict: 'pass', compared: 2 });

    // By hand: x0 (-5, -2) is exact in both. The first gradient of quad2d, (0.1*2*x1, 4*x2), in the dtype:
    // bfloat16: 0.1 -> 0.10009765625 (8 significant bits), *2 = 0.2001953125, *-5 = -1.0009765625 = -(1 + 2^-10),
    //   below half a bfloat16 ulp at 1 (2^-8) above -1: -1; 4*-2 = -8.
    // float16: 0.1 -> 0.0999755859375 (614.4/1024*2^-3 -> 614), *2 = 0.199951171875, *-5 = -0.999755859375
    //   = -(1 - 2^-12), halfway between -(1 - 2^-11) and -1: ties to even, -1; 4*-2 = -8.
    const byDtype = Object.fromEntries(seen().map((s) => [s.dtype, s]));
    for (const dtype of ['bfloat16', 'float16']) {
      expect(byDtype[dtype].x0).toEqual([-5, -2]);
      expect(byDtype[dtype].grads[0]).toEqual([-1, -8]);
      const round = dtype === 'bfloat16' ? roundToBfloat16 : roundToFloat16;
      for (const g of byDtype[dtype].grads) for (const x of g) expect(round(x), `${dtype} value ${x}`).toBe(x);
    }
    expect(roundToBfloat16(0.1)).toBe(0.10009765625);
    expect(roundToFloat16(0.1)).toBe(0.0999755859375);
  }, 60_000);

  it('a module declaring a dtype the harness does not know is unavailable with the reason, not a crash', async () => {
    const report = await runConformance({ ...RUN, adapters: [`${MODULE},declare=float8`], dtypes: ['bfloat16'] });
    expect(report.adapters[0]).toMatchObject({ available: false, reason: expect.stringMatching(/adapter info .*dtypes/) });
    expect(report.cells.map((c) => c.status)).toEqual(['unavailable']);
  }, 60_000);
});
