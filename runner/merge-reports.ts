// Combines the reports of the shards of one run (`conform --shard i/n`) into the report the
// unsharded run would have written: same adapters, cases and cells in plan order, summary recounted.
// Nothing is taken on trust: every shard label must be possible, every cell must belong to the plan of
// the run and to its own shard, and a shard that says it is complete must hold all of its cells.

import type { Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { matrixCells } from './plan.js';
import type { Cell, ConformanceReport } from './result.js';
import type { Mode } from './run-cell.js';
import { adapterVerdicts, summarize } from './summary.js';

export interface NamedReport {
  /** Where the report came from, for messages. */
  source: string;
  report: ConformanceReport;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** 'i/n' with 1 <= i <= n, both integers a run can have had. */
function shardLabel(source: string, label: string | undefined): { index: number; count: number } {
  if (label === undefined) throw new InputError(`report merge: ${source} is not a shard report (it was not run with --shard)`);
  const m = /^(\d{1,9})\/(\d{1,9})$/.exec(label);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 1 && index <= count))
    throw new InputError(`report merge: ${source} has an impossible shard label '${label}' (expected i/n with 1 <= i <= n)`);
  return { index, count };
}

const cellName = (c: Pick<Cell, 'adapter' | 'case' | 'dtype' | 'mode'>) => `${c.adapter} ${c.case} ${c.dtype} ${c.mode}`;

/**
 * The cells of the unsharded run, in plan order: the rows of selection.matrix (each adapter's dtypes
 * and own cases) through runner/plan.ts, as the runner planned them. A report without the matrix (an
 * older harness) had every adapter on every case and dtype.
 */
function plannedCells(report: ConformanceReport): { adapter: string; case: string; dtype: Dtype; mode: Mode }[] {
  const { adapters, dtypes, modes, matrix } = report.selection;
  const owned = new Set((matrix ?? []).flatMap((row) => row.cases ?? []));
  const selected = report.cases.filter((c) => !owned.has(c.key));
  const byKey = new Map(report.cases.map((c) => [c.key, c]));
  const rows = adapters.map((adapter) => {
    const row = matrix?.find((r) => r.adapter === adapter);
    if (matrix && !row) throw new InputError(`report merge: the matrix of the run has no row for adapter ${adapter}`);
    const cases = row?.cases
      ? row.cases.map((key) => {
          const c = byKey.get(key);
          if (!c) throw new InputError(`report merge: adapter ${adapter}'s case ${key} is not among the report's cases`);
          return c;
        })
      : selected;
    return { cases, dtypes: row?.dtypes ?? dtypes };
  });
  return matrixCells(rows, modes, (c) => c.source.startsWith('problem ')).map((p) => ({
    adapter: adapters[p.adapterIndex],
    case: p.case.key,
    dtype: p.dtype,
    mode: p.mode,
  }));
}

/** The recordings replay of the merged run: every shard replayed the same files, so they must agree. */
function mergedRecordings(shards: readonly NamedReport[]): ConformanceReport['recordings'] {
  const [first, ...rest] = shards;
  const withoutTime = (r: ConformanceReport['recordings']) => {
    if (!r) return undefined;
    const { durationMs: _, ...rest } = r;
    return rest;
  };
  const a = withoutTime(first.report.recordings);
  for (const { source, report } of rest) {
    const b = withoutTime(report.recordings);
    if (same(a, b)) continue;
    if (!a || !b)
      throw new InputError(
        `report merge: ${a ? first.source : source} has the recordings replay but ${a ? source : first.source} has none; shards must come from the same command`,
      );
    const file = b.files.find((f, i) => !same(f, a.files[i]))?.file ?? b.files[a.files.length]?.file;
    throw new InputError(
      `report merge: ${source} replayed the recordings with other results than ${first.source}${file ? ` (first at ${file})` : ''}; shards must run the same harness on the same recordings`,
    );
  }
  // One replay stands for the run; its time is the longest shard's (they ran in parallel).
  const durations = shards.map((s) => s.report.recordings?.durationMs ?? 0);
  return first.report.recordings ? { ...first.report.recordings, durationMs: Math.max(...durations) } : undefined;
}

export function mergeReports(shards: readonly NamedReport[]): ConformanceReport {
  if (shards.length === 0) throw new InputError('report merge: give the shard reports to merge');
  const first = shards[0];
  const { count } = shardLabel(first.source, first.report.selection.shard);
  const seen = new Map<number, string>();
  for (const { source, report } of shards) {
    const { index, count: n } = shardLabel(source, report.selection.shard);
    const shard = `${index}/${n}`;
    if (n !== count)
      throw new InputError(`report merge: ${source} is shard ${shard} but ${first.source} is one of ${count} shards`);
    if (seen.has(index)) throw new InputError(`report merge: shard ${shard} given twice (${seen.get(index)} and ${source})`);
    seen.set(index, source);
    const { shard: _a, ...selection } = report.selection;
    const { shard: _b, ...firstSelection } = first.report.selection;
    if (report.formatVersion !== first.report.formatVersion)
      throw new InputError(
        `report merge: ${source} has report format ${String(report.formatVersion)}, ${first.source} has ${String(first.report.formatVersion)}`,
      );
    if (!same(selection, firstSelection))
      throw new InputError(
        `report merge: ${source} selects different adapters, suites, dtypes or modes than ${first.source}; shards must come from the same command`,
      );
    if (
      !same(
        report.cases.map((c) => [c.key, c.source]),
        first.report.cases.map((c) => [c.key, c.source]),
      )
    )
      throw new InputError(`report merge: ${source} has different cases than ${first.source}`);
  }
  if (seen.size < count) {
    // Listed without enumerating all n: a label such as 1/4294967296 names billions of shards.
    const missing: string[] = [];
    for (let i = 1; i <= count && missing.length < 5; i++) if (!seen.has(i)) missing.push(`${i}/${count}`);
    const more = count - seen.size - missing.length;
    throw new InputError(
      `report merge: shard${count - seen.size > 1 ? 's' : ''} ${missing.join(', ')}${more > 0 ? ` and ${more} more` : ''} missing`,
    );
  }

  // Every cell against the plan: it must exist in the run, sit in its own shard, and appear once.
  const plan = plannedCells(first.report);
  const planIndex = new Map(plan.map((c, i) => [cellName(c), i]));
  const found = new Set<number>();
  for (const { source, report } of shards) {
    const { index } = shardLabel(source, report.selection.shard);
    const own = new Set<number>();
    for (const cell of report.cells) {
      const i = planIndex.get(cellName(cell));
      if (i === undefined)
        throw new InputError(`report merge: ${source} has cell ${cellName(cell)}, which is not in the run's plan`);
      if (i % count !== index - 1)
        throw new InputError(
          `report merge: ${source} (shard ${index}/${count}) has cell ${cellName(cell)}, which belongs to shard ${(i % count) + 1}/${count}`,
        );
      if (found.has(i))
        throw new InputError(
          `report merge: cell ${cellName(cell)} appears ${own.has(i) ? `twice in ${source}` : 'in two shards'}`,
        );
      found.add(i);
      own.add(i);
    }
    if (report.complete) {
      const lacking = plan.findIndex((c, i) => i % count === index - 1 && !own.has(i));
      if (lacking >= 0)
        throw new InputError(
          `report merge: ${source} says it is complete but lacks cell ${cellName(plan[lacking])} of its shard`,
        );
    }
  }

  const { shard: _, ...selection } = first.report.selection;
  // Plan order: the order of the unsharded report.
  const cells = shards.flatMap((s) => s.report.cells).sort((a, b) => planIndex.get(cellName(a))! - planIndex.get(cellName(b))!);
  const verdicts = adapterVerdicts(first.report.adapters, cells, false);
  const recordings = mergedRecordings(shards);
  const summary = summarize(cells, verdicts, { required: selection.required ?? [] });
  if (recordings && recordings.moved.length > 0) summary.exitCode = 1; // as in the unsharded run
  const { recordings: _r, ...rest } = first.report;
  return {
    ...rest,
    generatedAt: shards
      .map((s) => s.report.generatedAt)
      .sort()
      .at(-1),
    complete: shards.every((s) => s.report.complete) && cells.length === plan.length,
    selection,
    cells,
    verdicts,
    ...(recordings ? { recordings } : {}),
    summary,
  };
}
