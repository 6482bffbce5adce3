import { describe, expect, it } from 'vitest';
import {
  assertClose,
  CloseAssertionError,
  compareClose,
  compareTrajectories,
  DEFAULT_CLOSENESS,
} from '../../runner/assert-close.js';
import { InputError } from '../../reference/errors.js';

describe('assertClose', () => {
  it('passes within atol + rtol * |expected| and fails beyond it', () => {
    expect(() => assertClose([1, 2], [1, 2 + 1e-9], { rtol: 1e-8, atol: 0 })).not.toThrow();
    expect(() => assertClose([1, 2], [1, 2 + 1e-6], { rtol: 1e-8, atol: 0 })).toThrow(CloseAssertionError);
    expect(() => assertClose([0.5], [0.5 + 1e-3], { atol: 2e-3 })).not.toThrow();
  });

  it('uses torch.testing defaults per dtype when no tolerance is given, and infers float32 from a Float32Array', () => {
    const r = compareClose(new Float32Array([1]), [1 + 5e-6]);
    expect(r.dtype).toBe('float32');
    expect([r.rtol, r.atol]).toEqual([DEFAULT_CLOSENESS.float32.rtol, DEFAULT_CLOSENESS.float32.atol]);
    expect(r.pass).toBe(true);
    const d = compareClose(new Float64Array([1]), [1 + 5e-6]);
    expect(d.dtype).toBe('float64');
    expect(d.pass).toBe(false);
  });

  it('counts ULPs in the inferred dtype: one float32 step apart is 1 ULP, not 2^29', () => {
    const a = new Float32Array([1, 3]);
    const b = new Float32Array([1 + 2 ** -23, 3]);
    const r = compareClose(a, b, { ulps: 1 });
    expect(r.pass).toBe(true);
    expect(r.greatestUlps).toEqual({ value: 1, index: 0 });
  });

  it('summarises a mismatch like torch: the count, the greatest absolute and relative difference and where', () => {
    const r = compareClose([1, 2, 3, 4], [1, 2.5, 3, 8], { rtol: 0, atol: 0.1 });
    expect(r.pass).toBe(false);
    expect(r.mismatched).toBe(2);
    expect(r.greatestAbs).toEqual({ value: 4, index: 3 });
    expect(r.greatestRel).toEqual({ value: 0.5, index: 3 });
    expect(r.message).toContain('Mismatched elements: 2 / 4 (50.0%)');
    expect(r.message).toContain('Greatest absolute difference: 4 at index 3 (up to 0.1 allowed)');
    expect(r.message).toContain('Greatest relative difference: 0.5 at index 3');
    expect(r.message).toContain('First mismatch at index 1: expected 2.5, got 2');
    expect(() => assertClose([1, 2, 3, 4], [1, 2.5, 3, 8], { atol: 0.1 })).toThrow(/Mismatched elements: 2 \/ 4/);
  });

  it('reports different lengths as such, not as an element', () => {
    const r = compareClose([1, 2, 3], [1, 2], { atol: 1 });
    expect(r.pass).toBe(false);
    expect(r.lengths).toEqual({ expected: 2, actual: 3 });
    expect(r.message).toBe('Lengths differ: expected 2 elements, got 3.');
  });

  it('treats NaN as equal only with equalNan, infinities by sign, and signed zero strictly unless told to ignore it', () => {
    expect(compareClose([NaN], [NaN]).pass).toBe(false);
    expect(compareClose([NaN], [NaN], { equalNan: true }).pass).toBe(true);
    expect(compareClose([Infinity], [Infinity]).pass).toBe(true);
    expect(compareClose([Infinity], [-Infinity], { atol: 1e300 }).pass).toBe(false);
    expect(compareClose([-0], [0]).pass).toBe(false);
    expect(compareClose([-0], [0], { signedZero: 'ignore' }).pass).toBe(true);
  });

  it('refuses a negative or non-finite tolerance as bad input', () => {
    expect(() => compareClose([1], [1], { rtol: -1 })).toThrow(InputError);
    expect(() => compareClose([1], [1], { ulps: NaN })).toThrow(/ulps must be a finite number/);
  });
});

describe('compareTrajectories', () => {
  it('names the first step that differs and how many do', () => {
    const expected = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const actual = [
      [1, 2],
      [3, 4.5],
      [5, 7],
    ];
    const r = compareTrajectories(actual, expected, { atol: 0.1 });
    expect(r).toMatchObject({ pass: false, steps: 3, mismatchedSteps: 2, firstMismatchStep: 2 });
    expect(r.message).toMatch(/2 of 3 steps differ; the first is step 2:\n[\s\S]*index 1/);
  });

  it('reports different numbers of steps as such', () => {
    const r = compareTrajectories([[1]], [[1], [2]]);
    expect(r.pass).toBe(false);
    expect(r.message).toBe('Numbers of steps differ: expected 2 steps, got 1.');
  });
});
