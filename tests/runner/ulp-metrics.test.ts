import { describe, expect, it } from 'vitest';
import { downsampleSeries, emptySeries, recordStep, ulpsAtScale, vectorScale } from '../../runner/metrics.js';
import { ASSERT_CLOSE_DEFAULTS, DEFAULT_TOLERANCES, toleranceFor, validateOverride } from '../../runner/tolerance.js';
import { formatUlps } from '../../runner/number-format.js';
import { signedZeroMismatch, ulpDistance } from '../../runner/ulp.js';

const F32_MIN_SUB = 2 ** -149;
const F64_MIN_SUB = 2 ** -1074;

describe('ULP distance', () => {
  it('counts representable values across zero and through subnormals', () => {
    expect(ulpDistance(F32_MIN_SUB, -F32_MIN_SUB, 'float32')).toBe(2);
    expect(ulpDistance(0, F32_MIN_SUB, 'float32')).toBe(1);
    expect(ulpDistance(-0, F32_MIN_SUB, 'float32')).toBe(1);
    expect(ulpDistance(F64_MIN_SUB, -F64_MIN_SUB, 'float64')).toBe(2);
    // Smallest normal float32 2^-126 is 2^23 subnormal steps above 0.
    expect(ulpDistance(0, 2 ** -126, 'float32')).toBe(2 ** 23);
    expect(ulpDistance(1, 1 + 2 ** -23, 'float32')).toBe(1);
    expect(ulpDistance(1, 1 + 2 ** -52, 'float64')).toBe(1);
    // Across a binade: 1 - 2^-24 is the float32 just below 1.
    expect(ulpDistance(1 - 2 ** -24, 1 + 2 ** -23, 'float32')).toBe(2);
  });

  it('is strict on non-finite values: NaN never equals Inf', () => {
    expect(ulpDistance(NaN, NaN, 'float32')).toBe(0);
    expect(ulpDistance(NaN, Infinity, 'float32')).toBe(Infinity);
    expect(ulpDistance(Infinity, -Infinity, 'float64')).toBe(Infinity);
    expect(ulpDistance(Infinity, Infinity, 'float64')).toBe(0);
    expect(ulpDistance(3.4028234663852886e38, Infinity, 'float32')).toBe(Infinity);
  });

  it('signed zeros are the same point but flagged', () => {
    expect(ulpDistance(0, -0, 'float64')).toBe(0);
    expect(signedZeroMismatch(0, -0)).toBe(true);
    expect(signedZeroMismatch(0, 0)).toBe(false);
  });
});

describe('per-step metrics on hand-made trajectories', () => {
  const tol = DEFAULT_TOLERANCES.float32;
  it('reports the first step beyond tolerance with the values', () => {
    const s = emptySeries();
    recordStep(s, 'params', 1, [1, 2], [1, 2], 'float32', tol);
    recordStep(s, 'params', 2, [1, 2], [1 + 2 ** -23, 2], 'float32', tol); // 1 ulp: within 2
    recordStep(s, 'params', 3, [1, 2], [1, 2 + 2 ** -22 * 3], 'float32', tol); // 3 ulps at 2 (ulp 2^-22)
    expect(s.firstDivergentStep).toBe(3);
    expect(s.firstDivergence).toMatchObject({ step: 3, index: 1, expected: 2, ulps: 3, kind: 'ulps' });
    expect(s.steps.map((x) => x.maxUlp)).toEqual([0, 1, 3]);
    expect(s.maxAbs).toBe(2 ** -22 * 3);
    expect(s.maxRel).toBe((2 ** -22 * 3) / 2);
  });
  it('NaN vs Inf and signed zeros are divergences; NaN vs NaN is not', () => {
    const s = emptySeries();
    recordStep(s, 'params', 1, [NaN, 0], [NaN, 0], 'float32', tol);
    expect(s.firstDivergentStep).toBeNull();
    recordStep(s, 'params', 2, [NaN, 0], [Infinity, 0], 'float32', tol);
    expect(s.firstDivergence?.kind).toBe('non-finite');
    const z = emptySeries();
    recordStep(z, 'params', 1, [0], [-0], 'float32', tol);
    expect(z.firstDivergence?.kind).toBe('signed-zero');
    const ignore = emptySeries();
    recordStep(ignore, 'params', 1, [0], [-0], 'float32', { ...tol, signedZero: 'ignore' });
    expect(ignore.firstDivergentStep).toBeNull();
  });
  it('absolute floor accepts tiny differences near zero', () => {
    const s = emptySeries();
    recordStep(s, 'params', 1, [1e-40], [2e-40], 'float32', { ...tol, absFloor: 1e-37 });
    expect(s.firstDivergentStep).toBeNull();
    expect(s.maxUlp).toBeGreaterThan(2);
  });
  it('a length mismatch is a divergence', () => {
    const s = emptySeries();
    recordStep(s, 'params', 1, [1, 2], [1], 'float64', DEFAULT_TOLERANCES.float64);
    expect(s.firstDivergence?.kind).toBe('length');
  });
});

describe('the worst element of a series', () => {
  const tol = DEFAULT_TOLERANCES.float32;
  it('is recorded with its step, index, values, abs, rel, ULPs and ULPs at the vector scale', () => {
    const s = emptySeries();
    recordStep(s, 'params', 1, [1, 2], [1, 2], 'float32', tol);
    recordStep(s, 'params', 2, [1, 2], [1, 2 + 2 ** -22 * 3], 'float32', tol);
    recordStep(s, 'params', 3, [1, 2], [1 + 2 ** -23, 2], 'float32', tol);
    expect(s.worst).toEqual({
      quantity: 'params',
      step: 2,
      index: 1,
      expected: 2,
      got: 2 + 2 ** -22 * 3,
      abs: 2 ** -22 * 3,
      rel: (2 ** -22 * 3) / 2,
      ulps: 3,
      ulpsAtScale: 3,
      scale: 2,
    });
  });

  it('measures a tiny value crossing zero at the scale of its vector, not in its own ULPs', () => {
    const s = emptySeries();
    const tiny = Math.fround(5e-8);
    recordStep(s, 'params', 1, [1, tiny], [1, -tiny], 'float32', tol);
    expect(s.maxUlp).toBeGreaterThan(1e9); // from +5e-8 through every float32 near zero to -5e-8
    // 1e-7 in ULPs of 1 (the float32 spacing above 1 is 2^-23): under one ULP of the vector's largest value.
    expect(s.worst!.ulpsAtScale).toBe((2 * tiny) / 2 ** -23);
    expect(s.maxUlpAtScale).toBeLessThan(1);
    expect(s.worst).toMatchObject({ step: 1, index: 1, scale: 1 });
  });

  it('never exceeds 2^24 ULPs at scale in float32 when the error is below 1e-6 of the scale', () => {
    for (const scale of [1e-30, 1e-7, 0.3, 1, 363, 1e20]) {
      const abs = scale * 0.999e-6;
      expect(ulpsAtScale(abs, scale, 'float32'), `scale ${scale}`).toBeLessThan(2 ** 24);
      expect(ulpsAtScale(abs, scale, 'float32'), `scale ${scale}`).toBeLessThan(17); // 1e-6 * 2^24
    }
    expect(vectorScale([NaN, -3, Infinity, 2])).toBe(3);
  });

  it('a NaN/Inf mismatch is the worst element, infinitely far at any scale', () => {
    const s = emptySeries();
    recordStep(s, 'v', 1, [1, 2], [1.5, 2], 'float64', DEFAULT_TOLERANCES.float64);
    recordStep(s, 'v', 2, [1, 2], [1, NaN], 'float64', DEFAULT_TOLERANCES.float64);
    expect(s.worst).toMatchObject({ quantity: 'v', step: 2, index: 1, ulpsAtScale: Infinity });
    expect(formatUlps(s.worst!.ulpsAtScale)).toBe('∞');
  });

  it('long series are downsampled by the stated rule, keeping the first divergent and the worst step', () => {
    const s = emptySeries();
    for (let t = 1; t <= 1000; t++)
      recordStep(s, 'params', t, [1], [t === 700 ? 1 + 2 ** -19 : t === 333 ? 1 + 2 ** -21 : 1], 'float32', tol);
    downsampleSeries(s, 100);
    expect(s.stepsTotal).toBe(1000);
    expect(s.steps.length).toBeLessThanOrEqual(110);
    expect(s.steps.map((x) => x.step)).toEqual(expect.arrayContaining([333, 700]));
    expect(s.firstDivergentStep).toBe(333);
    expect(s.worst!.step).toBe(700);
  });
});

describe('the rtol/atol tolerance mode', () => {
  it('accepts what torch.testing.assert_close accepts, beside the ULP criterion', () => {
    const strict = emptySeries();
    recordStep(strict, 'params', 1, [1], [1 + 1e-6], 'float32', DEFAULT_TOLERANCES.float32);
    expect(strict.firstDivergentStep).toBe(1);
    const close = emptySeries();
    recordStep(close, 'params', 1, [1], [1 + 1e-6], 'float32', {
      ...DEFAULT_TOLERANCES.float32,
      ...ASSERT_CLOSE_DEFAULTS.float32,
    });
    expect(close.firstDivergentStep).toBeNull();
    const far = emptySeries();
    recordStep(far, 'params', 1, [1], [1 + 1e-4], 'float32', { ...DEFAULT_TOLERANCES.float32, ...ASSERT_CLOSE_DEFAULTS.float32 });
    expect(far.firstDivergentStep).toBe(1);
    // NaN stays strict whatever the tolerance.
    const nan = emptySeries();
    recordStep(nan, 'params', 1, [1], [NaN], 'float32', { ...DEFAULT_TOLERANCES.float32, rtol: 1, atol: 1 });
    expect(nan.firstDivergence?.kind).toBe('non-finite');
  });

  it('is set per dtype and adapter by an override that says why', () => {
    const reason = 'WebGPU sqrt is not correctly rounded on this driver';
    const t = toleranceFor('float32', 'webgpu', 'problems/quad2d', [
      { adapter: 'webgpu', dtype: 'float32', rtol: 1e-5, atol: 1e-6, reason },
    ]);
    expect(t).toMatchObject({ ulps: 2, rtol: 1e-5, atol: 1e-6, reasons: [reason] });
    expect(
      toleranceFor('float64', 'webgpu', 'problems/quad2d', [{ adapter: 'webgpu', dtype: 'float32', rtol: 1e-5, reason }]).rtol,
    ).toBeUndefined();
    expect(() => validateOverride({ adapter: 'webgpu', rtol: 1e-5, reason: 'gpu' }, 'override')).toThrow(/written reason/);
    expect(() => validateOverride({ adapter: 'webgpu', rtol: -1, reason }, 'override')).toThrow(/rtol must be/);
  });
});
