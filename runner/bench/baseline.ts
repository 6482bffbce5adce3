// The regression gate: compares a run with a saved one, entry by entry, on the samples of each
// (ms per step), with the Mann-Whitney U rank test as google/benchmark's tools/compare.py does: a
// slowdown counts when the two sets of samples differ (two-sided p < 0.05) and the new median is
// more than 5% above the old one (a difference too small to matter is not a regression, however
// significant). Entries saved without samples (bench format 1) fall back to the older rule: the
// new median's margin-of-error interval lies entirely above the baseline's.

import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { InputError } from '../../reference/errors.js';
import { describeJsonSyntaxError } from '../../suites/json-file.js';
import { describeValue, firstSchemaIssue, formatIssue } from '../../suites/schema.js';
import { formatChange, formatP, formatTiming } from '../number-format.js';
import { StatsSchema, type Stats } from './measure.js';
import { mannWhitneyU } from './rank-test.js';
import {
  BENCH_FORMAT,
  BENCH_FORMAT_VERSION,
  ModelEntrySchema as ModelEntrySchemaOfReport,
  ThroughputEntrySchema,
  type BenchReport,
} from './report.js';

export type Verdict = 'slower' | 'faster' | 'same' | 'missing' | 'new';

export interface Comparison {
  key: string;
  verdict: Verdict;
  baseline?: { medianMs: number; rme: number };
  current?: { medianMs: number; rme: number };
  /** current / baseline median. */
  ratio?: number;
  /** The test behind the verdict, and its two-sided p-value for the rank test. */
  test?: 'mann-whitney-u' | 'interval';
  p?: number;
}

type Timed = Pick<Stats, 'medianMs' | 'rme'> & { samplesMs?: readonly number[] };

/** Significance level of the rank test (compare.py's default alpha). */
export const GATE_ALPHA = 0.05;
/** Smallest median change that counts, as a fraction. */
export const GATE_MIN_CHANGE = 0.05;
/** Fewer samples than this on either side: the rank test cannot reach significance, the interval rule decides. */
export const GATE_MIN_SAMPLES = 5;

const rankTestable = (b: Timed, c: Timed) =>
  (b.samplesMs?.length ?? 0) >= GATE_MIN_SAMPLES && (c.samplesMs?.length ?? 0) >= GATE_MIN_SAMPLES;

/**
 * The gate's comparison of one entry: 'slower' or 'faster' when the Mann-Whitney U test on the
 * samples rejects "same distribution" (p < GATE_ALPHA) and the medians differ by more than
 * GATE_MIN_CHANGE; else 'same'. Without samples on both sides: the margin-of-error interval rule.
 */
export function compareStats(baseline: Timed, current: Timed): Exclude<Verdict, 'missing' | 'new'> {
  if (rankTestable(baseline, current)) {
    const { p } = mannWhitneyU(baseline.samplesMs!, current.samplesMs!);
    if (p >= GATE_ALPHA) return 'same';
    if (current.medianMs > baseline.medianMs * (1 + GATE_MIN_CHANGE)) return 'slower';
    if (current.medianMs < baseline.medianMs / (1 + GATE_MIN_CHANGE)) return 'faster';
    return 'same';
  }
  const bHi = baseline.medianMs * (1 + baseline.rme / 100);
  const bLo = baseline.medianMs * (1 - baseline.rme / 100);
  const cHi = current.medianMs * (1 + current.rme / 100);
  const cLo = current.medianMs * (1 - current.rme / 100);
  if (cLo > bHi) return 'slower';
  if (cHi < bLo) return 'faster';
  return 'same';
}

/** Every timed entry of a report under a stable key. */
export function timedEntries(report: Pick<BenchReport, 'results' | 'models'>): Map<string, Timed> {
  const out = new Map<string, Timed>();
  for (const r of report.results) if (r.status === 'ok' && r.stats) out.set(`${r.target} ${r.dtype} n=${r.n}`, r.stats);
  for (const m of report.models) {
    if (m.status !== 'ok') continue;
    if (m.perTensor) out.set(`model ${m.model} x${m.scale} ${m.target} per-tensor`, m.perTensor);
    if (m.fused) out.set(`model ${m.model} x${m.scale} ${m.target} fused`, m.fused);
  }
  return out;
}

export function compareReports(
  baseline: Pick<BenchReport, 'results' | 'models'>,
  current: Pick<BenchReport, 'results' | 'models'>,
): { comparisons: Comparison[]; slower: number } {
  const b = timedEntries(baseline);
  const c = timedEntries(current);
  const comparisons: Comparison[] = [];
  for (const [key, cur] of c) {
    const base = b.get(key);
    if (!base) {
      comparisons.push({ key, verdict: 'new', current: { medianMs: cur.medianMs, rme: cur.rme } });
      continue;
    }
    const ranked = rankTestable(base, cur);
    comparisons.push({
      key,
      verdict: compareStats(base, cur),
      baseline: { medianMs: base.medianMs, rme: base.rme },
      current: { medianMs: cur.medianMs, rme: cur.rme },
      ratio: cur.medianMs / base.medianMs,
      test: ranked ? 'mann-whitney-u' : 'interval',
      ...(ranked ? { p: mannWhitneyU(base.samplesMs!, cur.samplesMs!).p } : {}),
    });
  }
  for (const [key, base] of b)
    if (!c.has(key)) comparisons.push({ key, verdict: 'missing', baseline: { medianMs: base.medianMs, rme: base.rme } });
  return { comparisons, slower: comparisons.filter((x) => x.verdict === 'slower').length };
}

// The parts of the report's entry schemas (report.ts) the gate reads; bench format 1 saved no
// model scale and no samples.
const TimedSchema = Type.Pick(StatsSchema, ['medianMs', 'rme', 'samplesMs']);
const ResultEntrySchema = Type.Object({
  ...Type.Pick(ThroughputEntrySchema, ['target', 'n', 'dtype', 'status']).properties,
  stats: Type.Optional(TimedSchema),
});
const ModelEntrySchema = Type.Object({
  ...Type.Pick(ModelEntrySchemaOfReport, ['model', 'target', 'status']).properties,
  scale: Type.Optional(ModelEntrySchemaOfReport.properties.scale),
  perTensor: Type.Optional(TimedSchema),
  fused: Type.Optional(TimedSchema),
});
/** What the regression gate reads from a saved bench report (other fields are not checked). */
export const BaselineSchema = Type.Object({
  format: Type.Literal(BENCH_FORMAT),
  formatVersion: Type.Optional(Type.Integer({ minimum: 1 })),
  results: Type.Array(ResultEntrySchema),
  models: Type.Array(ModelEntrySchema),
});

/** "results[2] (ts-f32 n=1000)": the entry a JSON pointer lies in, for people. */
function entryLabel(doc: Partial<BenchReport>, pointer: string): string {
  const m = /^\/(results|models)\/(\d+)/.exec(pointer);
  if (!m) return '';
  const i = Number(m[2]);
  const e = (m[1] === 'results' ? doc.results?.[i] : doc.models?.[i]) as Record<string, unknown> | undefined;
  const parts =
    m[1] === 'results' ? [e?.target, e?.n !== undefined ? `n=${JSON.stringify(e.n)}` : undefined] : [e?.model, e?.target];
  const name = parts.filter((x) => typeof x === 'string' || typeof x === 'number').join(' ');
  return ` (entry ${m[1]}[${i}]${name ? `: ${name}` : ''})`;
}

/** Checks a parsed document is a bench report with usable timings; returns the first problem (with its JSON pointer) or null. */
export function baselineProblem(doc: unknown): string | null {
  const d = doc as Partial<BenchReport> | null;
  if (!d || typeof d !== 'object' || Array.isArray(d))
    return `not a JSON object (got ${describeValue(doc)}; expected a report written by bench --save-baseline or bench --out)`;
  if (d.format !== BENCH_FORMAT) return `/format: must be "${BENCH_FORMAT}", got ${describeValue(d.format)} (not a bench report)`;
  if (!Array.isArray(d.results)) return 'no results array';
  if (!Array.isArray(d.models)) return 'no models array';
  const issue = firstSchemaIssue(BaselineSchema, doc);
  if (issue) return `${formatIssue(issue)}${entryLabel(d, issue.pointer)}`;
  if (d.formatVersion !== undefined && d.formatVersion > BENCH_FORMAT_VERSION)
    return `/formatVersion: ${d.formatVersion} is newer than this harness reads (${BENCH_FORMAT_VERSION})`;
  for (const [i, r] of d.results.entries()) {
    if (r.status === 'ok' && !r.stats)
      return `/results/${i}: missing field 'stats' (status is "ok")${entryLabel(d, `/results/${i}`)}`;
  }
  for (const [i, m] of d.models.entries()) {
    for (const key of ['perTensor', 'fused'] as const) {
      if (m.status === 'ok' && !m[key])
        return `/models/${i}: missing field '${key}' (status is "ok")${entryLabel(d, `/models/${i}`)}`;
    }
  }
  return null;
}

/** Reads a baseline file; a missing, unparsable or malformed file is an InputError (one line, exit 2). */
export function loadBaseline(file: string): BenchReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`--baseline ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (text.trim() === '') throw new InputError(`--baseline ${file}: not valid JSON (file is empty)`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--baseline ${file}: not valid JSON (${describeJsonSyntaxError(text) ?? (e as Error).message})`);
  }
  const problem = baselineProblem(doc);
  if (problem) throw new InputError(`--baseline ${file}: malformed bench baseline: ${problem}`);
  return doc as BenchReport;
}

export function formatComparison(c: Comparison): string {
  const f = (t?: { medianMs: number; rme: number }) => formatTiming(t);
  const change = c.ratio !== undefined ? ` (${formatChange(c.ratio)})` : '';
  const test =
    c.test === 'mann-whitney-u'
      ? `, U test p=${formatP(c.p!)}`
      : c.test === 'interval'
        ? ', margins of error (no samples saved)'
        : '';
  return `${c.verdict.toUpperCase().padEnd(7)} ${c.key}: ${f(c.baseline)} -> ${f(c.current)}${change}${test}`;
}
