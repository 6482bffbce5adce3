// Keras 3 LearningRateSchedules (keras/src/optimizers/schedules/learning_rate_schedule.py), evaluated
// as the TensorFlow backend does: `ops.convert_to_tensor(initial_learning_rate)` makes a float32
// tensor from the Python float whatever floatx is, every later constant is cast to that dtype, and
// every op rounds to float32. The optimizer calls the schedule at `optimizer.iterations` (0 for the
// first step) and casts the float32 result to the variable dtype.
//
// cos and pow are evaluated in float64 (V8) and rounded to float32: that is the correctly rounded
// float32 result except where the float64 value falls within an ulp of a float32 rounding boundary.
// Measured: the 160 CosineDecay rates of the calibration recordings (TF 2.21 CPU) are reproduced.

import { blankSchedule, type LrScheduleSpec } from './schedule.js';
import type { ScheduleSyntax } from './syntax.js';

const f = Math.fround;

function exponential(s: LrScheduleSpec, step: number): number {
  const initial = f(s.initial!);
  let p = f(f(step) / f(s.steps)); // global_step_recomp / decay_steps
  if (s.staircase) p = Math.floor(p);
  return f(initial * f(Math.pow(f(s.rate), p))); // ops.multiply(initial, ops.power(decay_rate, p))
}

function inverseTime(s: LrScheduleSpec, step: number): number {
  const initial = f(s.initial!);
  let p = f(f(step) / f(s.steps));
  if (s.staircase) p = Math.floor(p);
  const denominator = f(1 + f(f(s.rate) * p)); // ops.add(const, ops.multiply(decay_rate, p))
  return f(initial / denominator);
}

function polynomial(s: LrScheduleSpec, step: number): number {
  const initial = f(s.initial!);
  const end = f(s.end);
  const power = f(s.power);
  let t = f(step);
  let decaySteps = f(s.steps);
  if (s.cycle) {
    // ops.where(t == 0, 1.0, ops.ceil(t / self.decay_steps)): the Python int becomes float32.
    const multiplier = t === 0 ? 1 : Math.ceil(f(t / decaySteps));
    decaySteps = f(decaySteps * multiplier);
  } else t = Math.min(t, decaySteps);
  const p = f(t / decaySteps);
  return f(f(f(initial - end) * f(Math.pow(f(1 - p), power))) + end);
}

/** _decay_function: 0.5·(1 + cos(π·fraction)), then (1 − alpha)·c + alpha ((1 − alpha) is a Python float), times the rate. */
function cosineDecay(s: LrScheduleSpec, t: number, decaySteps: number, from: number): number {
  const fraction = f(t / decaySteps);
  const cosine = f(0.5 * f(1 + f(Math.cos(f(f(Math.PI) * fraction)))));
  const decayed = f(f(f(1 - s.alpha) * cosine) + f(s.alpha));
  return f(from * decayed);
}

function cosine(s: LrScheduleSpec, step: number): number {
  const initial = f(s.initial!);
  const decaySteps = f(s.steps);
  const t = f(step);
  if (s.warmupTarget === null) return cosineDecay(s, Math.min(t, decaySteps), decaySteps, initial);
  const target = f(s.warmupTarget);
  const warmupSteps = f(s.warmupSteps);
  const clamped = Math.min(t, f(decaySteps + warmupSteps));
  if (clamped < warmupSteps) {
    // _warmup_function: (warmup_target − initial)·(t / warmup_steps) + initial
    return f(f(f(target - initial) * f(clamped / warmupSteps)) + initial);
  }
  return cosineDecay(s, f(clamped - warmupSteps), decaySteps, target);
}

/** Each value becomes a float32 tensor; the masks are 0 or 1, so the sum is the one selected value. Boundaries are inclusive. */
function piecewiseConstant(s: LrScheduleSpec, step: number): number {
  let i = 0;
  while (i < s.boundaries.length && step > s.boundaries[i]) i++;
  return f(s.values[i]);
}

export function kerasScheduleRate(s: LrScheduleSpec, step: number): number {
  switch (s.kind) {
    case 'exponential':
      return exponential(s, step);
    case 'inverse-time':
      return inverseTime(s, step);
    case 'polynomial':
      return polynomial(s, step);
    case 'cosine':
      return cosine(s, step);
    case 'piecewise-constant':
      return piecewiseConstant(s, step);
    case 'multistep':
      throw new Error(`Keras has no ${s.kind} schedule`);
  }
}

/** `learning_rate=ExponentialDecay(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9)` and the other built-ins. */
export const KERAS_SCHEDULES: ScheduleSyntax = {
  family: 'keras',
  setting: 'learning_rate',
  source: 'keras-team/keras keras/src/optimizers/schedules/learning_rate_schedule.py',
  classes: {
    ExponentialDecay: {
      blank: () => blankSchedule('exponential', 'keras', 'ExponentialDecay'),
      args: { initial_learning_rate: 'initial', decay_steps: 'steps', decay_rate: 'rate', staircase: 'staircase', name: null },
      required: ['initial_learning_rate', 'decay_steps', 'decay_rate'],
    },
    InverseTimeDecay: {
      blank: () => blankSchedule('inverse-time', 'keras', 'InverseTimeDecay'),
      args: { initial_learning_rate: 'initial', decay_steps: 'steps', decay_rate: 'rate', staircase: 'staircase', name: null },
      required: ['initial_learning_rate', 'decay_steps', 'decay_rate'],
    },
    PolynomialDecay: {
      blank: () => ({ ...blankSchedule('polynomial', 'keras', 'PolynomialDecay'), end: 0.0001 }),
      args: {
        initial_learning_rate: 'initial',
        decay_steps: 'steps',
        end_learning_rate: 'end',
        power: 'power',
        cycle: 'cycle',
        name: null,
      },
      required: ['initial_learning_rate', 'decay_steps'],
    },
    CosineDecay: {
      blank: () => blankSchedule('cosine', 'keras', 'CosineDecay'),
      args: {
        initial_learning_rate: 'initial',
        decay_steps: 'steps',
        alpha: 'alpha',
        warmup_target: 'warmupTarget',
        warmup_steps: 'warmupSteps',
        name: null,
      },
      required: ['initial_learning_rate', 'decay_steps'],
    },
    PiecewiseConstantDecay: {
      blank: () => blankSchedule('piecewise-constant', 'keras', 'PiecewiseConstantDecay'),
      args: { boundaries: 'boundaries', values: 'values', name: null },
      required: ['boundaries', 'values'],
    },
  },
  evaluate: kerasScheduleRate,
};
