// Reading golden trajectories back, checking each file against the manifest's sha256.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { decodeVector } from '../reference/number-encoding.js';
import { findProfile } from '../reference/registry.js';
import { goldenFileName, sha256, type GoldenManifest } from './goldens.js';
import { readJsonFile } from './json-file.js';

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
  case: string;
  dtype: Dtype;
  x0: Float64Array;
  params: Float64Array[];
  grads: Float64Array[];
}

export function loadGolden(profile: string, caseKey: string, dtype: Dtype, dir = defaultGoldensDir()): GoldenTrajectory {
  const manifest = readJsonFile(join(dir, 'manifest.json'), 'golden manifest') as GoldenManifest;
  const name = goldenFileName(findProfile(profile));
  const entry = manifest.files?.[name];
  if (!entry) throw new InputError(`golden manifest ${join(dir, 'manifest.json')}: no entry for ${name}`);
  const path = join(dir, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`golden file ${path}: cannot be read`);
  }
  if (sha256(text) !== entry.sha256) throw new InputError(`golden file ${path}: sha256 does not match the manifest (file changed or truncated; run npm run golden:update)`);
  const doc = JSON.parse(text) as { trajectories: { case: string; dtype: Dtype; x0: unknown; steps: { params: unknown; grad: unknown }[] }[] };
  const t = doc.trajectories.find((x) => x.case === caseKey && x.dtype === dtype);
  if (!t) throw new InputError(`golden file ${path}: no trajectory for case ${caseKey} in ${dtype}`);
  return {
    case: t.case,
    dtype: t.dtype,
    x0: decodeVector(t.x0, `${name}: x0`),
    params: t.steps.map((s, i) => decodeVector(s.params, `${name}: step ${i + 1} params`)),
    grads: t.steps.map((s, i) => decodeVector(s.grad, `${name}: step ${i + 1} grad`)),
  };
}
