// Distance in units in the last place, in a dtype. Floats are mapped to integers that are
// consecutive across zero and through the subnormals (-0 and +0 both map to 0), so the distance
// counts the representable values between two numbers. Non-finite values never have a finite
// distance to anything but themselves: NaN equals only NaN, +Inf only +Inf.

import { isLowPrecision, type Dtype } from '../reference/arithmetic.js';
import { BFLOAT16, FLOAT16, bitsOf16, fromBits16, roundToFormat, type BinaryFormat } from '../reference/low-precision.js';
import { bitsOf32, bitsOf64 } from '../reference/float-bits.js';

function ordinal32(x: number): number {
  const bits = bitsOf32(x);
  const magnitude = bits & 0x7fffffff;
  return bits >>> 31 ? -magnitude : magnitude;
}

/** bfloat16 is the top half of a float32, so its ordinal is ordinal32 / 2^16 (fractional for a value between two bfloat16s); a float16 value is rounded into the format first. */
function ordinal16(dtype: 'bfloat16' | 'float16', x: number): number {
  if (dtype === 'bfloat16') return ordinal32(x) / 65536;
  const bits = bitsOf16(FLOAT16, roundToFormat(FLOAT16, x));
  const magnitude = bits & 0x7fff;
  return bits & 0x8000 ? -magnitude : magnitude;
}

const formatOf = (dtype: 'bfloat16' | 'float16'): BinaryFormat => (dtype === 'bfloat16' ? BFLOAT16 : FLOAT16);

function ordinal64(x: number): bigint {
  const bits = bitsOf64(x);
  const magnitude = bits & 0x7fffffffffffffffn;
  return bits >> 63n ? -magnitude : magnitude;
}

/** Whether two values are the same for strict matching: NaN matches NaN, infinities match by sign. */
export function sameNonFinite(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return a === b;
}

/**
 * ULP distance of two values of the dtype. 0 for identical values (and for +0 vs -0: see
 * signedZeroMismatch), Infinity when one is non-finite and the other differs.
 */
export function ulpDistance(a: number, b: number, dtype: Dtype): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return sameNonFinite(a, b) ? 0 : Infinity;
  if (dtype === 'float32') return Math.abs(ordinal32(a) - ordinal32(b));
  if (isLowPrecision(dtype)) return Math.abs(ordinal16(dtype, a) - ordinal16(dtype, b));
  const d = ordinal64(a) - ordinal64(b);
  return Number(d < 0n ? -d : d);
}

export function signedZeroMismatch(a: number, b: number): boolean {
  return a === 0 && b === 0 && Object.is(a, -0) !== Object.is(b, -0);
}

/** The spacing of the dtype at x (distance to the next representable value away from zero). */
export function ulpOf(x: number, dtype: Dtype): number {
  const ax = Math.abs(x);
  if (!Number.isFinite(ax)) return NaN;
  if (isLowPrecision(dtype)) {
    const f = formatOf(dtype);
    return fromBits16(f, bitsOf16(f, roundToFormat(f, ax)) + 1) - roundToFormat(f, ax);
  }
  if (dtype === 'float32') {
    const f = Math.fround(ax);
    const next = new Float32Array(new Uint32Array([bitsOf32(f) + 1]).buffer)[0];
    return next - f;
  }
  if (ax === Number.MAX_VALUE) return 2 ** 971;
  const next = new Float64Array(new BigUint64Array([bitsOf64(ax) + 1n]).buffer)[0];
  return next - ax;
}

/** Formatting lives with the other number formatters. */
export { formatUlps } from './number-format.js';
