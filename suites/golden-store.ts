// Reading golden trajectories back: the manifest and every file are checked against their schemas,
// each file's sha256 against the manifest, and the vectors of each trajectory against its dimension.
// Every problem is one InputError line naming the file and the JSON pointer.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { decodeVector } from '../reference/number-encoding.js';
import { findProfile } from '../reference/registry.js';
import { suggest } from '../reference/suggest.js';
import { GoldenFileSchema, GoldenManifestSchema, goldenFileName, sha256, type GoldenManifest } from './goldens.js';
import { parseJsonText, readJsonFile, readTextFile } from './json-file.js';
import { firstSchemaError, pointerSegment } from './schema.js';

/** goldens/ of the installed package (works from sources and from dist/). */
export function defaultGoldensDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      readFileSync(join(dir, 'goldens', 'manifest.json'));
      return join(dir, 'goldens');
    } catch {
      dir = dirname(dir);
    }
  }
  return join(process.cwd(), 'goldens');
}

export interface GoldenTrajectory {
  /** The profile the golden was computed with ('torch@2.1'). */
  profile: string;
  case: string;
  dtype: Dtype;
  /** The profile's own hyperparameter names and values for this case (lr, alpha, eps, ...). */
  hyperparameters: Record<string, number | boolean | null>;
  x0: Float64Array;
  /** The gradient fed at each step (step t uses gradients[t]). */
  gradients: Float64Array[];
  /** The parameters after each step. */
  trajectory: Float64Array[];
  /** The same arrays as trajectory and gradients (older names). */
  params: Float64Array[];
  grads: Float64Array[];
}

interface StoredStep {
  grad: unknown[];
  params: unknown[];
  v: unknown[];
  m?: unknown[];
  b?: unknown[];
}
interface StoredTrajectory {
  case: string;
  dtype: Dtype;
  hyperparameters: Record<string, number | boolean | null>;
  x0: unknown[];
  steps: StoredStep[];
}
export interface StoredGoldenFile {
  format: 'rmsprop-harness/goldens';
  generator: string;
  profile: string;
  trajectories: StoredTrajectory[];
}

const UPDATE_HINT = 'run npm run golden:update and review the diff';

/** goldens/manifest.json, checked against its schema. */
export function readGoldenManifest(dir: string): GoldenManifest {
  return readJsonFile(join(dir, 'manifest.json'), 'golden manifest', GoldenManifestSchema) as GoldenManifest;
}

/** Every vector of every trajectory has the dimension of its x0; the profile matches the file name. */
function checkGoldenDimensions(doc: StoredGoldenFile, name: string): string | null {
  if (`${doc.profile}.json` !== name)
    return `/profile: is ${JSON.stringify(doc.profile)}, expected ${JSON.stringify(name.replace(/\.json$/, ''))} (the file name)`;
  for (const [i, t] of doc.trajectories.entries()) {
    const dim = t.x0.length;
    for (const [s, step] of t.steps.entries()) {
      for (const key of ['grad', 'params', 'v', 'm', 'b'] as const) {
        const v = step[key];
        if (v !== undefined && v.length !== dim)
          return `/trajectories/${i}/steps/${s}/${key}: has ${v.length} values, expected ${dim} like /trajectories/${i}/x0`;
      }
    }
  }
  return null;
}

/**
 * One golden file, checked: listed in the manifest, its sha256 equal to the manifest's, valid JSON of
 * the golden schema, as many trajectories as the manifest says, consistent dimensions.
 */
export function readGoldenFile(dir: string, name: string, manifest: GoldenManifest): StoredGoldenFile {
  const manifestPath = join(dir, 'manifest.json');
  const entry = Object.hasOwn(manifest.files, name) ? manifest.files[name] : undefined;
  const at = `/files/${pointerSegment(name)}`;
  if (!entry) throw new InputError(`golden manifest ${manifestPath}: ${at}: no entry for ${name} (${UPDATE_HINT})`);
  const path = join(dir, name);
  const text = readTextFile(path, 'golden file');
  const actual = sha256(text);
  if (actual !== entry.sha256) {
    throw new InputError(
      `golden file ${path}: sha256 does not match the manifest's ${at}/sha256 (file ${actual.slice(0, 12)}..., manifest ${entry.sha256.slice(0, 12)}...): the file changed or was truncated; ${UPDATE_HINT}`,
    );
  }
  const doc = parseJsonText(text, `golden file ${path}`);
  const error = firstSchemaError(GoldenFileSchema, doc) ?? checkGoldenDimensions(doc as StoredGoldenFile, name);
  if (error) throw new InputError(`golden file ${path}: ${error}`);
  const golden = doc as StoredGoldenFile;
  if (golden.trajectories.length !== entry.trajectories) {
    throw new InputError(
      `golden file ${path}: /trajectories: has ${golden.trajectories.length} trajectories, the manifest's ${at}/trajectories says ${entry.trajectories}`,
    );
  }
  return golden;
}

/**
 * Checks the whole store: the manifest and every file it lists (see readGoldenFile). Returns the
 * names checked. Files on disk that the manifest does not list are not errors here (the generator
 * reports them as stale).
 */
export function verifyGoldenStore(dir: string): string[] {
  if (!existsSync(join(dir, 'manifest.json')))
    throw new InputError(`golden manifest ${join(dir, 'manifest.json')}: no such file (${UPDATE_HINT})`);
  const manifest = readGoldenManifest(dir);
  const names = Object.keys(manifest.files);
  for (const name of names) readGoldenFile(dir, name, manifest);
  return names;
}

/**
 * One golden trajectory of the package's store (or of `dir`): x0, the gradients, the profile's
 * hyperparameters and the parameters after each step, for replaying it in an implementation of your own.
 * The file is checked (manifest sha256, schema) first; an unknown profile, case or dtype is an InputError.
 */
export function loadGolden(profile: string, caseKey: string, dtype: Dtype, dir = defaultGoldensDir()): GoldenTrajectory {
  const manifest = readGoldenManifest(dir);
  const name = goldenFileName(findProfile(profile));
  const doc = readGoldenFile(dir, name, manifest);
  const path = join(dir, name);
  const index = doc.trajectories.findIndex((x) => x.case === caseKey && x.dtype === dtype);
  if (index < 0) {
    const cases = [...new Set(doc.trajectories.filter((x) => x.dtype === dtype).map((x) => x.case))];
    throw new InputError(
      `golden file ${path}: no trajectory for case ${caseKey} in ${dtype}${suggest(caseKey, cases)}; cases: ${cases.join(', ')}`,
    );
  }
  const t = doc.trajectories[index];
  const at = `golden file ${path}: /trajectories/${index}`;
  const trajectory = t.steps.map((s, i) => decodeVector(s.params, `${at}/steps/${i}/params`));
  const gradients = t.steps.map((s, i) => decodeVector(s.grad, `${at}/steps/${i}/grad`));
  return {
    profile: doc.profile,
    case: t.case,
    dtype: t.dtype,
    hyperparameters: { ...t.hyperparameters },
    x0: decodeVector(t.x0, `${at}/x0`),
    gradients,
    trajectory,
    params: trajectory,
    grads: gradients,
  };
}
