// torch.optim.lr_scheduler, evaluated as torch does: in Python floats (float64), in the chainable
// (recursive) form `get_lr()` uses when `scheduler.step()` is called without an epoch: each step
// multiplies the param group's current lr, so ExponentialLR gives lr·γ·γ·… (rounded at every
// step), not lr·γ**t (recorded: 80/80 steps follow the running product, 19/80 the closed form).
// The rate of step t (steps taken) is the group's lr after t calls of scheduler.step().
// Sources: pytorch/pytorch torch/optim/lr_scheduler.py (StepLR, MultiStepLR, ExponentialLR,
// CosineAnnealingLR, PolynomialLR get_lr).
//
// CosineAnnealingLR uses math.cos; CPython calls the C library's cos, the reference V8's: both are
// within an ulp of the exact cosine, not always the same ulp (not measured: no recording uses it).

import { blankSchedule, type LrScheduleSpec } from './schedule.js';
import type { ScheduleSyntax } from './syntax.js';

/** lr after `epoch` scheduler steps, from lr after `epoch − 1` (get_lr of the chainable form). */
function next(s: LrScheduleSpec, base: number, lr: number, epoch: number): number {
  switch (s.kind) {
    case 'exponential':
      // StepLR: `if last_epoch == 0 or last_epoch % step_size != 0: lr else lr * gamma`; ExponentialLR is step_size 1.
      return epoch % s.steps !== 0 ? lr : lr * s.rate;
    case 'multistep': {
      // MultiStepLR: milestones is a Counter; `lr * gamma ** milestones[last_epoch]`.
      const count = s.boundaries.filter((b) => b === epoch).length;
      return count === 0 ? lr : lr * s.rate ** count;
    }
    case 'cosine': {
      const T = s.steps;
      const min = s.end;
      if ((epoch - 1 - T) % (2 * T) === 0) return lr + ((base - min) * (1 - Math.cos(Math.PI / T))) / 2;
      return ((1 + Math.cos((Math.PI * epoch) / T)) / (1 + Math.cos((Math.PI * (epoch - 1)) / T))) * (lr - min) + min;
    }
    case 'polynomial': {
      if (epoch > s.steps) return lr;
      const factor = ((1.0 - epoch / s.steps) / (1.0 - (epoch - 1) / s.steps)) ** s.power;
      return lr * factor;
    }
    case 'inverse-time':
    case 'piecewise-constant':
      throw new Error(`torch has no ${s.kind} scheduler`);
  }
}

/** Rates of steps 0..n−1, memoised per spec (the recursion needs every earlier step). */
const memo = new WeakMap<LrScheduleSpec, Map<number, number[]>>();

export function torchScheduleRate(s: LrScheduleSpec, step: number, lr: number): number {
  const base = s.initial ?? lr;
  let byBase = memo.get(s);
  if (!byBase) memo.set(s, (byBase = new Map<number, number[]>()));
  let rates = byBase.get(base);
  if (!rates) byBase.set(base, (rates = [base]));
  while (rates.length <= step) rates.push(next(s, base, rates[rates.length - 1], rates.length));
  return rates[step];
}

/** `scheduler=StepLR(step_size=20, gamma=0.5)`: the scheduler wrapping the optimizer, without its optimizer argument. */
export const TORCH_SCHEDULES: ScheduleSyntax = {
  family: 'torch',
  setting: 'scheduler',
  source: 'pytorch/pytorch torch/optim/lr_scheduler.py',
  classes: {
    StepLR: {
      blank: () => ({ ...blankSchedule('exponential', 'torch', 'StepLR'), staircase: true, rate: 0.1 }),
      args: { step_size: 'steps', gamma: 'rate', last_epoch: { neutral: -1 }, verbose: { neutral: false } },
      required: ['step_size'],
    },
    ExponentialLR: {
      blank: () => blankSchedule('exponential', 'torch', 'ExponentialLR'),
      args: { gamma: 'rate', last_epoch: { neutral: -1 }, verbose: { neutral: false } },
      required: ['gamma'],
    },
    MultiStepLR: {
      blank: () => ({ ...blankSchedule('multistep', 'torch', 'MultiStepLR'), rate: 0.1 }),
      args: { milestones: 'boundaries', gamma: 'rate', last_epoch: { neutral: -1 }, verbose: { neutral: false } },
      required: ['milestones'],
    },
    CosineAnnealingLR: {
      blank: () => blankSchedule('cosine', 'torch', 'CosineAnnealingLR'),
      args: { T_max: 'steps', eta_min: 'end', last_epoch: { neutral: -1 }, verbose: { neutral: false } },
      required: ['T_max'],
    },
    PolynomialLR: {
      blank: () => ({ ...blankSchedule('polynomial', 'torch', 'PolynomialLR'), steps: 5 }),
      args: { total_iters: 'steps', power: 'power', last_epoch: { neutral: -1 }, verbose: { neutral: false } },
      required: [],
    },
  },
  evaluate: torchScheduleRate,
};
