// Correctly rounded fused multiply-add, emulated in JavaScript.
//
// float32: a*b of two float32 values is exact in float64, so a*b + c is one float64 addition whose
// exact error TwoSum recovers. Rounding that sum to float64 and then to float32 would round twice
// (wrong when the float64 sum lands exactly on a float32 midpoint), so the float64 sum is rounded
// *to odd* first: with 53 >= 24 + 2 bits, round-to-odd followed by round-to-nearest is correct.
//
// float64: Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using
// rounding to odd" (IEEE TC 2008): exact product by Dekker/Veltkamp, TwoSum with c, round the low
// parts to odd, one final rounding. Operands whose exponents make the error-free transforms unsafe
// (near overflow or underflow) go through exact BigInt arithmetic instead.

import { decompose64, isOddSignificand64, nextDown64, nextUp64, roundToFloat64 } from './float-bits.js';

function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  const e = a - (s - bb) + (b - bb);
  return [s, e];
}

const SPLITTER = 134217729; // 2^27 + 1

function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  return [p, e];
}

/** Round-to-odd of x + y (both float64): the float64 nearest-rounded sum, nudged to an odd neighbour if inexact. */
function addRoundToOdd(x: number, y: number): number {
  const [s, e] = twoSum(x, y);
  if (e === 0 || isOddSignificand64(s)) return s;
  return e > 0 ? nextUp64(s) : nextDown64(s);
}

function exactFma64(a: number, b: number, c: number): number {
  const da = decompose64(a);
  const db = decompose64(b);
  const dc = decompose64(c);
  let mant = da.mant * db.mant;
  let exp = da.exp + db.exp;
  let cm = dc.mant;
  const ce = dc.exp;
  // Align to the smaller exponent and add exactly.
  if (ce < exp) {
    mant <<= BigInt(exp - ce);
    exp = ce;
  } else {
    cm <<= BigInt(ce - exp);
  }
  const sum = mant + cm;
  if (sum === 0n) {
    // Exact cancellation rounds to +0, except (-0) + (-0).
    const productNegative = a < 0 !== b < 0;
    return productNegative && Object.is(c, -0) ? -0 : 0;
  }
  return roundToFloat64(sum, exp);
}

const SAFE_HIGH = 2 ** 500;
const SAFE_LOW = 2 ** -450;

function inSafeRange(x: number): boolean {
  const m = Math.abs(x);
  return m === 0 || (m < SAFE_HIGH && m > SAFE_LOW);
}

/** fma(a, b, c) = a*b + c with a single rounding to float64. */
export function fma64(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a * b + c;
  if (!Number.isFinite(c)) return c; // the exact product is finite, however large

  if (a === 0 || b === 0) return a * b + c; // product is an exact (signed) zero
  if (!(inSafeRange(a) && inSafeRange(b) && inSafeRange(c) && inSafeRange(a * b))) {
    return exactFma64(a, b, c);
  }
  const [ph, pl] = twoProduct(a, b);
  const [th, tl] = twoSum(c, ph);
  if (th === 0 || Math.abs(th) < SAFE_LOW) return exactFma64(a, b, c);
  const v = addRoundToOdd(tl, pl);
  return th + v;
}

/** fma(a, b, c) on float32 values with a single rounding to float32. */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 + 24 bits fit in 53
  if (!Number.isFinite(p) || !Number.isFinite(c)) return Math.fround(p + c);
  return Math.fround(addRoundToOdd(p, c));
}
