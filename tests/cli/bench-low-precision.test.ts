// `bench --conformance` reads a report of the default run, whose bfloat16/float16 cells are part of it:
// the accuracy table takes them per dtype, as the conformance verdicts do.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../reports/json-report.js';
import type { BenchReport } from '../../runner/bench/report.js';
import { runConformance } from '../../runner/run-conformance.js';

const CLI = join(process.cwd(), 'dist', 'scripts', 'cli.js');

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}, 120_000);

describe('bench --conformance with bfloat16/float16 cells', () => {
  it('accepts the report and gives each adapter its max ULP per dtype, bfloat16 included', async () => {
    const report = await runConformance({
      adapters: ['ts-f32', 'ts-bf16'],
      suites: ['problems'],
      cases: ['problems/quad2d'],
      modes: ['replay'],
      isolation: 'in-process',
    });
    // ts-f32: float32 compared, float64 skipped; ts-bf16: float32/float64 skipped, bfloat16 compared.
    expect(report.cells.map((c) => `${c.adapter} ${c.dtype} ${c.status}`)).toEqual([
      'ts-f32 float32 pass',
      'ts-f32 float64 skip',
      'ts-bf16 float32 skip',
      'ts-bf16 float64 skip',
      'ts-bf16 bfloat16 pass',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'bench-lp-'));
    writeFileSync(join(dir, 'c.json'), renderJson(report));
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'bench',
        '--adapters',
        'ts-f32',
        '--sizes',
        '1000',
        '--models',
        'none',
        '--time',
        '1',
        '--conformance',
        join(dir, 'c.json'),
        '--out',
        join(dir, 'out'),
        '--quiet',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const bench = JSON.parse(readFileSync(join(dir, 'out', 'bench.json'), 'utf8')) as BenchReport;
    const bf16 = bench.accuracy?.entries.find((e) => e.adapter === 'ts-bf16');
    const verdict = report.verdicts.find((v) => v.adapter === 'ts-bf16')!;
    expect(bf16).toMatchObject({
      pass: 1,
      skip: 2,
      verdict: 'pass',
      maxUlpByDtype: { bfloat16: verdict.maxUlpByDtype.bfloat16 },
    });
    expect(Object.keys(bf16!.maxUlpByDtype)).toEqual(['bfloat16']);
  }, 120_000);
});
