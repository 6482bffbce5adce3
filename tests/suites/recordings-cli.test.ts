// `rmsprop-harness calibrate` and the replay a user types, run as the compiled CLI in a child process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeVector } from '../../reference/number-encoding.js';
import { defaultRecordingsDir, readRecording, readRecordingManifest } from '../../suites/recordings-file.js';
import { replayPlan } from '../../suites/recordings-mapping.js';

const CLI = join(process.cwd(), 'dist', 'scripts', 'cli.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}, 120_000);

describe('rmsprop-harness calibrate', () => {
  it('prints the verdict counts of one framework: all 36 tfjs cpu recordings are bit-exact', () => {
    const r = cli(['calibrate', '--framework', 'tfjs-cpu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tfjs-cpu\s+36\s+0\s+0\s+0\s+0\s+36$/m);
    expect(r.stdout).toMatch(/bit-exact 100\.0%/);
  });

  it('--check agrees with the stated verdicts and --json carries every result', () => {
    const r = cli(['calibrate', '--framework', 'tf-rawops', '--check', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.changes).toEqual([]);
    expect(doc.results).toHaveLength(72);
    expect(doc.summary.counts).toEqual({ 'bit-exact': 72, 'exact-up-to-op-error': 0, within: 0, outside: 0, refused: 0 }); // flushSubnormals: the 6 subnormal edge files too
  });

  it('an unknown framework is one line on stderr and exit 2', () => {
    const r = cli(['calibrate', '--framework', 'jax-gpu']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown framework 'jax-gpu'; recorded: /);
  });
});

describe("calibrate --recordings DIR (a user's own runs, clients/python/record.py format)", () => {
  function userFolder(stated?: object): string {
    const folder = mkdtempSync(join(tmpdir(), 'my-runs-'));
    const doc = JSON.parse(readFileSync(join(defaultRecordingsDir(), 'torch/torch-forloop_bowl3_plain_float64.json'), 'utf8'));
    writeFileSync(join(folder, 'run.json'), JSON.stringify({ ...doc, framework: 'torch', case: 'recorded' }));
    if (stated) writeFileSync(join(folder, 'expected-verdicts.json'), JSON.stringify(stated));
    return folder;
  }
  const stating = (verdict: string) => ({
    description: 'my runs',
    counts: { 'bit-exact': 0, 'exact-up-to-op-error': 0, within: 0, outside: 0, refused: 0, [verdict]: 1 },
    verdicts: { 'run.json': { framework: 'torch', verdict, ...(verdict === 'bit-exact' ? {} : { reason: 'stated by hand' }) } },
  });

  it('replays every recording in the folder and counts it under the framework id record.py writes', () => {
    const r = cli(['calibrate', '--recordings', userFolder()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^torch\s+(\d+\s+){5}1$/m);
  });

  it("--check compares with the folder's expected-verdicts.json: a moved verdict exits 1 and names the file", () => {
    const folder = userFolder(stating('refused'));
    const r = cli(['calibrate', '--recordings', folder, '--check']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/run\.json: stated refused, now /);
  });

  it('--check without an expected-verdicts.json in the folder is one line on stderr and exit 2', () => {
    const r = cli(['calibrate', '--recordings', userFolder(), '--check']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/expected-verdicts\.json does not exist/);
  });

  it('a folder that does not exist is one line on stderr and exit 2', () => {
    const r = cli(['calibrate', '--recordings', join(tmpdir(), 'no-such-runs-folder')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/is not a folder/);
  });
});

describe('the replay a user types', () => {
  it('trajectory --grads with the mapped --set values reproduces a Keras recording bit for bit', () => {
    const dir = defaultRecordingsDir();
    const entry = readRecordingManifest(dir).files.find((f) => f.file === 'keras/keras-tf_bowl3_centered_momentum_float32.json')!;
    const rec = readRecording(dir, entry);
    const plan = replayPlan(rec);
    const grads = join(mkdtempSync(join(tmpdir(), 'replay-')), 'g.json');
    writeFileSync(grads, JSON.stringify({ grads: rec.grads.map((g) => encodeVector(g)) }));
    const sets = Object.entries(plan.settings).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const r = cli([
      'trajectory',
      '--profile',
      plan.profile,
      '--dtype',
      'float32',
      '--grads',
      grads,
      `--x0=${Array.from(rec.x0).join(',')}`,
      ...sets,
    ]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).trajectory).toEqual(rec.trajectory.map((x) => encodeVector(x)));
  });
});
