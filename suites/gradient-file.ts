// Recorded gradient streams on disk: a JSON document whose `grads` field (or the document itself)
// is an array with one gradient vector per step; non-finite values as "NaN", "Infinity", "-Infinity".
import { Type, type Static } from '@sinclair/typebox';
import { InputError } from '../reference/errors.js';
import { decodeVector } from '../reference/number-encoding.js';
import { firstSchemaError } from './schema.js';
import { readJsonFile } from './json-file.js';

const EncodedNumber = Type.Union([Type.Number(), Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity'), Type.Literal('-0')]);
const GradientRows = Type.Array(Type.Array(EncodedNumber, { minItems: 1 }), { minItems: 1 });
export const GradientFileSchema = Type.Union([GradientRows, Type.Object({ grads: GradientRows }, { additionalProperties: true })]);
export type GradientFile = Static<typeof GradientFileSchema>;

export function parseGradientStream(doc: unknown, where: string): Float64Array[] {
  const error = firstSchemaError(GradientFileSchema, doc);
  if (error) throw new InputError(`${where}: ${error} (expected {"grads": [[g1...], [g2...], ...]} or an array of gradient vectors)`);
  const rows = (Array.isArray(doc) ? doc : (doc as { grads: unknown[] }).grads) as unknown[];
  const grads = rows.map((row, t) => decodeVector(row, `${where}: grads[${t}]`));
  const dim = grads[0]!.length;
  const bad = grads.findIndex((g) => g.length !== dim);
  if (bad >= 0) throw new InputError(`${where}: grads[${bad}] has ${grads[bad]!.length} elements, grads[0] has ${dim}`);
  return grads;
}

export function readGradientFile(path: string): Float64Array[] {
  return parseGradientStream(readJsonFile(path, 'gradient file'), `gradient file ${path}`);
}
