// Reads a conformance report back from its JSON file (for `report html`, `report merge`, bench's
// accuracy table): schema-checked, then numbers decoded ("NaN", "Infinity", "-0" back to numbers)
// where the schema says a number is encoded, and nowhere else: an adapter whose version or reason is
// the text "NaN" keeps it as text.

import type { TSchema } from '@sinclair/typebox';
import { decodeNumber } from '../reference/number-encoding.js';
import type { ConformanceReport } from '../runner/result.js';
import { readJsonFile } from '../suites/json-file.js';
import { ConformanceReportSchema } from './report-schema.js';

const ENCODED = new Set(['NaN', 'Infinity', '-Infinity', '-0']);

type Schema = TSchema & {
  anyOf?: Schema[];
  type?: string | string[];
  const?: unknown;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  patternProperties?: Record<string, Schema>;
  items?: Schema;
};

const hasType = (s: Schema, t: string) => s.type === t || (Array.isArray(s.type) && s.type.includes(t));

/** An encoded number: a union of a number and the strings numbers are written as. */
function isEncodedNumber(s: Schema): boolean {
  return (
    !!s.anyOf &&
    s.anyOf.some((b) => hasType(b, 'number') || hasType(b, 'integer')) &&
    s.anyOf.some((b) => typeof b.const === 'string' && ENCODED.has(b.const))
  );
}

/** The branch of a union that has the value's JSON type (reports never need more to pick one). */
function branchFor(s: Schema, value: unknown): Schema | undefined {
  const t = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return s.anyOf?.find((b) => hasType(b, t));
}

/** Decodes the encoded numbers of `value` at the places `schema` declares them. */
export function decodeBySchema(schema: Schema, value: unknown): unknown {
  if (schema.anyOf) {
    if (typeof value === 'string' && ENCODED.has(value) && isEncodedNumber(schema)) return decodeNumber(value);
    const branch = branchFor(schema, value);
    return branch ? decodeBySchema(branch, value) : value;
  }
  if (Array.isArray(value)) return schema.items ? value.map((v) => decodeBySchema(schema.items!, v)) : value;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const pattern = schema.patternProperties ? Object.values(schema.patternProperties)[0] : undefined;
      const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
      const inner = schema.properties?.[k] ?? pattern ?? extra;
      out[k] = inner ? decodeBySchema(inner, v) : v;
    }
    return out;
  }
  return value;
}

export function readConformanceReport(path: string): ConformanceReport {
  const doc = readJsonFile(path, 'conformance report', ConformanceReportSchema, 'a report written by `rmsprop-harness conform`');
  return decodeBySchema(ConformanceReportSchema, doc) as ConformanceReport;
}
