// The JSON report: the runner's result with numbers encoded so that NaN, +-Infinity and -0 survive.
import { encodeNumber } from '../reference/number-encoding.js';
import type { ConformanceReport } from '../runner/result.js';

/** JSON.stringify replacer: non-finite numbers and -0 as strings, typed arrays as arrays. */
export function numberReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number') return encodeNumber(value);
  if (value instanceof Float64Array || value instanceof Float32Array) return Array.from(value, encodeNumber);
  return value;
}

export function renderJson(report: ConformanceReport): string {
  return `${JSON.stringify(report, numberReplacer, 1)}\n`;
}
