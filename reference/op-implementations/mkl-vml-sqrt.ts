// torch.sqrt on PyTorch's x86 CPU wheels goes through MKL VML (vmsSqrt/vmdSqrt in VML_HA mode,
// pytorch/pytorch aten/src/ATen/cpu/vml.h). On an AMD CPU, MKL runs its generic code path ("def"
// kernels, mkl_vml_kernel_sSqrt_EXHAynn / dSqrt_EXHAynn in libmkl_vml_def), which is not
// correctly rounded: it starts from the SSE RSQRTPS estimate (AMD's table, x86-rsqrtps.ts) and
// refines it without FMA. Inputs outside the range the fast path handles (zero, subnormals,
// negatives, Inf, NaN, and the top of the range) go to a slow path whose results are correctly
// rounded.
//
// float32 (every op a float32 operation, rounded): s = x*y, h = y/2, r = 1/2 - s*h, s = s + r*s,
//   h = h + r*h, then one correction s + h*(x - s*s).
// float64: the float32 estimate y of x's top mantissa bits, scaled; x split into xh (top 26 bits)
//   and xl; r = (1 - xh*y^2) - xl*y^2; sqrt = ((x*y*r*p(r)) + xl*y) + xh*y with p a degree-3
//   polynomial of (1-r)^(-1/2) - 1 over r (MKL's constants), every op a float64 operation, rounded.
//
// Read from MKL 2020.4's libmkl_vml_def.so (Debian intel-mkl) and checked against it on an AMD
// EPYC (Zen 3): the model equals vmsSqrt on every float32 in [1, 4) and on 8.4M random float32 bit
// patterns, and vmdSqrt on 12.6M float64 inputs (random bit patterns, uniform [0,100), the ends of
// the fast path's range); scripts/analysis/check-mkl-vml-sqrt.{c,ts}. The torch 2.13.0+cpu
// recordings (its own bundled MKL, on an AMD EPYC with AVX-512, Zen 4) agree: with this sqrt all
// 176 torch float32/float64 recordings replay bit for bit, and on the probes' 30000 uniform[0,100)
// inputs it is off the correctly rounded root exactly as often as torch was (5049 float32, 368
// float64). On Intel CPUs MKL dispatches to other kernels: this is the AMD model only.
import { fromBits64 } from '../float-bits.js';
import { amdZenRsqrtps } from './x86-rsqrtps.js';

const fround = Math.fround;

/** float32 bit patterns the fast path takes: positive normal numbers up to 0x7f7ff000. */
const FAST32_LOW = 0x00800000;
const FAST32_HIGH = 0x7f7ff000;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** MKL VML's float32 sqrt (generic code path on AMD). */
export function mklVmlSqrt32(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  if (bits < FAST32_LOW || bits > FAST32_HIGH) return fround(Math.sqrt(x));
  const xf = f32[0];
  const y = amdZenRsqrtps(xf);
  let s = fround(xf * y);
  let h = fround(0.5 * y);
  const r = fround(0.5 - fround(s * h));
  s = fround(s + fround(r * s));
  h = fround(h + fround(r * h));
  const e = fround(xf - fround(s * s));
  return fround(s + fround(h * e));
}

/** Coefficients of p(r) = C1 + C2 r + C3 r^2 + C4 r^3 ~ ((1-r)^(-1/2) - 1)/r, as MKL stores them. */
const C1 = fromBits64(0x3fdffffffffffe71n); // 0.49999999999997785
const C2 = fromBits64(0x3fd80000000000f6n); // 0.37500000000001366
const C3 = fromBits64(0x3fd40000b13001d9n); // 0.31250016501874495
const C4 = fromBits64(0x3fd1800032338cbbn); // 0.27343754675366555

/** The fast path's float64 range: [2^-1022, 2^1022). */
const FAST64_LOW = 2 ** -1022;
const FAST64_HIGH = 2 ** 1022;

const view = new DataView(new ArrayBuffer(8));

/** MKL VML's float64 sqrt (generic code path on AMD). */
export function mklVmlSqrt64(x: number): number {
  if (!(x >= FAST64_LOW && x < FAST64_HIGH)) return Math.sqrt(x);
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const biased = high >>> 20;
  // The estimate is RSQRTPS of the float32 m in [1, 4) made of x's exponent parity and top mantissa
  // bits (it reads only the top 12), x = m * 2^e with e even; scaled back by 2^(-e/2), exactly.
  const odd = (biased & 1) === 1; // biased 1023 is x in [1, 2)
  const m = (odd ? 1 : 2) * (1 + ((high >>> 8) & 0xfff) / 4096);
  const y = amdZenRsqrtps(m) * 2 ** (-(odd ? biased - 1023 : biased - 1024) / 2);
  view.setUint32(4, view.getUint32(4) & 0xf8000000);
  const xh = view.getFloat64(0);
  const xl = x - xh;
  const yy = y * y;
  const r = 1 - xh * yy - yy * xl;
  const p = ((C4 * r + C3) * r + C2) * r + C1;
  return r * p * y * x + xl * y + xh * y;
}

/** MKL VML's sqrt in a dtype, as torch's x86 wheels compute it on an AMD CPU. */
export function mklVmlSqrt(dtype: 'float32' | 'float64'): (x: number) => number {
  return dtype === 'float32' ? mklVmlSqrt32 : mklVmlSqrt64;
}
