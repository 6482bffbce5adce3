// Accuracy per adapter from a conformance report (rmsprop-harness conform's JSON): pass/fail counts
// and the largest free-running ULP distance, for the accuracy-versus-speed table.

import { existsSync, readFileSync } from 'node:fs';
import type { Dtype } from '../../reference/arithmetic.js';
import type { ConformanceReport } from '../result.js';
import type { AccuracyEntry } from './report.js';

export function accuracyFromConformance(report: ConformanceReport): AccuracyEntry[] {
  const byAdapter = new Map<string, AccuracyEntry>();
  for (const a of report.adapters) {
    byAdapter.set(a.label, { adapter: a.label, pass: 0, fail: 0, error: 0, skip: 0, maxUlp: null, maxUlpByDtype: {}, verdict: 'no cells' });
  }
  for (const c of report.cells) {
    const e = byAdapter.get(c.adapter) ?? { adapter: c.adapter, pass: 0, fail: 0, error: 0, skip: 0, maxUlp: null, maxUlpByDtype: {}, verdict: 'no cells' as const };
    byAdapter.set(c.adapter, e);
    if (c.status === 'pass' || c.status === 'xfail') e.pass++;
    else if (c.status === 'fail' || c.status === 'xpass') e.fail++;
    else if (c.status === 'error') e.error++;
    else e.skip++;
    const ulp = c.freeRunning?.maxUlp;
    if (typeof ulp === 'number' && (c.status === 'pass' || c.status === 'fail' || c.status === 'xfail' || c.status === 'xpass')) {
      e.maxUlp = Math.max(e.maxUlp ?? 0, ulp);
      const d: Dtype = c.dtype;
      e.maxUlpByDtype[d] = Math.max(e.maxUlpByDtype[d] ?? 0, ulp);
    }
  }
  for (const e of byAdapter.values()) e.verdict = e.pass + e.fail + e.error === 0 ? 'no cells' : e.fail + e.error === 0 ? 'pass' : 'fail';
  return [...byAdapter.values()];
}

/** Reads a conformance JSON report; null (with the reason) when the file is absent or not one. */
export function loadAccuracy(file: string): { entries: AccuracyEntry[] } | { error: string } {
  if (!existsSync(file)) return { error: `${file} does not exist` };
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport;
    if (doc.format !== 'rmsprop-harness/conformance' || !Array.isArray(doc.cells) || !Array.isArray(doc.adapters)) return { error: `${file} is not a rmsprop-harness conformance report` };
    return { entries: accuracyFromConformance(doc) };
  } catch (e) {
    return { error: `${file}: ${(e as Error).message}` };
  }
}
