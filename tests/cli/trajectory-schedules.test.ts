// `rmsprop-harness trajectory` with a schedule written as the framework's call, an explicit
// per-step lr (`--lr-per-step`, or `lr_per_step` in the gradient file), Keras floatx and weight EMA.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist', 'scripts', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'schedules-cli-'));
const grads = [
  [0.5, -1],
  [0.25, 0.5],
  [-1, 2],
  [0.75, -0.25],
];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

const base = (g: string) => [
  'trajectory',
  '--profile',
  'torch',
  '--dtype',
  'float32',
  '--grads',
  g,
  '--x0',
  '1,2',
  '--set',
  'lr=0.1',
];

beforeAll(() => {
  // The tests exercise the built CLI (what `npm start` and the bin run); build once.
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}, 120_000);

describe('trajectory with learning-rate schedules', () => {
  it("replays a torch StepLR written as the torch call, the same as its rates given by --lr-per-step or the file's lr_per_step", () => {
    const g = file('g.json', { grads });
    const named = cli([...base(g), '--set', 'scheduler=StepLR(step_size=2, gamma=0.5)']);
    const listed = cli([...base(g), '--lr-per-step', '0.1,0.1,0.05,0.05']);
    const inFile = cli(base(file('g-lr.json', { grads, lr_per_step: [0.1, 0.1, 0.05, 0.05] })));
    const constant = cli(base(g));
    for (const r of [named, listed, inFile, constant]) expect(r.stderr).toBe('');
    const trajectory = (r: { stdout: string }) => (JSON.parse(r.stdout) as { trajectory: unknown[] }).trajectory;
    expect(trajectory(named)).toEqual(trajectory(listed));
    expect(trajectory(inFile)).toEqual(trajectory(listed));
    expect(trajectory(named).slice(0, 2)).toEqual(trajectory(constant).slice(0, 2)); // steps 1-2 use lr 0.1
    expect(trajectory(named)[2]).not.toEqual(trajectory(constant)[2]);
  });

  it('takes --lr-per-step from a JSON file, and Keras floatx, schedules and weight EMA on --set', () => {
    const g = file('g.json', { grads });
    const lr = file('lr.json', [0.1, 0.1, 0.05, 0.05]);
    expect(cli([...base(g), '--lr-per-step', lr]).code).toBe(0);
    const keras = cli([
      'trajectory',
      ...['--profile', 'keras', '--dtype', 'float64', '--grads', g, '--x0', '1,2'],
      ...['--set', 'floatx=float64', '--set', 'use_ema=true'],
      ...['--set', 'learning_rate=CosineDecay(initial_learning_rate=0.02, decay_steps=3, alpha=0.1)'],
    ]);
    expect(keras.stderr).toBe('');
    const doc = JSON.parse(keras.stdout) as { variant: { float32Hyperparameters: string[] }; ema: unknown[] };
    expect(doc.variant.float32Hyperparameters).toEqual(['weightDecay']);
    expect(doc.ema).toHaveLength(4);
  });

  it('refuses a short or malformed lr stream and an unknown schedule with one line and exit 2, writing nothing', () => {
    const g = file('g.json', { grads });
    const out = join(dir, 'never.json');
    const cases: [string[], RegExp][] = [
      [['--lr-per-step', '0.1,0.1'], /--lr-per-step has 2 values for 4 steps/],
      [['--lr-per-step', '0.1,x'], /--lr-per-step: 'x' is not a finite number/],
      [['--lr-per-step', join(dir, 'missing.json')], /missing\.json/],
      [['--set', 'scheduler=StepLR(step_size=2, gama=0.5)'], /StepLR has no argument 'gama' \(did you mean 'gamma'\?\)/],
    ];
    for (const [extra, message] of cases) {
      const r = cli([...base(g), ...extra, '--out', out]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    const short = cli(base(file('g-short.json', { grads, lr_per_step: [0.1] })));
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/\/lr_per_step: has 1 values for 4 gradients/);
    expect(existsSync(out)).toBe(false);
  });
});
