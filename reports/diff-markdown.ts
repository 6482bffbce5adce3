// `report diff` as Markdown: readable in a terminal, and pasted as is into a PR comment or
// $GITHUB_STEP_SUMMARY. Lists are capped so a large regression stays readable.

import { formatChange, formatTiming } from '../runner/number-format.js';
import type { BenchDiff, CellChange, ConformanceDiff } from '../runner/diff-reports.js';
import { formatUlps } from '../runner/ulp.js';

const LIMIT = 50;

function capped<T>(items: readonly T[], line: (x: T) => string): string[] {
  const out = items.slice(0, LIMIT).map((x) => `- ${line(x)}`);
  if (items.length > LIMIT) out.push(`- ... and ${items.length - LIMIT} more`);
  return out;
}

const change = (c: CellChange) =>
  `\`${c.key}\`: ${c.base ?? 'absent'} → ${c.head ?? 'absent'}${c.reason ? ` (${c.reason.split('\n')[0]})` : ''}`;

export function renderConformanceDiff(d: ConformanceDiff, names: { base: string; head: string }): string {
  const lines = [`## Conformance: ${names.base} → ${names.head}`, ''];
  lines.push(
    d.newlyFailing.length > 0
      ? `❌ ${d.newlyFailing.length} cell${d.newlyFailing.length === 1 ? '' : 's'} newly failing`
      : '✅ no cell newly failing',
    '',
    `${d.newlyPassing.length} newly passing, ${d.noLongerCompared.length} no longer compared, ${d.errorGrowth.length} with a larger error, ${d.unchanged} unchanged, ${d.added} added, ${d.removed} removed.`,
  );
  const section = (title: string, body: string[]) => {
    if (body.length > 0) lines.push('', `### ${title}`, '', ...body);
  };
  section('Newly failing', capped(d.newlyFailing, change));
  section('Newly passing', capped(d.newlyPassing, change));
  section('No longer compared', capped(d.noLongerCompared, change));
  section(
    'Error growth (largest ULP error of the free-running trajectory)',
    capped(
      d.errorGrowth,
      (g) =>
        `\`${g.key}\`: ${formatUlps(g.baseMaxUlp)} → ${formatUlps(g.headMaxUlp)} ulps (max rel ${g.baseMaxRel.toExponential(2)} → ${g.headMaxRel.toExponential(2)})`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

export function renderBenchDiff(d: BenchDiff, names: { base: string; head: string }): string {
  const slower = d.significant.filter((c) => c.verdict === 'slower').length;
  const lines = [`## Benchmark: ${names.base} → ${names.head}`, ''];
  lines.push(
    slower > 0
      ? `❌ ${slower} entr${slower === 1 ? 'y' : 'ies'} slower beyond both margins of error`
      : '✅ no entry slower beyond both margins of error',
    '',
    `${d.significant.length - slower} faster, ${d.same} within noise, ${d.missing} only in the base, ${d.added} only in the head.`,
  );
  if (d.significant.length > 0) {
    lines.push('', '| verdict | entry | base | head | change |', '|---|---|---:|---:|---:|');
    for (const c of d.significant.slice(0, LIMIT)) {
      const t = (x?: { medianMs: number; rme: number }) => formatTiming(x);
      lines.push(
        `| ${c.verdict} | \`${c.key}\` | ${t(c.baseline)} | ${t(c.current)} | ${c.ratio !== undefined ? formatChange(c.ratio) : '-'} |`,
      );
    }
    if (d.significant.length > LIMIT) lines.push('', `... and ${d.significant.length - LIMIT} more`);
  }
  return `${lines.join('\n')}\n`;
}
