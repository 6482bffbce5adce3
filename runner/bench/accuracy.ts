// Accuracy per adapter from a conformance report (rmsprop-harness conform's JSON): pass/fail counts
// and the largest ULP distance, for the accuracy-versus-speed table. The max ULP and the verdict are
// the runner's (runner/summary.ts), not recomputed here.

import { existsSync, readFileSync } from 'node:fs';
import type { Dtype } from '../../reference/arithmetic.js';
import { decodeNumber } from '../../reference/number-encoding.js';
import type { ConformanceReport } from '../result.js';
import { cellMaxUlp } from '../summary.js';
import type { AccuracyEntry } from './report.js';

export function accuracyFromConformance(report: ConformanceReport): AccuracyEntry[] {
  const byAdapter = new Map<string, AccuracyEntry>();
  const entry = (adapter: string) => {
    let e = byAdapter.get(adapter);
    if (!e)
      byAdapter.set(
        adapter,
        (e = { adapter, pass: 0, fail: 0, error: 0, skip: 0, maxUlp: null, maxUlpByDtype: {}, verdict: 'no cells' }),
      );
    return e;
  };
  for (const a of report.adapters) entry(a.label);
  for (const c of report.cells) {
    const e = entry(c.adapter);
    if (c.status === 'pass' || c.status === 'xfail') e.pass++;
    else if (c.status === 'fail' || c.status === 'xpass') e.fail++;
    else if (c.status === 'error') e.error++;
    else e.skip++;
    const ulp = cellMaxUlp(c);
    if (ulp !== null) {
      e.maxUlp = Math.max(e.maxUlp ?? 0, ulp);
      const d: Dtype = c.dtype;
      e.maxUlpByDtype[d] = Math.max(e.maxUlpByDtype[d] ?? 0, ulp);
    }
  }
  const verdicts = new Map((report.verdicts ?? []).map((v) => [v.adapter, v.verdict]));
  for (const e of byAdapter.values()) {
    const v = verdicts.get(e.adapter);
    if (v !== undefined) e.verdict = v === 'pass' ? 'pass' : v === 'fail' || v === 'error' ? 'fail' : 'no cells';
    else e.verdict = e.pass + e.fail + e.error === 0 ? 'no cells' : e.fail + e.error === 0 ? 'pass' : 'fail';
  }
  return [...byAdapter.values()];
}

const ENCODED = new Set(['NaN', 'Infinity', '-Infinity', '-0']);

/** Reads a conformance JSON report; null (with the reason) when the file is absent or not one. Encoded numbers ("Infinity") are decoded: an infinite error stays infinite. */
export function loadAccuracy(file: string): { entries: AccuracyEntry[] } | { error: string } {
  if (!existsSync(file)) return { error: `${file} does not exist` };
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8'), (_key, value: unknown) =>
      typeof value === 'string' && ENCODED.has(value) ? decodeNumber(value) : value,
    ) as ConformanceReport;
    if (doc.format !== 'rmsprop-harness/conformance' || !Array.isArray(doc.cells) || !Array.isArray(doc.adapters))
      return { error: `${file} is not a rmsprop-harness conformance report` };
    return { entries: accuracyFromConformance(doc) };
  } catch (e) {
    return { error: `${file}: ${(e as Error).message}` };
  }
}
