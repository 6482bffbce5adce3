// bfloat16 and float16: correctly rounded conversion from a float64 (or float32) value, round to
// nearest, ties to even, with each format's subnormals and overflow to ±Infinity exactly as IEEE-754
// (and PyTorch's c10::BFloat16 / c10::Half, numpy's float16, ml_dtypes' bfloat16) have them.
// Node 20 has no Float16Array: values of these formats are held in Float32Array / Float64Array,
// where every one of them is exact.

import { bitsOf64 } from './float-bits.js';

export interface BinaryFormat {
  readonly name: 'bfloat16' | 'float16';
  /** Significand bits, the implicit one included. */
  readonly precision: number;
  /** Exponent of the smallest normal number. */
  readonly emin: number;
  /** Exponent of the largest finite number. */
  readonly emax: number;
}

/** bfloat16: float32's exponent range with 8 significand bits (max 3.3895314e38, smallest subnormal 2^-133). */
export const BFLOAT16: BinaryFormat = { name: 'bfloat16', precision: 8, emin: -126, emax: 127 };
/** IEEE binary16: max 65504, smallest normal 2^-14, smallest subnormal 2^-24. */
export const FLOAT16: BinaryFormat = { name: 'float16', precision: 11, emin: -14, emax: 15 };

/** The largest finite value of a format. */
export function maxFinite(f: BinaryFormat): number {
  return (2 - 2 ** (1 - f.precision)) * 2 ** f.emax;
}

/** Rounds x/q (exact: q is a power of two) to an integer, ties to even. */
function roundHalfEven(y: number): number {
  const down = Math.floor(y);
  const rest = y - down; // exact: |y| < 2^53 here
  if (rest > 0.5) return down + 1;
  if (rest < 0.5) return down;
  return down % 2 === 0 ? down : down + 1;
}

/**
 * The value of format f nearest to x (one rounding, ties to even). NaN stays NaN, ±0 and ±Infinity
 * stay, a magnitude that rounds above the largest finite value becomes ±Infinity (float16: x >= 65520).
 */
export function roundToFormat(f: BinaryFormat, x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const a = Math.abs(x);
  // Exponent of the leading bit, read from the float64 bits (float64 subnormals are far below any subnormal here).
  const e = Number((bitsOf64(a) >> 52n) & 0x7ffn) - 1023;
  if (e < f.emin - f.precision - 1) return x < 0 ? -0 : 0;
  const quantum = 2 ** (Math.max(e, f.emin) - (f.precision - 1));
  const r = roundHalfEven(a / quantum) * quantum;
  const out = r > maxFinite(f) ? Infinity : r;
  return x < 0 ? -out : out;
}

export const roundToBfloat16 = (x: number): number => roundToFormat(BFLOAT16, x);
export const roundToFloat16 = (x: number): number => roundToFormat(FLOAT16, x);

/** Whether x is a value of the format (NaN counts). */
export function isInFormat(f: BinaryFormat, x: number): boolean {
  return Number.isNaN(x) || roundToFormat(f, x) === x;
}

// ---- bit patterns (16 bits), for ULP distances and for showing values as the frameworks store them ----

/** The 16-bit pattern of a value of the format (x must be in it; NaN gives the quiet NaN 0x7fc0 / 0x7e00). */
export function bitsOf16(f: BinaryFormat, x: number): number {
  const mantBits = f.precision - 1;
  const expBits = 15 - mantBits;
  const bias = 2 ** (expBits - 1) - 1;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const expAll = (2 ** expBits - 1) << mantBits;
  if (Number.isNaN(x)) return expAll | (1 << (mantBits - 1));
  const a = Math.abs(x);
  if (a === Infinity) return sign | expAll;
  if (a === 0) return sign;
  const e = Number((bitsOf64(a) >> 52n) & 0x7ffn) - 1023;
  if (e < f.emin) return sign | Math.round(a / 2 ** (f.emin - mantBits)); // subnormal: the significand counts quanta
  return sign | ((e + bias) << mantBits) | Math.round((a / 2 ** e - 1) * 2 ** mantBits);
}

/** The value of a 16-bit pattern. */
export function fromBits16(f: BinaryFormat, bits: number): number {
  const mantBits = f.precision - 1;
  const expBits = 15 - mantBits;
  const bias = 2 ** (expBits - 1) - 1;
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> mantBits) & (2 ** expBits - 1);
  const mant = bits & (2 ** mantBits - 1);
  if (exp === 2 ** expBits - 1) return mant === 0 ? sign * Infinity : NaN;
  if (exp === 0) return sign * mant * 2 ** (f.emin - mantBits);
  return sign * (1 + mant / 2 ** mantBits) * 2 ** (exp - bias);
}
