import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../reports/json-report.js';
import { runConformance } from '../../runner/run-conformance.js';
import { firstSchemaError } from '../../suites/schema.js';
import { ConformanceReportSchema } from '../../reports/report-schema.js';
import { REPORT_SCHEMA_PATH, reportSchemaText } from '../../scripts/write-report-schema.js';

describe('JSON report schema', () => {
  it('the published schema file is up to date', () => {
    expect(readFileSync(REPORT_SCHEMA_PATH, 'utf8')).toBe(reportSchemaText());
  });
  it('a real report (with failures, NaN and Infinity in it) validates', async () => {
    const report = await runConformance({ adapters: ['ts-f32', 'ts-f64:profile=torch,epsPlacement=inside', 'tfjs-node'], suites: ['edge'] });
    const doc = JSON.parse(renderJson(report));
    expect(firstSchemaError(ConformanceReportSchema, doc)).toBeNull();
    expect(JSON.stringify(doc)).toContain('"Infinity"');
    expect(firstSchemaError(ConformanceReportSchema, { ...doc, formatVersion: 99 })).not.toBeNull();
  });
});
