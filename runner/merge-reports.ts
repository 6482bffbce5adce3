// Combines the reports of the shards of one run (`conform --shard i/n`) into the report the
// unsharded run would have written: same adapters, cases and cells in plan order, summary recounted.
// Nothing is taken on trust: every shard label must be possible, every cell must belong to the plan of
// the run and to its own shard, and a shard that says it is complete must hold all of its cells.

import type { Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { compareKeys, planOrder } from './plan.js';
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

/** The cells of the unsharded run, in plan order (closed loop only for cases on a problem, as runner/plan.ts). */
function plannedCells(report: ConformanceReport): { adapter: string; case: string; dtype: Dtype; mode: Mode }[] {
  const out: { adapter: string; case: string; dtype: Dtype; mode: Mode }[] = [];
  for (const adapter of report.selection.adapters)
    for (const c of report.cases)
      for (const dtype of report.selection.dtypes)
        for (const mode of report.selection.modes) {
          if (mode === 'closed-loop' && !c.source.startsWith('problem ')) continue;
          out.push({ adapter, case: c.key, dtype, mode });
        }
  return out;
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
  const key = planOrder(
    selection.adapters,
    first.report.cases.map((c) => c.key),
    selection.dtypes,
    selection.modes,
  );
  const cells = shards.flatMap((s) => s.report.cells).sort((a, b) => compareKeys(key(a), key(b)));
  const verdicts = adapterVerdicts(first.report.adapters, cells, false);
  return {
    ...first.report,
    generatedAt: shards
      .map((s) => s.report.generatedAt)
      .sort()
      .at(-1),
    complete: shards.every((s) => s.report.complete) && cells.length === plan.length,
    selection,
    cells,
    verdicts,
    summary: summarize(cells, verdicts, { required: selection.required ?? [] }),
  };
}
