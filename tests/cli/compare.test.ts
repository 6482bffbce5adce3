// `rmsprop-harness compare` as a user runs it: the compiled CLI in a child process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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

describe('rmsprop-harness compare', () => {
  it('torch keras --problem xlogx --dtype float32: the published first steps, the responsible axes, exit 1 (they diverge)', () => {
    const r = cli(['compare', 'torch', 'keras', '--problem', 'xlogx', '--dtype', 'float32']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/torch@2\.1 +361\.0000 \(361\)/);
    expect(r.stdout).toMatch(/keras@3 +363\.0513 \(363\.05133\)/);
    expect(r.stdout).toMatch(/first divergent step: 1\n/);
    expect(r.stdout).toMatch(/responsible: decay \(default\), eps \(default\), epsPlacement\n/);
    expect(r.stdout).toMatch(/decay: alpha \/ rho/);
    expect(r.stderr).toBe('');
  });

  it('tfjs keras --problem quad2d --set centered=true shows the subtracted epsilon; --json and --html', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compare-'));
    const page = join(dir, 'compare.html');
    const r = cli(['compare', 'tfjs', 'keras', '--problem', 'quad2d', '--set', 'centered=true', '--json', '--html', page]);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    const c = doc.comparisons[0];
    expect(c.responsible).toEqual(['epsPlacement']);
    expect(c.axes.find((x: { axis: string }) => x.axis === 'epsPlacement')).toMatchObject({
      a: 'inside-subtracted',
      b: 'inside',
    });
    expect(readFileSync(page, 'utf8')).toContain('tfjs@4 vs keras@3');
  });

  it('exit 0 when the two agree bit for bit; one line and exit 2 for bad input', () => {
    expect(cli(['compare', 'torch', 'ts-f32:profile=torch', '--problem', 'quad2d']).code).toBe(0);
    for (const args of [
      ['compare', 'torch', 'keras'],
      ['compare', 'torch', 'kerass', '--problem', 'xlogx'],
      ['compare', 'torch', 'keras', '--problem', 'xlogx', '--dtype', 'float16'],
      ['compare', 'torch', 'keras', '--problem', 'xlogx', '--set', 'alpha'],
    ]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^rmsprop-harness: error: [^\n]+\n$/);
      expect(r.stdout).toBe('');
    }
  });
});
