// The command line as a user runs it: the compiled CLI in a child process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist', 'scripts', 'cli.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // The tests exercise the built CLI (what `npm start` and the bin run); build once.
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}, 120_000);

describe('trajectory', () => {
  it('numpy-tutorial on linreg reproduces NumPy bit for bit (values recorded from NumPy 1.24, float64)', () => {
    const r = cli([
      'trajectory',
      '--profile',
      'numpy-tutorial',
      '--problem',
      'linreg',
      '--x0',
      '3,5',
      '--steps',
      '5000',
      '--set',
      'lr=0.001',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.final).toEqual([0.5493527569724495, 5.2424042884817315]);
    expect(doc.trajectory).toHaveLength(5000);
    expect(doc).toMatchObject({ profile: 'numpy-tutorial@1', dtype: 'float64', problem: 'linreg', steps: 5000 });
    expect(doc.hyperparameters.lr).toBe(0.001);
  });

  it('replays a recorded gradient stream with non-finite values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grads-'));
    const file = join(dir, 'g.json');
    writeFileSync(
      file,
      JSON.stringify({
        grads: [
          [1, -2],
          ['Infinity', 0.5],
          [0.25, 'NaN'],
        ],
      }),
    );
    const r = cli([
      'trajectory',
      '--profile',
      'torch',
      '--dtype',
      'float32',
      '--grads',
      file,
      '--x0',
      '1,2',
      '--set',
      'alpha=0.9',
      '--set',
      'fma=off',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.steps).toBe(3);
    expect(doc.trajectory[1][0]).toBe('NaN'); // Inf/Inf in the update
    expect(doc.final[1]).toBe('NaN');
    expect(doc.hyperparameters.alpha).toBe(0.9);
  });

  // Bad input (one line, exit 2, nothing written) is the table in tests/cli/bad-input.test.ts.
});

describe('profiles, conform', () => {
  it('profiles lists every profile with its cited source', () => {
    const r = cli(['profiles', '--json']);
    const doc = JSON.parse(r.stdout);
    const names = doc.profiles.map((p: { profile: string }) => p.profile);
    for (const n of [
      'torch@2.1',
      'torch@1.13',
      'keras@3',
      'keras2-legacy@2',
      'tf-raw@2',
      'tf1@1',
      'tfjs@4',
      'optax@0.2',
      'mxnet@1',
      'mxnet2@2',
      'caffe@1',
      'chainer@7',
      'flux@0.3',
      'lasagne@0.2',
      'paddle@2',
      'd2l@1',
      'hinton@2012',
      'numpy-tutorial@1',
    ]) {
      expect(names).toContain(n);
    }
    for (const p of doc.profiles) expect(p.sources.length).toBeGreaterThan(0);
  });

  it('conform exits 1 on a deliberately wrong implementation and writes every report', () => {
    const out = mkdtempSync(join(tmpdir(), 'reports-'));
    const r = cli([
      'conform',
      '--adapters',
      'ts-f64:profile=torch,epsPlacement=inside',
      '--suites',
      'edge',
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.code).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['conformance.html', 'conformance.json', 'conformance.junit.xml', 'conformance.md']);
  });

  it('help on every command', () => {
    for (const command of ['trajectory', 'profiles', 'conform', 'run', 'report', 'bench', 'identify']) {
      const r = cli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(command);
    }
  });
});

describe('version', () => {
  it('the harness version in code equals package.json', async () => {
    const { HARNESS_VERSION } = await import('../../reference/version.js');
    const pkg = JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8')) as { version: string };
    expect(HARNESS_VERSION).toBe(pkg.version);
  });
});
