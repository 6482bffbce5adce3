// Property: the emulated float32 arithmetic (reference/arithmetic.ts) rounds every operation once,
// to nearest even, as an IEEE-754 binary32 machine does. The oracle is written here and in
// tests/helpers/exact-arithmetic.ts, independently of the code under test: operands are decomposed
// into exact BigInt significands and exponents, the exact result is formed as a rational number, and
// that is rounded to the target format (with gradual underflow and overflow) by integer division.
//
// Why `Math.fround(a op b)` computed in float64 is right for + - * / sqrt of float32 operands: the
// float64 result is itself correctly rounded, and rounding to 53 bits then to 24 bits equals rounding
// once to 24 bits whenever 53 >= 2*24 + 2 (Figueroa, "When is double rounding innocuous?", 1995) —
// for these five operations the exact result cannot lie close enough to a float32 midpoint for the
// first rounding to land on it. It is not innocuous for fma: a*b + c of float32 values can lie
// within 2^-53 (relative) of a float32 midpoint, the float64 sum lands on the midpoint and ties-to-
// even then picks the wrong neighbour; fma32 rounds the float64 sum to odd first. The properties
// below check all of this against the exact oracle rather than against the same float64 expression.
// No fixed seed: fast-check picks one and prints it on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float32Arithmetic as F } from '../../reference/arithmetic.js';
import { bitsOf64 } from '../../reference/float-bits.js';
import { fma32, fma64 } from '../../reference/fma.js';
import { exact, exactProductSum, exactZeroProductSum, isNegative } from '../helpers/exact-arithmetic.js';

const NUM_RUNS = 1000;

// ---- exact oracle ------------------------------------------------------------------------------

interface Format {
  /** Significand bits, including the implicit one. */
  precision: number;
  /** Exponent of the smallest normal and of the largest finite binade. */
  emin: number;
  emax: number;
}
const BINARY32: Format = { precision: 24, emin: -126, emax: 127 };
const BINARY64: Format = { precision: 53, emin: -1022, emax: 1023 };

const bitLength = (x: bigint) => x.toString(2).length;

/** (-1)^neg * num/den * 2^exp, rounded to nearest (ties to even) in the format; num >= 0, den > 0. */
function roundExact(fmt: Format, neg: boolean, num: bigint, den: bigint, exp: number): number {
  const sign = neg ? -1 : 1;
  if (num === 0n) return sign * 0;
  // num/den lies in [2^k, 2^(k+1)).
  let k = bitLength(num) - bitLength(den);
  if (k >= 0 ? num < den << BigInt(k) : num << BigInt(-k) < den) k -= 1;
  const top = k + exp;
  if (top > fmt.emax) return sign * Infinity;
  const ulpExp = Math.max(top, fmt.emin) - (fmt.precision - 1); // subnormals keep the smallest normal's ulp
  const shift = exp - ulpExp;
  let n = num;
  let d = den;
  if (shift >= 0) n <<= BigInt(shift);
  else d <<= BigInt(-shift);
  let q = n / d;
  const twiceRemainder = (n - q * d) * 2n;
  if (twiceRemainder > d || (twiceRemainder === d && (q & 1n) === 1n)) q += 1n;
  // q <= 2^precision and 2^ulpExp is a float64: the product is exact, or rounds up to Infinity
  // exactly when q * 2^ulpExp = 2^(emax+1), the overflow threshold.
  const magnitude = Number(q) * 2 ** ulpExp;
  return sign * (magnitude >= 2 ** (fmt.emax + 1) ? Infinity : magnitude);
}

/** Exact a + b (finite) rounded to the format. An exact zero is +0, except (-0) + (-0) = -0. */
function exactAdd(fmt: Format, a: number, b: number): number {
  const x = exact(a);
  const y = exact(b);
  const e = Math.min(x.e, y.e);
  const sum = (x.m << BigInt(x.e - e)) + (y.m << BigInt(y.e - e));
  if (sum === 0n) return Object.is(a, -0) && Object.is(b, -0) ? -0 : 0;
  return roundExact(fmt, sum < 0n, sum < 0n ? -sum : sum, 1n, e);
}

function exactMul(fmt: Format, a: number, b: number): number {
  const x = exact(a);
  const y = exact(b);
  const p = x.m * y.m;
  return roundExact(fmt, isNegative(a) !== isNegative(b), p < 0n ? -p : p, 1n, x.e + y.e);
}

function exactDiv(fmt: Format, a: number, b: number): number {
  const x = exact(a);
  const y = exact(b);
  const abs = (v: bigint) => (v < 0n ? -v : v);
  return roundExact(fmt, isNegative(a) !== isNegative(b), abs(x.m), abs(y.m), x.e - y.e);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** sqrt(a) for a > 0: sqrt(m * 4^s) * 2^(e/2 - s) with s large enough that the integer root has 41+ bits. */
function exactSqrt(fmt: Format, a: number): number {
  let { m, e } = exact(a);
  if (e % 2 !== 0) {
    m <<= 1n;
    e -= 1;
  }
  const s = 60;
  const scaled = m << BigInt(2 * s);
  const r = isqrt(scaled);
  // Inexact: the root lies strictly between r and r + 1; r has far more than precision + 1 bits,
  // so every rounding boundary is an integer and r + 1/2 rounds the same way as the root.
  if (r * r === scaled) return roundExact(fmt, false, r, 1n, e / 2 - s);
  return roundExact(fmt, false, 2n * r + 1n, 2n, e / 2 - s);
}

/**
 * 1/sqrt(a) for a > 0, rounded once. With r = isqrt(m 4^s), the root lies in [r, r + 1) 2^-s, so
 * 1/sqrt(a) lies in (1/(r + 1), 1/r] 2^(s - e/2): when both ends round to the same value that is the
 * answer (rounding is monotonic); otherwise more bits. An irrational root is never on a midpoint.
 */
function exactRsqrt(fmt: Format, a: number): number {
  let { m, e } = exact(a);
  if (e % 2 !== 0) {
    m <<= 1n;
    e -= 1;
  }
  for (let s = 60; ; s *= 2) {
    const scaled = m << BigInt(2 * s);
    const r = isqrt(scaled);
    if (r * r === scaled) return roundExact(fmt, false, 1n, r, s - e / 2);
    const upper = roundExact(fmt, false, 1n, r, s - e / 2);
    if (roundExact(fmt, false, 1n, r + 1n, s - e / 2) === upper) return upper;
  }
}

/** Exact a*b + c rounded once. An exact zero is +0, except when the product and c are both -0. */
function exactFma(fmt: Format, a: number, b: number, c: number): number {
  const { sum, exp } = exactProductSum(a, b, c);
  if (sum === 0n) return exactZeroProductSum(a, b, c);
  return roundExact(fmt, sum < 0n, sum < 0n ? -sum : sum, 1n, exp);
}

// Results involving NaN, an infinity or a division by zero are not rounded at all: IEEE fixes them
// (NaN, +-Infinity, signed zero), float64 computes the same, and Math.fround keeps them. The exact
// oracle covers every case where rounding happens.
const special = (...xs: number[]) => xs.some((x) => !Number.isFinite(x));

function expectSame(got: number, want: number, what: string): void {
  if (!Object.is(got, want)) {
    expect.fail(`${what}: got ${got} (0x${bitsOf64(got).toString(16)}), expected ${want} (0x${bitsOf64(want).toString(16)})`);
  }
}

// ---- arbitraries -------------------------------------------------------------------------------

const MIN_NORMAL32 = 2 ** -126;
/** float32 values: the whole range with NaN, +-Infinity, -0 and subnormals; small ordinary values; subnormals. */
const f32 = fc.oneof(
  { weight: 4, arbitrary: fc.float() },
  { weight: 3, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) },
  { weight: 1, arbitrary: fc.float({ min: Math.fround(-MIN_NORMAL32), max: Math.fround(MIN_NORMAL32), noNaN: true }) },
);
/** Pairs that also include near-cancellations (b within a few ulps of +-a) and scaled copies. */
const f32Pair = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(f32, f32) },
  {
    weight: 1,
    arbitrary: fc.tuple(f32, fc.integer({ min: -4, max: 4 }), fc.boolean()).map(([a, k, flip]): [number, number] => {
      const near = Math.fround(a * (1 + k * 2 ** -23));
      return [a, flip ? -near : near];
    }),
  },
);

// ---- properties --------------------------------------------------------------------------------

describe('float32 arithmetic rounds once, to nearest even (property, exact BigInt oracle)', () => {
  it(`add and sub (${NUM_RUNS} runs each)`, () => {
    fc.assert(
      fc.property(f32Pair, ([a, b]) => {
        expectSame(F.add(a, b), special(a, b) ? Math.fround(a + b) : exactAdd(BINARY32, a, b), `${a} + ${b}`);
      }),
      { numRuns: NUM_RUNS },
    );
    fc.assert(
      fc.property(f32Pair, ([a, b]) => {
        // a - b is a + (-b) exactly, signed zeros included.
        expectSame(F.sub(a, b), special(a, b) ? Math.fround(a - b) : exactAdd(BINARY32, a, -b), `${a} - ${b}`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`mul (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(f32Pair, ([a, b]) => {
        expectSame(F.mul(a, b), special(a, b) ? Math.fround(a * b) : exactMul(BINARY32, a, b), `${a} * ${b}`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`div (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(f32Pair, ([a, b]) => {
        expectSame(F.div(a, b), special(a, b) || b === 0 ? Math.fround(a / b) : exactDiv(BINARY32, a, b), `${a} / ${b}`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`sqrt (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(f32, (a) => {
        // sqrt(-0) = -0, sqrt(x < 0) = NaN, sqrt(+Infinity) = +Infinity: not rounded.
        expectSame(F.sqrt(a), special(a) || a <= 0 ? Math.fround(Math.sqrt(a)) : exactSqrt(BINARY32, a), `sqrt(${a})`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`rsqrt (${NUM_RUNS} runs)`, () => {
    // 1/sqrt(a) in float64 then rounded to float32 has two float64 roundings before the float32 one,
    // so Figueroa's bound does not apply directly; it is nevertheless correctly rounded for every
    // float32 input (checked exhaustively over the mantissas of [1, 4), which covers every float32 up
    // to exact scaling by powers of 4). The property keeps that true.
    fc.assert(
      fc.property(f32, (a) => {
        // rsqrt(+-0) = +-Infinity, rsqrt(x < 0) = NaN, rsqrt(+Infinity) = 0: not rounded.
        expectSame(F.rsqrt(a), special(a) || a <= 0 ? Math.fround(1 / Math.sqrt(a)) : exactRsqrt(BINARY32, a), `rsqrt(${a})`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`fma on arbitrary float32 operands (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(f32, f32, f32, (a, b, c) => {
        // a*b of float32 values is exact in float64, so the special cases are the float64 ones.
        const want = special(a, b, c) ? Math.fround(a * b + c) : exactFma(BINARY32, a, b, c);
        expectSame(F.fma(a, b, c), want, `fma(${a}, ${b}, ${c})`);
        expectSame(fma32(a, b, c), want, `fma32(${a}, ${b}, ${c})`);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

/**
 * Operands whose exact a*b + c lies just off a midpoint between two neighbours of c: c random and
 * a*b = +-(half an ulp of c) * (1 + s 2^-i)(1 - s 2^-i) = +-(half ulp) * (1 - 2^-2i), or with an
 * independent second factor (1 + t 2^-j), or a neighbouring power of two. With 2i above the wider
 * format's spare bits, rounding a*b + c to that format first lands exactly on the midpoint.
 */
function nearMidpoint(fmt: Format, round: (x: number) => number, cArb: fc.Arbitrary<number>) {
  const p = fmt.precision;
  const bit = fc.integer({ min: 1, max: p - 1 });
  return fc
    .tuple(
      cArb,
      bit,
      fc.option(bit, { nil: undefined, freq: 2 }),
      fc.constantFrom(-1, 1),
      fc.constantFrom(-1, 0, 1),
      fc.constantFrom(-1, 0, 0, 1),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([c, i, j, s, t, shift, negA, negB]): [number, number, number] => {
      const halfUlp = 2 ** (Math.floor(Math.log2(Math.abs(c))) - p + shift);
      const a = round((negA ? -1 : 1) * halfUlp * (1 + s * 2 ** -i));
      const b = round((negB ? -1 : 1) * (j === undefined ? 1 - s * 2 ** -i : 1 + t * 2 ** -j));
      return [a, b, c];
    });
}

describe('fma near rounding midpoints (property, exact BigInt oracle)', () => {
  const c32 = fc.float({ min: 2 ** -100, max: 2 ** 100, noNaN: true }).chain((x) => fc.constantFrom(x, -x));
  const c64 = fc.double({ min: 2 ** -900, max: 2 ** 900, noNaN: true }).chain((x) => fc.constantFrom(x, -x));
  const cases32 = nearMidpoint(BINARY32, Math.fround, c32);
  const cases64 = nearMidpoint(BINARY64, (x) => x, c64);

  it('the generator reaches double-rounding cases: Math.fround(a*b + c) is wrong on some of them', () => {
    const naiveWrong = fc
      .sample(cases32, 1000)
      .filter(([a, b, c]) => !Object.is(Math.fround(a * b + c), exactFma(BINARY32, a, b, c)));
    expect(naiveWrong.length).toBeGreaterThan(10); // a few percent of them
  });

  it(`fma32 (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(cases32, ([a, b, c]) => {
        expectSame(F.fma(a, b, c), exactFma(BINARY32, a, b, c), `fma32(${a}, ${b}, ${c})`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`fma64 (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(cases64, ([a, b, c]) => {
        expectSame(fma64(a, b, c), exactFma(BINARY64, a, b, c), `fma64(${a}, ${b}, ${c})`);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
