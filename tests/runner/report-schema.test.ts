import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAccuracy } from '../../runner/bench/accuracy.js';
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
    const report = await runConformance({
      adapters: ['ts-f32', 'ts-f64:profile=torch,epsPlacement=inside', 'tfjs-node'],
      suites: ['edge'],
    });
    const doc = JSON.parse(renderJson(report));
    expect(firstSchemaError(ConformanceReportSchema, doc)).toBeNull();
    expect(JSON.stringify(doc)).toContain('"Infinity"');
    expect(firstSchemaError(ConformanceReportSchema, { ...doc, formatVersion: 99 })).not.toBeNull();
    // Every measured cell has its worst element with step and index; verdicts are in the file.
    for (const c of doc.cells.filter((x: { status: string }) => ['pass', 'fail', 'xfail', 'xpass'].includes(x.status))) {
      expect(c.worst, `${c.adapter} ${c.case}`).toMatchObject({ step: expect.any(Number), index: expect.any(Number) });
    }
    expect(doc.verdicts.map((v: { verdict: string }) => v.verdict)).toEqual(['pass', 'fail', 'unavailable']);
    expect(doc.seriesSampling.rule).toMatch(/maxPoints/);
    // An infinite error survives the file into the bench accuracy table.
    const file = join(mkdtempSync(join(tmpdir(), 'rmsprop-accuracy-')), 'conformance.json');
    const failing = doc.cells.find(
      (c: { adapter: string; status: string }) => c.adapter.includes('epsPlacement') && c.status === 'fail',
    );
    failing.freeRunning.maxUlp = 'Infinity'; // as a NaN-vs-number mismatch is written
    writeFileSync(file, JSON.stringify(doc));
    const accuracy = loadAccuracy(file);
    if ('error' in accuracy) throw new Error(accuracy.error);
    expect(accuracy.entries.find((e) => e.adapter.includes('epsPlacement'))).toMatchObject({ maxUlp: Infinity, verdict: 'fail' });
    expect(accuracy.entries.find((e) => e.adapter === 'ts-f32')).toMatchObject({ maxUlp: 0, verdict: 'pass' });
  });
});
