// What a user writes: the matchers' types come from importing the module (its shipped
// `declare module 'vitest'` block), with no augmentation of their own.
import { describe, expect, it } from 'vitest';
import { rmspropMatchers } from '../../reports/vitest-matchers.js';
import { loadGolden } from '../../suites/golden-store.js';

expect.extend(rmspropMatchers);

describe('vitest matchers', () => {
  it('toBeCloseToArray takes rtol/atol/ulps and fails with the mismatch summary', () => {
    expect(new Float32Array([1, 2])).toBeCloseToArray(new Float32Array([1, 2 + 2 ** -22]), { ulps: 1 });
    expect([1, 2]).not.toBeCloseToArray([1, 3], { atol: 0.5 });
    expect(() => expect([1, 2]).toBeCloseToArray([1, 3], { atol: 0.5 })).toThrow(
      /Mismatched elements: 1 \/ 2[\s\S]*Greatest absolute difference: 1 at index 1/,
    );
    expect(() => expect([1, 2]).toBeCloseToArray([1])).toThrow('Lengths differ: expected 1 elements, got 2.');
  });

  it('toBeCloseToTrajectory compares step by step', () => {
    const g = loadGolden('torch', 'problems/quad2d', 'float32');
    expect(g.trajectory).toBeCloseToTrajectory(g.trajectory, { ulps: 0 });
    const off = g.trajectory.map((p, t) => (t === 3 ? p.map((x) => x * (1 + 1e-4)) : p));
    expect(() => expect(off).toBeCloseToTrajectory(g.trajectory, { rtol: 1e-6 })).toThrow(/the first is step 4/);
    expect(() => expect(off.slice(1)).toBeCloseToTrajectory(g.trajectory)).toThrow(/Numbers of steps differ/);
  });

  it('toBeWithinUlps infers float32 from a Float32Array (1 ULP, not 1e8) and reports a length mismatch as such', () => {
    expect(new Float32Array([1.5])).toBeWithinUlps(new Float32Array([1.5 + 2 ** -23]), 1);
    expect(() => expect(new Float32Array([1.5])).toBeWithinUlps(new Float32Array([1.5 + 2 ** -21]), 1)).toThrow(
      /4 ulps > 1, float32/,
    );
    expect(() => expect([1, 2]).toBeWithinUlps([1], 2)).toThrow('lengths differ: expected 1 elements, got 2');
  });

  it('toMatchGolden says when the number of steps differs', () => {
    const g = loadGolden('torch', 'problems/quad2d', 'float32');
    expect(g.trajectory).toMatchGolden({ profile: 'torch', case: 'problems/quad2d', dtype: 'float32' });
    expect(() =>
      expect(g.trajectory.slice(2)).toMatchGolden({ profile: 'torch', case: 'problems/quad2d', dtype: 'float32' }),
    ).toThrow(/numbers of steps differ/);
  });
});

describe('loadGolden', () => {
  it('returns x0, the gradients, the hyperparameters and the trajectory of a golden case', () => {
    const g = loadGolden('torch@2.1', 'problems/quad2d', 'float64');
    expect(g.profile).toBe('torch@2.1');
    expect(g.x0.length).toBeGreaterThan(0);
    expect(g.gradients).toHaveLength(g.trajectory.length);
    expect(g.trajectory[0]).toHaveLength(g.x0.length);
    expect(g.hyperparameters).toMatchObject({ alpha: expect.any(Number), eps: expect.any(Number), lr: expect.any(Number) });
  });

  it('names the cases there are when the case is unknown', () => {
    expect(() => loadGolden('torch', 'problems/quad2', 'float32')).toThrow(
      /no trajectory for case problems\/quad2 in float32 \(did you mean 'problems\/quad2d'\?\); cases: /,
    );
  });
});
