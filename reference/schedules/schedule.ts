// A learning-rate schedule as data: what it is (kind and its parameters, in canonical names) and
// whose arithmetic evaluates it (the framework family: Keras evaluates a LearningRateSchedule as
// float32 tensor ops, torch's schedulers multiply Python floats step by step). The step program's
// scalar stage asks for the rate of step t (steps taken so far) and gets it as the framework holds it.

export const SCHEDULE_KINDS = [
  'exponential', // lr·rate^(t/steps), staircase: floor(t/steps); torch StepLR/ExponentialLR: lr *= rate every `steps` steps
  'inverse-time', // lr / (1 + rate·t/steps)
  'cosine', // lr·((1−alpha)·½(1 + cos(π·t/steps)) + alpha), optional linear warmup; torch: the recursive CosineAnnealingLR
  'polynomial', // (lr − end)·(1 − t/steps)^power + end
  'piecewise-constant', // values[i] where boundaries[i−1] < t <= boundaries[i]
  'multistep', // torch MultiStepLR: lr *= rate^(count of t in boundaries); optax piecewise_constant_schedule: lr *= values[i] from boundaries[i] on
] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** Frameworks whose schedule arithmetic the reference evaluates. */
export const SCHEDULE_FAMILIES = ['keras', 'torch', 'optax'] as const;
export type ScheduleFamily = (typeof SCHEDULE_FAMILIES)[number];

export interface LrScheduleSpec {
  kind: ScheduleKind;
  family: ScheduleFamily;
  /** The framework's class, as written (for messages and the trajectory document). */
  name: string;
  /** Starting rate; null: the optimizer's lr (torch schedulers start from the param group's lr). */
  initial: number | null;
  /** decay_steps / step_size / T_max / total_iters. */
  steps: number;
  /** decay_rate / gamma. */
  rate: number;
  staircase: boolean;
  /** Keras CosineDecay: the floor as a fraction of the initial rate. */
  alpha: number;
  /** Absolute end rate: torch eta_min, Keras PolynomialDecay end_learning_rate. */
  end: number;
  power: number;
  /** Keras PolynomialDecay cycle. */
  cycle: boolean;
  /** Keras CosineDecay warmup: null for none. */
  warmupTarget: number | null;
  warmupSteps: number;
  /** optax transition_begin: steps before the decay starts. */
  begin: number;
  /** optax exponential_decay end_value: the bound the rate is clipped at, or null. */
  endValue: number | null;
  /** PiecewiseConstantDecay boundaries, MultiStepLR milestones, optax boundaries_and_scales keys (values: its scales). */
  boundaries: readonly number[];
  values: readonly number[];
}

/** A spec with every parameter at its neutral value, to be filled in from a framework's call. */
export function blankSchedule(kind: ScheduleKind, family: ScheduleFamily, name: string): LrScheduleSpec {
  return {
    kind,
    family,
    name,
    initial: null,
    steps: 1,
    rate: 1,
    staircase: false,
    alpha: 0,
    end: 0,
    power: 1,
    cycle: false,
    warmupTarget: null,
    warmupSteps: 0,
    begin: 0,
    endValue: null,
    boundaries: [],
    values: [],
  };
}
