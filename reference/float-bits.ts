// Bit-level views of IEEE-754 binary32/binary64 values: neighbours, parity, decomposition.
// Shared by the FMA emulation (reference) and the ULP metrics (runner).

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function bitsOf64(x: number): bigint {
  f64[0] = x;
  return u64[0];
}

export function fromBits64(b: bigint): number {
  u64[0] = b;
  return f64[0];
}

export function bitsOf32(x: number): number {
  f32[0] = x;
  return u32[0];
}

export function fromBits32(b: number): number {
  u32[0] = b >>> 0;
  return f32[0];
}

/** Next float64 toward +Infinity. */
export function nextUp64(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  const b = bitsOf64(x);
  return fromBits64(x > 0 ? b + 1n : b - 1n);
}

/** Next float64 toward -Infinity. */
export function nextDown64(x: number): number {
  return -nextUp64(-x);
}

/** Whether the last significand bit of a finite float64 is 1. */
export function isOddSignificand64(x: number): boolean {
  return (bitsOf64(x) & 1n) === 1n;
}

/**
 * Exact decomposition of a finite float64 as sign * mant * 2^exp with an integer mant.
 */
export function decompose64(x: number): { mant: bigint; exp: number } {
  const b = bitsOf64(x);
  const neg = b >> 63n === 1n;
  const e = Number((b >> 52n) & 0x7ffn);
  const frac = b & 0xfffffffffffffn;
  let mant: bigint;
  let exp: number;
  if (e === 0) {
    mant = frac;
    exp = -1074;
  } else {
    mant = frac | 0x10000000000000n;
    exp = e - 1075;
  }
  return { mant: neg ? -mant : mant, exp };
}

/** x * 2^n without intermediate overflow or underflow (exact when the result is representable). */
export function ldexp(x: number, n: number): number {
  while (n > 1000) {
    x *= 2 ** 1000;
    n -= 1000;
  }
  while (n < -1000) {
    x *= 2 ** -1000;
    n += 1000;
  }
  return x * 2 ** n;
}

/**
 * Rounds the exact value mant * 2^exp to the nearest float64, ties to even,
 * with gradual underflow and overflow to Infinity.
 */
export function roundToFloat64(mant: bigint, exp: number): number {
  if (mant === 0n) return 0;
  const neg = mant < 0n;
  let m = neg ? -mant : mant;
  const len = m.toString(2).length;
  const top = exp + len - 1; // exponent of the leading bit
  const keep = top >= -1022 ? 53 : 53 - (-1022 - top);
  let shift = len - keep;
  if (keep <= 0) {
    // Below the smallest subnormal 2^-1074: 0 or MIN_VALUE; exactly 2^-1075 is a tie that goes to 0 (even).
    const isPowerOfTwo = m === 1n << BigInt(len - 1);
    const r = top < -1075 || (top === -1075 && isPowerOfTwo) ? 0 : Number.MIN_VALUE;
    return neg ? -r : r;
  }
  if (shift > 0) {
    const s = BigInt(shift);
    let q = m >> s;
    const r = m - (q << s);
    const halfway = 1n << (s - 1n);
    if (r > halfway || (r === halfway && (q & 1n) === 1n)) q += 1n;
    m = q;
  } else {
    shift = 0;
  }
  const out = ldexp(Number(m), exp + shift);
  return neg ? -out : out;
}

// ---- float32 ----

/** Next float32 toward +Infinity (input must be a float32 value). */
export function nextUp32(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return fromBits32(1);
  const b = bitsOf32(x);
  return fromBits32(x > 0 ? b + 1 : b - 1);
}

export function nextDown32(x: number): number {
  return -nextUp32(-x);
}

export function isFloat32(x: number): boolean {
  return Number.isNaN(x) || Math.fround(x) === x;
}
