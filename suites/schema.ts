// JSON Schema validation (ajv) with one readable line for the first problem found: the JSON pointer
// of the offending value (RFC 6901, "/grads/3/1"), what was expected, and what was there.
import { Ajv, type ErrorObject } from 'ajv';
import type { TSchema } from '@sinclair/typebox';

// strictNumbers: a JSON number too large for a double parses as Infinity; the schema refuses it
// (non-finite values are written as the strings "NaN", "Infinity", "-Infinity").
// verbose: errors carry the offending value and their schema, for "got ..." and named expectations.
const ajv = new Ajv({ allErrors: false, strict: false, strictNumbers: true, verbose: true });
const compiled = new WeakMap<TSchema, ReturnType<Ajv['compile']>>();

/** One schema violation: where (a JSON pointer, '' for the whole document) and what was expected. */
export interface SchemaIssue {
  /** JSON pointer of the value at fault ('' = the document itself). */
  pointer: string;
  /** What was expected, e.g. "must be array", "missing field 'version'". */
  message: string;
  /** A short rendering of the value found there, when there is one worth showing. */
  got?: string;
}

/** A short, one-line rendering of a JSON value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value))
      return `a number too large for float64 (write "${value > 0 ? '' : '-'}Infinity" for an infinite value)`;
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

// ajv's words for types ("must be array"), kept so messages read the same from every check.
const TYPE_NAMES: Record<string, string> = {};

/** "a number or one of "NaN", "Infinity"" from the type / const / enum errors of a union at one place. */
function unionExpectation(errors: ErrorObject[]): string | null {
  const types: string[] = [];
  const values: unknown[] = [];
  for (const e of errors) {
    if (e.keyword === 'type') types.push(...String(e.params.type).split(','));
    else if (e.keyword === 'const') values.push(e.params.allowedValue);
    else if (e.keyword === 'enum') values.push(...(e.params.allowedValues as unknown[]));
    else if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') return null;
  }
  if (types.length + values.length === 0) return null;
  // A literal's own type check ("NaN" is a string) is not an alternative worth naming.
  const literalTypes = new Set<string>(values.map((v) => (v === null ? 'null' : typeof v)));
  const parts = [...new Set(types)].filter((t) => !literalTypes.has(t)).map((t) => TYPE_NAMES[t] ?? t);
  if (values.length > 0) parts.push(`${values.length === 1 ? '' : 'one of '}${values.map((v) => JSON.stringify(v)).join(', ')}`);
  return `must be ${parts.join(' or ')}`;
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length - 1;
}

function describeError(e: ErrorObject): SchemaIssue {
  const pointer = e.instancePath;
  switch (e.keyword) {
    case 'required':
      return { pointer, message: `missing field '${String(e.params.missingProperty)}'` };
    case 'additionalProperties':
      return { pointer, message: `unexpected field '${String(e.params.additionalProperty)}'` };
    case 'type':
      return {
        pointer,
        message: `must be ${String(e.params.type)
          .split(',')
          .map((t) => TYPE_NAMES[t] ?? t)
          .join(' or ')}`,
        got: describeValue(e.data),
      };
    case 'const':
      return { pointer, message: `must be ${JSON.stringify(e.params.allowedValue)}`, got: describeValue(e.data) };
    case 'enum':
      return {
        pointer,
        message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        got: describeValue(e.data),
      };
    case 'minItems':
      return {
        pointer,
        message: `must have at least ${String(e.params.limit)} item${e.params.limit === 1 ? '' : 's'}`,
        got: describeValue(e.data),
      };
    case 'maxItems':
      return { pointer, message: `must have at most ${String(e.params.limit)} items`, got: describeValue(e.data) };
    case 'minLength':
      return {
        pointer,
        message: e.params.limit === 1 ? 'must not be empty' : `must have at least ${String(e.params.limit)} characters`,
        got: describeValue(e.data),
      };
    case 'pattern': {
      const expected = (e.parentSchema as { 'x-expected'?: string } | undefined)?.['x-expected'];
      return {
        pointer,
        message: expected ? `must be ${expected}` : `must match ${String(e.params.pattern)}`,
        got: describeValue(e.data),
      };
    }
    case 'uniqueItems':
      return { pointer, message: `must not repeat items (items ${String(e.params.j)} and ${String(e.params.i)} are equal)` };
    default:
      return {
        pointer,
        message: e.message ?? 'invalid',
        ...(e.data !== undefined && typeof e.data !== 'object' ? { got: describeValue(e.data) } : {}),
      };
  }
}

/** The first validation problem, or null when the value matches. */
export function firstSchemaIssue(schema: TSchema, value: unknown): SchemaIssue | null {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return null;
  const errors = validate.errors ?? [];
  if (errors.length === 0) return { pointer: '', message: 'invalid' };
  // Prefer the deepest error: for unions ajv reports each branch's failure and then "must match a
  // schema in anyOf"; the branch that got furthest is the one the author meant.
  const deepest = Math.max(...errors.map((e) => depth(e.instancePath)));
  const atDeepest = errors.filter((e) => depth(e.instancePath) === deepest);
  const samePlace = atDeepest.filter((e) => e.instancePath === atDeepest[0].instancePath);
  if (samePlace.length > 1) {
    const union = unionExpectation(samePlace);
    if (union) return { pointer: samePlace[0].instancePath, message: union, got: describeValue(samePlace[0].data) };
  }
  // A failed union without a deeper error: a branch of the right kind (an object missing a field)
  // says more than the branches whose type does not fit at all.
  const chosen =
    atDeepest.find((e) => !['anyOf', 'oneOf', 'type', 'const', 'enum'].includes(e.keyword)) ??
    atDeepest.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ??
    atDeepest[0];
  return describeError(chosen);
}

/** A JSON pointer for people: '' (the whole document) is shown as "(root)". */
export function showPointer(pointer: string): string {
  return pointer === '' ? '(root)' : pointer;
}

/** "/grads/3/1: must be a number or one of "NaN", ..., got "x"" */
export function formatIssue(issue: SchemaIssue): string {
  return `${showPointer(issue.pointer)}: ${issue.message}${issue.got !== undefined ? `, got ${issue.got}` : ''}`;
}

/** The first validation error as one line (JSON pointer: expectation, got value), or null when the value matches. */
export function firstSchemaError(schema: TSchema, value: unknown): string | null {
  const issue = firstSchemaIssue(schema, value);
  return issue ? formatIssue(issue) : null;
}

/** Escapes one JSON pointer segment (RFC 6901): '~' -> '~0', '/' -> '~1'. */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}
