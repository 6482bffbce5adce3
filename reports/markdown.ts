// The Markdown summary: readable in a CI log, a pull request or $GITHUB_STEP_SUMMARY.
import { exactnessLines } from './exactness.js';
import { RECORDINGS_INTRO, recordingsHeader, recordingsLine, recordingsRows } from './recordings-table.js';
import type { Cell, CellStatus, ConformanceReport } from '../runner/result.js';
import { formatGap, formatUlps } from '../runner/number-format.js';
import { describeDivergence, describeWorst } from './text.js';

const SYMBOL: Record<CellStatus, string> = {
  pass: '✅',
  fail: '❌',
  xfail: '🟡',
  xpass: '❗',
  error: '💥',
  skip: '➖',
  unavailable: '⛔',
};

/** Markdown table cells must not break the table or inject markup. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\|`*_<>[\]]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function counts(cells: Cell[]): string {
  const order: CellStatus[] = ['pass', 'fail', 'xfail', 'xpass', 'error', 'skip', 'unavailable'];
  return order
    .map((s) => [s, cells.filter((c) => c.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}

const DTYPE_SHORT: Readonly<Record<string, string>> = { float32: 'f32', float64: 'f64', bfloat16: 'bf16', float16: 'f16' };

function matrix(report: ConformanceReport): string[] {
  const labels = report.adapters.map((a) => a.label);
  const lines = [`| case | ${labels.map((l) => escapeMarkdown(l)).join(' | ')} |`, `|---|${labels.map(() => '---').join('|')}|`];
  for (const k of report.cases) {
    const row = labels.map((label) => {
      const cells = report.cells.filter((c) => c.adapter === label && c.case === k.key);
      return report.selection.dtypes
        .map((d) => {
          const marks = cells
            .filter((c) => c.dtype === d)
            .map((c) => SYMBOL[c.status])
            .join('');
          return marks ? `${DTYPE_SHORT[d]} ${marks}` : '';
        })
        .filter((s) => s !== '')
        .join(' · ');
    });
    lines.push(`| ${escapeMarkdown(k.key)} | ${row.join(' | ')} |`);
  }
  return lines;
}

function reasons(report: ConformanceReport): string[] {
  const grouped = new Map<string, number>();
  for (const c of report.cells) {
    if (c.status !== 'skip' && c.status !== 'unavailable') continue;
    const key = `${c.adapter}: ${c.status} — ${c.reason ?? ''}`;
    grouped.set(key, (grouped.get(key) ?? 0) + 1);
  }
  return [...grouped].map(([k, n]) => `- ${escapeMarkdown(k)} (${n} cell${n === 1 ? '' : 's'})`);
}

function profileMatches(report: ConformanceReport): string[] {
  const lines: string[] = [];
  for (const a of report.adapters) {
    const cells = report.cells.filter((c) => c.adapter === a.label && c.profiles && c.profiles.length > 0);
    if (cells.length === 0) continue;
    const tally = new Map<string, { within: number; total: number; worst: number }>();
    for (const c of cells) {
      for (const p of c.profiles!) {
        const t = tally.get(p.profile) ?? { within: 0, total: 0, worst: 0 };
        t.total++;
        if (p.firstDivergentStep === null) t.within++;
        t.worst = Math.max(t.worst, p.maxUlp);
        tally.set(p.profile, t);
      }
    }
    const ranked = [...tally].sort((x, y) => y[1].within / y[1].total - x[1].within / x[1].total || x[1].worst - y[1].worst);
    // The claimed profile is the one the expected trajectory used (written by the runner on each cell).
    const claimed = cells.find((c) => c.expectedProfile)?.expectedProfile?.split(' ')[0];
    lines.push(`**${escapeMarkdown(a.label)}** (claims ${escapeMarkdown(a.claims)}):`);
    for (const [profile, t] of ranked.slice(0, 4)) {
      const pair =
        claimed && claimed !== profile
          ? report.differences?.matrix.find((m) => (m.a === claimed && m.b === profile) || (m.a === profile && m.b === claimed))
          : undefined;
      const diff = pair && pair.responsible.length > 0 ? `; differs from ${claimed} by ${pair.responsible.join(', ')}` : '';
      lines.push(
        `- ${profile}: within tolerance on ${t.within}/${t.total} cells, worst ${formatUlps(t.worst)} ulps${escapeMarkdown(diff)}`,
      );
    }
  }
  return lines;
}

function verdictLines(report: ConformanceReport): string[] {
  const symbol = { pass: '✅', fail: '❌', error: '💥', unavailable: '⛔', undecided: '➖' } as const;
  return [
    '| adapter | verdict | max ULP | ULPs at scale | worst element |',
    '|---|---|---|---|---|',
    ...(report.verdicts ?? []).map(
      (v) =>
        `| ${escapeMarkdown(v.adapter)} | ${symbol[v.verdict]} ${escapeMarkdown(v.reason)} | ${formatUlps(v.maxUlp)} | ${formatUlps(v.maxUlpAtScale)} | ${!v.worst ? '-' : v.worst.abs === 0 && v.worst.ulps === 0 ? 'exact everywhere' : escapeMarkdown(`${v.worst.case} [${v.worst.dtype}, ${v.worst.mode}]: ${describeWorst(v.worst)}`)} |`,
    ),
  ];
}

/** A code span (names are identifiers; a backtick or bar is dropped rather than escaped: escapes show literally in code). */
const code = (s: string) => `\`${s.replace(/[`|\r\n]/g, '')}\``;

/** How the frameworks differ: the naming table with its traps, then every pair of profiles (folded). */
function differenceLines(report: ConformanceReport): string[] {
  const d = report.differences;
  if (!d) return [];
  const hps = d.naming.map((r) => r.hyperparameter);
  const out = [
    '## How the frameworks differ',
    '',
    escapeMarkdown(d.rule),
    '',
    '### What each framework calls each hyperparameter',
    '',
    `| profile | ${hps.map((h) => `${escapeMarkdown(h)}${d.naming.find((r) => r.hyperparameter === h)!.traps.length > 0 ? ' ⚠' : ''}`).join(' | ')} |`,
    `|---|${hps.map(() => '---').join('|')}|`,
    ...d.profiles.map(
      (p) => `| ${escapeMarkdown(p)} | ${d.naming.map((r) => (r.names[p] ? code(r.names[p]) : '')).join(' | ')} |`,
    ),
    '',
    ...d.naming.flatMap((r) => r.traps.map((t) => `- ⚠ ${escapeMarkdown(r.hyperparameter)}: ${escapeMarkdown(t)}`)),
    '',
    '### Profiles × profiles',
    '',
    `<details><summary>${d.matrix.filter((m) => m.diverging > 0).length} of ${d.matrix.length} pairs diverge on some case (${d.dtype})</summary>`,
    '',
    '| A | B | diverging cases | first divergent step | final gap (worst case) | responsible axes |',
    '|---|---|---|---|---|---|',
    ...d.matrix.map(
      (m) =>
        `| ${escapeMarkdown(m.a)} | ${escapeMarkdown(m.b)} | ${m.diverging}/${m.cases} | ${m.firstDivergentStep ?? '-'} | ${formatGap(m.finalGap)}${m.worstCase ? ` (${escapeMarkdown(m.worstCase)})` : ''} | ${escapeMarkdown(m.responsible.join(', ') || '-')} |`,
    ),
    '',
    '</details>',
    '',
  ];
  return out;
}

function exactnessSection(report: ConformanceReport): string[] {
  const lines = exactnessLines(report);
  if (lines.length === 0) return [];
  return [
    '## Exactness',
    '',
    "Bit-exact cells have the reference's bits everywhere; cells exact up to the declared op error are reproduced step by step once the ops the claimed profile declares inexact may be off by their measured bound (neither bit-exact nor a failure).",
    '',
    ...lines.map((l) => `- ${escapeMarkdown(l)}`),
    '',
  ];
}

function recordingsLines(report: ConformanceReport): string[] {
  const r = report.recordings;
  if (!r) return [];
  const rows = [recordingsHeader(), ...recordingsRows(r)];
  return [
    '## Real framework runs (calibration recordings)',
    '',
    escapeMarkdown(RECORDINGS_INTRO),
    '',
    escapeMarkdown(recordingsLine(r)),
    '',
    `| ${rows[0].join(' | ')} |`,
    `|${rows[0].map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`,
    ...rows.slice(1).map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`),
    '',
    ...r.moved.map((m) => `- moved: ${escapeMarkdown(m.file)}: stated ${m.expected}, now ${m.actual}`),
    ...(r.moved.length > 0 ? [''] : []),
  ];
}

export function renderMarkdown(report: ConformanceReport): string {
  const s = report.summary;
  const verdict =
    s.exitCode === 0 ? '✅ all cells within tolerance' : `❌ ${s.fail + s.xpass} beyond tolerance, ${s.error} errors`;
  const env = report.environment;
  const out: string[] = [
    '# RMSprop conformance',
    '',
    `${verdict}${report.complete ? '' : ' — **incomplete run (interrupted)**'}`,
    '',
    `${counts(report.cells)} · ${report.cases.length} cases · node ${env.node} · ${escapeMarkdown(env.cpu)} (${env.cores} cores) · harness ${env.harness}`,
    '',
    '## Adapters',
    '',
    '| adapter | version | claims | status | facts | cells |',
    '|---|---|---|---|---|---|',
    ...report.adapters.map((a) => {
      const facts = Object.entries(a.facts)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join('; ');
      const status = a.available ? 'available' : `unavailable: ${a.reason ?? ''}`;
      return `| ${escapeMarkdown(a.label)} | ${escapeMarkdown(a.version)} | ${escapeMarkdown(a.claims)} | ${escapeMarkdown(status)} | ${escapeMarkdown(facts)} | ${counts(report.cells.filter((c) => c.adapter === a.label))} |`;
    }),
    '',
    '## Coverage matrix',
    '',
    `Per dtype, one mark per mode (replay, then closed loop for problems). ${Object.entries(SYMBOL)
      .map(([k, v]) => `${v} ${k}`)
      .join(' · ')}`,
    '',
    ...matrix(report),
    '',
    '## Verdicts',
    '',
    ...verdictLines(report),
    '',
    ...exactnessSection(report),
  ];
  const failures = report.cells.filter((c) => c.status === 'fail' || c.status === 'xpass' || c.status === 'error');
  if (failures.length > 0) {
    out.push('## Failures', '');
    for (const c of failures.slice(0, 100)) {
      out.push(
        `- **${escapeMarkdown(c.adapter)}** ${escapeMarkdown(c.case)} [${c.dtype}, ${c.mode}]: ${escapeMarkdown(c.status === 'error' ? `error: ${c.reason ?? ''}` : describeDivergence(c))}${c.worst && c.status !== 'error' ? `; ${escapeMarkdown(describeWorst(c.worst))}` : ''}`,
      );
    }
    if (failures.length > 100) out.push(`- … and ${failures.length - 100} more (see the JSON report)`);
    out.push('');
  }
  const matches = profileMatches(report);
  if (matches.length > 0)
    out.push(
      '## Which profile each adapter follows',
      '',
      "Free-running params against every canonical profile fed the same gradients, in the adapter's dtype.",
      '',
      ...matches,
      '',
    );
  const loose = report.cells.filter((c) => c.slack?.loose);
  if (loose.length > 0) {
    out.push(
      '## Slack',
      '',
      `${loose.length} cells passed with a tolerance at least 4× looser than the largest error observed, e.g.:`,
      '',
    );
    for (const c of loose.slice(0, 10))
      out.push(
        `- ${escapeMarkdown(c.adapter)} ${escapeMarkdown(c.case)} [${c.dtype}]: tolerance ${c.slack!.toleranceUlps} ulps, observed ${formatUlps(c.slack!.observedUlps)}`,
      );
    out.push('');
  }
  out.push(...differenceLines(report));
  out.push(...recordingsLines(report));
  const why = reasons(report);
  if (why.length > 0) out.push('## Skipped and unavailable cells', '', ...why, '');
  return `${out.join('\n')}\n`;
}
