import { describe, expect, it } from 'vitest';
import { emptySeries, recordStep } from '../../runner/metrics.js';
import { DEFAULT_TOLERANCES } from '../../runner/tolerance.js';
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
