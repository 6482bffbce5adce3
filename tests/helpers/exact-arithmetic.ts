// Exact BigInt arithmetic on float64 values, for test oracles. Written independently of the
// emulation under test (reference/fma.ts, reference/arithmetic.ts): every finite double is an
// integer times a power of two, so a*b + c of finite doubles is an integer at the smaller exponent.
import { decompose64 } from '../../reference/float-bits.js';

/** x as m * 2^e with an integer m (exact; x finite). */
export function exact(x: number): { m: bigint; e: number } {
  const d = decompose64(x);
  return { m: d.mant, e: d.exp };
}

/** Whether x has its sign bit set: negative values and -0. */
export const isNegative = (x: number) => x < 0 || Object.is(x, -0);

/** a*b + c exactly (finite operands), as sum * 2^exp with an integer sum. */
export function exactProductSum(a: number, b: number, c: number): { sum: bigint; exp: number } {
  const x = exact(a);
  const y = exact(b);
  const z = exact(c);
  const productExp = x.e + y.e;
  const exp = Math.min(productExp, z.e);
  return { sum: ((x.m * y.m) << BigInt(productExp - exp)) + (z.m << BigInt(z.e - exp)), exp };
}

/**
 * The IEEE result of a*b + c where the exact sum is zero: +0, except (-0) + (-0), i.e. a signed-zero
 * product of negative sign plus -0.
 */
export function exactZeroProductSum(a: number, b: number, c: number): number {
  const productIsNegativeZero = (a === 0 || b === 0) && isNegative(a) !== isNegative(b);
  return productIsNegativeZero && Object.is(c, -0) ? -0 : 0;
}
