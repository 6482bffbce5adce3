// Combines the reports of the shards of one run (`conform --shard i/n`) into the report the
// unsharded run would have written: same adapters, cases and cells in plan order, summary recounted.

import { InputError } from '../reference/errors.js';
import { compareKeys, planOrder } from './plan.js';
import type { ConformanceReport } from './result.js';
import { summarize } from './summary.js';

export interface NamedReport {
  /** Where the report came from, for messages. */
  source: string;
  report: ConformanceReport;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function mergeReports(shards: readonly NamedReport[]): ConformanceReport {
  if (shards.length === 0) throw new InputError('report merge: give the shard reports to merge');
  const first = shards[0]!;
  const count = Number(first.report.selection.shard?.split('/')[1]);
  const seen = new Map<number, string>();
  for (const { source, report } of shards) {
    const shard = report.selection.shard;
    if (!shard) throw new InputError(`report merge: ${source} is not a shard report (it was not run with --shard)`);
    const [index, n] = shard.split('/').map(Number) as [number, number];
    if (n !== count) throw new InputError(`report merge: ${source} is shard ${shard} but ${first.source} is one of ${count} shards`);
    if (seen.has(index)) throw new InputError(`report merge: shard ${shard} given twice (${seen.get(index)} and ${source})`);
    seen.set(index, source);
    const { shard: _a, ...selection } = report.selection;
    const { shard: _b, ...firstSelection } = first.report.selection;
    if (report.formatVersion !== first.report.formatVersion) throw new InputError(`report merge: ${source} has report format ${report.formatVersion}, ${first.source} has ${first.report.formatVersion}`);
    if (!same(selection, firstSelection)) throw new InputError(`report merge: ${source} selects different adapters, suites, dtypes or modes than ${first.source}; shards must come from the same command`);
    if (!same(report.cases.map((c) => c.key), first.report.cases.map((c) => c.key))) throw new InputError(`report merge: ${source} has different cases than ${first.source}`);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new InputError(`report merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);

  const { shard: _, ...selection } = first.report.selection;
  const key = planOrder(selection.adapters, first.report.cases.map((c) => c.key), selection.dtypes, selection.modes);
  const cells = shards.flatMap((s) => s.report.cells).sort((a, b) => compareKeys(key(a), key(b)));
  for (let i = 1; i < cells.length; i++) {
    if (compareKeys(key(cells[i - 1]!), key(cells[i]!)) === 0) {
      const c = cells[i]!;
      throw new InputError(`report merge: cell ${c.adapter} ${c.case} ${c.dtype} ${c.mode} appears in two shards`);
    }
  }
  return {
    ...first.report,
    generatedAt: shards.map((s) => s.report.generatedAt).sort().at(-1)!,
    complete: shards.every((s) => s.report.complete),
    selection,
    cells,
    summary: summarize(cells, { required: selection.required ?? [] }),
  };
}
