// Strings an adapter supplies (its version, description, error messages) reach the reports as written:
// never decoded into numbers when read back, and with raw control bytes (ESC, NUL) escaped in GitHub
// workflow commands and in the HTML text.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAnnotations } from '../../reports/github.js';
import { escapeControls } from '../../reports/html/escape.js';
import { renderHtml } from '../../reports/html/html-report.js';
import { readConformanceReport } from '../../reports/read-report.js';
import { writeReports } from '../../reports/write-reports.js';
import { runConformance } from '../../runner/run-conformance.js';

const STRINGS = 'module:path=tests/fixtures/adapters/hostile-adapter.mjs,fault=strings';
// eslint-disable-next-line no-control-regex -- the test looks for raw control characters in the rendered output.
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

describe('adapter-supplied strings in reports', () => {
  it('a report is read back as written: the version "NaN" stays text, encoded numbers become numbers', async () => {
    const r = await runConformance({
      adapters: [STRINGS, 'ts-f64'],
      suites: ['problems'],
      cases: ['problems/quad2d'],
      dtypes: ['float64'],
      modes: ['replay'],
    });
    r.cells[1].durationMs = NaN; // written as "NaN", a number field
    const dir = mkdtempSync(join(tmpdir(), 'strings-'));
    await writeReports(r, dir, ['json']);
    const back = readConformanceReport(join(dir, 'conformance.json'));
    expect(back.adapters[0].version).toBe('NaN');
    expect(back.cells[1].durationMs).toBeNaN();
    expect(back.adapters).toEqual(r.adapters);
  }, 60_000);

  it('raw ESC and NUL from an adapter are escaped in ::error lines and in the HTML text', async () => {
    const r = await runConformance({
      adapters: [STRINGS],
      suites: ['problems'],
      cases: ['problems/quad2d'],
      dtypes: ['float64'],
      modes: ['replay'],
    });
    // eslint-disable-next-line no-control-regex -- the raw ESC and NUL the hostile adapter wrote are what is checked.
    expect(r.cells[0].reason).toMatch(/\u001b\[2J\u0000/); // the report keeps the text as the adapter wrote it
    const annotations = renderAnnotations(r);
    expect(annotations.length).toBeGreaterThan(0);
    for (const line of annotations) {
      expect(line).toMatch(/^::error /);
      expect(line).not.toMatch(RAW_CONTROL);
    }
    expect(annotations.join('\n')).toContain('step failed \\x1B[2J\\x00');
    const page = await renderHtml(r);
    expect(page).not.toMatch(RAW_CONTROL);
    expect(page).toContain('\\x1B[31mred\\x1B[0m &lt;b&gt;bold&lt;/b&gt; \\x00 nul');
    expect(page).not.toContain('<script>alert(1)</script>');
  }, 60_000);

  it('escapeControls shows control bytes as \\xNN and leaves tab and newline', () => {
    expect(escapeControls('a\u0000b\u001bc\u007fd\u009be\tf\ng')).toBe('a\\x00b\\x1Bc\\x7Fd\\x9Be\tf\ng');
  });
});
