// Conformance cells say which are bit-exact and which are exact up to the declared op error: a torch
// 2.x run recorded on an MKL build is bit-exact against the profile's model of MKL's AMD sqrt, and,
// judged as a build whose sqrt is not modelled (sqrtImpl=correctly-rounded: given, or read off a
// recording made on an Intel CPU), passes as exact up to the op error although its free-running drift
// leaves the ULP tolerance; the reference's own kernels are bit-exact; a tampered run is neither.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../reports/junit.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { runConformance } from '../../runner/run-conformance.js';
import { defaultRecordingsDir } from '../../suites/recordings-file.js';

const TORCH = join(defaultRecordingsDir(), 'torch/torch-forloop_bowl3_centered_momentum_float32.json');
const RUN = { isolation: 'in-process', differences: false, compareProfiles: false } as const;

describe('cell exactness', () => {
  it("a torch run recorded with MKL's sqrt on AMD is bit-exact against the profile, which models that sqrt", async () => {
    const report = await runConformance({ ...RUN, adapters: [`recorded:path=${TORCH}`] });
    expect(report.cells[0]).toMatchObject({ status: 'pass', exactness: 'bit-exact' });
  });

  it('judged with a plain sqrt it is exact up to the declared op error: it passes, and the reports say it is not bit-exact', async () => {
    const report = await runConformance({ ...RUN, adapters: [`recorded:path=${TORCH},sqrtImpl=correctly-rounded`] });
    expect(report.cells).toHaveLength(1);
    const [cell] = report.cells;
    expect(cell).toMatchObject({
      status: 'pass',
      exactness: 'exact-up-to-op-error',
      opErrors: 'sqrt within 1 ulp (mkl-vml-sqrt)',
      reason: expect.stringMatching(/free-running beyond the ULP tolerance/),
    });
    expect(report.verdicts[0]).toMatchObject({
      verdict: 'pass',
      exactness: { 'bit-exact': 0, 'exact-up-to-op-error': 1, inexact: 0 },
      reason: expect.stringMatching(/1 exact up to the declared op error, not bit-exact/),
    });
    expect(renderMarkdown(report)).toMatch(/## Exactness[\s\S]*0 bit-exact, 1 exact up to the declared op error/);
    expect(renderJunit(report)).toContain(
      '<system-out>exact up to the declared op error (sqrt within 1 ulp (mkl-vml-sqrt)), not bit-exact</system-out>',
    );
  });

  it('the same run with one parameter moved at step 10 is inexact and fails', async () => {
    const doc = JSON.parse(readFileSync(TORCH, 'utf8'));
    doc.trajectory[9][0] = Math.fround(doc.trajectory[9][0] * (1 + 1e-3));
    const path = join(mkdtempSync(join(tmpdir(), 'tampered-')), 'run.json');
    writeFileSync(path, JSON.stringify(doc));
    const report = await runConformance({ ...RUN, adapters: [`recorded:path=${path},sqrtImpl=correctly-rounded`] });
    expect(report.cells[0]).toMatchObject({ status: 'fail', exactness: 'inexact' });
  });

  it('a run whose recorder names an Intel CPU is judged with the plain sqrt (MKL runs other kernels there) and the declared op error', async () => {
    const doc = JSON.parse(readFileSync(TORCH, 'utf8'));
    doc.generator = { ...doc.generator, cpu_model: 'Intel(R) Xeon(R) Platinum 8480+' };
    const path = join(mkdtempSync(join(tmpdir(), 'intel-')), 'run.json');
    writeFileSync(path, JSON.stringify(doc));
    const report = await runConformance({ ...RUN, adapters: [`recorded:path=${path}`] });
    expect(report.cells[0]).toMatchObject({ status: 'pass', exactness: 'exact-up-to-op-error' });
  });

  it("the reference's own float32 kernels are bit-exact on every compared cell", async () => {
    const report = await runConformance({ ...RUN, adapters: ['ts-f32:profile=torch'], suites: ['edge'], dtypes: ['float32'] });
    const compared = report.cells.filter((c) => c.status === 'pass');
    expect(compared.length).toBeGreaterThan(0);
    expect(compared.every((c) => c.exactness === 'bit-exact')).toBe(true);
    expect(report.verdicts[0].exactness).toEqual({ 'bit-exact': compared.length, 'exact-up-to-op-error': 0, inexact: 0 });
  });
});
