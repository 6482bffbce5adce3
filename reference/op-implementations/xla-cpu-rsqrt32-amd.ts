// jax.lax.rsqrt in float32 on XLA's CPU backend on an AMD CPU, at the SSE/AVX vector widths (1, 4
// and 8 lanes): the RSQRTSS/RSQRTPS/VRSQRTPS estimate refined by ONE Newton-Raphson step,
// h = (x*y)*y - 1 and y = (-y/2)*h + y, with both multiply-adds contracted to FMAs. XLA takes one
// step on AMD because AMD's 12-bit estimate is more accurate than Intel's (two steps elsewhere, and at
// 16 lanes, where the estimate is VRSQRT14PS). Where x is below the smallest normal number or is
// +Inf, the raw estimate is returned.
//
// Source: openxla/xla xla/codegen/intrinsic/rsqrt.cc (Rsqrt::CreateDefinition: num_steps =
// (is_amd && !using_avx512) ? 1 : 2, using_avx512 only for F32 vectors wider than 8;
// NewtonRaphsonRsqrtIteration). Measured: with amdZenRsqrtps it reproduces every informative element
// of the 43 optax eps_in_sqrt float32 recordings (jax 0.10.2, AMD EPYC Zen 4), re-anchored; two
// steps, or one step without the contraction of h, do not (the last step's contraction is not
// observable in them: with or without it they agree).

import { fma32 } from '../fma.js';
import { amdZenRsqrtps } from './x86-rsqrtps.js';

const MIN_NORMAL_32 = 2 ** -126;
const fr = Math.fround;

/** XLA CPU's float32 rsqrt on AMD Zen at SSE/AVX widths; x a float32 value. */
export function xlaCpuRsqrt32AmdSse(x: number): number {
  const estimate = amdZenRsqrtps(x);
  // `x < min || x == inf` selects the estimate; NaN compares false and takes the refined NaN.
  if (x < MIN_NORMAL_32 || x === Infinity) return estimate;
  const r2 = fr(x * estimate);
  const halfNegative = fr(estimate * -0.5);
  const h = fma32(r2, estimate, -1);
  return fma32(halfNegative, h, estimate);
}
