// The matrix of cells a run covers, in one canonical order (adapter, case, dtype, mode), and how it
// is split into shards: cell i belongs to shard (i mod n) + 1, so shards are balanced across
// adapters and cases, and merging shards in plan order gives back the unsharded report.

import type { Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import type { CaseSpec } from '../suites/case.js';
import { caseKey } from '../suites/suites.js';
import type { Mode } from './run-cell.js';

export interface PlannedCell {
  /** Position in the unsharded plan: the order cells appear in every report. */
  index: number;
  adapterIndex: number;
  case: CaseSpec;
  caseKey: string;
  dtype: Dtype;
  mode: Mode;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/**
 * One adapter's row of the matrix: the cases and dtypes it runs. Rows differ where an adapter brings
 * its own cases (recorded runs) or where bfloat16/float16 join only the adapters that declare them.
 */
export interface MatrixRow<C> {
  cases: readonly C[];
  dtypes: readonly Dtype[];
}

/**
 * The cells of the rows in plan order (adapter, case, dtype, mode), numbered: the one ordering the
 * runner plans by and `report merge` rebuilds from a report. Closed loop only where `closedLoop` says
 * the case runs on a problem (streams are replayed by definition).
 */
export function matrixCells<C>(
  rows: readonly MatrixRow<C>[],
  modes: readonly Mode[],
  closedLoop: (c: C) => boolean,
): { index: number; adapterIndex: number; case: C; dtype: Dtype; mode: Mode }[] {
  const out: { index: number; adapterIndex: number; case: C; dtype: Dtype; mode: Mode }[] = [];
  rows.forEach((row, adapterIndex) => {
    for (const c of row.cases)
      for (const dtype of row.dtypes)
        for (const mode of modes) {
          if (mode === 'closed-loop' && !closedLoop(c)) continue;
          out.push({ index: out.length, adapterIndex, case: c, dtype, mode });
        }
  });
  return out;
}

/** The plan of a run whose adapters have the given rows. */
export function planCells(rows: readonly MatrixRow<CaseSpec>[], modes: readonly Mode[]): PlannedCell[] {
  return matrixCells(rows, modes, (c) => c.source.kind === 'problem').map((p) => ({ ...p, caseKey: caseKey(p.case) }));
}

/** '2/3' -> { index: 2, count: 3 } */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 1 && index <= count))
    throw new InputError(`--shard '${text}': expected i/n with 1 <= i <= n, e.g. 2/3`);
  return { index, count };
}

export const formatShard = (s: Shard): string => `${s.index}/${s.count}`;

export function inShard(cell: { index: number }, shard: Shard | undefined): boolean {
  return !shard || cell.index % shard.count === shard.index - 1;
}
