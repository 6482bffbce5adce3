// The MXNet, MLX, MindSpore and Burn profiles against their sources (issue 13, item 9): each
// expectation is the cited kernel line evaluated by hand, step by step, in the kernel's own arithmetic
// (Math.fround for float32 operations and float32 fields; plain doubles for double arithmetic).
import { describe, expect, it } from 'vitest';
import type { Dtype } from '../../reference/arithmetic.js';
import { findProfile } from '../../reference/registry.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { replaySource, runTrajectory } from '../../reference/trajectory.js';

const f = Math.fround;

/** Parameters after each step of the reference for a profile, on a fixed gradient stream. */
function replay(profile: string, dtype: Dtype, x0: number[], grads: number[][], settings: Settings = {}): number[][] {
  const { variant } = resolveVariant(profile, dtype, settings);
  return runTrajectory(variant, dtype, x0, grads.length, replaySource(grads.map((g) => Float64Array.from(g)))).points.map((p) =>
    Array.from(p.params),
  );
}

describe('MXNet releases (apache/mxnet src/operator/optimizer_op-inl.h at each tag)', () => {
  it('finds the profile of a release by the kernel history: 0.9.5, 0.10 to 1.5.x, 1.6 to 1.9.x', () => {
    expect(findProfile('mxnet@0.9.5').version).toBe('0.9');
    expect(findProfile('mxnet@0.10.0').version).toBe('1.5');
    expect(findProfile('mxnet@1.5.1').version).toBe('1.5');
    expect(findProfile('mxnet@1.6.0').version).toBe('1');
    expect(findProfile('mxnet@1.9.1').version).toBe('1');
  });

  it('v0.9.5 RMSPropUpdate puts eps outside the sqrt: w - lr*(g/(sqrt(n) + eps)), float fields in a float64 run', () => {
    const g = 0.3;
    const [lr, gamma1, eps] = [f(0.001), f(0.9), f(1e-8)];
    const n = f(1 - gamma1) * (g * g) + gamma1 * 0; // scalar<DType>(1.f - gamma1) * (grad * grad) + scalar<DType>(gamma1) * n
    expect(replay('mxnet@0.9', 'float64', [1], [[g]])).toEqual([[1 - lr * (g / (Math.sqrt(n) + eps))]]);
  });

  it('0.10-1.5 computes 1.f - gamma1 in float, visible in float64 for gamma1 < 0.5; 1.6+ computes it in the dtype', () => {
    const g = 0.3;
    const [lr, gamma1, eps] = [f(0.01), f(0.1), f(1e-8)];
    const settings = { learning_rate: 0.01, gamma1: 0.1 };
    const float = f(1 - gamma1); // 1.f - param.gamma1: a float subtraction
    const dtype = 1 - gamma1; // (1.f - gamma1) with gamma1 a double (RMSPropUpdateKernel, 1.6+)
    expect(float).not.toBe(dtype);
    const step = (w: number) => 1 - lr * (g / Math.sqrt(w * (g * g) + gamma1 * 0 + eps));
    expect(replay('mxnet@1.5', 'float64', [1], [[g]], settings)).toEqual([[step(float)]]);
    expect(replay('mxnet@1', 'float64', [1], [[g]], settings)).toEqual([[step(dtype)]]);
  });

  it('0.10-1.5 with clip_gradient: wd before the clip, the float32 clip bound, ((1-gamma1)*clip(g))*clip(g)', () => {
    const [x, g] = [2, 0.05];
    const [lr, gamma1, eps, wd, clip] = [f(0.01), f(0.9), f(1e-8), f(0.1), f(0.2)];
    const gc = Math.min(g + wd * x, clip); // grad = rescale*grad + wd*weight, then F<clip>(grad, DType(clip_gradient)): 0.25 -> 0.2f
    const n = f(1 - gamma1) * gc * gc + gamma1 * 0;
    expect(replay('mxnet@1.5', 'float64', [x], [[g]], { learning_rate: 0.01, wd: 0.1, clip_gradient: 0.2 })).toEqual([
      [x - lr * (gc / Math.sqrt(n + eps))],
    ]);
  });

  it('2.x refuses gamma1 and gamma2 with the DeprecationWarning of python/mxnet/optimizer/rmsprop.py', () => {
    expect(() => resolveVariant('mxnet2', 'float32', { gamma1: 0.9 })).toThrow(
      "profile mxnet2: gamma1 is refused: MXNet 2 raises DeprecationWarning: parameter 'gamma1' is deprecated. Please use 'rho' instead...",
    );
    expect(() => resolveVariant('mxnet2', 'float32', { gamma2: 0.9 })).toThrow(
      /parameter 'gamma2' is deprecated\. Please use 'momentum'/,
    );
    expect(resolveVariant('mxnet', 'float32', { gamma1: 0.8 }).variant.decay).toBe(0.8);
  });

  it('2.x uses momentum only when centered (fused_step passes it only then)', () => {
    expect(resolveVariant('mxnet2', 'float32', { momentum: 0.9 }).variant.momentum).toBe(0);
    expect(resolveVariant('mxnet2', 'float32', { momentum: 0.9, centered: true }).variant.momentum).toBe(0.9);
  });

  it('2.x Python step (use_fused_step=False), centered: mom = mom*momentum - lr*g/sqrt(var - mean^2 + eps), Python floats exact in float64', () => {
    const [g1, g2] = [0.3, -0.2];
    const [lr, rho, mom, eps] = [0.01, 0.9, 0.5, 1e-8];
    const w = 1 - rho; // (1 - self.rho) in Python
    let [mean, v, m] = [w * g1, w * (g1 * g1), 0];
    m = m * mom - (lr * g1) / Math.sqrt(v - mean * mean + eps);
    const x1 = 1 + m;
    mean = rho * mean + w * g2;
    v = rho * v + w * (g2 * g2);
    m = m * mom - (lr * g2) / Math.sqrt(v - mean * mean + eps);
    expect(
      replay('mxnet2', 'float64', [1], [[g1], [g2]], {
        learning_rate: lr,
        rho,
        momentum: mom,
        epsilon: eps,
        centered: true,
        use_fused_step: false,
      }),
    ).toEqual([[x1], [x1 + m]]);
  });
});

describe('MLX (ml-explore/mlx python/mlx/optimizers/optimizers.py RMSprop.apply_single)', () => {
  const g = 0.3;
  const settings = { learning_rate: 0.1, alpha: 0.1, eps: 1e-3 };

  it('0.32.1+: lr is a float32 array, alpha and eps meet a float64 array as doubles (python/src/utils.cpp to_array)', () => {
    const v = 0.1 * 0 + (1 - 0.1) * (g * g);
    expect(replay('mlx', 'float64', [1], [[g]], settings)).toEqual([[1 - (f(0.1) * g) / (Math.sqrt(v) + 1e-3)]]);
    expect(findProfile('mlx@0.32.1')).toBe(findProfile('mlx'));
  });

  it('before 0.32.1: every Python float goes through float, (1 - alpha) computed in Python first', () => {
    const [alpha, oneMinus, eps] = [f(0.1), f(1 - 0.1), f(1e-3)];
    expect(oneMinus).not.toBe(1 - alpha);
    const v = alpha * 0 + oneMinus * (g * g);
    expect(replay('mlx@0.31', 'float64', [1], [[g]], settings)).toEqual([[1 - (f(0.1) * g) / (Math.sqrt(v) + eps)]]);
    expect(findProfile('mlx@0.30.0').version).toBe('0.31');
  });
});

describe('MindSpore CPU kernels (mindspore-ai/mindspore)', () => {
  it('ApplyRMSProp float32, nnacl AVX loop: ms starts at 1, ms += (g*g - ms)*(1 - decay), eps outside the sqrt, var -= moment', () => {
    const g = f(0.3);
    const [lr, decay, eps] = [f(0.1), f(0.9), f(1e-3)]; // epsilon 1e-3: the default 1e-10 vanishes next to ms ~ 0.9 in float32
    const w = f(1.0 - decay); // _mm256_set1_ps(1.0 - decay)
    const ms = f(1 + f(f(f(g * g) - 1) * w));
    const denom = f(f(Math.sqrt(ms)) + eps); // _mm256_add_ps(_mm256_sqrt_ps(ms), epsi_r)
    expect(denom).not.toBe(f(Math.sqrt(f(ms + eps)))); // the scalar tail's sqrt(ms + eps)
    const moment = f(f(0 * 0) + f(f(g * lr) / denom));
    expect(replay('mindspore', 'float32', [1], [[g]], { epsilon: 1e-3 })).toEqual([[f(1 - moment)]]);
  });

  it('ApplyCenteredRMSProp<double>: increment means, (ms - mg^2) + eps inside the sqrt, float32 lr/decay/eps attributes', () => {
    const g = 0.3;
    const [lr, decay, eps, mom] = [f(0.1), f(0.9), f(1e-10), f(0.5)];
    const w = 1.0 - decay; // (T)(1.0 - static_cast<double>(decay[0]))
    const ms = 1 + (g * g - 1) * w;
    const mg = 0 + (g - 0) * w;
    const moment = 0 * mom + (g * lr) / Math.sqrt(ms - mg * mg + eps);
    expect(replay('mindspore', 'float64', [1], [[g]], { centered: true, momentum: 0.5 })).toEqual([[1 - moment]]);
  });
});

describe('Burn (tracel-ai/burn crates/burn-optim/src/optim/rmsprop.rs)', () => {
  it('1. - alpha is an f32 subtraction; the clip (ModuleOptimizer) comes before the weight decay; momentum 0.9 keeps buf = g/d, p - buf*lr', () => {
    const [x, g] = [2, 0.5];
    const [alpha, eps, clip, penalty] = [f(0.1), f(1e-5), f(0.2), f(0.5)];
    const w = f(1 - alpha); // 1. - alpha on f32 fields
    expect(w).not.toBe(1 - alpha);
    const gd = Math.min(g, clip) + x * penalty; // clip_by_value, then tensor.mul_scalar(penalty).add(grad)
    const v = gd * gd * w; // first step: grad.square().mul_scalar(1. - alpha)
    const buf = gd / (Math.sqrt(v) + eps); // first step with momentum > 0: buf = grad
    expect(replay('burn', 'float64', [x], [[g]], { learning_rate: 0.01, alpha: 0.1, clip: 0.2, weight_decay: 0.5 })).toEqual([
      [x - buf * 0.01],
    ]);
  });
});

describe('teaching profiles', () => {
  it("numpy-tutorial takes CS231n's decay_rate: x += -learning_rate * dx / (np.sqrt(cache) + eps)", () => {
    const g = 0.3;
    const cache = 0.99 * 0 + (1 - 0.99) * g ** 2;
    expect(replay('numpy-tutorial', 'float64', [1], [[g]], { learning_rate: 0.01, decay_rate: 0.99 })).toEqual([
      [1 + (-0.01 * g) / (Math.sqrt(cache) + 1e-8)],
    ]);
  });
});
