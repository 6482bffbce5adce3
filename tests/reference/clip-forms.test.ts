// Clipping forms and their place in the step, and optax's bias correction and update contraction.
// Every expectation is derived by hand from the framework source cited next to it: float32 values
// with Math.fround after each op, fused multiply-adds where the exact sum fits in a double (so one
// Math.fround of it is the correctly rounded fma).
import { describe, expect, it } from 'vitest';
import type { Dtype } from '../../reference/arithmetic.js';
import { prepareScalars, stepProgram } from '../../reference/program/index.js';
import { ElementInterpreter } from '../../reference/program/interpret.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { initialState, step } from '../../reference/step.js';

const f = Math.fround;

/** The gradient after the step's preprocessing (the element stage leaves g as the update used it). */
function preprocessed(profile: string, dtype: Dtype, settings: Settings, grad: number[], params?: number[]): number[] {
  const variant = resolveVariant(profile, dtype, settings).variant;
  const program = stepProgram(variant, dtype);
  const g = Float64Array.from(grad, (x) => program.rule.storage(x));
  const interpreter = new ElementInterpreter(program.ops, program.rule);
  interpreter.setScalars({ ...prepareScalars(program, 0, g) });
  return [...g].map((gi, i) => interpreter.run({ p: params?.[i] ?? 1, g: gi, v: variant.initialAccumulator, m: 0, b: 0 }).g);
}

function oneStep(profile: string, dtype: Dtype, settings: Settings, x0: number[], grads: number[][]): number[] {
  const variant = resolveVariant(profile, dtype, settings).variant;
  let params: Float64Array = Float64Array.from(x0);
  let state = initialState(variant, dtype, x0.length);
  for (const g of grads) ({ params, state } = step(variant, dtype, state, params, Float64Array.from(g)));
  return [...params];
}

describe('clip-norm forms (clipNormForm)', () => {
  it('Keras clipnorm is tf.clip_by_norm: (g*c)/max(n, c), applied also when the norm is below c', () => {
    // tensorflow/python/ops/clip_ops.py clip_by_norm: intermediate = t * clip_norm; intermediate / maximum(l2norm, clip_norm).
    const c = f(0.3);
    const g = [f(0.015), f(0.001)]; // n < c: max(n, c) = c, and (0.015*c)/c is not 0.015 in float32
    const expected = g.map((x) => f(f(x * c) / c));
    expect(expected[0]).not.toBe(g[0]);
    expect(preprocessed('keras', 'float32', { clipnorm: 0.3 }, g)).toEqual(expected);
    // Above the bound: n = 5 for [3, 4].
    expect(preprocessed('keras', 'float32', { clipnorm: 0.5 }, [3, 4])).toEqual([f(f(3 * 0.5) / 5), f(f(4 * 0.5) / 5)]);
  });

  it('Keras 3 global_clipnorm takes 1/c on the host, tf.clip_by_global_norm (tf.keras 2) in the dtype', () => {
    // keras/src/optimizers/base_optimizer.py clip_by_global_norm: clip_norm * minimum(1.0 / use_norm, 1.0 / clip_norm)
    // with 1.0 / clip_norm a Python float; tensorflow/python/ops/clip_ops.py: constant(1.0, dtype) / clip_norm.
    const c = f(0.007);
    const g = [f(0.001), f(0.002)];
    const n = f(Math.sqrt(f(f(g[0] * g[0]) + f(g[1] * g[1]))));
    const keras = f(f(c * Math.min(f(1 / n), f(1 / 0.007))) + f(n - n));
    const tf = f(f(c * Math.min(f(1 / n), f(1 / c))) + f(n - n));
    expect(keras).toBe(1.0000001192092896);
    expect(tf).toBe(0.9999999403953552);
    expect(preprocessed('keras', 'float32', { global_clipnorm: 0.007 }, g)).toEqual(g.map((x) => f(x * keras)));
    expect(preprocessed('keras2-legacy', 'float32', { global_clipnorm: 0.007 }, g)).toEqual(g.map((x) => f(x * tf)));
  });

  it('optax clip_by_global_norm: g unchanged below max_norm, else (g/n)*max_norm with the norm as an fma chain', () => {
    // optax/_src/clipping.py: select(g_norm < max_norm, t, (t / g_norm) * max_norm); XLA sums the squares as s = fma(g, g, s).
    const g = [f(1.0020060180541626), f(1.00326264274062)];
    const s0 = f(g[0] * g[0]);
    const chained = f(g[1] * g[1] + s0); // exact in a double: the fma
    expect(chained).not.toBe(f(f(g[1] * g[1]) + s0));
    const n = f(Math.sqrt(chained));
    const c = f(0.5);
    expect(preprocessed('optax', 'float32', { max_norm: 0.5 }, g)).toEqual(g.map((x) => f(f(x / n) * c)));
    expect(preprocessed('optax', 'float32', { max_norm: 5 }, g)).toEqual(g);
  });

  it('Caffe and Paddle scale by c/n only above the bound (scale-above)', () => {
    // caffe sgd_solver.cpp ClipGradients: if (l2norm_diff > clip_gradients) scale_diff(clip_gradients / l2norm_diff).
    expect(preprocessed('paddle', 'float32', { clip_norm: 0.5 }, [3, 4])).toEqual([f(3 * f(0.5 / 5)), f(4 * f(0.5 / 5))]);
    expect(preprocessed('paddle', 'float32', { clip_norm: 10 }, [3, 4])).toEqual([3, 4]);
  });
});

describe('the place of clipping in the step', () => {
  it('Caffe and Paddle clip before the L2 term is added', () => {
    // caffe Solver::ApplyUpdate: ClipGradients(), then Regularize: caffe_axpy(local_decay, data, diff), an fma under OpenBLAS.
    const scale = f(f(1) / 5);
    const wd = f(0.1);
    const caffe = [3, 4].map((x) => f(wd * 2 + f(x * scale))); // p = 2; wd*2 + g' is exact in a double
    expect(preprocessed('caffe', 'float32', { clip_gradients: 1, weight_decay: 0.1 }, [3, 4], [2, 2])).toEqual(caffe);
    // Paddle (python/paddle/optimizer/optimizer.py): grad_clip, then regularization; no fma.
    const paddle = [3, 4].map((x) => f(f(x * scale) + f(wd * 2)));
    expect(preprocessed('paddle', 'float32', { clip_norm: 1, weight_decay: 0.1 }, [3, 4], [2, 2])).toEqual(paddle);
  });

  it('tf.keras 2 clips by value first and takes the norm of the clipped gradient', () => {
    // keras/optimizers/legacy/optimizer_v2.py _transform_gradients: clipvalue, then clipnorm (tf.clip_by_norm).
    const n = Math.sqrt(1 * 1 + 1 * 1); // clip([3, 4], ±1) = [1, 1]
    const expected = [1, 1].map((x) => (x * 1) / Math.max(n, 1));
    expect(preprocessed('keras2-legacy', 'float64', { clipvalue: 1, clipnorm: 1 }, [3, 4])).toEqual(expected);
    // With the other order the norm is 5 and the clip then cuts nothing: [3/5, 4/5].
    expect(preprocessed('keras2-legacy', 'float64', { clipvalue: 1, clipnorm: 1, clipNormBeforeValue: true }, [3, 4])).toEqual([
      3 / 5,
      4 / 5,
    ]);
  });

  it('clipAfterAccumulator: v accumulates the unclipped gradient, the update uses the clipped one', () => {
    // recurrentjs Solver.step: s = s*decay + (1-decay)*g*g; then g is clipped; w += -lr*g/sqrt(s + eps).
    // Lasagne's arithmetic (float64): accu = rho*accu + (1-rho)*g^2; p - lr*g/sqrt(accu + eps).
    const rho = 0.9;
    const v = rho * 0 + (1 - rho) * (2 * 2);
    const clipped = 1 - (0.1 * 0.5) / Math.sqrt(v + 1e-6);
    const first = 1 - (0.1 * 0.5) / Math.sqrt(rho * 0 + (1 - rho) * (0.5 * 0.5) + 1e-6);
    const s = { learning_rate: 0.1, rho: 0.9, epsilon: 1e-6, clip: 0.5 };
    expect(oneStep('lasagne', 'float64', { ...s, clipAfterAccumulator: true }, [1], [[2]])).toEqual([clipped]);
    expect(oneStep('lasagne', 'float64', s, [1], [[2]])).toEqual([first]);
  });

  it('a native clip name sets its form: clipnorm, global_clipnorm', () => {
    const form = (profile: string, name: string) => resolveVariant(profile, 'float32', { [name]: 1 }).variant.clipNormForm;
    expect(form('keras', 'clipnorm')).toBe('clip-by-norm');
    expect(form('keras', 'global_clipnorm')).toBe('keras-global');
    expect(form('keras2-legacy', 'clipnorm')).toBe('clip-by-norm');
    expect(form('keras2-legacy', 'global_clipnorm')).toBe('tf-global');
    expect(form('optax', 'max_norm')).toBe('optax');
  });
});

describe('optax bias correction and update (XLA CPU contractions)', () => {
  it('multiplies by r = 1/(1 - decay^t) in the dtype and contracts the update x + (-lr)*(s*g)', () => {
    // optax/tree_utils/_tree_math.py tree_bias_correction: 1 - decay**count; transform.py scale_by_rms with
    // eps_in_sqrt=False: updates / (sqrt(nu_hat) + eps); XLA: nu = fma(1-d, g*g, d*nu), x + (-lr)*u as one fma.
    const d = f(0.9);
    const w = f(1 - 0.9);
    const g = f(1 / 37);
    const lr = f(0.3);
    const eps = f(1e-8);
    const nu = f(w * f(g * g)); // fma(w, g*g, d*0)
    const r = f(1 / f(1 - f(d ** 1)));
    const s = f(1 / f(f(Math.sqrt(f(nu * r))) + eps));
    const u = f(s * g);
    const x = f(1 - lr * u); // 1 - lr*u is exact in a double: the fma
    expect(
      oneStep('optax', 'float32', { learning_rate: 0.3, eps_in_sqrt: false, bias_correction: true }, [1], [[1 / 37]]),
    ).toEqual([x]);
    expect(f(1 - f(lr * u))).not.toBe(x); // the contraction is observable here
  });

  it('centered with bias_correction corrects the mean too (scale_by_stddev mu_hat)', () => {
    // optax transform.py scale_by_stddev: mu_hat, nu_hat = bias-corrected mu, nu; 1/(sqrt(nu_hat - mu_hat**2) + eps).
    // float64, divide form, no fma: after one step mu_hat = g and nu_hat = g^2, so the variance is about 0.
    const bc = 1 - 0.9 ** 1;
    const w = 1 - 0.9;
    const v = w * (2 * 2);
    const m = w * 2;
    const variance = v / bc - (m / bc) * (m / bc);
    const expected = 1 - 0.001 * ((1 / (Math.sqrt(variance) + 1e-8)) * 2);
    const settings = { eps_in_sqrt: false, centered: true, bias_correction: true, biasCorrectionForm: 'divide', fma: 'off' };
    expect(oneStep('optax', 'float64', settings, [1], [[2]])).toEqual([expected]);
  });
});
