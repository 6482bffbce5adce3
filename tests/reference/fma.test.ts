import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundToFloat64 } from '../../reference/float-bits.js';
import { fma32, fma64 } from '../../reference/fma.js';
import { exactProductSum, exactZeroProductSum } from '../helpers/exact-arithmetic.js';

/** Exact a*b + c rounded to float32. */
function exactFma32(a: number, b: number, c: number): number {
  const { sum, exp: e } = exactProductSum(a, b, c);
  if (sum === 0n) return exactZeroProductSum(a, b, c);
  // Round to 24 significant bits (normal float32 range in these tests), ties to even.
  const neg = sum < 0n;
  let mag = neg ? -sum : sum;
  const len = mag.toString(2).length;
  const shift = len - 24;
  if (shift > 0) {
    const s = BigInt(shift);
    let q = mag >> s;
    const r = mag - (q << s);
    const half = 1n << (s - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q += 1n;
    mag = q << s;
  }
  return roundToFloat64(neg ? -mag : mag, e);
}

describe('fma32', () => {
  it('rounds once: the double-rounding case', () => {
    // a*b = 2^-24 (1 + 2^-23)(1 - 2^-23) = 2^-24 - 2^-70; exact a*b + c = 1 + 3*2^-24 - 2^-70, just below the
    // float32 midpoint 1 + 3*2^-24 between 1 + 2^-23 and 1 + 2^-22. Correct rounding gives 1 + 2^-23.
    // Rounding to float64 first lands exactly on the midpoint (2^-70 is below half a float64 ulp at 1), and
    // ties-to-even then gives 1 + 2^-22: the wrong answer.
    const a = 1 + 2 ** -23;
    const b = 2 ** -24 * (1 - 2 ** -23);
    const c = 1 + 2 ** -23;
    expect(Math.fround(a) === a && Math.fround(b) === b).toBe(true);
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22); // double rounding
    expect(fma32(a, b, c)).toBe(1 + 2 ** -23);
  });

  it('is exact when the result is representable', () => {
    expect(fma32(3, 5, 7)).toBe(22);
    expect(fma32(0.5, -4, 2)).toBe(0);
  });

  it('propagates non-finite values as IEEE does', () => {
    expect(fma32(Infinity, 0, 1)).toBeNaN();
    expect(fma32(NaN, 1, 1)).toBeNaN();
    expect(fma32(3e38, 10, 0)).toBe(Infinity); // overflows float32
  });

  it('equals the exact rational result rounded to float32 (property)', () => {
    const f32 = fc
      .float({ noDefaultInfinity: true, noNaN: true, min: Math.fround(-1e10), max: Math.fround(1e10) })
      .filter((x) => Math.abs(x) > 1e-10 || x === 0);
    fc.assert(
      fc.property(f32, f32, f32, (a, b, c) => {
        expect(fma32(a, b, c)).toBe(exactFma32(a, b, c));
      }),
      { numRuns: 3000, seed: 342709742 },
    );
  });
});

describe('fma64', () => {
  it('keeps the low bits a separate multiply loses', () => {
    // (1 + 2^-30)(1 - 2^-30) = 1 - 2^-60, which rounds to 1 in float64; adding -1 then gives 0,
    // while the fused result is exactly -2^-60.
    const a = 1 + 2 ** -30;
    const b = 1 - 2 ** -30;
    expect(a * b - 1).toBe(0);
    expect(fma64(a, b, -1)).toBe(-(2 ** -60));
  });

  it('handles subnormal and huge operands through the exact path', () => {
    expect(fma64(2 ** -1000, 2 ** -74, 0)).toBe(2 ** -1074);
    expect(fma64(2 ** 600, 2 ** 600, -Infinity)).toBe(-Infinity);
    expect(fma64(1e300, 1e10, -1e300)).toBe(Infinity); // the exact result 1e310 - 1e300 overflows
    expect(Object.is(fma64(-0, 1, -0), -0)).toBe(true);
    expect(Object.is(fma64(1, 1, -1), 0)).toBe(true);
  });

  it('equals exact BigInt arithmetic rounded once (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (a, b, c) => {
          const { sum, exp: e } = exactProductSum(a, b, c);
          const got = fma64(a, b, c);
          if (sum === 0n) expect(got === 0).toBe(true);
          else expect(got).toBe(roundToFloat64(sum, e));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
