// `rmsprop-harness calibrate` and the replay a user types, run as the compiled CLI in a child process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
    expect(r.stdout).toMatch(/^tfjs-cpu\s+36\s+0\s+0\s+0\s+36$/m);
    expect(r.stdout).toMatch(/bit-exact 100\.0%/);
  });

  it('--check agrees with the stated verdicts and --json carries every result', () => {
    const r = cli(['calibrate', '--framework', 'tf-rawops', '--check', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.changes).toEqual([]);
    expect(doc.results).toHaveLength(72);
    expect(doc.summary.counts).toEqual({ 'bit-exact': 72, within: 0, outside: 0, refused: 0 }); // flushSubnormals: the 6 subnormal edge files too
  });

  it('an unknown framework is one line on stderr and exit 2', () => {
    const r = cli(['calibrate', '--framework', 'jax-gpu']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown framework 'jax-gpu'; recorded: /);
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
