// GitHub Actions: a compact Markdown summary for $GITHUB_STEP_SUMMARY and `::error` workflow commands
// (annotations) for failing cells and bench regressions.
//
// Workflow commands are parsed from the step's output lines, so every string that reaches one is escaped
// (a newline in an adapter's error message would otherwise start a command of its own). GitHub shows the
// first 10 error and 10 warning annotations of a step (50 per job): the summary annotation comes first and
// the first failure of each adapter before the rest.

import { appendFileSync } from 'node:fs';
import type { Comparison } from '../runner/bench/baseline.js';
import { formatChange, formatTiming } from '../runner/number-format.js';
import type { Cell, CellStatus, ConformanceReport } from '../runner/result.js';
import { escapeControls } from './html/escape.js';
import { escapeMarkdown } from './markdown.js';
import { formatUlps } from '../runner/number-format.js';
import { cellMaxUlp } from '../runner/summary.js';
import { describeDivergence, nothingCompared } from './text.js';

/** Failing cells listed in the step summary before "and N more". */
export const SUMMARY_FAILURE_LIMIT = 50;
/** Cell annotations emitted before the rest are folded into the summary annotation. */
export const ANNOTATION_LIMIT = 50;
/** Longest reason or message copied into the summary table / an annotation. */
const SUMMARY_REASON_CHARS = 300;
const ANNOTATION_MESSAGE_CHARS = 2000;

const FAILING: readonly CellStatus[] = ['fail', 'xpass', 'error'];
const XPASS_MESSAGE = 'passed although marked expected-to-fail: remove it from the xfail list';

export interface GitHubOutput {
  /** One workflow command line (without the newline). */
  annotate(line: string): void;
  appendSummary(path: string, text: string): void;
}

export interface PublishResult {
  summaryWritten: boolean;
  annotations: number;
  /** Why the summary could not be appended (the run's own exit code is not changed by it). */
  summaryError?: string;
}

// ---------------------------------------------------------------------------------------------------
// Workflow command escaping (as @actions/core does it)

/** The message of a workflow command: % CR LF. */
export function escapeData(s: string): string {
  return escapeControls(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** A property value (title=, file=): the data escapes and also : and ,. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error title=...::message` with both parts escaped. */
export function workflowCommand(
  command: 'error' | 'warning' | 'notice',
  properties: Record<string, string>,
  message: string,
): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

// ---------------------------------------------------------------------------------------------------
// Conformance

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const clip = (s: string, n: number) => {
  if (s.length <= n) return s;
  const chars = [...s]; // never split a surrogate pair
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join('')}…`;
};
// escapeMarkdown handles \n; a lone \r (a line ending to CommonMark) or other control characters would break a table row too.
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are replaced by spaces.
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f]/g;
const md = (s: string, n = SUMMARY_REASON_CHARS) => escapeMarkdown(clip(s.replace(CONTROL_BUT_NEWLINE, ' '), n));

function failing(report: ConformanceReport): Cell[] {
  return report.cells.filter((c) => FAILING.includes(c.status));
}

/** The earliest first-divergent step of the cell's series, or null. */
export function firstDivergentStep(c: Cell): number | null {
  const steps = [c.reanchored?.firstDivergentStep, c.freeRunning?.firstDivergentStep, c.state?.firstDivergentStep].filter(
    (s): s is number => typeof s === 'number',
  );
  return steps.length > 0 ? Math.min(...steps) : null;
}

/** The cell's max ULP as the runner defines it (runner/summary.ts). */
export const maxUlp = cellMaxUlp;

function cellReason(c: Cell): string {
  if (c.status === 'error') return `error: ${c.reason ?? 'unknown error'}`;
  if (c.status === 'xpass') return XPASS_MESSAGE;
  return describeDivergence(c);
}

function verdict(report: ConformanceReport): string {
  const s = report.summary;
  const failed = s.fail + s.xpass;
  const scope = report.selection.shard ? ` (shard ${md(report.selection.shard, 40)})` : '';
  if (s.exitCode === 0 && failed + s.error === 0) {
    return `✅ **PASS**${scope}: ${plural(s.pass, 'cell')} within tolerance${s.xfail > 0 ? `, ${plural(s.xfail, 'expected failure')}` : ''}, ${s.skip} skipped, ${s.unavailable} unavailable`;
  }
  return `❌ **FAIL**${scope}: ${failed} beyond tolerance${s.xpass > 0 ? ` (${s.xpass} unexpectedly passing)` : ''}, ${plural(s.error, 'error')}, ${s.pass} passed, ${s.skip} skipped, ${s.unavailable} unavailable`;
}

/** Adapters in report order, then any label only the cells name (a merged report). */
function adapterLabels(report: ConformanceReport): string[] {
  const labels = report.adapters.map((a) => a.label);
  for (const c of report.cells) if (!labels.includes(c.adapter)) labels.push(c.adapter);
  return labels;
}

/** Ordered for the first 10 GitHub shows: the first failure of each adapter, then the rest in report order. */
function prioritised(cells: Cell[]): Cell[] {
  const first = new Map<string, Cell>();
  for (const c of cells) if (!first.has(c.adapter)) first.set(c.adapter, c);
  const leaders = new Set(first.values());
  return [...leaders, ...cells.filter((c) => !leaders.has(c))];
}

/** Compact Markdown for $GITHUB_STEP_SUMMARY (the full report is conformance.md / .html). */
export function renderStepSummary(report: ConformanceReport): string {
  const out: string[] = ['## RMSprop conformance', '', verdict(report), ''];
  if (!report.complete) {
    out.push(
      `> ⚠️ **Incomplete report**: the run was interrupted after ${plural(report.cells.length, 'cell')}; cells that did not run are not counted.`,
      '',
    );
  }
  out.push('| adapter | pass | fail | xfail | error | skip | unavailable |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const label of adapterLabels(report)) {
    const cells = report.cells.filter((c) => c.adapter === label);
    const n = (...s: CellStatus[]) => cells.filter((c) => s.includes(c.status)).length;
    const entry = report.adapters.find((a) => a.label === label);
    const name = entry && !entry.available ? `${md(label)} (unavailable: ${md(entry.reason ?? 'unknown', 120)})` : md(label);
    const fails = n('fail', 'xpass');
    const errors = n('error');
    out.push(
      `| ${name} | ${n('pass')} | ${fails > 0 ? `**${fails}**` : '0'} | ${n('xfail')} | ${errors > 0 ? `**${errors}**` : '0'} | ${n('skip')} | ${n('unavailable')} |`,
    );
  }
  out.push('');
  const unmeasured = nothingCompared(report);
  if (unmeasured.length > 0) {
    out.push(...unmeasured.map((v) => `- ❌ **${md(v.adapter)}**: ${md(v.reason)}`), '');
  }
  const failures = prioritised(failing(report));
  if (failures.length > 0) {
    out.push(
      `### Failing cells (${failures.length})`,
      '',
      '| adapter | case | dtype | mode | status | first divergent step | max ULP | reason |',
      '|---|---|---|---|---|---:|---:|---|',
    );
    for (const c of failures.slice(0, SUMMARY_FAILURE_LIMIT)) {
      const step = firstDivergentStep(c);
      const ulp = maxUlp(c);
      out.push(
        `| ${md(c.adapter)} | ${md(c.case)} | ${md(c.dtype)} | ${md(c.mode)} | ${md(c.status)} | ${step ?? '–'} | ${ulp === null ? '–' : formatUlps(ulp)} | ${md(cellReason(c))} |`,
      );
    }
    if (failures.length > SUMMARY_FAILURE_LIMIT)
      out.push('', `… and ${failures.length - SUMMARY_FAILURE_LIMIT} more (see conformance.md or conformance.json).`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** `::error` per failing cell (up to ANNOTATION_LIMIT), a summary `::error` first, `::warning` for an incomplete report. */
export function renderAnnotations(report: ConformanceReport, limit = ANNOTATION_LIMIT): string[] {
  const lines: string[] = [];
  if (!report.complete) {
    lines.push(
      workflowCommand(
        'warning',
        { title: 'rmsprop-harness: incomplete report' },
        `The conformance run was interrupted after ${plural(report.cells.length, 'cell')}; the verdict covers only those.`,
      ),
    );
  }
  for (const v of nothingCompared(report))
    lines.push(
      workflowCommand('error', { title: clip(`no comparison: ${v.adapter}`, 200) }, clip(v.reason, ANNOTATION_MESSAGE_CHARS)),
    );
  const failures = prioritised(failing(report));
  if (failures.length === 0) return lines;
  const s = report.summary;
  const shown = Math.min(limit, failures.length);
  const more = failures.length - shown;
  lines.push(
    workflowCommand(
      'error',
      { title: 'rmsprop-harness conformance failed' },
      `${plural(s.fail + s.xpass, 'cell')} beyond tolerance, ${plural(s.error, 'error')}${more > 0 ? ` (${more} not annotated; see the step summary and reports)` : ''}`,
    ),
  );
  for (const c of failures.slice(0, shown)) {
    const title = `${c.status === 'error' ? 'error' : c.status === 'xpass' ? 'unexpected pass' : 'divergence'}: ${c.adapter} ${c.case} ${c.dtype} ${c.mode}`;
    lines.push(workflowCommand('error', { title: clip(title, 200) }, clip(cellReason(c), ANNOTATION_MESSAGE_CHARS)));
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------
// Bench baseline comparison

const timing = (t?: { medianMs: number; rme: number }) => formatTiming(t, '–');
const change = (c: Comparison) => (c.ratio !== undefined ? formatChange(c.ratio) : '–');

/** Markdown for $GITHUB_STEP_SUMMARY: the verdict, the slower entries first, then the rest. */
export function renderBenchStepSummary(comparisons: readonly Comparison[], options: { baseline?: string } = {}): string {
  const slower = comparisons.filter((c) => c.verdict === 'slower');
  const count = (v: Comparison['verdict']) => comparisons.filter((c) => c.verdict === v).length;
  const against = options.baseline ? ` against ${md(options.baseline, 200)}` : '';
  const out = [
    '## RMSprop bench',
    '',
    slower.length > 0
      ? `❌ **REGRESSION**${against}: ${slower.length} slower beyond both margins of error`
      : `✅ **no slowdown**${against} beyond the margins of error`,
    '',
    `${count('same')} same, ${count('faster')} faster, ${count('slower')} slower, ${count('new')} new, ${count('missing')} missing from this run`,
    '',
  ];
  const order: Comparison['verdict'][] = ['slower', 'faster', 'same', 'new', 'missing'];
  const rows = [...comparisons].sort((a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict));
  if (rows.length > 0) {
    out.push('| verdict | entry | baseline | current | change |', '|---|---|---:|---:|---:|');
    for (const c of rows.slice(0, 200))
      out.push(
        `| ${c.verdict === 'slower' ? '**slower**' : md(c.verdict)} | ${md(c.key)} | ${timing(c.baseline)} | ${timing(c.current)} | ${change(c)} |`,
      );
    if (rows.length > 200) out.push('', `… and ${rows.length - 200} more (see bench.json).`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** `::error` per slower entry (summary first), `::warning` when baseline entries were not measured. */
export function renderBenchAnnotations(comparisons: readonly Comparison[], limit = ANNOTATION_LIMIT): string[] {
  const lines: string[] = [];
  const slower = comparisons.filter((c) => c.verdict === 'slower').sort((a, b) => (b.ratio ?? 0) - (a.ratio ?? 0));
  if (slower.length > 0) {
    const shown = Math.min(limit, slower.length);
    lines.push(
      workflowCommand(
        'error',
        { title: 'rmsprop-harness bench regression' },
        `${slower.length} ${slower.length === 1 ? 'entry' : 'entries'} slower than the baseline beyond both margins of error${slower.length > shown ? ` (${slower.length - shown} not annotated)` : ''}`,
      ),
    );
    for (const c of slower.slice(0, shown)) {
      lines.push(
        workflowCommand(
          'error',
          { title: clip(`slower: ${c.key}`, 200) },
          `${c.key}: ${timing(c.baseline)} -> ${timing(c.current)} (${change(c)})`,
        ),
      );
    }
  }
  const missing = comparisons.filter((c) => c.verdict === 'missing');
  if (missing.length > 0) {
    lines.push(
      workflowCommand(
        'warning',
        { title: 'rmsprop-harness bench: baseline entries not measured' },
        clip(
          `${missing.length} baseline ${missing.length === 1 ? 'entry has' : 'entries have'} no counterpart in this run: ${missing.map((c) => c.key).join('; ')}`,
          ANNOTATION_MESSAGE_CHARS,
        ),
      ),
    );
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------
// Publishing

/** process.env or a stand-in (structural, so the published types need no @types/node). */
type Environment = Readonly<Record<string, string | undefined>>;

/** Annotations on `stream` (stdout by default; the runner reads workflow commands from the step's output), summary via appendFileSync. */
export function createGitHubOutput(stream: { write(text: string): unknown } = process.stdout): GitHubOutput {
  return {
    annotate: (line) => {
      stream.write(`${line}\n`);
    },
    appendSummary: (path, text) => appendFileSync(path, text.endsWith('\n') ? text : `${text}\n`, 'utf8'),
  };
}

export const defaultGitHubOutput: GitHubOutput = createGitHubOutput();

function publish(summary: () => string, annotations: () => string[], env: Environment, out: GitHubOutput): PublishResult {
  const result: PublishResult = { summaryWritten: false, annotations: 0 };
  const path = env.GITHUB_STEP_SUMMARY;
  if (path) {
    try {
      out.appendSummary(path, summary());
      result.summaryWritten = true;
    } catch (e) {
      result.summaryError = `cannot append to GITHUB_STEP_SUMMARY ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    }
  }
  if (env.GITHUB_ACTIONS === 'true') {
    for (const line of annotations()) {
      out.annotate(line);
      result.annotations++;
    }
  }
  return result;
}

/** Appends the step summary when GITHUB_STEP_SUMMARY is set; emits annotations only under GitHub Actions (GITHUB_ACTIONS=true). */
export function publishToGitHub(
  report: ConformanceReport,
  env: Environment,
  out: GitHubOutput = defaultGitHubOutput,
): PublishResult {
  return publish(
    () => renderStepSummary(report),
    () => renderAnnotations(report),
    env,
    out,
  );
}

/** The same for a bench baseline comparison. */
export function publishBenchToGitHub(
  comparisons: readonly Comparison[],
  env: Environment,
  out: GitHubOutput = defaultGitHubOutput,
  options: { baseline?: string } = {},
): PublishResult {
  return publish(
    () => renderBenchStepSummary(comparisons, options),
    () => renderBenchAnnotations(comparisons),
    env,
    out,
  );
}
