// How each recorded framework run becomes a harness replay: which profile, and which `--set`
// values, written with the framework's own hyperparameter names, exactly as a user would type them
// after reading the recording's API call. Data, one entry per recorded framework id.
//
// Every argument of the recorded call is accounted for: passed through (a native name of the
// profile; the profile refuses it if it does not know it), inert (it does not enter the arithmetic
// at the recorded value, with the reason), or naming a feature the reference does not have yet
// (refused with what is missing, unless it is at its neutral value).
import { findProfile } from '../reference/registry.js';
import { departures, machineSettings } from './recording-machine.js';
import type { Recording } from './recordings-file.js';

type Value = Recording['hyperparams'][string];

export interface InertArgument {
  /** Values at which the argument does not enter the arithmetic. */
  values: readonly Value[];
  because: string;
}

export interface MissingFeature {
  /** Values at which the feature is off (null = not given). */
  neutral: readonly Value[];
  /** What the reference lacks, named as the axis it needs. */
  needs: string;
}

export interface FrameworkMapping {
  /** Profile spec (name@version) the recording is replayed with. */
  profile: string;
  /** Recording keys spelled differently in the profile: the recording names a chained call's argument by its path. */
  rename?: Readonly<Record<string, string>>;
  inert?: Readonly<Record<string, InertArgument>>;
  missing?: Readonly<Record<string, MissingFeature>>;
  /** Arguments of another argument's object (a scheduler's gamma): handled with their owner. */
  partOf?: Readonly<Record<string, string>>;
  /** Axis settings that follow from a recorded value (a recorded field or hyperparameter, then its value). */
  implied?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>>;
  /** A recorded schedule, written back as the framework's call under the profile's schedule setting. */
  schedule?: ScheduleMapping;
}

export interface ScheduleMapping {
  /** The recording key that holds the schedule's class name (null: no schedule). */
  classKey: string;
  /** Recording keys of the schedule's arguments: the key as recorded -> the argument name in the call. */
  args: (key: string) => string | undefined;
  /** The profile setting that takes the call. */
  setting: string;
}

const TORCH: FrameworkMapping = {
  profile: 'torch@2.13',
  inert: {
    capturable: { values: [false], because: 'capturable=False: the step counter stays on the host' },
    differentiable: { values: [false], because: 'differentiable=False: no autograd through the step' },
  },
  partOf: { gamma: 'scheduler', step_size: 'scheduler', last_epoch: 'scheduler' },
  // `lr_tensor_dtype` passes through: the profile's native option (a float32 tensor lr is used at its float32 value).
  // torch.optim.lr_scheduler.<scheduler>(opt, gamma=..., step_size=..., last_epoch=...), stepped after every step.
  schedule: {
    classKey: 'scheduler',
    args: (key) => (['gamma', 'step_size', 'last_epoch'].includes(key) ? key : undefined),
    setting: 'scheduler',
  },
};

const KERAS: FrameworkMapping = {
  profile: 'keras@3',
  inert: {
    name: { values: [null], because: 'the optimizer name does not enter the arithmetic' },
  },
  missing: {
    loss_scale_factor: { neutral: [null], needs: 'loss-scaling stage' },
    gradient_accumulation_steps: { neutral: [null], needs: 'gradient-accumulation stage' },
  },
  partOf: {
    ...Object.fromEntries(
      ['initial_learning_rate', 'decay_steps', 'alpha', 'warmup_target', 'warmup_steps', 'boundaries', 'values'].map((arg) => [
        `schedule.${arg}`,
        'learning_rate_schedule',
      ]),
    ),
  },
  // `floatx` passes through: the profile's native option (the learning-rate variable has dtype floatx;
  // weight_decay is always float32-rounded). learning_rate=keras.optimizers.schedules.<class>(schedule.<arg>=...).
  schedule: {
    classKey: 'learning_rate_schedule',
    args: (key) => (key.startsWith('schedule.') ? key.slice('schedule.'.length) : undefined),
    setting: 'learning_rate',
  },
};

const TF_RAW: FrameworkMapping = {
  profile: 'tf-raw@2',
  inert: {
    use_locking: { values: [false], because: 'locking does not enter the arithmetic (one thread)' },
    ms_init: { values: [0], because: 'the caller created ms with tf.zeros: the profile starts every slot at 0' },
    mom_init: { values: [0], because: 'the caller created mom with tf.zeros' },
    mg_init: { values: [0], because: 'the caller created mg with tf.zeros' },
  },
};

const TF1: FrameworkMapping = {
  profile: 'tf1@1',
  inert: {
    use_locking: { values: [false], because: 'locking does not enter the arithmetic (one thread)' },
    name: { values: ['RMSProp'], because: 'the optimizer name does not enter the arithmetic' },
    rms_slot_init: { values: [1], because: 'RMSPropOptimizer creates the rms slot with ones: the profile starts it at 1' },
    momentum_slot_init: { values: [0], because: 'RMSPropOptimizer creates the momentum slot with zeros' },
    mg_slot_init: { values: [0], because: 'RMSPropOptimizer creates the mg slot with zeros' },
  },
};

const OPTAX: FrameworkMapping = {
  profile: 'optax@0.2',
  // optax.chain(optax.clip_by_global_norm(max_norm), optax.rmsprop(...)): the recording names the chained argument by its path.
  rename: { 'clip_by_global_norm.max_norm': 'max_norm' },
};

const TFJS: FrameworkMapping = { profile: 'tfjs@4' };

/** Recorded framework id -> how to replay it. */
export const FRAMEWORK_MAPPINGS: Readonly<Record<string, FrameworkMapping>> = {
  'torch-forloop': TORCH,
  'torch-foreach': TORCH,
  'keras-tf': KERAS,
  'keras-tf-floatx32': KERAS,
  'keras-tf-floatx64': KERAS,
  'tf-rawops': TF_RAW,
  'tf-compat-v1': TF1,
  'optax-eps_in_sqrt': OPTAX,
  'optax-eps_outside_sqrt': OPTAX,
  'tfjs-cpu': TFJS,
  'tfjs-wasm': TFJS,
  // The framework ids clients/python/record.py writes (a user's own runs: calibrate --recordings DIR).
  torch: TORCH,
  keras: KERAS,
  optax: OPTAX,
};

export interface ReplayPlan {
  profile: string;
  /** name=value settings as `--set` takes them, in the recording's order. */
  settings: Record<string, string>;
  /** Why the recording cannot be replayed, when it cannot. */
  refused?: string;
}

/** How the CLI user writes a value: Python None is not given at all. */
function settingText(value: Value): string {
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** A Python literal as the framework's call takes it. */
function pythonLiteral(value: Value): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return String(value);
}

/** The recorded schedule as the framework's call, e.g. `StepLR(step_size=20, gamma=0.5, last_epoch=-1)`. */
function scheduleCall(schedule: ScheduleMapping, fields: Readonly<Record<string, Value>>): string {
  const args = Object.entries(fields)
    .filter(([key]) => schedule.args(key) !== undefined)
    .map(([key, value]) => `${schedule.args(key)}=${pythonLiteral(value)}`);
  return `${String(fields[schedule.classKey])}(${args.join(', ')})`;
}

/** The profile and `--set` values for a recording, or the reason it cannot be replayed. */
export function replayPlan(recording: Recording): ReplayPlan {
  const mapping = FRAMEWORK_MAPPINGS[recording.framework];
  if (!mapping) return { profile: '', settings: {}, refused: `no mapping for framework '${recording.framework}'` };
  const settings: Record<string, string> = {};
  const refusals: string[] = [];
  const fields: Record<string, Value> = { ...recording.hyperparams, ...(recording.floatx ? { floatx: recording.floatx } : {}) };
  const schedule = mapping.schedule;
  for (const [key, value] of Object.entries(fields)) {
    if (schedule && key === schedule.classKey) {
      if (value !== null) settings[schedule.setting] = scheduleCall(schedule, fields);
      continue;
    }
    if (schedule && key === schedule.setting && fields[schedule.classKey] != null) continue; // the schedule sets it
    const owner = mapping.partOf?.[key];
    if (owner !== undefined) continue; // judged with its owner
    const inert = mapping.inert?.[key];
    if (inert) {
      if (!inert.values.includes(value))
        refusals.push(
          `${key}=${settingText(value)}: only ${inert.values.map(settingText).join(' or ')} is modelled (${inert.because})`,
        );
      continue;
    }
    const missing = mapping.missing?.[key];
    if (missing) {
      if (!missing.neutral.includes(value)) refusals.push(`${key}=${settingText(value)}: needs ${missing.needs}`);
      continue;
    }
    const implied = mapping.implied?.[key];
    if (implied) {
      Object.assign(settings, implied[String(value)] ?? {});
      continue;
    }
    if (value === null) continue; // Python None: the argument is not given
    settings[mapping.rename?.[key] ?? key] = settingText(value);
  }
  // The recording machine's build where it is not the profile's (suites/recording-machine.ts).
  Object.assign(settings, departures(findProfile(mapping.profile), machineSettings(mapping.profile, recording.machine)));
  return { profile: mapping.profile, settings, ...(refusals.length > 0 ? { refused: refusals.join('; ') } : {}) };
}

/** The command line a user types to replay the recording (the gradients written to FILE). */
export function replayCommand(recording: Recording, plan: ReplayPlan): string {
  const x0 = Array.from(recording.x0, (x) => (Object.is(x, -0) ? '-0' : String(x))).join(',');
  // A schedule call has spaces and parentheses: quoted for the shell.
  const sets = Object.entries(plan.settings)
    .map(([k, v]) => (/^[\w.,=+-]*$/.test(v) ? ` --set ${k}=${v}` : ` --set '${k}=${v}'`))
    .join('');
  return `rmsprop-harness trajectory --profile ${plan.profile} --dtype ${recording.dtype} --grads FILE --x0 ${x0}${sets}`;
}
