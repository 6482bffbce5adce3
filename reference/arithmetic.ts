// The arithmetic a step is evaluated in. Every operation rounds once to the dtype, the way an
// IEEE-754 machine does: float64 natively, float32 through Math.fround (for + - * / sqrt, computing in
// float64 and rounding to float32 is correctly rounded since 53 >= 2*24 + 2), and fma through the
// correctly rounded emulation. bfloat16 and float16 are storage formats here: their arithmetic is
// float32 rounded to the format after each op (for + - * / sqrt that is the correctly rounded result,
// since 24 >= 2*11 + 2); how a framework rounds at its own op boundaries is a rounding rule
// (reference/program/rounding.ts).

import { fma32, fma64 } from './fma.js';
import { roundToBfloat16, roundToFloat16 } from './low-precision.js';

export type LowPrecisionDtype = 'bfloat16' | 'float16';
export type Dtype = 'float32' | 'float64' | LowPrecisionDtype;
/** The dtypes a run covers unless told otherwise (every adapter runs them). */
export const DTYPES: readonly Dtype[] = ['float32', 'float64'];
export const LOW_PRECISION_DTYPES: readonly LowPrecisionDtype[] = ['bfloat16', 'float16'];
/** Every dtype the reference computes in. */
export const ALL_DTYPES: readonly Dtype[] = [...DTYPES, ...LOW_PRECISION_DTYPES];

/** The dtypes that have a typed array and a native arithmetic of their own. */
export type WideDtype = 'float32' | 'float64';

/** A dtype narrowed to float32/float64, for code that declared only those (a low-precision dtype here is a bug of the caller). */
export function wideDtype(dtype: Dtype, who: string): WideDtype {
  if (isLowPrecision(dtype)) throw new Error(`${who} runs float32 and float64 only (asked for ${dtype})`);
  return dtype;
}

export function isLowPrecision(dtype: Dtype): dtype is LowPrecisionDtype {
  return dtype === 'bfloat16' || dtype === 'float16';
}

/** Rounds a float64 value into the dtype (one correct rounding, ties to even). */
export function roundTo(dtype: Dtype): (x: number) => number {
  if (dtype === 'float32') return Math.fround;
  if (dtype === 'bfloat16') return roundToBfloat16;
  if (dtype === 'float16') return roundToFloat16;
  return (x) => x;
}

export interface Arithmetic {
  readonly dtype: Dtype;
  /** Round a host (float64) value into the dtype: how a scalar becomes a tensor constant. */
  round(x: number): number;
  add(a: number, b: number): number;
  sub(a: number, b: number): number;
  mul(a: number, b: number): number;
  div(a: number, b: number): number;
  sqrt(a: number): number;
  /** 1/sqrt(a) rounded to the dtype (via float64; hardware rsqrt approximations are not modelled). */
  rsqrt(a: number): number;
  /** a*b + c with one rounding. */
  fma(a: number, b: number, c: number): number;
}

export const float64Arithmetic: Arithmetic = {
  dtype: 'float64',
  round: (x) => x,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  sqrt: Math.sqrt,
  rsqrt: (a) => 1 / Math.sqrt(a),
  fma: fma64,
};

const fr = Math.fround;

export const float32Arithmetic: Arithmetic = {
  dtype: 'float32',
  round: fr,
  add: (a, b) => fr(a + b),
  sub: (a, b) => fr(a - b),
  mul: (a, b) => fr(a * b),
  div: (a, b) => fr(a / b),
  sqrt: (a) => fr(Math.sqrt(a)),
  rsqrt: (a) => fr(1 / Math.sqrt(a)),
  fma: fma32,
};

/** Arithmetic in a 16-bit format: each op in float32, rounded to the format (fma: the float32 fma, rounded). */
function lowPrecisionArithmetic(dtype: LowPrecisionDtype): Arithmetic {
  const r = roundTo(dtype);
  return {
    dtype,
    round: r,
    add: (a, b) => r(fr(a + b)),
    sub: (a, b) => r(fr(a - b)),
    mul: (a, b) => r(fr(a * b)),
    div: (a, b) => r(fr(a / b)),
    sqrt: (a) => r(fr(Math.sqrt(a))),
    rsqrt: (a) => r(fr(1 / Math.sqrt(a))),
    fma: (a, b, c) => r(fma32(a, b, c)),
  };
}

export const bfloat16Arithmetic: Arithmetic = lowPrecisionArithmetic('bfloat16');
export const float16Arithmetic: Arithmetic = lowPrecisionArithmetic('float16');

export function arithmeticFor(dtype: Dtype): Arithmetic {
  switch (dtype) {
    case 'float32':
      return float32Arithmetic;
    case 'bfloat16':
      return bfloat16Arithmetic;
    case 'float16':
      return float16Arithmetic;
    default:
      return float64Arithmetic;
  }
}

/** A typed array that holds the dtype's values exactly (bfloat16 and float16 in a Float32Array: Node 20 has no Float16Array). */
export function allocate(dtype: Dtype, n: number): Float32Array | Float64Array {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}
