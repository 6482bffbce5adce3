// Golden trajectories: every case x profile x dtype of the documented grid, generated
// deterministically by the reference and stored as JSON with a sha256 manifest.

import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { ALL_DTYPES, DTYPES } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { encodeVector } from '../reference/number-encoding.js';
import { profileKey, type Profile } from '../reference/profile.js';
import { PROFILES } from '../reference/profiles/index.js';
import { resolveVariant } from '../reference/resolve.js';
import { runTrajectory } from '../reference/trajectory.js';
import { caseAppliesTo, caseGradientSource, caseX0 } from './case-source.js';
import { autodiffOrderFor } from './problems.js';
import { ALL_CASES, caseKey } from './suites.js';

/** Bump when the golden format or the generator's semantics change. */
export const GOLDEN_GENERATOR_VERSION = '1';

export interface GoldenFile {
  format: 'rmsprop-harness/goldens';
  generator: string;
  profile: string;
  trajectories: unknown[];
}

export interface GoldenManifest {
  format: 'rmsprop-harness/golden-manifest';
  generator: string;
  grid: string;
  files: Record<string, { sha256: string; trajectories: number }>;
}

const Encoded = Type.Union([
  Type.Number(),
  Type.Literal('NaN'),
  Type.Literal('Infinity'),
  Type.Literal('-Infinity'),
  Type.Literal('-0'),
]);
const Vector = Type.Array(Encoded);

/** goldens/manifest.json: every golden file with its sha256 and trajectory count. */
export const GoldenManifestSchema = Type.Object({
  format: Type.Literal('rmsprop-harness/golden-manifest'),
  generator: Type.String({ minLength: 1 }),
  grid: Type.String(),
  files: Type.Record(
    Type.String({ pattern: '^[^/\\\\]+\\.json$' }),
    Type.Object(
      {
        sha256: Type.String({ pattern: '^[0-9a-f]{64}$', 'x-expected': '64 lowercase hex digits' }),
        trajectories: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  ),
});

/** One golden file: every trajectory of one profile. */
export const GoldenFileSchema = Type.Object({
  format: Type.Literal('rmsprop-harness/goldens'),
  generator: Type.String({ minLength: 1 }),
  profile: Type.String({ minLength: 1 }),
  trajectories: Type.Array(
    Type.Object({
      case: Type.String({ minLength: 1 }),
      dtype: Type.Union(ALL_DTYPES.map((d) => Type.Literal(d))),
      hyperparameters: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.Null()])),
      x0: Type.Array(Encoded, { minItems: 1 }),
      steps: Type.Array(
        Type.Object({
          grad: Vector,
          params: Vector,
          v: Vector,
          m: Type.Optional(Vector),
          b: Type.Optional(Vector),
        }),
      ),
    }),
  ),
});

export const GRID_DESCRIPTION =
  'every case of every suite x every profile (all versions) it applies to x float32 and float64 (and bfloat16/float16 where the profile describes them); ' +
  'a case applies when the profile has every hyperparameter the case sets and accepts its values';

export function goldenFileName(p: Profile): string {
  return `${profileKey(p)}.json`;
}

/** All trajectories of one profile, in a fixed order, as stable JSON text. */
export function renderGoldenFile(profile: Profile): { text: string; count: number } {
  const trajectories: unknown[] = [];
  for (const c of ALL_CASES) {
    if (!caseAppliesTo(c, profile).applies) continue;
    // bfloat16/float16 for the profiles that describe them (reference/profile.ts lowPrecision).
    for (const dtype of [...DTYPES, ...(profile.lowPrecision?.dtypes ?? [])]) {
      let resolved;
      try {
        resolved = resolveVariant(profile, dtype, c.settings);
      } catch (e) {
        if (e instanceof InputError) continue; // the framework refuses this configuration
        throw e;
      }
      const t = runTrajectory(
        resolved.variant,
        dtype,
        caseX0(c),
        c.steps,
        caseGradientSource(c, dtype, autodiffOrderFor(profile.name)),
      );
      const v = resolved.variant;
      trajectories.push({
        case: caseKey(c),
        dtype,
        hyperparameters: resolved.native,
        x0: encodeVector(t.x0),
        steps: t.points.map((p) => ({
          grad: encodeVector(p.grad),
          params: encodeVector(p.params),
          v: encodeVector(p.state.v),
          ...(v.centered ? { m: encodeVector(p.state.m) } : {}),
          ...(v.momentum !== 0 || v.momentumAlways ? { b: encodeVector(p.state.b) } : {}),
        })),
      });
    }
  }
  const file: GoldenFile = {
    format: 'rmsprop-harness/goldens',
    generator: GOLDEN_GENERATOR_VERSION,
    profile: profileKey(profile),
    trajectories,
  };
  // One trajectory per line keeps diffs readable and the text deterministic.
  const text = `{"format":${JSON.stringify(file.format)},"generator":${JSON.stringify(file.generator)},"profile":${JSON.stringify(file.profile)},"trajectories":[\n${trajectories.map((t) => JSON.stringify(t)).join(',\n')}\n]}\n`;
  return { text, count: trajectories.length };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every golden file and the manifest, as the generator would write them now. */
export function renderAllGoldens(): Map<string, string> {
  const files = new Map<string, string>();
  const manifest: GoldenManifest = {
    format: 'rmsprop-harness/golden-manifest',
    generator: GOLDEN_GENERATOR_VERSION,
    grid: GRID_DESCRIPTION,
    files: {},
  };
  for (const p of PROFILES) {
    const { text, count } = renderGoldenFile(p);
    const name = goldenFileName(p);
    files.set(name, text);
    manifest.files[name] = { sha256: sha256(text), trajectories: count };
  }
  files.set('manifest.json', `${JSON.stringify(manifest, null, 1)}\n`);
  return files;
}
