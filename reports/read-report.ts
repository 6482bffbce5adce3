// Reads a conformance report back from its JSON file (for `report html`, `report merge`, bench's
// accuracy table): schema-checked, then numbers decoded ("NaN", "Infinity", "-0" back to numbers).

import { decodeNumber } from '../reference/number-encoding.js';
import type { ConformanceReport } from '../runner/result.js';
import { readJsonFile } from '../suites/json-file.js';
import { ConformanceReportSchema } from './report-schema.js';

const ENCODED = new Set(['NaN', 'Infinity', '-Infinity', '-0']);

/** Numbers are written as these strings when not finite (or -0); no text field the harness writes is exactly one of them. */
function decodeNumbers(value: unknown): unknown {
  if (typeof value === 'string') return ENCODED.has(value) ? decodeNumber(value) : value;
  if (Array.isArray(value)) return value.map(decodeNumbers);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeNumbers(v);
    return out;
  }
  return value;
}

export function readConformanceReport(path: string): ConformanceReport {
  const doc = readJsonFile(path, 'conformance report', ConformanceReportSchema, 'a report written by `rmsprop-harness conform`');
  return decodeNumbers(doc) as ConformanceReport;
}
