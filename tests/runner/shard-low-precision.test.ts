// Shards of a run with the bfloat16/float16 adapters: every shard plans the unsharded matrix (the low
// precision dtypes the adapters declare included) and takes every n-th cell of it; `report merge`
// rebuilds that matrix from selection.matrix and judges "nothing compared" over all of it. And the
// recordings replay, which every shard runs, travels through the merge.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mergeReports, type NamedReport } from '../../runner/merge-reports.js';
import { parseShard } from '../../runner/plan.js';
import type { ConformanceReport } from '../../runner/result.js';
import { runConformance, type ConformanceOptions } from '../../runner/run-conformance.js';
import { defaultRecordingsDir } from '../../suites/recordings-file.js';

// One problem case, replay only: ts-f32 declares float32, ts-bf16 bfloat16, ts-f16 float16. No dtypes
// asked, so the named ones (float32, float64) go to every adapter and each low precision dtype to the
// adapter declaring it. Plan order (adapter, dtype), by hand:
//   0 ts-f32 float32   1 ts-f32 float64 (unsupported: skip)
//   2 ts-bf16 float32 (skip)   3 ts-bf16 float64 (skip)   4 ts-bf16 bfloat16
//   5 ts-f16 float32 (skip)    6 ts-f16 float64 (skip)    7 ts-f16 float16
// In 4 shards cell i goes to shard (i mod 4) + 1: shard 1 = {0, 4}, 2 = {1, 5}, 3 = {2, 6}, 4 = {3, 7}.
const options: ConformanceOptions = {
  adapters: ['ts-f32', 'ts-bf16', 'ts-f16'],
  suites: ['problems'],
  cases: ['problems/quad2d'],
  modes: ['replay'],
  isolation: 'in-process',
};
const cellNames = (r: ConformanceReport) => r.cells.map((c) => `${c.adapter} ${c.dtype}`);
const timeless = (r: ConformanceReport) => ({ ...r, generatedAt: '', cells: r.cells.map(({ durationMs: _, ...c }) => c) });
const verdictOf = (r: ConformanceReport, adapter: string) => r.verdicts.find((v) => v.adapter === adapter)!;

let whole: ConformanceReport;
let shards: NamedReport[];
beforeAll(async () => {
  whole = await runConformance(options);
  shards = [];
  for (const i of [1, 2, 3, 4])
    shards.push({ source: `shard-${i}.json`, report: await runConformance({ ...options, shard: parseShard(`${i}/4`) }) });
}, 120_000);

describe('shards of a run with the bfloat16/float16 adapters', () => {
  it('plan the same matrix as the unsharded run, bfloat16/float16 included, and take every 4th cell of it', () => {
    expect(cellNames(whole)).toEqual([
      'ts-f32 float32',
      'ts-f32 float64',
      'ts-bf16 float32',
      'ts-bf16 float64',
      'ts-bf16 bfloat16',
      'ts-f16 float32',
      'ts-f16 float64',
      'ts-f16 float16',
    ]);
    expect(whole.selection.dtypes).toEqual(['float32', 'float64', 'bfloat16', 'float16']);
    expect(whole.selection.matrix).toEqual([
      { adapter: 'ts-f32', dtypes: ['float32', 'float64'] },
      { adapter: 'ts-bf16', dtypes: ['float32', 'float64', 'bfloat16'] },
      { adapter: 'ts-f16', dtypes: ['float32', 'float64', 'float16'] },
    ]);
    expect(shards.map((s) => cellNames(s.report))).toEqual([
      ['ts-f32 float32', 'ts-bf16 bfloat16'],
      ['ts-f32 float64', 'ts-f16 float32'],
      ['ts-bf16 float32', 'ts-f16 float64'],
      ['ts-bf16 float64', 'ts-f16 float16'],
    ]);
    for (const s of shards) {
      const { shard: _, ...selection } = s.report.selection;
      expect(selection).toEqual(whole.selection);
    }
  });

  it('an adapter with no cell in a shard is "not in this shard", one with only skipped cells is undecided, and no shard fails', () => {
    const [one, two] = shards.map((s) => s.report);
    expect(verdictOf(one, 'ts-bf16')).toMatchObject({ verdict: 'pass', compared: 1 });
    expect(verdictOf(one, 'ts-f16')).toMatchObject({ verdict: 'undecided', reason: expect.stringMatching(/^not in this shard/) });
    expect(verdictOf(two, 'ts-f16')).toMatchObject({ verdict: 'undecided', reason: expect.stringMatching(/^no compared cell/) });
    expect(shards.map((s) => s.report.summary.exitCode)).toEqual([0, 0, 0, 0]);
  });

  it('merge in any order into the unsharded report (ignoring timings): every adapter passes on its one compared cell', () => {
    const merged = mergeReports([shards[2], shards[0], shards[3], shards[1]]);
    expect(timeless(merged)).toEqual({ ...timeless(whole), environment: merged.environment });
    expect(merged.verdicts.map((v) => [v.adapter, v.verdict, v.compared])).toEqual([
      ['ts-f32', 'pass', 1],
      ['ts-bf16', 'pass', 1],
      ['ts-f16', 'pass', 1],
    ]);
    expect(merged.summary.exitCode).toBe(0);
  });

  it('the merge applies "nothing compared fails" over the whole matrix: an adapter compared in no shard fails the merged run', async () => {
    // ts-bf16's one supported cell (bfloat16, shard 1) excluded: each shard is undecided about it, the merge fails it.
    const exclude = [{ adapter: 'ts-bf16', case: '*', dtype: 'bfloat16', reason: 'test' }];
    const parts: NamedReport[] = [];
    for (const i of [1, 2, 3, 4])
      parts.push({ source: `s${i}`, report: await runConformance({ ...options, exclude, shard: parseShard(`${i}/4`) }) });
    expect(parts.map((p) => p.report.summary.exitCode)).toEqual([0, 0, 0, 0]);
    expect(verdictOf(parts[0].report, 'ts-bf16').verdict).toBe('undecided');
    const merged = mergeReports(parts);
    expect(verdictOf(merged, 'ts-bf16')).toMatchObject({ verdict: 'fail', reason: expect.stringMatching(/^nothing compared/) });
    expect(merged.summary.exitCode).toBe(1);
    const unsharded = await runConformance({ ...options, exclude });
    expect(timeless(merged)).toEqual({ ...timeless(unsharded), environment: merged.environment });
  }, 60_000);

  it('a shard whose matrix row differs (an adapter declared other dtypes) is refused', () => {
    const [a, b, c, d] = shards.map((s) => structuredClone(s));
    b.report.selection.matrix![1].dtypes = ['float32', 'float64'];
    expect(() => mergeReports([a, b, c, d])).toThrow(/shard-2\.json selects different adapters, suites, dtypes or modes/);
  });
});

/** A folder with one torch recording and its stated verdict (as a user records with clients/python/record.py). */
function recordingsFolder(stated = 'bit-exact'): string {
  const folder = mkdtempSync(join(tmpdir(), 'shard-runs-'));
  const doc = JSON.parse(readFileSync(join(defaultRecordingsDir(), 'torch/torch-forloop_bowl3_plain_float64.json'), 'utf8'));
  writeFileSync(join(folder, 'run.json'), JSON.stringify({ ...doc, framework: 'torch', case: 'recorded' }));
  const counts = { 'bit-exact': 0, 'exact-up-to-op-error': 0, within: 0, outside: 0, refused: 0, [stated]: 1 };
  const verdicts = {
    'run.json': { framework: 'torch', verdict: stated, reason: 'as suites/recordings/expected-verdicts.json states it' },
  };
  writeFileSync(join(folder, 'expected-verdicts.json'), JSON.stringify({ description: 'mine', counts, verdicts }));
  return folder;
}

describe('the recordings replay through report merge', () => {
  const run = { ...options, adapters: ['ts-f32'], suites: ['problems', 'recordings'] } satisfies ConformanceOptions;

  it('every shard replays the recordings; the merge keeps one and equals the unsharded report', async () => {
    const recordings = recordingsFolder();
    const unsharded = await runConformance({ ...run, recordings });
    const parts: NamedReport[] = [];
    for (const i of [1, 2])
      parts.push({ source: `s${i}`, report: await runConformance({ ...run, recordings, shard: parseShard(`${i}/2`) }) });
    for (const p of parts)
      expect(p.report.recordings?.files.map((f) => [f.file, f.verdict, f.stated])).toEqual([
        ['run.json', 'bit-exact', 'bit-exact'],
      ]);
    const merged = mergeReports(parts);
    expect(merged.recordings?.total).toBe(1);
    const noTime = (r: ConformanceReport) => ({ ...timeless(r), recordings: { ...r.recordings!, durationMs: 0 } });
    expect(noTime(merged)).toEqual({ ...noTime(unsharded), environment: merged.environment });
  }, 60_000);

  it('shards whose replays disagree are refused with one line naming the file', async () => {
    const recordings = recordingsFolder();
    const parts: NamedReport[] = [];
    for (const i of [1, 2])
      parts.push({ source: `s${i}`, report: await runConformance({ ...run, recordings, shard: parseShard(`${i}/2`) }) });
    const other = structuredClone(parts[1]);
    other.report.recordings!.files[0].verdict = 'within';
    expect(() => mergeReports([parts[0], other])).toThrow(
      /^report merge: s2 replayed the recordings with other results than s1 \(first at run\.json\); shards must run the same harness on the same recordings$/,
    );
    const { recordings: _, ...without } = structuredClone(parts[1].report);
    expect(() => mergeReports([parts[0], { source: 's2', report: without }])).toThrow(
      /^report merge: s1 has the recordings replay but s2 has none; shards must come from the same command$/,
    );
  }, 60_000);

  it('a verdict that moved fails the merged run, as it fails the unsharded one', async () => {
    const recordings = recordingsFolder('refused'); // the file replays bit-exact: its verdict moved
    const unsharded = await runConformance({ ...run, recordings });
    const parts: NamedReport[] = [];
    for (const i of [1, 2])
      parts.push({ source: `s${i}`, report: await runConformance({ ...run, recordings, shard: parseShard(`${i}/2`) }) });
    const merged = mergeReports(parts);
    expect(merged.recordings?.moved).toEqual([{ file: 'run.json', expected: 'refused', actual: 'bit-exact' }]);
    expect(merged.verdicts.map((v) => v.verdict)).toEqual(['pass']);
    expect([unsharded.summary.exitCode, merged.summary.exitCode]).toEqual([1, 1]);
  }, 60_000);
});
