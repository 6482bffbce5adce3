// Keras weight EMA (keras/src/optimizers/base_optimizer.py): after the update,
// `_update_model_variables_moving_average` sets momentum = cast(iterations != 0, dtype) * ema_momentum
// and average = momentum*average + (1 - momentum)*var (average variables start at zeros); when
// (iterations + 1) % ema_overwrite_frequency == 0, `_overwrite_model_variables_with_average_value`
// copies the average into the variable. Expectations are the EMA ops derived by hand on top of the
// parameters the plain step produces.
import { describe, expect, it } from 'vitest';
import { unsupportedReason } from '../../adapters/adapter.js';
import { formatProgram } from '../../reference/program/format.js';
import { stepProgram } from '../../reference/program/index.js';
import { resolveVariant } from '../../reference/resolve.js';
import { computeTrajectory } from '../../suites/compute-trajectory.js';
import { decodeVector } from '../../reference/number-encoding.js';
import type { AdapterInfo } from '../../adapters/adapter-info-schema.js';

const f = Math.fround;
const grads = { path: 'g.json', stream: [0.5, -0.25, 1, 0.75].map((g) => Float64Array.of(g, -2 * g)) };
const run = (settings: Record<string, string>) => {
  const doc = computeTrajectory({
    profile: 'keras',
    dtype: 'float32',
    grads,
    x0: [1, -2],
    settings: { learning_rate: '0.1', ...settings },
  });
  return {
    params: doc.trajectory.map((r) => decodeVector(r, 'params')),
    ema: doc.ema?.map((r) => decodeVector(r, 'ema')),
  };
};

describe('Keras weight EMA (use_ema)', () => {
  it('starts the average at the first step’s parameters, then blends with ema_momentum in float32, leaving the parameters alone', () => {
    const plain = run({}).params;
    const { params, ema } = run({ use_ema: 'true', ema_momentum: '0.9' });
    expect(params).toEqual(plain);
    const m = f(0.9); // ops.multiply(cast(True, float32), 0.9)
    const oneMinus = f(1 - m); // ops.subtract(1, momentum)
    let a = [...plain[0]].map((p) => f(f(0 * 0) + f(1 * p))); // momentum 0 on the first step (iterations == 0)
    expect([...ema![0]]).toEqual(a);
    for (let t = 1; t < 4; t++) {
      a = a.map((x, i) => f(f(m * x) + f(oneMinus * plain[t][i])));
      expect([...ema![t]], `step ${t + 1}`).toEqual(a);
    }
  });

  it('overwrites the parameters with the average after every ema_overwrite_frequency-th step', () => {
    const { params, ema } = run({ use_ema: 'true', ema_momentum: '0.5', ema_overwrite_frequency: '2' });
    const free = run({ use_ema: 'true', ema_momentum: '0.5' });
    expect(params[0]).toEqual(free.params[0]); // step 1: (0 + 1) % 2 != 0
    expect(params[1]).toEqual(ema![1]); // step 2: (1 + 1) % 2 == 0, var.assign(average)
    expect(ema![1]).toEqual(free.ema![1]);
    expect([...params[1]]).not.toEqual([...free.params[1]]);
    expect([...params[2]]).not.toEqual([...ema![2]]);
  });

  it('is a stage of the printed step program, and refuses values Keras refuses', () => {
    const v = resolveVariant('keras', 'float32', { use_ema: 'true' }).variant;
    expect(formatProgram(stepProgram(v, 'float32'), 'keras')).toContain('weight EMA');
    expect(() => resolveVariant('keras', 'float32', { ema_momentum: '1.5' })).toThrow(/ema_momentum: must be in \[0, 1\]/);
    expect(() => resolveVariant('keras', 'float32', { ema_overwrite_frequency: '1.5' })).toThrow(/an integer >= 1/);
  });

  it('is unsupported by an implementation that does not declare useEma (no generated kernel keeps the average)', () => {
    const info = {
      id: 'plain',
      capabilities: { dtypes: ['float32'], hyperparameters: ['momentum', 'centered'] },
    } as unknown as AdapterInfo;
    const variant = resolveVariant('keras', 'float32', { use_ema: 'true' }).variant;
    expect(unsupportedReason(info, { variant, dtype: 'float32' } as never)).toBe(
      'plain has no useEma (the case sets useEma=true)',
    );
  });
});
