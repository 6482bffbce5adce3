import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../reports/json-report.js';
import { runConformance } from '../../runner/run-conformance.js';
import { firstSchemaError } from '../../suites/schema.js';
import { ConformanceReportSchema } from '../../reports/report-schema.js';
import { PUBLISHED_SCHEMAS, schemaText } from '../../scripts/write-schemas.js';

describe('JSON report schema', () => {
  it('the published schema files (report, config) are up to date', () => {
    for (const { path, schema } of PUBLISHED_SCHEMAS) expect(readFileSync(path, 'utf8'), path).toBe(schemaText(schema));
  });
  it('a real report (with failures, NaN and Infinity in it) validates', async () => {
    const report = await runConformance({ adapters: ['ts-f32', 'ts-f64:profile=torch,epsPlacement=inside', 'tfjs-node'], suites: ['edge'] });
    const doc = JSON.parse(renderJson(report));
    expect(firstSchemaError(ConformanceReportSchema, doc)).toBeNull();
    expect(JSON.stringify(doc)).toContain('"Infinity"');
    expect(firstSchemaError(ConformanceReportSchema, { ...doc, formatVersion: 99 })).not.toBeNull();
  });
});
