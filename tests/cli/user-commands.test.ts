// Commands for using the harness from a project of one's own: --version, setup, report diff.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist', 'scripts', 'cli.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}, 120_000);

describe('--version', () => {
  it('prints the package version', () => {
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});

describe('setup', () => {
  it('setup --check runs the shipped setup script and lists nothing missing on a machine set up with it', () => {
    const r = cli(['setup', '--check']);
    expect(r.code, `${r.stdout}${r.stderr} (run bash scripts/setup-system.sh)`).toBe(0);
    expect(r.stdout).toContain('setup-system: all Debian packages present');
  });
});

describe('report diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'diff-'));
  const run = (adapters: string, out: string) =>
    cli([
      'conform',
      '--adapters',
      adapters,
      '--suites',
      'edge',
      '--cases',
      'edge/random,edge/sparse',
      '--dtype',
      'float64',
      '--modes',
      'replay',
      '--format',
      'json',
      '--out',
      join(dir, out),
      '--quiet',
    ]);

  it('names the cells that newly fail and exits 1; two equal runs exit 0', () => {
    expect(run('ts-f64', 'base').code).toBe(0);
    expect(run('ts-f64', 'same').code).toBe(0);
    // The head claims torch but puts eps inside the square root: a real regression.
    const head = join(dir, 'head.json');
    const broken = run('ts-f64:profile=torch,epsPlacement=inside', 'broken');
    expect(broken.code).toBe(1);
    const doc = JSON.parse(readFileSync(join(dir, 'broken', 'conformance.json'), 'utf8'));
    for (const c of doc.cells) c.adapter = 'ts-f64'; // the same adapter, changed by the pull request
    writeFileSync(head, JSON.stringify(doc));

    const same = cli(['report', 'diff', join(dir, 'base', 'conformance.json'), join(dir, 'same', 'conformance.json')]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('✅ no cell newly failing');

    const diff = cli(['report', 'diff', join(dir, 'base', 'conformance.json'), head]);
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toContain('❌ 2 cells newly failing');
    expect(diff.stdout).toContain('- `ts-f64 edge/random float64 replay`: pass → fail');
    const json = cli(['report', 'diff', '--json', join(dir, 'base', 'conformance.json'), head]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      kind: 'conformance',
      exitCode: 1,
      newlyFailing: [{ key: 'ts-f64 edge/random float64 replay' }, { key: 'ts-f64 edge/sparse float64 replay' }],
    });
  });

  it('refuses a conformance report compared with a bench report, and a missing file, with one line and exit 2', () => {
    const missing = cli(['report', 'diff', join(dir, 'nope.json'), join(dir, 'base', 'conformance.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const benchFile = join(dir, 'bench.json');
    writeFileSync(benchFile, JSON.stringify({ format: 'rmsprop-harness/bench', results: [], models: [] }));
    const mixed = cli(['report', 'diff', benchFile, join(dir, 'base', 'conformance.json')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/is a bench report and .* a conformance report; compare two of the same kind/);
  });
});
