// optax schedules (optax/schedules/_schedule.py) as jax evaluates them: `scale_by_schedule` calls the
// schedule with the int32 update count (0 for the first step) and casts its value to the update
// dtype (`jnp.array(step_size, dtype=g.dtype)`). Python floats are weakly typed, so every op runs in
// jax's default float: float32, or float64 where jax_enable_x64 is on (the float64 runs). Each op
// is rounded in that dtype; cos and pow are float64 results rounded to it.
//
// Not measured (no calibration recording uses an optax schedule): XLA may contract a multiply-add
// such as cosine_decay_schedule's (1 − alpha)·c + alpha, and its float32 cos/pow are its own
// approximations, not correctly rounded.

import { arithmeticFor, type Dtype } from '../arithmetic.js';
import { blankSchedule, type LrScheduleSpec } from './schedule.js';
import type { ScheduleSyntax } from './syntax.js';

export function optaxScheduleRate(s: LrScheduleSpec, count: number, _lr: number, dtype: Dtype): number {
  const A = arithmeticFor(dtype);
  const r = (x: number) => A.round(x);
  const init = r(s.initial!);
  switch (s.kind) {
    case 'exponential': {
      // decreased_count = count - transition_begin; p = decreased_count / transition_steps (floor when staircase)
      if (s.rate === 0) return init; // optax: a zero decay_rate is a constant schedule
      const decreased = count - s.begin;
      let p = A.div(decreased, s.steps);
      if (s.staircase) p = Math.floor(p);
      let value = decreased <= 0 ? init : A.mul(init, r(Math.pow(r(s.rate), p)));
      // end_value clips from below when decaying (decay_rate < 1), from above when growing
      if (s.endValue !== null) value = s.rate < 1 ? Math.max(value, r(s.endValue)) : Math.min(value, r(s.endValue));
      return value;
    }
    case 'cosine': {
      // count = min(count, decay_steps); 0.5 * (1 + cos(pi * count / decay_steps)); (1 - alpha) * c**exponent + alpha
      const c = Math.min(count, s.steps);
      const angle = A.div(A.mul(r(Math.PI), c), r(s.steps));
      const cosine = A.mul(0.5, A.add(1, r(Math.cos(angle))));
      const decayed = A.add(A.mul(r(1 - s.alpha), r(Math.pow(cosine, r(s.power)))), r(s.alpha));
      return A.mul(init, decayed);
    }
    case 'polynomial': {
      // count = clip(count - transition_begin, 0, transition_steps); frac = 1 - count / transition_steps
      const c = Math.min(Math.max(count - s.begin, 0), s.steps);
      const frac = A.sub(1, A.div(c, s.steps));
      return A.add(A.mul(A.sub(init, r(s.end)), r(Math.pow(frac, r(s.power)))), r(s.end));
    }
    case 'multistep': {
      // for threshold, scale in sorted(boundaries_and_scales): indicator = max(0, sign(threshold - count));
      // v = v * indicator + (1 - indicator) * scale * v: v kept before the threshold, times scale from it on
      const order = s.boundaries.map((b, i) => [b, s.values[i]] as const).sort((x, y) => x[0] - y[0]);
      let v = init;
      for (const [threshold, scale] of order) if (count >= threshold) v = A.mul(r(scale), v);
      return v;
    }
    case 'inverse-time':
    case 'piecewise-constant':
      throw new Error(`optax has no ${s.kind} schedule in this form`);
  }
}

/** `learning_rate=optax.exponential_decay(init_value=0.1, transition_steps=10, decay_rate=0.9)` and the others. */
export const OPTAX_SCHEDULES: ScheduleSyntax = {
  family: 'optax',
  setting: 'learning_rate',
  source: 'google-deepmind/optax optax/schedules/_schedule.py, optax/_src/transform.py (scale_by_schedule)',
  classes: {
    exponential_decay: {
      blank: () => blankSchedule('exponential', 'optax', 'exponential_decay'),
      args: {
        init_value: 'initial',
        transition_steps: 'steps',
        decay_rate: 'rate',
        transition_begin: 'begin',
        staircase: 'staircase',
        end_value: 'endValue',
      },
      required: ['init_value', 'transition_steps', 'decay_rate'],
    },
    cosine_decay_schedule: {
      blank: () => blankSchedule('cosine', 'optax', 'cosine_decay_schedule'),
      args: { init_value: 'initial', decay_steps: 'steps', alpha: 'alpha', exponent: 'power' },
      required: ['init_value', 'decay_steps'],
    },
    polynomial_schedule: {
      blank: () => blankSchedule('polynomial', 'optax', 'polynomial_schedule'),
      args: { init_value: 'initial', end_value: 'end', power: 'power', transition_steps: 'steps', transition_begin: 'begin' },
      required: ['init_value', 'end_value', 'power', 'transition_steps'],
    },
    piecewise_constant_schedule: {
      blank: () => blankSchedule('multistep', 'optax', 'piecewise_constant_schedule'),
      args: { init_value: 'initial', boundaries_and_scales: { mapping: ['boundaries', 'values'] } },
      required: ['init_value'],
    },
  },
  evaluate: optaxScheduleRate,
};
