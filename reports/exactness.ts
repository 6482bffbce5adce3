// Which compared cells are exact, in the words every report format shares: bit-exact, exact up to
// the op error the claimed profile declares (reference/op-error.ts), or judged by the tolerance alone.

import type { Cell, ConformanceReport } from '../runner/result.js';

/** "exact up to the declared op error (sqrt within 1 ulp (mkl-vml-sqrt))", or null when the cell carries no exactness. */
export function exactnessText(c: Pick<Cell, 'exactness' | 'opErrors'>): string | null {
  switch (c.exactness) {
    case 'bit-exact':
      return 'bit-exact';
    case 'exact-up-to-op-error':
      return `exact up to the declared op error (${c.opErrors ?? 'declared'}), not bit-exact`;
    case 'inexact':
      return 'not bit-exact: judged by the ULP tolerance';
    default:
      return null;
  }
}

/** One line per adapter with compared cells: "ts-f32: 40 bit-exact, 0 exact up to the declared op error, 2 inexact". */
export function exactnessLines(report: ConformanceReport): string[] {
  return (report.verdicts ?? [])
    .filter((v) => v.exactness && v.compared > 0)
    .map((v) => {
      const e = v.exactness!;
      return `${v.adapter}: ${e['bit-exact']} bit-exact, ${e['exact-up-to-op-error']} exact up to the declared op error, ${e.inexact} judged by the tolerance alone (of ${v.compared} compared cells)`;
    });
}
