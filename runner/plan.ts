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

export function planCells(
  adapterCount: number,
  cases: readonly CaseSpec[],
  dtypes: readonly Dtype[],
  modes: readonly Mode[],
): PlannedCell[] {
  const plan: PlannedCell[] = [];
  for (let adapterIndex = 0; adapterIndex < adapterCount; adapterIndex++) {
    for (const c of cases)
      for (const dtype of dtypes)
        for (const mode of modes) {
          if (mode === 'closed-loop' && c.source.kind !== 'problem') continue; // streams are replayed by definition
          plan.push({ index: plan.length, adapterIndex, case: c, caseKey: caseKey(c), dtype, mode });
        }
  }
  return plan;
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

/** Sort key that puts cells of any report (sharded or not) back in plan order. */
export function planOrder(
  adapters: readonly string[],
  cases: readonly string[],
  dtypes: readonly Dtype[],
  modes: readonly Mode[],
) {
  const rank = (list: readonly string[], value: string) => {
    const i = list.indexOf(value);
    return i < 0 ? list.length : i;
  };
  return (cell: { adapter: string; case: string; dtype: Dtype; mode: Mode }): number[] => [
    rank(adapters, cell.adapter),
    rank(cases, cell.case),
    rank(dtypes, cell.dtype),
    rank(modes, cell.mode),
  ];
}

export function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
