// Recorded gradient streams on disk: a JSON document whose `grads` field (or the document itself)
// is an array with one gradient vector per step; non-finite values as "NaN", "Infinity", "-Infinity".
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
export const GradientFileSchema = Type.Union([
  GradientRows,
  Type.Object({ grads: GradientRows }, { additionalProperties: true }),
]);
export type GradientFile = Static<typeof GradientFileSchema>;

const EXPECTED = '{"grads": [[g1...], [g2...], ...]} or a bare array of gradient vectors';

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
