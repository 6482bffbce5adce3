// Framework ops with a known algorithm that is not correctly rounded: Intel's VRSQRT14 estimate and
// XLA's CPU rsqrt built on it, and the variant axis that puts them in the step. Expectations are
// derived by hand from Intel's reference algorithm (recip14.c) and XLA's rsqrt.cc, step by step.
import { describe, expect, it } from 'vitest';
import { fma64 } from '../../reference/fma.js';
import { opImplementation, opImplementationUnsupported } from '../../reference/op-implementations/index.js';
import { x86Rsqrt14 } from '../../reference/op-implementations/x86-rsqrt14.js';
import { xlaCpuRsqrt64 } from '../../reference/op-implementations/xla-cpu-rsqrt.js';
import { xlaCpuRsqrt32AmdSse } from '../../reference/op-implementations/xla-cpu-rsqrt32-amd.js';
import { opErrorsInEffect, XLA_CPU_RSQRT } from '../../reference/op-error.js';
import { findProfile } from '../../reference/registry.js';
import { prepareScalars, ruleFor, stepProgram } from '../../reference/program/index.js';
import { resolveVariant } from '../../reference/resolve.js';
import { compileProgramStep } from '../../adapters/native/kernel-codegen.js';
import { graphUnsupportedReason } from '../../adapters/onnx/rmsprop-graph.js';
import { wasmUnsupportedReason } from '../../adapters/wasm-simd.js';

describe('the x86 VRSQRT14 estimate', () => {
  it('is exact at even powers of two (1 -> 1, 0.25 -> 2, 2^-1074 -> 2^537)', () => {
    expect(x86Rsqrt14(1, 'float64')).toBe(1);
    expect(x86Rsqrt14(0.25, 'float64')).toBe(2);
    expect(x86Rsqrt14(0.25, 'float32')).toBe(2);
    // A subnormal float64 is normalized first: 2^-1074 = 2^(2*-537).
    expect(x86Rsqrt14(2 ** -1074, 'float64')).toBe(2 ** 537);
  });

  it('interpolates segment 0 of [2,4) at x = 2: trunc((367881*128 + 707*512)/512) = 92677, so 92677/2^17', () => {
    // e = 1 (odd), n = 0, 15-bit fraction 0, offset from the centre 0 - 512 = -512.
    expect(x86Rsqrt14(2, 'float64')).toBe(92677 / 2 ** 17);
    expect(x86Rsqrt14(2, 'float32')).toBe(92677 / 2 ** 17);
    // x = 8 = 2 * 4: the same significand, one binade down.
    expect(x86Rsqrt14(8, 'float64')).toBe(92677 / 2 ** 18);
  });

  it('interpolates segment 16 at x = 1.5 (even) and x = 3 (odd), truncating 107017.75 and 75673.75', () => {
    // fraction 0.5: top 15 bits 16384, segment 16, offset 16384 - 33*512 = -512.
    // [1,2): (425875*128 + 549*512)/512 = 107017.75; [2,4): (301139*128 + 389*512)/512 = 75673.75.
    expect(x86Rsqrt14(1.5, 'float64')).toBe(107017 / 2 ** 17);
    expect(x86Rsqrt14(3, 'float64')).toBe(75673 / 2 ** 17);
  });

  it('reads only the top 15 fraction bits: inputs that differ below them get the same estimate', () => {
    expect(x86Rsqrt14(1.5 + 2 ** -30, 'float64')).toBe(x86Rsqrt14(1.5, 'float64'));
    expect(x86Rsqrt14(Math.fround(1.5 + 2 ** -20), 'float32')).toBe(x86Rsqrt14(1.5, 'float32'));
  });

  it('stays within the 2^-14 relative error the SDM states, over a sweep of both binades', () => {
    for (let i = 0; i < 4096; i++) {
      const x = 1 + (3 * i) / 4096;
      expect(Math.abs(x86Rsqrt14(x, 'float64') * Math.sqrt(x) - 1)).toBeLessThan(2 ** -14);
    }
  });

  it('gives +Inf for +0, -Inf for -0, +0 for +Inf and NaN for negative numbers and NaN', () => {
    expect(x86Rsqrt14(0, 'float64')).toBe(Infinity);
    expect(x86Rsqrt14(-0, 'float64')).toBe(-Infinity);
    expect(x86Rsqrt14(Infinity, 'float32')).toBe(0);
    expect(x86Rsqrt14(-1, 'float64')).toBeNaN();
    expect(x86Rsqrt14(NaN, 'float64')).toBeNaN();
  });
});

describe("XLA's CPU rsqrt (float64, AVX-512)", () => {
  it('refines the estimate of 2 with two Newton steps h = fma(x*y, y, -1), y = fma(-y/2, h, y)', () => {
    let y = 92677 / 2 ** 17;
    for (let step = 0; step < 2; step++) {
      const h = fma64(2 * y, y, -1);
      y = fma64(y * -0.5, h, y);
    }
    expect(xlaCpuRsqrt64(2)).toBe(y);
    // and the result is within 1 ulp of 1/sqrt(2) (2^-53 relative at 0.707...).
    expect(Math.abs(xlaCpuRsqrt64(2) - Math.SQRT1_2)).toBeLessThanOrEqual(2 ** -53);
  });

  it('is exact where the estimate is (x = 4 -> 0.5: h = 0, y unchanged)', () => {
    expect(xlaCpuRsqrt64(4)).toBe(0.5);
  });

  it('returns the raw estimate below the smallest normal number and at +Inf, as the intrinsic selects', () => {
    expect(xlaCpuRsqrt64(2 ** -1074)).toBe(2 ** 537);
    expect(xlaCpuRsqrt64(Infinity)).toBe(0);
    expect(xlaCpuRsqrt64(0)).toBe(Infinity);
  });

  it('stays within 2 ulps of 1/Math.sqrt(x) (itself up to 1 ulp off, two roundings), and differs on some inputs', () => {
    let differing = 0;
    for (let i = 1; i <= 2000; i++) {
      const x = (i * 100) / 2000;
      const y = xlaCpuRsqrt64(x);
      const c = 1 / Math.sqrt(x);
      const ulp = 2 ** (Math.floor(Math.log2(c)) - 52);
      expect(Math.abs(y - c)).toBeLessThanOrEqual(2 * ulp);
      if (y !== c) differing++;
    }
    expect(differing).toBeGreaterThan(0);
  });
});

describe('the rsqrtImpl axis', () => {
  const optax = resolveVariant('optax@0.2', 'float64', { lr: 0.02, decay: 0.8, eps: 1e-6 }).variant;

  it('is xla-cpu-amd-avx512 in the optax profile, and the float64 rule computes rsqrt with it', () => {
    expect(optax.rsqrtImpl).toBe('xla-cpu-amd-avx512');
    const rule = ruleFor('float64', optax);
    expect(rule.rsqrtImpl).toBe('xla-cpu-amd-avx512');
    expect(rule.compute.rsqrt(2)).toBe(xlaCpuRsqrt64(2));
  });

  it('computes float32 with the AMD estimate and one Newton step, and the Intel value models float64 only', () => {
    expect(ruleFor('float32', optax).compute.rsqrt(2)).toBe(xlaCpuRsqrt32AmdSse(2));
    expect(opImplementation('rsqrt', { rsqrtImpl: 'xla-cpu-intel-avx512' }, 'float64')).toBe(xlaCpuRsqrt64);
    expect(opImplementation('rsqrt', { rsqrtImpl: 'xla-cpu-intel-avx512' }, 'float32')).toBeUndefined();
    expect(opImplementation('rsqrt', { rsqrtImpl: 'one-over-sqrt' }, 'float64')).toBeUndefined();
  });

  it("drops the profile's declared rsqrt op error where the algorithm is modelled, and keeps it where not (Intel float32)", () => {
    const declared = findProfile('optax@0.2').opErrors;
    expect(opErrorsInEffect(declared, optax, 'float32')).toEqual([]);
    const intel = { ...optax, rsqrtImpl: 'xla-cpu-intel-avx512' as const };
    expect(opErrorsInEffect(declared, intel, 'float32')).toEqual([XLA_CPU_RSQRT]);
  });

  it('reaches the generated JS kernel: one float64 optax step equals the hand computation with XLA rsqrt', () => {
    // optax scale_by_rms, eps_in_sqrt, no momentum, flushed subnormals (none here), first step:
    // nu = fma(1-decay, g*g, decay*0) = 0.2*g*g; x = fma(-lr, g*rsqrt(nu+eps), x).
    const g = 0.3;
    const nu = fma64(1 - 0.8, g * g, 0.8 * 0);
    const s = xlaCpuRsqrt64(nu + 1e-6);
    const expected = fma64(-0.02, s * g, 1);
    const program = stepProgram(optax, 'float64');
    const step = compileProgramStep(program);
    const p = Float64Array.of(1);
    const v = new Float64Array(1);
    step(p, Float64Array.of(g), v, new Float64Array(1), new Float64Array(1), prepareScalars(program, 1, [g]));
    expect(v[0]).toBe(nu);
    expect(p[0]).toBe(expected);
  });

  it('makes kernels that compute 1/sqrt refuse the optax cells with the reason', () => {
    expect(wasmUnsupportedReason(optax, 'float64')).toMatch(/rsqrtImpl=xla-cpu-amd-avx512/);
    expect(graphUnsupportedReason({ ...optax, fma: [] }, 'float32')).toMatch(/rsqrtImpl=xla-cpu-amd-avx512/);
    expect(opImplementationUnsupported({ rsqrtImpl: 'xla-cpu-intel-avx512' }, new Set(['rsqrt']), 'float32', 'k')).toBeNull();
    // eps outside the sqrt divides by sqrt(nu)+eps: no rsqrt, nothing to refuse.
    expect(opImplementationUnsupported(optax, new Set(['sqrt', 'div']), 'float64', 'k')).toBeNull();
  });
});
