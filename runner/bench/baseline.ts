// The regression gate: compares a run with a saved one, entry by entry, on the median time per step
// and its relative margin of error. A slowdown counts only when the new interval lies entirely
// above the baseline's: new median x (1 - rme_new) > baseline median x (1 + rme_base). Anything
// inside the two margins is noise.

import { readFileSync } from 'node:fs';
import { InputError } from '../../reference/errors.js';
import type { Stats } from './measure.js';
import { BENCH_FORMAT, type BenchReport } from './report.js';

export type Verdict = 'slower' | 'faster' | 'same' | 'missing' | 'new';

export interface Comparison {
  key: string;
  verdict: Verdict;
  baseline?: { medianMs: number; rme: number };
  current?: { medianMs: number; rme: number };
  /** current / baseline median. */
  ratio?: number;
}

type Timed = Pick<Stats, 'medianMs' | 'rme'>;

/** Interval [median (1 - rme), median (1 + rme)] of each; a verdict only when they do not overlap. */
export function compareStats(baseline: Timed, current: Timed): Exclude<Verdict, 'missing' | 'new'> {
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

export function compareReports(baseline: Pick<BenchReport, 'results' | 'models'>, current: Pick<BenchReport, 'results' | 'models'>): { comparisons: Comparison[]; slower: number } {
  const b = timedEntries(baseline);
  const c = timedEntries(current);
  const comparisons: Comparison[] = [];
  for (const [key, cur] of c) {
    const base = b.get(key);
    if (!base) {
      comparisons.push({ key, verdict: 'new', current: { medianMs: cur.medianMs, rme: cur.rme } });
      continue;
    }
    comparisons.push({ key, verdict: compareStats(base, cur), baseline: { medianMs: base.medianMs, rme: base.rme }, current: { medianMs: cur.medianMs, rme: cur.rme }, ratio: cur.medianMs / base.medianMs });
  }
  for (const [key, base] of b) if (!c.has(key)) comparisons.push({ key, verdict: 'missing', baseline: { medianMs: base.medianMs, rme: base.rme } });
  return { comparisons, slower: comparisons.filter((x) => x.verdict === 'slower').length };
}

const isStats = (x: unknown): boolean => {
  const s = x as Record<string, unknown> | null;
  return !!s && typeof s === 'object' && typeof s.medianMs === 'number' && Number.isFinite(s.medianMs) && typeof s.rme === 'number' && Number.isFinite(s.rme);
};

/** Checks a parsed document is a bench report with usable timings; returns the first problem or null. */
export function baselineProblem(doc: unknown): string | null {
  const d = doc as Partial<BenchReport> | null;
  if (!d || typeof d !== 'object' || Array.isArray(d)) return 'not a JSON object';
  if (d.format !== BENCH_FORMAT) return `format is ${JSON.stringify(d.format)}, expected "${BENCH_FORMAT}"`;
  if (!Array.isArray(d.results)) return 'no results array';
  if (!Array.isArray(d.models)) return 'no models array';
  for (const [i, r] of d.results.entries()) {
    if (!r || typeof r !== 'object' || typeof r.target !== 'string' || typeof r.n !== 'number' || typeof r.dtype !== 'string' || typeof r.status !== 'string') return `results[${i}] lacks target, n, dtype or status`;
    if (r.status === 'ok' && !isStats(r.stats)) return `results[${i}] (${r.target} n=${r.n}) has no numeric stats.medianMs / stats.rme`;
  }
  for (const [i, m] of d.models.entries()) {
    if (!m || typeof m !== 'object' || typeof m.model !== 'string' || typeof m.target !== 'string' || typeof m.status !== 'string') return `models[${i}] lacks model, target or status`;
    if (m.status === 'ok' && (!isStats(m.perTensor) || !isStats(m.fused))) return `models[${i}] (${m.model} ${m.target}) has no numeric perTensor / fused stats`;
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
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--baseline ${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const problem = baselineProblem(doc);
  if (problem) throw new InputError(`--baseline ${file}: malformed bench baseline: ${problem}`);
  return doc as BenchReport;
}

export function formatComparison(c: Comparison): string {
  const f = (t?: { medianMs: number; rme: number }) => (t ? `${fmtMs(t.medianMs)} ±${t.rme.toFixed(1)}%` : '-');
  const change = c.ratio !== undefined ? ` (${c.ratio >= 1 ? '+' : ''}${((c.ratio - 1) * 100).toFixed(1)}%)` : '';
  return `${c.verdict.toUpperCase().padEnd(7)} ${c.key}: ${f(c.baseline)} -> ${f(c.current)}${change}`;
}

export function fmtMs(ms: number): string {
  if (ms >= 1) return `${ms.toFixed(3)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toFixed(3)} us`;
  return `${(ms * 1e6).toFixed(1)} ns`;
}
