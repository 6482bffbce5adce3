// JSON Schema validation (ajv) with one readable line for the first problem found.
import { Ajv, type ErrorObject } from 'ajv';
import type { TSchema } from '@sinclair/typebox';

const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new WeakMap<TSchema, ReturnType<Ajv['compile']>>();

function describe(e: ErrorObject): string {
  const at = e.instancePath === '' ? 'document' : e.instancePath.slice(1).replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') return `${at}: unexpected field '${String(e.params.additionalProperty)}'`;
  if (e.keyword === 'required') return `${at}: missing field '${String(e.params.missingProperty)}'`;
  return `${at}: ${e.message ?? 'invalid'}`;
}

/** The first validation error as one line, or null when the value matches. */
export function firstSchemaError(schema: TSchema, value: unknown): string | null {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return null;
  const errors = validate.errors ?? [];
  // Prefer the deepest error: for unions ajv reports the branch failures and then "must match a schema in anyOf".
  const deepest = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  return deepest ? describe(deepest) : 'invalid';
}
