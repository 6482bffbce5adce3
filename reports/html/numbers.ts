// Numbers as the report holds them (a report read back from JSON may carry "NaN", "Infinity", "-0"
// as strings) and as the page prints them.
import { decodeNumber } from '../../reference/number-encoding.js';

/** A report number, decoded when it arrived encoded; NaN for anything else. */
export function numeric(x: unknown): number {
  try {
    return decodeNumber(x);
  } catch {
    return NaN;
  }
}

export function formatUlp(x: unknown): string {
  const v = numeric(x);
  if (Number.isNaN(v)) return '-';
  if (!Number.isFinite(v)) return '∞';
  return Math.abs(v) >= 1e7 ? v.toExponential(2) : v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function formatFixed(x: number | undefined, digits: number): string {
  return x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);
}

export function formatPercent(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(0)}%`;
}

/** 1e6 for powers of ten, otherwise digits with thousands separators. */
export function formatSize(n: number): string {
  const e = Math.log10(n);
  return Number.isInteger(e) && e >= 3 ? `1e${e}` : n.toLocaleString('en-US');
}

/** Milliseconds with a unit that keeps 3-4 significant digits readable. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms >= 1) return `${ms.toPrecision(4)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toPrecision(4)} µs`;
  return `${(ms * 1e6).toPrecision(4)} ns`;
}
