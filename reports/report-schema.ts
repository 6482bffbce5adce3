// The published JSON Schema of the conformance report (schemas/conformance-report.schema.json is
// generated from this by scripts/write-schemas.ts; a test checks the two agree and that real
// reports validate). The schema itself is defined once, in runner/result.ts, where the report's
// types are derived from it; here numbers take their file encoding.
import { Type, type TSchema } from '@sinclair/typebox';
import { reportSchemaWith } from '../runner/result.js';

/** Numbers as encoded in files: JSON numbers, or "NaN", "Infinity", "-Infinity", "-0". */
const encodedNumber = (description?: string) =>
  Type.Union(
    [Type.Number(), Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity'), Type.Literal('-0')],
    description ? { description } : {},
  );

export const ConformanceReportSchema: TSchema = reportSchemaWith(encodedNumber).Report;
