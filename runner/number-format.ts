// The one set of number formatters every output uses (text, Markdown, JUnit, GitHub, HTML, identify):
// a number reads the same wherever it appears. Numbers read back from a JSON report may still be
// encoded ("NaN", "Infinity", "-0"): numeric() decodes them.
import { roundTo, type Dtype } from '../reference/arithmetic.js';
import { decodeNumber } from '../reference/number-encoding.js';

/** A report number, decoded when it arrived encoded; NaN for anything else. */
export function numeric(x: unknown): number {
  try {
    return decodeNumber(x);
  } catch {
    return NaN;
  }
}

/**
 * A ULP distance (or an error in ULPs at scale) for people: exact integers up to 10^4, three
 * significant digits for fractions, then exponent form ("9.0e+18"); "∞" for a NaN/Inf mismatch,
 * "-" for no value.
 */
export function formatUlps(x: unknown): string {
  if (x === null || x === undefined) return '-';
  const v = numeric(x);
  if (Number.isNaN(v)) return '-';
  if (!Number.isFinite(v)) return '∞';
  if (v >= 1e4) return v.toExponential(1);
  if (Number.isInteger(v)) return String(v);
  return v < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

/** A value of a trajectory: shortest round-trip decimal, with -0, NaN and ±Inf spelled out. */
export function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

/** A gap or error magnitude: 4 significant digits, exponent form when tiny or huge. */
export function formatGap(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return '∞';
  if (x === 0) return '0';
  return Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
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

/** The shortest decimal that reads back as the same value of the dtype (363.05133 for a float32, not 363.05133056640625). */
export function formatInDtype(x: number, dtype: Dtype): string {
  if (!Number.isFinite(x) || Object.is(x, -0) || dtype === 'float64') return formatValue(x);
  const round = roundTo(dtype);
  for (let digits = 1; digits <= 9; digits++) {
    const s = x.toPrecision(digits);
    if (round(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

/** A bench timing: its median per step and the relative margin of error ("1.234 ms ±0.5%"), `none` without one. */
export function formatTiming(t: { medianMs: number; rme: number } | undefined, none = '-'): string {
  return t ? `${formatMs(t.medianMs)} ${formatRme(t.rme)}` : none;
}

/** A relative margin of error, in percent of the median ("±0.5%"). */
export function formatRme(rme: number): string {
  return `±${rme.toFixed(1)}%`;
}

/** The change a ratio current/baseline stands for, signed ("+25.0%", "-3.1%"). */
export function formatChange(ratio: number): string {
  return `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;
}

/** A p-value: four decimals, exponent form below 1e-4. */
export function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}
