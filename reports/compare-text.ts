// `rmsprop-harness compare` as text: where the two implementations part, by how much, why (the
// axes whose flips close the gap), and what each calls the same hyperparameter.
import type { CompareResult } from '../runner/compare/run-compare.js';
import { formatGap, formatInDtype } from '../runner/number-format.js';
import type { Comparison } from '../runner/result.js';

const pct = (x: number) => (x >= 0.9995 && x < 1 ? '>99.9%' : `${(x * 100).toFixed(x > 0 && x < 0.001 ? 4 : 1)}%`);

/** A few steps of the gap: the first ones, then evenly spaced, and the last. */
function gapSamples(c: Comparison, count = 8): string {
  const s = c.gapOverSteps;
  if (s.length <= count) return s.map((x) => `${x.step}: ${formatGap(x.gap)}`).join(', ');
  const picks = new Set<number>([0, 1, 2]);
  for (let k = 1; k < count - 3; k++) picks.add(Math.round((k * (s.length - 1)) / (count - 3)));
  picks.add(s.length - 1);
  return [...picks]
    .sort((x, y) => x - y)
    .map((i) => `${s[i].step}: ${formatGap(s[i].gap)}`)
    .join(', ');
}

export function renderComparisonText(c: Comparison): string[] {
  const lines: string[] = [];
  const value = (v: number) => `${v.toFixed(4)} (${formatInDtype(v, c.dtype)})`;
  lines.push(`${c.a} vs ${c.b}, ${c.dtype}: ${c.inputs}`);
  const width = Math.max(c.a.length, c.b.length);
  if (c.firstStep.a.length > 0) {
    lines.push('  after step 1:');
    lines.push(`    ${c.a.padEnd(width)}  ${c.firstStep.a.map(value).join(', ')}`);
    lines.push(`    ${c.b.padEnd(width)}  ${c.firstStep.b.map(value).join(', ')}`);
  }
  lines.push(`  first divergent step: ${c.firstDivergentStep ?? 'none (bit-identical at every step)'}`);
  lines.push(`  gap max|A-B| over the params by step: ${gapSamples(c)}`);
  lines.push(
    `  final gap: params ${formatGap(c.finalParamGap)}${c.finalLossGap === null ? '' : `, loss ${formatGap(c.finalLossGap)}`}`,
  );
  if (c.axes.length > 0) {
    lines.push('  axes on which they differ (flipped in A towards B one at a time):');
    const axisWidth = Math.max(...c.axes.map((x) => x.axis.length));
    const valueWidth = Math.max(...c.axes.map((x) => `${x.a} -> ${x.b}`.length));
    for (const x of c.axes) {
      const effect =
        x.closes === 0 && x.alone === 0
          ? 'no effect on these inputs'
          : `closes ${pct(x.closes)} of the gap; alone it leaves ${formatGap(x.alone)}`;
      lines.push(
        `    ${x.responsible ? '*' : ' '} ${x.axis.padEnd(axisWidth)}  ${`${x.a} -> ${x.b}`.padEnd(valueWidth)}  ${effect}${x.rank !== null ? `  [flip ${x.rank}: gap left ${formatGap(x.gapAfter)}]` : ''}`,
      );
    }
  }
  lines.push(
    `  responsible: ${c.responsible.length > 0 ? c.responsible.join(', ') : c.firstDivergentStep === null ? 'nothing (they agree)' : 'no single axis (see the table)'}`,
  );
  const named = c.names.filter((n) => n.a !== n.b);
  if (named.length > 0) {
    lines.push(`  names (${c.a} / ${c.b}):`);
    for (const n of named) lines.push(`    ${n.hyperparameter}: ${n.a ?? '(none)'} / ${n.b ?? '(none)'}`);
  }
  return lines;
}

export function renderCompareText(r: CompareResult): string {
  const out: string[] = [];
  for (const c of r.comparisons) out.push(...renderComparisonText(c), '');
  if (r.traps.length > 0) out.push('naming traps:', ...r.traps.map((t) => `  ${t}`), '');
  for (const n of r.notes) out.push(`note: ${n}`);
  out.push(`* responsible: ${r.rule}.`);
  return `${out.join('\n')}\n`;
}
