// The profile corrections and new profiles of the calibration work (issue 13), each checked against
// its first steps derived by hand from the framework source cited in the profile.
import { describe, expect, it } from 'vitest';
import { fma32 } from '../../reference/fma.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { replaySource, runTrajectory } from '../../reference/trajectory.js';
import type { Dtype } from '../../reference/arithmetic.js';

const f = Math.fround;

/** Parameters after each step of the reference for a profile, on a fixed gradient stream. */
function replay(profile: string, dtype: Dtype, x0: number[], grads: number[][], settings: Settings = {}): number[][] {
  const { variant } = resolveVariant(profile, dtype, settings);
  return runTrajectory(variant, dtype, x0, grads.length, replaySource(grads.map((g) => Float64Array.from(g)))).points.map((p) =>
    Array.from(p.params),
  );
}

describe('MXNet', () => {
  const g = 0.3;
  const [lr, rho, mom, eps] = [f(0.01), f(0.9), f(0.9), f(1e-8)]; // float32 op fields, used in float64
  const w = 1 - rho; // (1.f - gamma1) in the tensor dtype (double)

  it('1.6+ centered step is (lr*g)/sqrt(n - gbar^2 + eps) (RMSPropAlexUpdateKernel)', () => {
    const n = w * g * g;
    const gbar = w * g;
    const delta = mom * 0 - (lr * g) / Math.sqrt(n - gbar * gbar + eps);
    expect(
      replay('mxnet@1', 'float64', [1], [[g]], { learning_rate: 0.01, gamma1: 0.9, gamma2: 0.9, centered: true })[0],
    ).toEqual([1 + delta]);
  });

  it('1.5 centered step is lr*(g/sqrt(...)) with (1-gamma1)*(g*g) (mshadow RMSPropAlexUpdate)', () => {
    const n = w * (g * g);
    const gbar = w * g;
    const delta = mom * 0 - lr * (g / Math.sqrt(n - gbar * gbar + eps));
    expect(
      replay('mxnet@1.5', 'float64', [1], [[g]], { learning_rate: 0.01, gamma1: 0.9, gamma2: 0.9, centered: true })[0],
    ).toEqual([1 + delta]);
    expect(resolveVariant('mxnet@1.5.1', 'float64', { centered: true }).variant.updateOrder).toBe('lr-last');
    expect(resolveVariant('mxnet@1.9.1', 'float64', { centered: true }).variant.updateOrder).toBe('lr-first');
  });

  it('2.0 fused uncentered step is w - lr*g/(sqrt(n) + eps), clip before weight decay, and gamma1 is refused', () => {
    const [wd, clip] = [f(0.1), f(0.2)];
    const gc = Math.min(0.5, clip) + wd * 1; // clip(0.5) = 0.2, then += wd*w
    const n = w * (gc * gc);
    expect(
      replay('mxnet2', 'float64', [1], [[0.5]], { learning_rate: 0.01, rho: 0.9, epsilon: 1e-8, wd: 0.1, clip_gradient: 0.2 })[0],
    ).toEqual([1 - (lr * gc) / (Math.sqrt(n) + eps)]);
    expect(() => resolveVariant('mxnet2', 'float64', { gamma1: 0.9 })).toThrow(
      /profile mxnet2: gamma1 is refused: MXNet 2 raises DeprecationWarning: parameter 'gamma1' is deprecated/,
    );
  });

  it('2.0 Python step (use_fused_step=False) is lr*(g/(sqrt(var)+eps)) with (1 - rho) on the host', () => {
    const n = (1 - 0.9) * (g * g);
    expect(
      replay('mxnet2', 'float64', [1], [[g]], { learning_rate: 0.01, rho: 0.9, epsilon: 1e-8, use_fused_step: false })[0],
    ).toEqual([1 - 0.01 * (g / (Math.sqrt(n) + 1e-8))]);
  });
});

describe('Caffe', () => {
  it('clips the global norm first, then adds the L2 term as an saxpy FMA, and fuses the history saxpy (float32)', () => {
    const [x, g] = [
      [f(2), f(-1)],
      [f(3), f(4)],
    ]; // |g| = 5 > clip 1
    const [lr, decay, delta, wd] = [f(0.01), f(0.99), f(1e-8), f(0.1)];
    const oneMinus = f(f(1) - decay);
    const scale = f(f(1) / f(5));
    const expected = x.map((xi, i) => {
      const gi = fma32(wd, xi, f(g[i] * scale)); // Regularize after ClipGradients
      const h = fma32(oneMinus, f(gi * gi), f(decay * 0));
      return f(xi - f(lr * f(gi / f(f(Math.sqrt(h)) + delta))));
    });
    expect(replay('caffe', 'float32', x, [g], { base_lr: 0.01, weight_decay: 0.1, clip_gradients: 1 })[0]).toEqual(expected);
  });
});

describe('Paddle', () => {
  it('clips the gradient before the L2 term is added (apply_gradients: _grad_clip, then append_regularization_ops)', () => {
    const [x, g] = [2, 0.5];
    const [rho, eps] = [f(0.95), f(1e-6)];
    const gc = Math.min(g, 0.1) + 0.5 * x; // ClipGradByValue(0.1), then L2Decay(0.5)
    const ms = rho * 0 + (1 - rho) * gc * gc;
    const mom = 0 * 0 + (0.001 * gc) / Math.sqrt(ms + eps);
    expect(replay('paddle', 'float64', [x], [[g]], { learning_rate: 0.001, weight_decay: 0.5, clip: 0.1 })[0]).toEqual([x - mom]);
  });
});

describe('timm RMSpropTF', () => {
  it('contracts the centered addcmul(value=-1) and p.add_(buf, alpha=-lr) like torch (float32)', () => {
    const [x, g] = [f(1), f(0.3)];
    const [lr, eps, mom] = [f(0.01), f(1e-10), f(0.9)];
    const oma = f(1 - 0.9); // 1. - alpha in Python, then the kernel's scalar
    const v = fma32(f(f(g * g) - 1), oma, 1); // square_avg starts at ones
    const m = fma32(f(g - 0), oma, 0);
    const avg = f(Math.sqrt(f(fma32(-m, m, v) + eps)));
    const buf = f(f(mom * 0) + f(g / avg));
    expect(
      replay('timm-tf', 'float32', [x], [[g]], {
        lr: 0.01,
        alpha: 0.9,
        eps: 1e-10,
        momentum: 0.9,
        centered: true,
        lr_in_momentum: false,
      })[0],
    ).toEqual([fma32(buf, -lr, x)]);
  });
});

describe('new profiles', () => {
  it('mlx: lr is a float32 array, so a float64 step uses fround(lr); eps outside the sqrt', () => {
    const g = 0.3;
    const v = 0.99 * 0 + (1 - 0.99) * (g * g);
    expect(replay('mlx', 'float64', [1], [[g]], { learning_rate: 0.1, alpha: 0.99, eps: 1e-8 })[0]).toEqual([
      1 - (f(0.1) * g) / (Math.sqrt(v) + 1e-8),
    ]);
  });

  it('mindspore: the TF1 form, mean square starting at 1, float32 attributes, defaults lr 0.1 and eps 1e-10', () => {
    const g = 0.3;
    const [decay, eps, lr] = [f(0.9), f(1e-10), f(0.1)];
    const ms = 1 + (g * g - 1) * (1 - decay);
    // ApplyCenteredRMSProp<double> (ApplyRMSProp has only a float32 CPU kernel): mg starts at 0.
    const mg = (g - 0) * (1 - decay);
    expect(replay('mindspore', 'float64', [1], [[g]], { centered: true })[0]).toEqual([
      1 - (0 * 0 + (g * lr) / Math.sqrt(ms - mg * mg + eps)),
    ]);
  });

  it('burn: eps outside the sqrt also when centered, lr multiplies last, momentum 0.9 by default', () => {
    const [g1, g2] = [0.3, -0.2];
    const [alpha, mom, eps] = [f(0.99), f(0.9), f(1e-5)];
    const w = 1 - alpha; // 1. - alpha in f32: exact for alpha in [0.5, 1], so the same in double
    let v = w * (g1 * g1);
    let m = w * g1;
    let buf = g1 / (Math.sqrt(v - m * m) + eps);
    const x1 = 1 - buf * 0.01;
    v = alpha * v + w * (g2 * g2);
    m = alpha * m + w * g2;
    buf = mom * buf + g2 / (Math.sqrt(v - m * m) + eps);
    expect(replay('burn', 'float64', [1], [[g1], [g2]], { learning_rate: 0.01, centered: true })).toEqual([
      [x1],
      [x1 - 0.01 * buf],
    ]);
  });
});
