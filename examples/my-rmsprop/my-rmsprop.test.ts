// A vitest file that gates MyRmsprop in your own test suite, with the harness's matchers:
//   npx vitest run --config examples/my-rmsprop/vitest.config.ts

import { describe, expect, it } from 'vitest';
import { rmspropMatchers, type RmspropMatchers } from 'rmsprop-harness/vitest';
import { MyRmsprop } from './my-rmsprop.js';

expect.extend(rmspropMatchers);

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging into vitest's Assertion needs an empty body.
  interface Assertion<T> extends RmspropMatchers<T> {}
}

describe('MyRmsprop', () => {
  it('follows the numpy-tutorial golden trajectory on quad2d, bit for bit', () => {
    // The harness's case problems/quad2d: f(x) = 0.1 x0^2 + 2 x1^2 from (-5, -2), lr 0.4, decay 0.9, 20 steps.
    const optimizer = new MyRmsprop({ lr: 0.4, decay: 0.9, eps: 1e-8 }, 2);
    let x = [-5, -2];
    const trajectory: number[][] = [];
    for (let t = 0; t < 20; t++) {
      x = optimizer.step(x, [0.1 * 2 * x[0]!, 4 * x[1]!]);
      trajectory.push(x);
    }
    expect(trajectory).toMatchGolden({ profile: 'numpy-tutorial', case: 'problems/quad2d', dtype: 'float64', ulps: 0 });
  });

  it('takes a first step of lr / (sqrt(1 - decay) + eps) against the gradient', () => {
    const [p] = new MyRmsprop({ lr: 0.01, decay: 0.9, eps: 1e-8 }, 1).step([1], [3]);
    expect([p!]).toBeWithinUlps([1 - (0.01 * 3) / (Math.sqrt(0.1 * 9) + 1e-8)], 0, 'float64');
  });
});
