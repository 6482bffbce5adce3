// A run recorded anywhere (a GPU box, a training cluster), checked offline: `recorded:path=run.json`.
// The file is in the format of the calibration recordings (../shared/recordings/README.md, Format;
// clients/python/record.py writes it): the framework's native hyperparameters, x0, the gradient of
// every step, the parameters after every step and the optimizer slots. The adapter brings the run as
// its own case (its gradients replayed by the reference), and answers each step with what was recorded.

import { RSQRT_IMPLEMENTATIONS, SQRT_IMPLEMENTATIONS } from '../reference/op-implementations/index.js';
import type { Axes } from '../reference/variant.js';
import { departures, machineSettings } from '../suites/recording-machine.js';
import { basename } from 'node:path';
import { Type } from '@sinclair/typebox';
import { ALL_DTYPES, type Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { decodeVector } from '../reference/number-encoding.js';
import type { Profile } from '../reference/profile.js';
import { findProfile } from '../reference/registry.js';
import type { Settings } from '../reference/resolve.js';
import { toDtype } from '../reference/trajectory.js';
import type { CaseSpec } from '../suites/case.js';
import { readJsonFile } from '../suites/json-file.js';
import {
  UnsupportedCaseError,
  type Adapter,
  type AdapterCase,
  type AdapterFactory,
  type AdapterOptions,
  type OptimizerStateView,
  type PreparedCase,
} from './adapter.js';

const Encoded = Type.Union([Type.Number(), Type.String()]);
const Rows = Type.Array(Type.Array(Encoded, { minItems: 1 }), { minItems: 1 });
const RECORDING_SCHEMA = Type.Object(
  {
    framework: Type.String({ minLength: 1 }),
    framework_version: Type.String(),
    dtype: Type.String(),
    hyperparams: Type.Record(Type.String(), Type.Unknown()),
    x0: Type.Array(Encoded, { minItems: 1 }),
    x0_dtype: Type.Optional(Type.Array(Encoded, { minItems: 1 })),
    grads: Rows,
    trajectory: Rows,
    state_per_step: Type.Optional(Type.Record(Type.String(), Type.Array(Type.Unknown()))),
    case: Type.Optional(Type.String()),
    lr_per_step: Type.Optional(Type.Array(Type.Unknown())),
    generator: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: true },
);
const EXPECTED =
  'a recording with framework, framework_version, dtype, hyperparams, x0, grads, trajectory (../shared/recordings/README.md, Format)';

/** Framework ids of the recordings (and of record.py) -> profile name; the version comes from framework_version. */
const FRAMEWORK_PROFILES: readonly [RegExp, string][] = [
  [/^torch/, 'torch'],
  [/^keras/, 'keras'],
  [/^tf-rawops|^tf-raw/, 'tf-raw'],
  [/^tf-compat-v1|^tf1/, 'tf1'],
  [/^optax/, 'optax'],
  [/^tfjs/, 'tfjs'],
];

/** Arguments that change how a step runs, not what it computes. */
const EXECUTION_ONLY = new Set([
  'capturable',
  'foreach',
  'fused',
  'differentiable',
  'use_locking',
  'name',
  'ema_momentum',
  'ema_overwrite_frequency',
]);
/** Initial slot values under the frameworks' names: the second moment's is the initial accumulator; the others must be 0. */
const INITIAL_ACCUMULATOR = new Set(['ms_init', 'rms_slot_init', 'initial_accumulator_value']);
const ZERO_SLOTS = new Set(['mom_init', 'mg_init', 'momentum_slot_init', 'mg_slot_init']);

/** Optimizer slot name -> the reference's state quantity (torch, Keras, TF, compat.v1, tfjs, optax names). */
const SLOTS: readonly [RegExp, 'v' | 'm' | 'b'][] = [
  [/^(square_avg|ms|rms)$|_velocity$|\.nu$/, 'v'],
  [/^(grad_avg|mg)$|_average_gradient$|\.mu$/, 'm'],
  [/^(momentum_buffer|mom|momentum)$|_momentum$/, 'b'],
];

interface Recording {
  framework: string;
  framework_version: string;
  dtype: string;
  hyperparams: Record<string, unknown>;
  x0: (number | string)[];
  x0_dtype?: (number | string)[];
  grads: (number | string)[][];
  trajectory: (number | string)[][];
  state_per_step?: Record<string, unknown[]>;
  case?: string;
  lr_per_step?: unknown[];
  /** The recording machine (cpu_model, cpu_flags, device), which tells the build of the framework's ops. */
  generator?: Record<string, unknown>;
}

function profileFor(rec: Recording, option: string | undefined, where: string): Profile {
  if (option) return findProfile(option);
  const name = FRAMEWORK_PROFILES.find(([re]) => re.test(rec.framework))?.[1];
  if (!name)
    throw new InputError(
      `${where}: no profile is known for framework '${rec.framework}': give one, e.g. recorded:path=...,profile=torch@2.1`,
    );
  const version = /^\d+\.\d+/.exec(rec.framework_version)?.[0];
  try {
    return findProfile(version ? `${name}@${version}` : name);
  } catch {
    return findProfile(name); // a version newer than any profile's range: the newest
  }
}

/** The case settings (native names of the profile), and why the case cannot be checked, if so. */
function settingsFor(rec: Recording, profile: Profile): { settings: Settings; refused: string | null; ignored: string[] } {
  const settings: Record<string, string | number | boolean | null> = {};
  const ignored: string[] = [];
  let refused: string | null = rec.lr_per_step
    ? 'the run used a learning-rate schedule (lr_per_step), which no profile models'
    : null;
  for (const [key, value] of Object.entries(rec.hyperparams)) {
    const known = key in profile.nativeNames || key in (profile.nativeFlags ?? {});
    if (!known && (INITIAL_ACCUMULATOR.has(key) || ZERO_SLOTS.has(key)) && value === 0) {
      ignored.push(`${key}=0`); // the reference's own start
      continue;
    }
    if (!known && INITIAL_ACCUMULATOR.has(key) && typeof value === 'number') {
      settings.initialAccumulator = value;
      continue;
    }
    if (known && value !== null && ['number', 'boolean'].includes(typeof value)) settings[key] = value as number | boolean;
    else if (known && value !== null)
      refused ??= `the run's ${key} is ${JSON.stringify(value)}, not a constant the profile can use (a schedule?)`;
    else if (known || EXECUTION_ONLY.has(key) || value === null || value === false)
      ignored.push(`${key}=${JSON.stringify(value)}`);
    else refused ??= `the run sets ${key}=${JSON.stringify(value)}, which ${profile.name}@${profile.version} does not model`;
  }
  return { settings, refused, ignored };
}

function stateAt(rec: Recording, t: number, where: string): OptimizerStateView {
  const out: OptimizerStateView = {};
  for (const [slot, rows] of Object.entries(rec.state_per_step ?? {})) {
    const q = SLOTS.find(([re]) => re.test(slot))?.[1];
    const row = rows[t];
    if (!q || !Array.isArray(row) || out[q]) continue;
    out[q] = decodeVector(row, `${where}: state_per_step.${slot}[${t}]`);
  }
  return out;
}

/**
 * The build of the framework's inexact ops the run was recorded with, where it is not the profile's
 * default: given as options (sqrtImpl=..., rsqrtImpl=...), else read off the recording's machine
 * (suites/recording-machine.ts). Undefined when the defaults hold.
 */
function buildAxes(
  profile: Profile,
  machine: Record<string, unknown> | undefined,
  given: { sqrtImpl?: string; rsqrtImpl?: string },
  where: string,
): Partial<Axes> | undefined {
  const chosen: Record<string, string> = { ...machineSettings(`${profile.name}@${profile.version}`, machine) };
  const allowed = { sqrtImpl: SQRT_IMPLEMENTATIONS, rsqrtImpl: RSQRT_IMPLEMENTATIONS } as const;
  for (const axis of ['sqrtImpl', 'rsqrtImpl'] as const) {
    const value = given[axis];
    if (value === undefined) continue;
    if (!(allowed[axis] as readonly string[]).includes(value))
      throw new InputError(`${where}: ${axis}=${value}: expected one of ${allowed[axis].join(', ')}`);
    chosen[axis] = value;
  }
  const differing = departures(profile, chosen);
  return Object.keys(differing).length > 0 ? differing : undefined;
}

function recordedAdapter(options: AdapterOptions): Adapter {
  const { path, profile: profileOption, sqrtImpl, rsqrtImpl, ...rest } = options;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw new InputError(`adapter 'recorded': unknown option '${unknown[0]}'; accepted: path, profile, sqrtImpl, rsqrtImpl`);
  if (!path) throw new InputError("adapter 'recorded': give the recording's path, e.g. recorded:path=run.json");
  const where = `recorded run ${path}`;
  const rec = readJsonFile(path, 'recorded run', RECORDING_SCHEMA, EXPECTED) as Recording;
  if (!(ALL_DTYPES as readonly string[]).includes(rec.dtype))
    throw new InputError(`${where}: dtype ${rec.dtype}: the reference has ${ALL_DTYPES.join(', ')} arithmetic only`);
  const dtype = rec.dtype as Dtype;
  const grads = rec.grads.map((g, t) => decodeVector(g, `${where}: grads[${t}]`));
  const trajectory = rec.trajectory.map((p, t) => decodeVector(p, `${where}: trajectory[${t}]`));
  const x0 = decodeVector(rec.x0_dtype ?? rec.x0, `${where}: x0`);
  if (trajectory.length !== grads.length)
    throw new InputError(`${where}: ${grads.length} gradients but ${trajectory.length} trajectory entries (one per step)`);
  const bad = [...grads, ...trajectory].findIndex((v) => v.length !== x0.length);
  if (bad >= 0) throw new InputError(`${where}: a gradient or trajectory entry has a length other than x0's (${x0.length})`);
  const profile = profileFor(rec, profileOption, where);
  const { settings, refused, ignored } = settingsFor(rec, profile);
  const fixedAxes = buildAxes(profile, rec.generator, { sqrtImpl, rsqrtImpl }, where);
  const id = basename(path).replace(/\.json$/i, '');
  const spec: CaseSpec = {
    id,
    suite: 'recorded',
    describe: `${rec.framework} ${rec.framework_version}${rec.case ? ` ${rec.case}` : ''} (${path})`,
    source: { kind: 'recorded', path, grads: rec.grads },
    x0: Array.from(x0),
    steps: grads.length,
    settings,
  };
  const hasState = Object.keys(rec.state_per_step ?? {}).some((slot) => SLOTS.some(([re]) => re.test(slot)));
  return {
    info: {
      id: 'recorded',
      version: rec.framework_version,
      describe: `${rec.framework} ${rec.framework_version} recorded in ${path}`,
      claims: `${profile.name}@${profile.version}`,
      ...(fixedAxes ? { fixedAxes } : {}),
      capabilities: {
        dtypes: [dtype],
        devices: ['recorded'],
        hyperparameters: [],
        configurableAxes: [],
        loadState: false,
        readState: hasState,
      },
      cases: [spec],
    },
    async probe() {
      return {
        available: true,
        facts: {
          framework: rec.framework,
          frameworkVersion: rec.framework_version,
          steps: grads.length,
          ...(ignored.length ? { ignored: ignored.join(', ') } : {}),
        },
      };
    },
    async prepare(c: AdapterCase): Promise<PreparedCase> {
      if (c.key !== `recorded/${id}`) throw new UnsupportedCaseError(`a recorded run answers only its own case (recorded/${id})`);
      if (refused) throw new UnsupportedCaseError(`${where}: ${refused}`);
      let t = 0;
      return {
        async step(grad) {
          // The runner replays the recorded gradients; anything else is not what was recorded.
          const want = toDtype(dtype, grads[t] ?? []);
          if (t >= grads.length || grad.some((g, i) => !Object.is(g, want[i]) && !(Number.isNaN(g) && Number.isNaN(want[i])))) {
            throw new Error(`${where}: step ${t + 1} was asked with a gradient other than the recorded one`);
          }
          t++;
        },
        async read() {
          if (t === 0) return { params: x0 };
          return { params: trajectory[t - 1], ...(hasState ? { state: stateAt(rec, t - 1, where) } : {}) };
        },
        async dispose() {
          return {};
        },
      };
    },
  };
}

export const recordedAdapterFactory: AdapterFactory = {
  id: 'recorded',
  describe:
    'a run recorded anywhere with its gradients, checked offline: recorded:path=run.json[,profile=torch@2.1] (clients/python/record.py writes one)',
  inDefaultRun: false,
  create: recordedAdapter,
};
