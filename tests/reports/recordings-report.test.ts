// The calibration recordings in the conformance run and its reports: the table per framework
// (bit-exact, exact up to op error, within, outside, refused), and a run that fails only when a
// recording leaves its stated verdict.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../reports/html/html-report.js';
import { renderJson } from '../../reports/json-report.js';
import { renderJunit } from '../../reports/junit.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { ConformanceReportSchema } from '../../reports/report-schema.js';
import type { ConformanceReport } from '../../runner/result.js';
import { runConformance } from '../../runner/run-conformance.js';
import { readExpectedVerdicts } from '../../suites/recordings-expected.js';
import { defaultRecordingsDir } from '../../suites/recordings-file.js';
import { firstSchemaError } from '../../suites/schema.js';

const RUN = { adapters: ['ts-f64'], cases: ['edge/nan-at'], isolation: 'in-process', differences: false } as const;

let report: ConformanceReport;
beforeAll(async () => {
  report = await runConformance({ ...RUN, suites: ['edge', 'recordings'] });
}, 120_000);

/** A folder with one torch recording (record.py's framework id) and a stated verdict for it. */
function userFolder(verdict: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'my-runs-'));
  const doc = JSON.parse(readFileSync(join(defaultRecordingsDir(), 'torch/torch-forloop_bowl3_plain_float64.json'), 'utf8'));
  writeFileSync(join(folder, 'run.json'), JSON.stringify({ ...doc, framework: 'torch', case: 'recorded' }));
  const counts = { 'bit-exact': 0, 'exact-up-to-op-error': 0, within: 0, outside: 0, refused: 0, [verdict]: 1 };
  const verdicts = { 'run.json': { framework: 'torch', verdict, reason: 'stated by hand' } };
  writeFileSync(join(folder, 'expected-verdicts.json'), JSON.stringify({ description: 'mine', counts, verdicts }));
  return folder;
}

describe('the recordings suite of the run', () => {
  it('replays every shipped recording with the stated verdicts, and the JSON report validates', () => {
    const stated = readExpectedVerdicts();
    expect(report.recordings?.counts).toEqual(stated.counts);
    expect(report.recordings?.moved).toEqual([]);
    expect(report.recordings?.files).toHaveLength(Object.keys(stated.verdicts).length);
    expect(report.selection.suites).toEqual(['edge', 'recordings']);
    expect(report.summary.exitCode).toBe(0);
    expect(firstSchemaError(ConformanceReportSchema, JSON.parse(renderJson(report)))).toBeNull();
  });

  it('is left out when the suites do not name it, and by default in the programmatic API', async () => {
    const without = await runConformance({ ...RUN, suites: ['edge'] });
    expect(without.recordings).toBeUndefined();
    expect((await runConformance({ ...RUN })).recordings).toBeUndefined();
  });

  it('a recording that leaves its stated verdict fails the run, and every format names it', async () => {
    const moved = await runConformance({ ...RUN, suites: ['edge', 'recordings'], recordings: userFolder('refused') });
    expect(moved.recordings?.moved).toEqual([
      { file: 'run.json', expected: 'refused', actual: moved.recordings!.files[0].verdict },
    ]);
    expect(moved.summary.exitCode).toBe(1);
    const junit = renderJunit(moved);
    expect(junit).toMatch(/<testsuite name="recordings" tests="1" failures="1"/);
    expect(junit).toContain('run.json: stated refused, now ');
    expect(renderMarkdown(moved)).toMatch(/- moved: run\.json: stated refused, now /);
    expect(await renderHtml(moved)).toMatch(/1 recording left the stated verdict/);
  });

  it('a recording at its stated verdict passes: a run is not failed by a known non-exact file', async () => {
    const rec = await runConformance({ ...RUN, suites: ['edge', 'recordings'], recordings: userFolder('refused') });
    const actual = rec.recordings!.files[0].verdict;
    const kept = await runConformance({ ...RUN, suites: ['edge', 'recordings'], recordings: userFolder(actual) });
    expect(kept.recordings?.moved).toEqual([]);
    expect(kept.summary.exitCode).toBe(0);
  });
});

describe('the reports show the table per framework', () => {
  it('Markdown: a section with one row per recorded framework and the counts of each verdict', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('## Real framework runs (calibration recordings)');
    expect(md).toContain('| framework | bit-exact | exact up to op error | within | outside | refused | files |');
    const c = report.recordings!.byFramework['tfjs-cpu'];
    expect(md).toContain(
      `| tfjs-cpu | ${c['bit-exact']} | ${c['exact-up-to-op-error']} | ${c.within} | ${c.outside} | ${c.refused} | 36 |`,
    );
  });

  it('JUnit: one passing test case per recorded framework in a recordings suite', () => {
    const junit = renderJunit(report);
    const frameworks = Object.keys(report.recordings!.byFramework).length;
    expect(junit).toContain(`<testsuite name="recordings" tests="${frameworks}" failures="0"`);
    expect(junit).toMatch(
      /<testcase classname="rmsprop-harness\.recordings" name="torch-forloop: \d+ bit-exact, \d+ exact up to op error/,
    );
  });

  it('HTML: a section with the table, linked from the navigation', async () => {
    const page = await renderHtml(report);
    expect(page).toContain('<a href="#recordings">Real framework runs</a>');
    expect(page).toMatch(/<section id="recordings">[\s\S]*<th>exact up to op error<\/th>[\s\S]*<td>optax-eps_in_sqrt<\/td>/);
  });
});
