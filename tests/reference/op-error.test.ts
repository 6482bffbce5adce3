// Ops a build does not round correctly: the declarations, and the re-anchored step that allows the
// declared op its bound and nothing more. Expectations are derived by hand with Math.fround.
import { describe, expect, it } from 'vitest';
import { nextDown32, nextUp32 } from '../../reference/float-bits.js';
import { MKL_VML_SQRT, opErrorBounds, XLA_CPU_RSQRT } from '../../reference/op-error.js';
import { OpErrorStep } from '../../reference/op-error-step.js';
import { findProfile } from '../../reference/registry.js';
import { resolveVariant } from '../../reference/resolve.js';

const fr = Math.fround;

/**
 * torch.optim.RMSprop, float32, one element, first step, no momentum, not centered
 * (torch/optim/rmsprop.py _single_tensor_rmsprop):
 *   square_avg.mul_(alpha).addcmul_(grad, grad, value=1-alpha)   -> v = fma((1-a)*g, g, a*0) = fround(fround((1-a)*g)*g)
 *   avg = square_avg.sqrt().add_(eps)                              -> d = fround(sqrt(v) + eps), sqrt moved by k ulps
 *   param.addcdiv_(grad, avg, value=-lr)                           -> p = fround(p - fround(fround(lr*g)/d))
 * (1-alpha) is a Python float rounded by the kernel: fround(1 - 0.9).
 */
function torchStep(p0: number, g: number, sqrtUlps: number): { p: number; v: number } {
  const lr = fr(0.01);
  const oneMinusAlpha = fr(1 - 0.9);
  const eps = fr(1e-8);
  const v = fr(fr(oneMinusAlpha * g) * g); // the product of two float32 values is exact in float64
  let root = fr(Math.sqrt(v));
  for (let i = 0; i < Math.abs(sqrtUlps); i++) root = sqrtUlps > 0 ? nextUp32(root) : nextDown32(root);
  const d = fr(root + eps);
  return { p: fr(p0 - fr(fr(lr * g) / d)), v };
}

const p0 = fr(0.035);
const g = fr(0.45);
// A torch build whose sqrt is not modelled (sqrtImpl=correctly-rounded: an Intel CPU's MKL kernels),
// where the declared op error is what the comparison allows.
const torch = {
  ...resolveVariant('torch@2.1', 'float32', { lr: 0.01, alpha: 0.9, eps: 1e-8 }).variant,
  sqrtImpl: 'correctly-rounded' as const,
};
const zeros = () => new Float64Array(1);
const before = () => ({ p: Float64Array.of(p0), v: zeros(), m: zeros(), b: zeros() });
const recorded = (x: { p: number; v: number }) => ({ p: Float64Array.of(x.p), v: Float64Array.of(x.v) });

describe('declared op errors', () => {
  it('torch@2.1 declares sqrt within 1 ulp in float32 and float64 (MKL VML, measured), optax declares rsqrt, tf-raw declares nothing', () => {
    expect(findProfile('torch@2.1').opErrors).toEqual([MKL_VML_SQRT]);
    expect(findProfile('optax@0.2').opErrors).toEqual([XLA_CPU_RSQRT]);
    expect(findProfile('tf-raw@2').opErrors ?? []).toEqual([]);
    expect([...opErrorBounds([MKL_VML_SQRT], 'float32')]).toEqual([['sqrt', 1]]);
    expect([...opErrorBounds([MKL_VML_SQRT], 'float64')]).toEqual([['sqrt', 1]]);
  });

  it('a dtype with no measured bound gets no declaration', () => {
    expect(opErrorBounds([{ ...MKL_VML_SQRT, ulps: { float32: 1 } }], 'float64').size).toBe(0);
  });
});

describe('a step re-anchored with the declared op error', () => {
  // The hand-derived results with sqrt moved by -2..2 ulps are five different parameters: each case below tests something.
  const outcomes = [-2, -1, 0, 1, 2].map((k) => torchStep(p0, g, k));

  it('the five hand-derived outcomes differ, so the bound is observable in the parameter', () => {
    expect(new Set(outcomes.map((o) => o.p)).size).toBe(5);
  });

  it('accepts the correctly rounded step and the steps whose sqrt is 1 ulp off, in either direction', () => {
    const checker = new OpErrorStep(torch, 'float32', [MKL_VML_SQRT]);
    expect(checker.declared).toBe(true);
    expect(checker.stateWritten).toEqual(['v']);
    for (const k of [-1, 0, 1]) expect(checker.check(0, before(), Float64Array.of(g), recorded(torchStep(p0, g, k)))).toBeNull();
  });

  it('refuses a step whose sqrt would have to be 2 ulps off, naming the element and the quantity', () => {
    const checker = new OpErrorStep(torch, 'float32', [MKL_VML_SQRT]);
    for (const k of [-2, 2]) {
      const miss = checker.check(0, before(), Float64Array.of(g), recorded(torchStep(p0, g, k)));
      expect(miss).toMatchObject({ index: 0, quantity: 'p', recorded: torchStep(p0, g, k).p, expected: torchStep(p0, g, 0).p });
    }
  });

  it('refuses a recorded state that the step cannot produce, even when the parameter matches', () => {
    const checker = new OpErrorStep(torch, 'float32', [MKL_VML_SQRT]);
    const right = torchStep(p0, g, 0);
    const miss = checker.check(0, before(), Float64Array.of(g), {
      p: Float64Array.of(right.p),
      v: Float64Array.of(nextUp32(right.v)),
    });
    expect(miss?.quantity).toBe('v');
  });

  it('without a declaration only the correctly rounded step is accepted', () => {
    const checker = new OpErrorStep(torch, 'float32', []);
    expect(checker.declared).toBe(false);
    expect(checker.check(0, before(), Float64Array.of(g), recorded(torchStep(p0, g, 0)))).toBeNull();
    expect(checker.check(0, before(), Float64Array.of(g), recorded(torchStep(p0, g, 1)))?.quantity).toBe('p');
  });
});
