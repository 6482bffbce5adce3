// Every axis of the step, checked against values derived by hand from the formulas (written out
// here, independently of reference/step.ts), on one or two steps with simple numbers.
import { describe, expect, it } from 'vitest';
import type { Dtype } from '../../reference/arithmetic.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { initialState, step } from '../../reference/step.js';
import type { Variant } from '../../reference/variant.js';

const f = Math.fround;

function run(
  profile: string,
  dtype: Dtype,
  settings: Settings,
  x0: number[],
  grads: number[][],
): { p: number[]; v: number[]; m: number[]; b: number[] } {
  const variant: Variant = resolveVariant(profile, dtype, {}, settings).variant;
  let params: Float64Array = Float64Array.from(x0);
  let state = initialState(variant, dtype, x0.length);
  for (const g of grads) ({ params, state } = step(variant, dtype, state, params, Float64Array.from(g)));
  return { p: [...params], v: [...state.v], m: [...state.m], b: [...state.b] };
}

describe('eps placement', () => {
  const g = 1e-4; // v = 0.1 * 1e-8 = 1e-9, comparable to eps
  it('outside: p - lr*g/(sqrt(v) + eps)', () => {
    const w = 1 - 0.9;
    const v = 0.9 * 0 + w * (g * g);
    const r = run('numpy-tutorial', 'float64', { lr: 0.1, decay: 0.9, eps: 1e-8 }, [1], [[g]]);
    expect(r.v[0]).toBe(v);
    expect(r.p[0]).toBe(1 - (0.1 * g) / (Math.sqrt(v) + 1e-8));
  });
  it('inside: p - lr*g/sqrt(v + eps)', () => {
    const v = 0.9 * 0 + (1 - 0.9) * (g * g);
    const r = run('d2l', 'float64', { lr: 0.1, decay: 0.9, eps: 1e-8 }, [1], [[g]]);
    expect(r.p[0]).toBe(1 - (0.1 * g) / Math.sqrt(v + 1e-8));
  });
  it('inside-subtracted (tfjs centered): a zero first gradient gives sqrt(-eps) = NaN', () => {
    const r = run('tfjs', 'float32', { lr: 0.1, rho: 0.9, centered: true }, [1], [[0]]);
    expect(r.p[0]).toBeNaN();
    // The same case in Keras 3 ((v - m^2) + eps) stays finite.
    expect(run('keras', 'float32', { lr: 0.1, rho: 0.9, centered: true }, [1], [[0]]).p[0]).toBe(1);
  });
  it('inside-subtracted with a nonzero gradient: sqrt(v - (m^2 + eps))', () => {
    const gg = 2;
    const v = f(f(f(0.9) * 0) + f(f(gg * gg) * f(1 - 0.9)));
    const m = f(f(f(0.9) * 0) + f(gg * f(1 - 0.9)));
    const d = f(Math.sqrt(f(v - f(f(m * m) + f(1e-7)))));
    const mom = f(f(0 * 0) + f(f(gg * f(0.1)) / d));
    const r = run('tfjs', 'float32', { lr: 0.1, rho: 0.9, centered: true }, [1], [[gg]]);
    expect(r.p[0]).toBe(f(1 - mom));
  });
  it('centered grouping (v+eps)-m2 differs from (v-m2)+eps', () => {
    const a = run('keras', 'float64', { lr: 0.1, rho: 0.9, centered: true, eps: 0.3 }, [1], [[1], [-1]]);
    const b = run(
      'keras',
      'float64',
      { lr: 0.1, rho: 0.9, centered: true, eps: 0.3, centeredGrouping: '(v+eps)-m2' },
      [1],
      [[1], [-1]],
    );
    // By hand, step 2: v = 0.9*0.1 + 0.1 = 0.19..., m = 0.9*0.1 - 0.1 = -0.01...
    const w = 1 - 0.9;
    const v1 = 0.9 * 0 + w * 1;
    const m1 = 0.9 * 0 + w * 1;
    const p1 = 1 - (f(0.1) * 1) / Math.sqrt(v1 - m1 * m1 + 0.3);
    const v2 = 0.9 * v1 + w * 1;
    const m2 = 0.9 * m1 + w * -1;
    expect(a.p[0]).toBe(p1 - (f(0.1) * -1) / Math.sqrt(v2 - m2 * m2 + 0.3));
    expect(b.p[0]).toBe(p1 - (f(0.1) * -1) / Math.sqrt(v2 + 0.3 - m2 * m2));
  });
});

describe('accumulator and EMA form', () => {
  it('TF1 starts the accumulator at 1 and uses v + (g^2 - v)(1 - rho), (1 - rho) in the dtype', () => {
    // float64 run with float32-rounded hyperparameters (TF1 converts Python floats to float32 tensors).
    const rho = f(0.9);
    const w = 1 - rho;
    const v = 1 + (4 - 1) * w;
    const mom = 0 * 0 + (2 * f(0.1)) / Math.sqrt(v + f(1e-10));
    const r = run('tf1', 'float64', { lr: 0.1 }, [1], [[2]]);
    expect(r.v[0]).toBe(v);
    expect(r.p[0]).toBe(1 - mom);
  });
  it('initial accumulator 0.001 (tutorial variant)', () => {
    const v = 0.9 * 0.001 + (1 - 0.9) * 1;
    const r = run('numpy-tutorial', 'float64', { lr: 0.1, initialAccumulator: 0.001 }, [0], [[1]]);
    expect(r.v[0]).toBe(v);
    expect(r.p[0]).toBe(0 - (0.1 * 1) / (Math.sqrt(v) + 1e-8));
  });
  it('square grouping ((1-b)*g)*g vs (1-b)*(g*g) differ near overflow', () => {
    // g^2 = 1e40 overflows float32, but (0.1*g)*g = 1e39 does not.
    const g = f(1e20);
    const byWeightFirst = run('chainer', 'float32', { lr: 0.01, decay: 0.9 }, [0], [[g]]);
    const bySquareFirst = run('numpy-tutorial', 'float32', { lr: 0.01, decay: 0.9 }, [0], [[g]]);
    expect(byWeightFirst.v[0]).toBe(f(f(f(1 - 0.9) * g) * g));
    expect(Number.isFinite(byWeightFirst.v[0])).toBe(false); // 1e39 > FLT_MAX too
    expect(bySquareFirst.v[0]).toBe(Infinity);
  });
  it('(1 - decay) on the host vs in float32', () => {
    expect(f(1 - 0.9)).toBe(f(0.09999999999999998));
    expect(f(1 - f(0.9))).toBe(0.10000002384185791);
    const host = run('numpy-tutorial', 'float32', { lr: 0.1 }, [0], [[1]]);
    const compute = run('numpy-tutorial', 'float32', { lr: 0.1, oneMinusDecay: 'compute' }, [0], [[1]]);
    expect(host.v[0]).toBe(f(f(0.9 * 0) + f(f(0.1) * 1)));
    expect(compute.v[0]).toBe(0.10000002384185791);
  });
});

describe('torch: lerp centered mean, FMA contraction, momentum with lr after the buffer', () => {
  it('float32 step 1 with every contraction, by hand', () => {
    const alpha = f(0.99);
    const w = f(1 - 0.99); // 1 - alpha in double, then cast: 0.010000000000000009 -> float32
    const g = f(0.3);
    const lr = f(0.01);
    // square_avg.mul_(alpha).addcmul_(g, g, value=w): fma(w*g, g, alpha*0)
    const v = f(f(w * g) * g + f(alpha * 0)); // product of two float32 is exact, one rounding: a true fma here
    // grad_avg.lerp_(g, w), w < 0.5: fma(w, g - m, m)
    const m = f(w * f(g - 0) + 0);
    // avg = addcmul(v, m, m, value=-1).sqrt_().add_(eps): sqrt(fma(-m, m, v)) + eps
    const avg = f(f(Math.sqrt(f(-m * m + v))) + f(1e-8));
    // buf.mul_(0.9).addcdiv_(g, avg): 0.9*0 + g/avg
    const buf = f(f(f(0.9) * 0) + f(g / avg));
    // param.add_(buf, alpha=-lr): fma(-lr, buf, p)
    const p = f(-lr * buf + 1); // -lr*buf is exact in double; single rounding to float32
    const r = run('torch', 'float32', { lr: 0.01, centered: true, momentum: 0.9 }, [1], [[0.3]]);
    expect(r.v[0]).toBe(v);
    expect(r.m[0]).toBe(m);
    expect(r.b[0]).toBe(buf);
    expect(r.p[0]).toBe(p);
  });
  it('torch@1.13 updates the mean with mul_ then add_(alpha=1-alpha)', () => {
    const w = f(1 - 0.99);
    const m1 = f(w * f(0.3) + f(f(0.99) * 0));
    const m2 = f(w * f(-0.7) + f(f(0.99) * m1));
    const r = run('torch@1.13', 'float32', { centered: true }, [1], [[0.3], [-0.7]]);
    expect(r.m[0]).toBe(m2);
  });
  it('fma=off gives the unfused operation order', () => {
    const r = run('torch', 'float32', { lr: 0.01, momentum: 0.9, fma: 'off' }, [1], [[0.3]]);
    const v = f(f(f(0.99) * 0) + f(f(f(1 - 0.99) * f(0.3)) * f(0.3)));
    const buf = f(f(f(0.9) * 0) + f(f(0.3) / f(f(Math.sqrt(v)) + f(1e-8))));
    expect(r.p[0]).toBe(f(1 - f(f(0.01) * buf)));
  });
});

describe('momentum forms', () => {
  const settings = { lr: 0.1, rho: 0.9, momentum: 0.5, eps: 0 };
  // Two steps with g = 1 then g = 1: v1 = 0.1, v2 = 0.19 (in float64 arithmetic).
  const w = 1 - 0.9;
  const v1 = 0.9 * 0 + w * 1;
  const v2 = 0.9 * v1 + w * 1;
  it('lr inside the buffer (TF/Keras/tfjs): b = mu*b + lr*g/d; p -= b', () => {
    const b1 = 0.5 * 0 + (0.1 * 1) / Math.sqrt(v1);
    const b2 = 0.5 * b1 + (0.1 * 1) / Math.sqrt(v2);
    const r = run('numpy-tutorial', 'float64', { ...settings, momentumKind: 'lr-inside' }, [1], [[1], [1]]);
    expect(r.b[0]).toBe(b2);
    expect(r.p[0]).toBe(1 - b1 - b2);
  });
  it('lr after the buffer (PyTorch): b = mu*b + g/d; p -= lr*b', () => {
    const b1 = 0.5 * 0 + 1 / Math.sqrt(v1);
    const b2 = 0.5 * b1 + 1 / Math.sqrt(v2);
    const r = run('numpy-tutorial', 'float64', { ...settings, momentumKind: 'lr-outside' }, [1], [[1], [1]]);
    expect(r.b[0]).toBe(b2);
    expect(r.p[0]).toBe(1 - 0.1 * b1 - 0.1 * b2);
  });
  it('Graves (MXNet centered): the buffer holds the signed step', () => {
    const d1 = 0.5 * 0 - (0.1 * 1) / Math.sqrt(v1);
    const r = run('numpy-tutorial', 'float64', { ...settings, momentumKind: 'graves' }, [1], [[1]]);
    expect(r.b[0]).toBe(d1);
    expect(r.p[0]).toBe(1 + d1);
  });
  it('Nesterov (optax trace): p -= u + mu*(mu*t + u)', () => {
    const u = (0.1 * 1) / Math.sqrt(v1);
    const t = 0.5 * 0 + u;
    const r = run('numpy-tutorial', 'float64', { ...settings, momentumKind: 'nesterov' }, [1], [[1]]);
    expect(r.p[0]).toBe(1 - (0.5 * t + u));
  });
  it('momentumAlways: with momentum 0, an Inf step poisons the buffer with 0*Inf = NaN next step', () => {
    const tf = run('tf-raw', 'float64', { lr: 0.1, momentum: 0 }, [1], [[1], [Infinity], [1]]);
    expect(tf.p[0]).toBeNaN();
    expect(tf.b[0]).toBeNaN();
  });
});

describe('update order, weight decay, preprocessing, schedules, hyperparameter precision', () => {
  const v = (1 - 0.9) * 9; // g = 3
  const d = Math.sqrt(v) + 1e-8;
  it('lr-first, lr-last, lr-over-d', () => {
    const base = { lr: 0.3, decay: 0.9 };
    expect(run('numpy-tutorial', 'float64', { ...base, updateOrder: 'lr-first' }, [1], [[3]]).p[0]).toBe(1 - (0.3 * 3) / d);
    expect(run('numpy-tutorial', 'float64', { ...base, updateOrder: 'lr-last' }, [1], [[3]]).p[0]).toBe(1 - 0.3 * (3 / d));
    expect(run('numpy-tutorial', 'float64', { ...base, updateOrder: 'lr-over-d' }, [1], [[3]]).p[0]).toBe(1 - 3 * (0.3 / d));
  });
  it('coupled weight decay adds wd*p to the gradient; decoupled shrinks p by p*wd*lr first', () => {
    const g = 3 + 0.5 * 2; // g + wd*p
    const vc = (1 - 0.9) * (g * g);
    expect(run('numpy-tutorial', 'float64', { lr: 0.1, weightDecay: 0.5 }, [2], [[3]]).p[0]).toBe(
      2 - (0.1 * g) / (Math.sqrt(vc) + 1e-8),
    );
    const shrunk = 2 - 2 * 0.5 * f(0.1); // Keras 3: lr is a float32 variable
    const vk = 0.9 * 0 + (1 - 0.9) * (3 * 3);
    expect(run('keras', 'float64', { lr: 0.1, weightDecay: 0.5 }, [2], [[3]]).p[0]).toBe(
      shrunk - (f(0.1) * 3) / Math.sqrt(vk + 1e-7),
    );
  });
  it('maximize, rescale and clip', () => {
    expect(run('numpy-tutorial', 'float64', { lr: 0.3, maximize: true }, [1], [[3]]).p[0]).toBe(1 - (0.3 * -3) / d);
    const gr = 0.5 * 6;
    expect(run('numpy-tutorial', 'float64', { lr: 0.3, rescale: 0.5 }, [1], [[6]]).p[0]).toBe(1 - (0.3 * gr) / d);
    const vclip = (1 - 0.9) * 1;
    expect(run('numpy-tutorial', 'float64', { lr: 0.3, clip: 1 }, [1], [[-3]]).p[0]).toBe(
      1 - (0.3 * -1) / (Math.sqrt(vclip) + 1e-8),
    );
  });
  it('inverse-time learning-rate decay (Keras 2 decay=) at step 2: lr/(1 + decay*1)', () => {
    const rho = f(0.9);
    const w = 1 - rho;
    const v1 = rho * 0 + w * (1 * 1);
    const p1 = 1 - (f(0.1) * 1) / (Math.sqrt(v1) + 1e-7);
    const v2 = rho * v1 + w * 1;
    const lr2 = f(0.1) / (1 + f(0.5) * 1);
    const r = run('keras2-legacy', 'float64', { lr: 0.1, lrDecay: 0.5 }, [1], [[1], [1]]);
    expect(r.p[0]).toBe(p1 - (lr2 * 1) / (Math.sqrt(v2) + 1e-7));
  });
  it('bias correction divides v by 1 - decay^t', () => {
    const v = (1 - 0.9) * 4;
    const vHat = v / (1 - 0.9 ** 1);
    const r = run('numpy-tutorial', 'float64', { lr: 0.1, biasCorrection: true }, [1], [[2]]);
    expect(r.p[0]).toBe(1 - (0.1 * 2) / (Math.sqrt(vHat) + 1e-8));
  });
  it('scale forms: rsqrt and reciprocal', () => {
    const vv = (1 - 0.9) * 4;
    // fma off: the update x - lr*(s*g) unfused (optax's own profile contracts it: clip-forms.test.ts).
    expect(run('optax', 'float64', { lr: 0.1, fma: 'off' }, [1], [[2]]).p[0]).toBe(1 - 0.1 * (2 * (1 / Math.sqrt(vv + 1e-8))));
    expect(
      run('optax', 'float64', { lr: 0.1, fma: 'off', scaleForm: 'reciprocal', epsPlacement: 'outside' }, [1], [[2]]).p[0],
    ).toBe(1 - 0.1 * (2 * (1 / (Math.sqrt(vv) + 1e-8))));
  });
  it('hinton: no eps, so a zero first gradient is 0/0 = NaN', () => {
    expect(run('hinton', 'float64', {}, [1], [[0]]).p[0]).toBeNaN();
  });
});

describe('negatedUpdate (optax traces -lr*... and adds it)', () => {
  // optax float64, momentum 0.7, x = -0, a gradient that DAZ reads as +0 (XLA flushes subnormals):
  // u = -lr * (rsqrt(nu + eps) * +0) = -0; trace = 0.7*0 + (-0) = +0; x = -0 + (+0) = +0.
  // Subtracting a +lr buffer instead: b = 0.7*0 + (+0) = +0; x = -0 - (+0) = -0.
  const settings = { lr: 0.02, decay: 0.8, eps: 1e-6, momentum: 0.7 };
  it('lands a -0 parameter whose gradient is flushed on +0, as optax does', () => {
    const r = run('optax@0.2', 'float64', settings, [-0], [[1e-310]]);
    expect(Object.is(r.p[0], 0)).toBe(true);
    expect(Object.is(r.b[0], 0)).toBe(true);
  });
  it('off: the same step keeps -0 (x - b)', () => {
    const r = run('optax@0.2', 'float64', { ...settings, negatedUpdate: false }, [-0], [[1e-310]]);
    expect(Object.is(r.p[0], -0)).toBe(true);
  });
  it('holds the negated buffer: after one step b = -(lr * g * rsqrt(nu + eps)), and x = x0 + b', () => {
    // nu = fma(0.2, g*g, 0.8*0) = 0.2*0.25 = 0.05 (exact enough: both roundings here are of exact values)
    const r = run('optax@0.2', 'float64', settings, [1], [[0.5]]);
    expect(r.b[0]).toBeLessThan(0);
    expect(r.p[0]).toBe(1 + r.b[0]);
    expect(Math.abs(r.b[0] + (0.02 * 0.5) / Math.sqrt(0.05 + 1e-6))).toBeLessThan(1e-17);
  });
});
