// Calibration recordings: real RMSprop runs recorded from the frameworks themselves (torch 2.x,
// Keras 3, TF raw ops, tf.compat.v1, optax, tfjs), kept in suites/recordings/ with a manifest of
// sha256 sums. Each file holds the API call, the hyperparameters under the framework's own names,
// every step's gradient and parameters. Reading one checks its sha256 against the manifest and its
// shape against the schema; every problem is one InputError line naming the file.
import type { RecordingMachine } from './recording-machine.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { InputError } from '../reference/errors.js';
import { decodeVector } from '../reference/number-encoding.js';
import { parseJsonText, readJsonFile, readTextFile } from './json-file.js';
import { firstSchemaError } from './schema.js';

const EncodedNumber = Type.Union([
  Type.Number(),
  Type.Literal('NaN'),
  Type.Literal('Infinity'),
  Type.Literal('-Infinity'),
  Type.Literal('-0'),
]);
const Vector = Type.Array(EncodedNumber, { minItems: 1 });
const HyperparameterValue = Type.Union([Type.Number(), Type.Boolean(), Type.String(), Type.Null(), Type.Array(Type.Number())]);

/** The dtypes the recordings were made in (the reference may not run all of them). */
export const RECORDING_DTYPES = ['float32', 'float64', 'bfloat16', 'float16'] as const;
export type RecordingDtype = (typeof RECORDING_DTYPES)[number];

export const RecordingFileSchema = Type.Object(
  {
    framework: Type.String({ minLength: 1 }),
    framework_version: Type.String({ minLength: 1 }),
    api: Type.String({ minLength: 1 }),
    case: Type.String({ minLength: 1 }),
    dtype: Type.Union(RECORDING_DTYPES.map((d) => Type.Literal(d))),
    hyperparams: Type.Record(Type.String(), HyperparameterValue),
    x0: Vector,
    x0_dtype: Vector,
    steps: Type.Integer({ minimum: 1 }),
    grads: Type.Array(Vector, { minItems: 1 }),
    trajectory: Type.Array(Vector, { minItems: 1 }),
    state_per_step: Type.Record(Type.String(), Type.Array(Type.Union([Type.Number(), Vector]))),
    lr_per_step: Type.Optional(Type.Array(Type.Number())),
    floatx: Type.Optional(Type.String()),
    learning_rate_dtype: Type.Optional(Type.String()),
    hyperparam_tensor_dtype: Type.Optional(Type.String()),
    stream: Type.Optional(Type.String()),
    generator: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: true },
);
export type RecordingFile = Static<typeof RecordingFileSchema>;

const ManifestEntry = Type.Object(
  {
    file: Type.String({ minLength: 1 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    bytes: Type.Integer({ minimum: 0 }),
    framework: Type.Optional(Type.String()),
    version: Type.Optional(Type.String()),
    case: Type.Optional(Type.String()),
    dtype: Type.Optional(Type.String()),
    steps: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
export const RecordingManifestSchema = Type.Object(
  {
    description: Type.String(),
    count_data_files: Type.Integer({ minimum: 0 }),
    data_files_per_framework: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
    total_bytes: Type.Integer({ minimum: 0 }),
    files: Type.Array(ManifestEntry),
  },
  { additionalProperties: false },
);
export type RecordingManifest = Static<typeof RecordingManifestSchema>;

/** A recording decoded for replay. */
export interface Recording {
  /** Path inside the recordings folder, e.g. "torch/torch-forloop_bowl3_plain_float32.json". */
  file: string;
  framework: string;
  frameworkVersion: string;
  api: string;
  case: string;
  dtype: RecordingDtype;
  hyperparams: RecordingFile['hyperparams'];
  /** The start point as the generator wrote it (the framework rounds it to the dtype). */
  x0: Float64Array;
  grads: Float64Array[];
  /** Parameters after each step. */
  trajectory: Float64Array[];
  /** Learning rate used by each step, when a schedule set it. */
  lrPerStep?: number[];
  /** Optimizer slots after each step, under the framework's names (suites/recordings-state.ts reads them). */
  statePerStep: RecordingFile['state_per_step'];
  floatx?: string;
  learningRateDtype?: string;
  /** Open-loop stream name (nan_at7, stream12), absent for closed-loop objectives. */
  stream?: string;
  /** The machine the recorder describes (cpu_model, cpu_flags, device): which build's ops the run has. */
  machine?: RecordingMachine;
}

/** suites/recordings/ of the installed package (works from sources and from dist/). */
export function defaultRecordingsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'suites', 'recordings');
    if (existsSync(join(candidate, 'manifest.json'))) return candidate;
    if (existsSync(join(dir, 'recordings', 'manifest.json'))) return join(dir, 'recordings');
    dir = dirname(dir);
  }
  return join(process.cwd(), 'suites', 'recordings');
}

export function readRecordingManifest(dir: string): RecordingManifest {
  return readJsonFile(join(dir, 'manifest.json'), 'recordings manifest', RecordingManifestSchema) as RecordingManifest;
}

/** The manifest entries of the data files (those with a framework), optionally of one framework. */
export function recordingEntries(manifest: RecordingManifest, framework?: string): RecordingManifest['files'] {
  return manifest.files.filter((f) => f.framework !== undefined && (framework === undefined || f.framework === framework));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every vector has the dimension of x0 and there is one gradient and one point per step. */
function checkDimensions(doc: RecordingFile): string | null {
  const dim = doc.x0.length;
  if (doc.grads.length !== doc.steps) return `/grads: has ${doc.grads.length} rows, expected ${doc.steps} (/steps)`;
  if (doc.trajectory.length !== doc.steps)
    return `/trajectory: has ${doc.trajectory.length} rows, expected ${doc.steps} (/steps)`;
  for (const key of ['grads', 'trajectory'] as const) {
    const bad = doc[key].findIndex((row) => row.length !== dim);
    if (bad >= 0) return `/${key}/${bad}: has ${doc[key][bad].length} values, expected ${dim} like /x0`;
  }
  if (doc.lr_per_step && doc.lr_per_step.length !== doc.steps)
    return `/lr_per_step: has ${doc.lr_per_step.length} values, expected ${doc.steps} (/steps)`;
  return null;
}

/** One recording, checked against the manifest's sha256 and the schema, decoded. */
export function readRecording(dir: string, entry: RecordingManifest['files'][number]): Recording {
  const path = join(dir, entry.file);
  const text = readTextFile(path, 'recording');
  const actual = sha256(text);
  if (actual !== entry.sha256) {
    throw new InputError(
      `recording ${path}: sha256 does not match the manifest's entry for ${entry.file} (file ${actual.slice(0, 12)}..., manifest ${entry.sha256.slice(0, 12)}...): the file changed or was truncated`,
    );
  }
  return decodeRecording(path, entry.file, text, entry);
}

/** A recording's text checked against the schema (and the manifest's entry, when it has one) and decoded. */
export function decodeRecording(
  path: string,
  file: string,
  text: string,
  entry?: Pick<RecordingManifest['files'][number], 'framework' | 'case' | 'dtype'>,
): Recording {
  const doc = parseJsonText(text, `recording ${path}`);
  const error = firstSchemaError(RecordingFileSchema, doc) ?? checkDimensions(doc as RecordingFile);
  if (error) throw new InputError(`recording ${path}: ${error}`);
  const r = doc as RecordingFile;
  for (const [key, expected] of [
    ['framework', entry?.framework],
    ['case', entry?.case],
    ['dtype', entry?.dtype],
  ] as const) {
    if (expected !== undefined && r[key] !== expected)
      throw new InputError(
        `recording ${path}: /${key} is ${JSON.stringify(r[key])}, the manifest says ${JSON.stringify(expected)}`,
      );
  }
  const at = (p: string) => `recording ${path}: ${p}`;
  return {
    file,
    framework: r.framework,
    frameworkVersion: r.framework_version,
    api: r.api,
    case: r.case,
    dtype: r.dtype,
    hyperparams: r.hyperparams,
    x0: decodeVector(r.x0, at('/x0')),
    grads: r.grads.map((g, i) => decodeVector(g, at(`/grads/${i}`))),
    trajectory: r.trajectory.map((x, i) => decodeVector(x, at(`/trajectory/${i}`))),
    statePerStep: r.state_per_step,
    ...(r.lr_per_step ? { lrPerStep: r.lr_per_step } : {}),
    ...(r.floatx ? { floatx: r.floatx } : {}),
    ...(r.learning_rate_dtype ? { learningRateDtype: r.learning_rate_dtype } : {}),
    ...(r.stream ? { stream: r.stream } : {}),
    ...(r.generator ? { machine: r.generator } : {}),
  };
}

/** The framework ids in the manifest. */
export function recordingFrameworks(manifest: RecordingManifest): string[] {
  return Object.keys(manifest.data_files_per_framework).sort();
}

/**
 * All recordings (or one framework's), in manifest order. An unknown framework is an InputError that
 * lists the known ones.
 */
export function loadRecordings(options: { dir?: string; framework?: string } = {}): Recording[] {
  const dir = options.dir ?? defaultRecordingsDir();
  const manifest = readRecordingManifest(dir);
  const known = recordingFrameworks(manifest);
  if (options.framework !== undefined && !known.includes(options.framework)) {
    throw new InputError(`--framework: unknown framework '${options.framework}'; recorded: ${known.join(', ')}`);
  }
  const entries = recordingEntries(manifest, options.framework);
  const counted = recordingEntries(manifest).length;
  if (counted !== manifest.count_data_files) {
    throw new InputError(
      `recordings manifest ${join(dir, 'manifest.json')}: /count_data_files says ${manifest.count_data_files}, /files lists ${counted} data files`,
    );
  }
  return entries.map((e) => readRecording(dir, e));
}
