// Recorded gradient streams on disk: a JSON document whose `grads` field (or the document itself)
// is an array with one gradient vector per step; non-finite values as "NaN", "Infinity", "-Infinity".
// The document may also carry `lr_per_step`, the learning rate of every step (a run with a schedule).
import { Type, type Static } from '@sinclair/typebox';
import { InputError } from '../reference/errors.js';
import { decodeVector } from '../reference/number-encoding.js';
import { firstSchemaError } from './schema.js';
import { readJsonFile } from './json-file.js';

const EncodedNumber = Type.Union([
  Type.Number(),
  Type.Literal('NaN'),
  Type.Literal('Infinity'),
  Type.Literal('-Infinity'),
  Type.Literal('-0'),
]);
const GradientRows = Type.Array(Type.Array(EncodedNumber, { minItems: 1 }), { minItems: 1 });
const LrPerStep = Type.Array(Type.Number({ minimum: 0 }), {
  minItems: 1,
  description: 'Learning rate used by each step (step t uses lr_per_step[t]): replays a run with any schedule.',
});
export const GradientFileSchema = Type.Union([
  GradientRows,
  Type.Object({ grads: GradientRows, lr_per_step: Type.Optional(LrPerStep) }, { additionalProperties: true }),
]);
export type GradientFile = Static<typeof GradientFileSchema>;

const EXPECTED = '{"grads": [[g1...], [g2...], ...], "lr_per_step": [lr1, ...] (optional)} or a bare array of gradient vectors';

/**
 * Checks and decodes a gradient stream; `where` starts every error ("gradient file g.json"). Errors
 * name the JSON pointer of the value at fault: "/grads/3/1", or "/3/1" for a bare array.
 */
export function parseGradientStream(doc: unknown, where: string): Float64Array[] {
  const error = firstSchemaError(GradientFileSchema, doc);
  if (error) throw new InputError(`${where}: ${error} (expected ${EXPECTED})`);
  const bare = Array.isArray(doc);
  const rows = (bare ? doc : (doc as { grads: unknown[] }).grads) as unknown[];
  const at = (t: number) => `${bare ? '' : '/grads'}/${t}`;
  const grads = rows.map((row, t) => decodeVector(row, `${where}: ${at(t)}`));
  const dim = grads[0].length;
  const bad = grads.findIndex((g) => g.length !== dim);
  if (bad >= 0)
    throw new InputError(
      `${where}: ${at(bad)}: has ${grads[bad].length} values, expected ${dim} like ${at(0)} (every step's gradient has the dimension of the parameters)`,
    );
  return grads;
}

export function readGradientFile(path: string): Float64Array[] {
  return parseGradientStream(readJsonFile(path, 'gradient file'), `gradient file ${path}`);
}

export interface GradientDocument {
  grads: Float64Array[];
  /** The recorded learning rate of every step, when the file has one. */
  lrPerStep?: number[];
}

/** A gradient stream with its optional `lr_per_step`, which must cover every step. */
export function parseGradientDocument(doc: unknown, where: string): GradientDocument {
  const grads = parseGradientStream(doc, where);
  if (Array.isArray(doc)) return { grads };
  const lr = (doc as { lr_per_step?: number[] }).lr_per_step;
  if (lr === undefined) return { grads };
  if (lr.length < grads.length)
    throw new InputError(`${where}: /lr_per_step: has ${lr.length} values for ${grads.length} gradients (one per step)`);
  return { grads, lrPerStep: lr };
}

export function readGradientDocument(path: string): GradientDocument {
  return parseGradientDocument(readJsonFile(path, 'gradient file'), `gradient file ${path}`);
}
