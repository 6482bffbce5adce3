// The two rounding-rule axes, with expectations derived by hand: flushSubnormals (x86 DAZ + FTZ,
// as TensorFlow's ScopedFlushDenormal and XLA's CPU client set them: a subnormal argument of an op
// is read as a zero of its sign, a subnormal result is written as one) and computePrecision
// (arithmetic in another dtype than storage: plain JS on Float32Arrays computes in float64).
import { describe, expect, it } from 'vitest';
import { createAdapter, parseAdapterSpec } from '../../adapters/registry.js';
import { graphUnsupportedReason } from '../../adapters/onnx/rmsprop-graph.js';
import { wgslUnsupported } from '../../adapters/gpu/rmsprop-wgsl.js';
import type { Dtype } from '../../reference/arithmetic.js';
import { ruleFor } from '../../reference/program/index.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { initialState, step, type OptimizerState } from '../../reference/step.js';

const f = Math.fround;

/** One step of a profile from the initial state. */
function oneStep(profile: string, dtype: Dtype, settings: Settings, x0: number[], grad: number[]) {
  const variant = resolveVariant(profile, dtype, settings).variant;
  const round = (x: number[]) => Float64Array.from(x, dtype === 'float32' ? f : (v) => v);
  return step(variant, dtype, initialState(variant, dtype, x0.length), round(x0), round(grad));
}

describe('flushSubnormals (DAZ + FTZ) in the reference', () => {
  it('is set by the TensorFlow, Keras and optax profiles and not by torch or tfjs', () => {
    for (const p of ['tf-raw', 'tf1', 'keras', 'keras2-legacy', 'optax'])
      expect(resolveVariant(p, 'float32').variant.flushSubnormals, p).toBe(true);
    for (const p of ['torch', 'tfjs']) expect(resolveVariant(p, 'float32').variant.flushSubnormals, p).toBe(false);
  });

  it('reads a subnormal float32 gradient as zero (DAZ): tf-raw with lr 2^16 leaves [0, -0] as they are', () => {
    // training_ops.cc: ms += (g*g - ms)*(1-rho); mom = mom*momentum + (g*lr)/sqrt(ms + eps); var -= mom.
    // g = 2^-140 is subnormal in float32; read as 0, every term is 0 and var - 0 keeps the sign of var.
    const flushed = oneStep('tf-raw', 'float32', { lr: 2 ** 16 }, [0, -0], [2 ** -140, -(2 ** -140)]);
    expect(Array.from(flushed.params)).toEqual([0, -0]);
    expect(Object.is(flushed.params[1], -0)).toBe(true);
    // Kept (flushSubnormals=false), g*lr = 2^-124 is normal and the parameter moves by (g*lr)/sqrt(eps).
    const kept = oneStep('tf-raw', 'float32', { lr: 2 ** 16, flushSubnormals: false }, [0, -0], [2 ** -140, -(2 ** -140)]);
    const eps = f(1e-7);
    const q = f(f(2 ** -140 * 2 ** 16) / f(Math.sqrt(eps))); // ms = 0: g*g underflows to 0
    expect(Array.from(kept.params)).toEqual([f(0 - q), f(-0 + q)]);
    expect(q).toBeGreaterThan(0);
  });

  it('writes a subnormal float32 result as zero (FTZ): the centered mean of a normal gradient stays 0', () => {
    // mg += (g - mg)*(1-rho): g = 2^-125 is normal; (1-rho) = 1 - float32(0.9) in float32 (the raw op's dtype);
    // the product, about 2^-128.3, is subnormal and is written as 0.
    const g = 2 ** -125;
    const oneMinusRho = f(1 - f(0.9));
    const flushed = oneStep('tf-raw', 'float32', { centered: true }, [0], [g]);
    expect(Array.from(flushed.state.m)).toEqual([0]);
    const kept = oneStep('tf-raw', 'float32', { centered: true, flushSubnormals: false }, [0], [g]);
    expect(Array.from(kept.state.m)).toEqual([f(f(g - 0) * oneMinusRho)]);
    expect(kept.state.m[0]).toBeGreaterThan(0);
  });

  it('flushes in float64 at 2^-1022: a subnormal gradient is read as zero, a subnormal mean is written as zero', () => {
    // DAZ: g = 2^-1050 with lr 2^40 would move the parameter by (g*lr)/sqrt(eps) = 2^-1010/sqrt(1e-7).
    expect(Array.from(oneStep('tf-raw', 'float64', { lr: 2 ** 40 }, [0], [2 ** -1050]).params)).toEqual([0]);
    expect(oneStep('tf-raw', 'float64', { lr: 2 ** 40, flushSubnormals: false }, [0], [2 ** -1050]).params[0]).toBe(
      0 - (2 ** -1050 * 2 ** 40) / Math.sqrt(1e-7),
    );
    // FTZ: mg = (g - 0)*(1 - 0.9) with g = 2^-1020 is below 2^-1022.
    const m = oneStep('tf-raw', 'float64', { centered: true }, [0], [2 ** -1020]).state.m[0];
    expect(m).toBe(0);
    expect(oneStep('tf-raw', 'float64', { centered: true, flushSubnormals: false }, [0], [2 ** -1020]).state.m[0]).toBe(
      2 ** -1020 * (1 - 0.9),
    );
  });

  it('reads a subnormal parameter as zero when it is updated: var - mom with var = 2^-130 gives 0', () => {
    // g = 0: mom = 0, and var - 0 reads var = 2^-130 (subnormal in float32) as +0.
    expect(Array.from(oneStep('tf-raw', 'float32', {}, [2 ** -130], [0]).params)).toEqual([0]);
    expect(Array.from(oneStep('tf-raw', 'float32', { flushSubnormals: false }, [2 ** -130], [0]).params)).toEqual([2 ** -130]);
  });

  it('keeps a subnormal hyperparameter as it enters (a host conversion) and reads it as zero in the op: eps 1e-40 with g = 0 gives 0/0', () => {
    // ms = 0, ms + eps reads eps = float32(1e-40) as 0, sqrt(0) = 0, (0*lr)/0 = NaN, var - NaN = NaN.
    const variant = resolveVariant('tf-raw', 'float32', { epsilon: 1e-40 }).variant;
    expect(variant.eps).toBe(1e-40);
    const state: OptimizerState = initialState(variant, 'float32', 1);
    expect(step(variant, 'float32', state, Float64Array.of(1), Float64Array.of(0)).params[0]).toBeNaN();
    expect(oneStep('tf-raw', 'float32', { epsilon: 1e-40, flushSubnormals: false }, [1], [0]).params[0]).toBe(1);
  });

  it('the generated kernels (JS loop, WASM, ONNX graph) flush as the reference does on the hand-derived cases', async () => {
    for (const [id, dtype] of [
      ['ts-f32', 'float32'],
      ['wasm-simd', 'float32'],
      ['onnxruntime', 'float32'],
      ['ts-f64', 'float64'],
      ['wasm-simd', 'float64'],
      ['onnxruntime', 'float64'],
    ] as const) {
      const adapter = createAdapter(parseAdapterSpec(`${id}:profile=tf-raw`));
      const availability = await adapter.probe();
      if (!availability.available)
        throw new Error(`${id} is unavailable (run \`bash scripts/setup-system.sh\`): ${availability.reason}`);
      const tiny = dtype === 'float32' ? 2 ** -140 : 2 ** -1050;
      const resolved = resolveVariant('tf-raw', dtype, { lr: dtype === 'float32' ? 2 ** 16 : 2 ** 40, centered: true });
      const prepared = await adapter.prepare({
        key: 'flush',
        dtype,
        variant: resolved.variant,
        profile: resolved.profile,
        native: resolved.native,
        settings: {},
        // 5 elements: the WASM kernel runs four SIMD lanes and a scalar tail.
        x0: Float64Array.of(0, -0, dtype === 'float32' ? 2 ** -130 : 2 ** -1030, 1, -0),
      });
      try {
        await prepared.step(Float64Array.of(tiny, -tiny, 0, 0, -tiny));
        const got = await prepared.read();
        expect(Array.from(got.params), id).toEqual([0, -0, 0, 1, -0]);
        // mg += (g - mg)*(1-rho): (-0 - 0)*(1-rho) = -0, and 0 + -0 = +0.
        expect(Array.from(got.state?.m ?? []), id).toEqual([0, 0, 0, 0, 0]);
      } finally {
        await prepared.dispose();
      }
    }
  });
});

describe('computePrecision (arithmetic in another dtype than storage)', () => {
  it('float64 arithmetic on float32 storage rounds only the writes: one brainjs step by hand', () => {
    // brain.js rnn.ts adjustWeights, on Float32Arrays with JS (float64) arithmetic:
    // cache[i] = cache[i] * decayRate + (1 - decayRate) * r * r;  weights[i] = w + (-learningRate * r) / Math.sqrt(cache[i] + smoothEps)
    const [x0, r] = [f(0.5), f(0.3)];
    const cache = f(0 * 0.999 + (1 - 0.999) * r * r);
    const expected = f(x0 + (-0.01 * r) / Math.sqrt(cache + 1e-8));
    const out = oneStep('brainjs', 'float32', {}, [0.5], [0.3]);
    expect(out.state.v[0]).toBe(cache);
    expect(out.params[0]).toBe(expected);
    // Each op in float32 (computePrecision=storage) differs here: the step is not the float32 one.
    expect(oneStep('brainjs', 'float32', { computePrecision: 'storage' }, [0.5], [0.3]).params[0]).not.toBe(expected);
  });

  it("the brainjs profile equals brain.js's adjustWeights loop on Float32Arrays bit for bit over 200 steps (regc 0, |gradient| <= clipval)", () => {
    // Transcribed from BrainJS/brain.js src/recurrent/rnn.ts (defaults decayRate 0.999, smoothEps 1e-8, learningRate 0.01).
    const n = 6;
    const weights = Float32Array.from({ length: n }, (_, i) => 0.3 * (i + 1) - 1);
    const cache = new Float32Array(n);
    const grads: number[][] = [];
    let seed = 7;
    const next = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 4 - 2;
    const variant = resolveVariant('brainjs', 'float32').variant;
    let params: Float64Array = Float64Array.from(weights);
    let state = initialState(variant, 'float32', n);
    for (let t = 0; t < 200; t++) {
      const deltas = Float32Array.from({ length: n }, next);
      grads.push(Array.from(deltas));
      for (let i = 0; i < n; i++) {
        const r = deltas[i];
        const w = weights[i];
        cache[i] = cache[i] * 0.999 + (1 - 0.999) * r * r;
        weights[i] = w + (-0.01 * r) / Math.sqrt(cache[i] + 1e-8) - 0 * w;
      }
      const out = step(variant, 'float32', state, params, Float64Array.from(deltas));
      params = out.params;
      state = out.state;
      expect(Array.from(params), `step ${t + 1}`).toEqual(Array.from(weights));
      expect(Array.from(state.v), `step ${t + 1}`).toEqual(Array.from(cache));
    }
  });

  it('float32 arithmetic on float64 storage reads each stored value as float32 and stores the float32 result', () => {
    // numpy-tutorial: v = decay*v + (1-decay)*(g*g); p -= (lr*g)/(sqrt(v) + eps), each op in float32.
    const [x0, g] = [0.1, 0.7]; // float64 values that float32 rounds
    const [decay, w, lr, eps] = [f(0.9), f(1 - 0.9), f(0.001), f(1e-8)];
    const gf = f(g);
    const v = f(f(decay * 0) + f(w * f(gf * gf)));
    const p = f(f(x0) - f(f(lr * gf) / f(f(Math.sqrt(v)) + eps)));
    const out = oneStep('numpy-tutorial', 'float64', { computePrecision: 'float32' }, [x0], [g]);
    expect([out.params[0], out.state.v[0]]).toEqual([p, v]);
  });

  it('is one rule per dtype and setting, and the same as the plain dtype where compute and storage agree', () => {
    expect(ruleFor('float32', { computePrecision: 'float32' }).name).toBe('float32');
    expect(ruleFor('float64', { computePrecision: 'float64' }).name).toBe('float64');
    expect(ruleFor('float32', { computePrecision: 'float64' }).name).toBe('float32 computed in float64');
    expect(ruleFor('float64', { computePrecision: 'float32', flushSubnormals: true }).name).toBe(
      'float64 computed in float32, subnormals flushed',
    );
  });

  it('kernels that compute in their lane type state it as the reason a case is unsupported', async () => {
    const variant = resolveVariant('brainjs', 'float32').variant;
    expect(graphUnsupportedReason(variant, 'float32')).toMatch(/computePrecision=float64/);
    expect(wgslUnsupported(variant)).toMatch(/no float64/);
    // Flushing the graph does express (a compare-and-select after each node).
    expect(graphUnsupportedReason({ ...variant, computePrecision: 'storage', flushSubnormals: true }, 'float32')).toBeNull();
    const resolved = resolveVariant('brainjs', 'float32');
    const wasm = createAdapter(parseAdapterSpec('wasm-simd:profile=brainjs'));
    await expect(
      wasm.prepare({
        key: 'compute-precision',
        dtype: 'float32',
        variant: resolved.variant,
        profile: resolved.profile,
        native: resolved.native,
        settings: {},
        x0: Float64Array.of(1),
      }),
    ).rejects.toThrow(/computes in its lane type/);
  });
});
