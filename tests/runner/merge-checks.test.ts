// `report merge` trusts no input: shard labels must be possible, every cell must be in the run's plan
// and in its own shard, and nothing is marked complete that is not.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../reports/json-report.js';
import { mergeReports, type NamedReport } from '../../runner/merge-reports.js';
import { parseShard } from '../../runner/plan.js';
import type { ConformanceReport } from '../../runner/result.js';
import { runConformance, type ConformanceOptions } from '../../runner/run-conformance.js';

const options: ConformanceOptions = {
  adapters: ['ts-f64', 'ts-f32'],
  suites: ['problems'],
  cases: ['problems/quad2d', 'problems/linreg'],
  dtypes: ['float64'],
  isolation: 'in-process',
};
let shards: NamedReport[] = [];

beforeAll(async () => {
  shards = [];
  for (const i of [1, 2, 3])
    shards.push({ source: `shard-${i}.json`, report: await runConformance({ ...options, shard: parseShard(`${i}/3`) }) });
}, 60_000);

const copy = (r: ConformanceReport): ConformanceReport => structuredClone(r);
const withShard = (s: NamedReport, shard: string): NamedReport => ({
  ...s,
  report: { ...copy(s.report), selection: { ...s.report.selection, shard } },
});

describe('report merge checks the shards against the plan of the run', () => {
  it('the three untouched shards merge into a complete report of every planned cell', () => {
    const merged = mergeReports(shards);
    expect(merged.complete).toBe(true);
    expect(merged.cells.length).toBe(2 * 2 * 2); // adapters x cases x (replay, closed-loop)
  });

  it('a shard of 3 relabelled 1/1 is refused: the cells of the other shards are missing', () => {
    expect(() => mergeReports([withShard(shards[0], '1/1')])).toThrow(
      /shard-1\.json says it is complete but lacks cell ts-f64 problems\/quad2d float64 closed-loop of its shard/,
    );
  });

  it('impossible labels are refused without enumerating them: 1/0, 0/3, 1/4294967296, 1/2/3', () => {
    expect(() => mergeReports([withShard(shards[0], '1/0')])).toThrow(/impossible shard label '1\/0'/);
    expect(() => mergeReports([withShard(shards[0], '0/3'), shards[1]])).toThrow(/impossible shard label '0\/3'/);
    expect(() => mergeReports([withShard(shards[0], '1/4294967296')])).toThrow(/impossible shard label '1\/4294967296'/);
    expect(() => mergeReports([withShard(shards[0], '1/2/3')])).toThrow(/impossible shard label/);
    expect(() => mergeReports([withShard(shards[0], '1/999999')])).toThrow(
      /shards 2\/999999, 3\/999999, 4\/999999, 5\/999999, 6\/999999 and 999993 more missing/,
    );
  });

  it('a cell in the wrong shard, a cell outside the plan and a cell given twice are refused', () => {
    const [a, b, c] = shards.map((s) => ({ ...s, report: copy(s.report) }));
    const stolen = { ...b, report: { ...b.report, cells: [...b.report.cells, a.report.cells[0]] } };
    expect(() => mergeReports([a, stolen, c])).toThrow(
      /shard-2\.json \(shard 2\/3\) has cell ts-f64 problems\/quad2d float64 replay, which belongs to shard 1\/3/,
    );
    const foreign = { ...a, report: { ...a.report, cells: [...a.report.cells, { ...a.report.cells[0], adapter: 'wasm-simd' }] } };
    expect(() => mergeReports([foreign, b, c])).toThrow(
      /has cell wasm-simd problems\/quad2d float64 replay, which is not in the run's plan/,
    );
    const twice = { ...a, report: { ...a.report, cells: [...a.report.cells, a.report.cells[0]] } };
    expect(() => mergeReports([twice, b, c])).toThrow(/appears twice in shard-1\.json/);
  });

  it('a shard that says it is complete but lacks a cell is refused; an interrupted shard merges into an incomplete report', () => {
    const [a, b, c] = shards.map((s) => ({ ...s, report: copy(s.report) }));
    const short = { ...a, report: { ...a.report, cells: a.report.cells.slice(1) } };
    expect(() => mergeReports([short, b, c])).toThrow(/shard-1\.json says it is complete but lacks cell/);
    const merged = mergeReports([{ ...short, report: { ...short.report, complete: false } }, b, c]);
    expect(merged.complete).toBe(false);
  });
});

describe('report merge on the command line', () => {
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  }, 120_000);

  it('a tampered shard label is exit 2 with one line, and nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'merge-'));
    const files = shards.map((s, i) => {
      const report = i === 0 ? withShard(s, '1/4294967296').report : s.report;
      mkdirSync(join(dir, `s${i}`));
      writeFileSync(join(dir, `s${i}`, 'conformance.json'), renderJson(report));
      return join(dir, `s${i}`, 'conformance.json');
    });
    const r = spawnSync(
      process.execPath,
      [join(process.cwd(), 'dist', 'scripts', 'cli.js'), 'report', 'merge', ...files, '--out', join(dir, 'merged')],
      { encoding: 'utf8', env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' } },
    );
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /^rmsprop-harness: error: report merge: \S+s0\/conformance\.json has an impossible shard label '1\/4294967296' \(expected i\/n with 1 <= i <= n\)\n$/,
    );
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'merged'))).toBe(false);
  }, 60_000);
});
