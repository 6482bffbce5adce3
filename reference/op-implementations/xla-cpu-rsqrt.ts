// jax.lax.rsqrt on XLA's CPU backend: XLA's own rsqrt intrinsic, an x86 hardware estimate refined
// by two Newton-Raphson steps, h = (x*y)*y - 1 and y = (-y/2)*h + y, whose multiply-adds XLA's
// LLVM contracts into FMAs. Where x is below the smallest normal number or is +Inf, the raw
// estimate is returned. With AVX-512 the float64 estimate is VRSQRT14PD at every vector width;
// the float32 one depends on the width XLA vectorizes to (RSQRTSS/RSQRTPS, whose exact result is
// implementation-defined, or VRSQRT14PS), so only float64 is modelled here.
//
// Source: tensorflow/tensorflow third_party/xla/xla/codegen/intrinsic/rsqrt.cc
// (Rsqrt::CreateDefinition, NewtonRaphsonRsqrtIteration, num_steps = 2). Measured: with the FMA
// contraction it reproduces 41 of the 43 optax eps_in_sqrt float64 recordings bit for bit (jax
// 0.10.2, AVX-512); without it, 9.

import { fma64 } from '../fma.js';
import { x86Rsqrt14 } from './x86-rsqrt14.js';

const MIN_NORMAL_64 = 2 ** -1022;

/** XLA CPU's float64 rsqrt (AVX-512 build). */
export function xlaCpuRsqrt64(x: number): number {
  const estimate = x86Rsqrt14(x, 'float64');
  // `x < min || x == inf` selects the estimate; NaN compares false and takes the refined NaN.
  if (x < MIN_NORMAL_64 || x === Infinity) return estimate;
  let y = estimate;
  for (let step = 0; step < 2; step++) {
    const r2 = x * y;
    const halfNegative = y * -0.5;
    const h = fma64(r2, y, -1);
    y = fma64(halfNegative, h, y);
  }
  return y;
}
