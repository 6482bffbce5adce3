// The arithmetic a step is evaluated in. Every operation rounds once to the dtype, the way an
// IEEE-754 machine does: float64 natively, float32 through Math.fround (for + - * / sqrt, computing in
// float64 and rounding to float32 is correctly rounded since 53 >= 2*24 + 2), and fma through the
// correctly rounded emulation.

import { fma32, fma64 } from './fma.js';

export type Dtype = 'float32' | 'float64';
export const DTYPES: readonly Dtype[] = ['float32', 'float64'];

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

export function arithmeticFor(dtype: Dtype): Arithmetic {
  return dtype === 'float32' ? float32Arithmetic : float64Arithmetic;
}

/** A typed array of the dtype, for storage that rounds on write. */
export function allocate(dtype: Dtype, n: number): Float32Array | Float64Array {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}
