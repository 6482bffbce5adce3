// The run as CI drives it: Ctrl-C/SIGTERM leave a readable report marked incomplete, a config file
// sets the run, shards merge on the command line into the unsharded report.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { readConformanceReport } from '../../reports/read-report.js';

const ROOT = process.cwd();
const CLI = join(ROOT, 'dist', 'scripts', 'cli.js');
const HANG = `module:path=${join(ROOT, 'tests/fixtures/adapters/faulty-adapter.mjs')},fault=hang`;

function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    cwd,
    env: { ...process.env, CI: 'true', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}, 120_000);

describe('interrupting a run', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during a hung cell writes the report so far, marked incomplete, exit 130`, async () => {
      const out = temp('interrupt-');
      const started = join(temp('interrupt-started-'), 'started');
      const child = spawn(
        process.execPath,
        [
          CLI,
          'conform',
          '--adapters',
          `ts-f64,${HANG},started=${started}`,
          '--suites',
          'problems',
          '--cases',
          'problems/linreg,problems/quad2d',
          '--dtype',
          'float64',
          '--format',
          'json,md,junit',
          '--out',
          out,
          '--cell-timeout',
          '600',
          '--jobs',
          '1',
        ],
        { env: { ...process.env, CI: 'true' } },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Interrupt once the hung adapter's step has begun (the fixture writes the file as it enters the loop).
      await vi.waitFor(() => expect(existsSync(started)).toBe(true), { timeout: 50_000, interval: 20 });
      // No wall-clock bound: the hung cell's own timeout is 600 s, so only a prompt exit finishes within the test's timeout.
      child.kill(signal);
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code, stderr).toBe(130);
      expect(stderr).toMatch(/interrupted; writing the report so far/);
      const report = readConformanceReport(join(out, 'conformance.json')); // schema-valid, complete JSON
      expect(report.complete).toBe(false);
      expect(report.summary.exitCode).toBe(130); // the JSON says what the process said
      expect(report.cells.some((c) => c.adapter === 'ts-f64' && c.status === 'pass')).toBe(true);
      expect(readFileSync(join(out, 'conformance.md'), 'utf8')).toMatch(/incomplete/i);
      expect(readdirSync(out).sort()).toEqual(['conformance.json', 'conformance.junit.xml', 'conformance.md']); // no temp files left
    }, 90_000);
  }
});

describe('config file', () => {
  it('rmsprop-harness.config.json in the working directory sets adapters, cases, xfail and tolerances; flags win', () => {
    const dir = temp('config-');
    writeFileSync(
      join(dir, 'rmsprop-harness.config.json'),
      JSON.stringify({
        $schema: '../schemas/config.schema.json',
        adapters: ['ts-f64', 'ts-f64:profile=torch,epsPlacement=inside'],
        suites: ['problems'],
        cases: ['problems/quad2d'],
        dtypes: ['float64'],
        xfail: [{ adapter: 'ts-f64:profile=torch,epsPlacement=inside', reason: 'deliberately misconfigured to show xfail' }],
        tolerances: [{ adapter: 'ts-f64', case: 'problems/*', ulps: 4, reason: 'demonstrates an override with its reason' }],
        formats: ['json'],
      }),
    );
    const r = cli(['conform', '--modes', 'replay'], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = readConformanceReport(join(dir, 'reports/latest/conformance.json'));
    expect(report.selection).toMatchObject({
      adapters: ['ts-f64', 'ts-f64:profile=torch,epsPlacement=inside'],
      dtypes: ['float64'],
      modes: ['replay'],
    });
    expect(report.cells.map((c) => c.status)).toEqual(['pass', 'xfail']);
    expect(report.cells[0].tolerance).toMatchObject({ ulps: 4, reasons: ['demonstrates an override with its reason'] });
    expect(existsSync(join(dir, 'reports/latest/conformance.md'))).toBe(false);
  }, 60_000);

  it('a TypeScript config is loaded and validated the same way', () => {
    const dir = temp('config-ts-');
    writeFileSync(
      join(dir, 'rmsprop-harness.config.ts'),
      "const config: { adapters: string[]; cases: string[]; dtypes: ('float32' | 'float64')[] } = { adapters: ['ts-f32'], cases: ['edge/zeros*'], dtypes: ['float32'] };\nexport default config;\n",
    );
    const r = cli(['conform', '--format', 'json', '--out', 'out'], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = readConformanceReport(join(dir, 'out/conformance.json'));
    expect(report.selection.adapters).toEqual(['ts-f32']);
    expect(report.cells.length).toBeGreaterThan(0);
    expect(report.cells.every((c) => c.case.startsWith('edge/zeros') && c.dtype === 'float32')).toBe(true);
  }, 60_000);

  const bad: [string, string, RegExp][] = [
    [
      'rmsprop-harness.config.json',
      '{"adapters": ["ts-f64"],',
      /config .*rmsprop-harness.config.json: malformed JSON at line 1 column \d+/,
    ],
    ['rmsprop-harness.config.json', '{"adapter": ["ts-f64"]}', /config .*: unexpected field 'adapter'/],
    [
      'rmsprop-harness.config.json',
      '{"adapters": ["ts-f33"]}',
      /config .*: \/adapters\/0: unknown adapter 'ts-f33' \(did you mean 'ts-f32'\?\)/,
    ],
    [
      'rmsprop-harness.config.json',
      '{"tolerances": [{"adapter": "webgpu", "ulps": 8}]}',
      /config .*: \/tolerances\/0: missing field 'reason'/,
    ],
    [
      'rmsprop-harness.config.json',
      '{"tolerances": [{"adapter": "webgpu", "ulps": -1, "reason": "a long enough reason"}]}',
      /config .*: \/tolerances\/0\/ulps: must be >= 0/,
    ],
    ['rmsprop-harness.config.json', '{"xfail": [{"adapter": "webgpu"}]}', /config .*: \/xfail\/0: missing field 'reason'/],
    ['rmsprop-harness.config.json', '{"dtypes": ["float8"]}', /config .*: \/dtypes\/0/],
    ['rmsprop-harness.config.json', '{"jobs": 0}', /config .*: \/jobs: must be >= 1/],
    ['rmsprop-harness.config.json', '{"suites": ["nope"]}', /config .*: \/suites\/0: unknown suite 'nope'/],
    ['rmsprop-harness.config.ts', 'export default {', /config .*rmsprop-harness.config.ts: cannot load/],
    ['rmsprop-harness.config.mjs', 'export const x = 1;', /config .*: cannot load: no default export/],
  ];
  for (const [name, text, message] of bad) {
    it(`rejects ${name}: ${text.slice(0, 60)}`, () => {
      const dir = temp('config-bad-');
      writeFileSync(join(dir, name), text);
      const r = cli(['conform', '--out', 'out'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^rmsprop-harness: error: /);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    }, 30_000);
  }
});

describe('sharded runs on the command line', () => {
  it('report merge of 3 shards equals the unsharded report (ignoring timings) and gives its verdict', () => {
    const dir = temp('shards-');
    const args = [
      'conform',
      '--adapters',
      'ts-f64,ts-f32,ts-f64:profile=torch,epsPlacement=inside',
      '--suites',
      'problems,edge',
      '--cases',
      'problems/quad2d,edge/*',
      '--format',
      'json',
    ];
    expect(cli([...args, '--out', join(dir, 'whole')]).code).toBe(1); // the misconfigured adapter fails
    for (const i of [1, 2, 3])
      expect(cli([...args, '--shard', `${i}/3`, '--out', join(dir, `shard-${i}`)]).code).toBeLessThanOrEqual(1);
    const merged = cli([
      'report',
      'merge',
      ...[1, 2, 3].map((i) => join(dir, `shard-${i}`, 'conformance.json')),
      '--out',
      join(dir, 'merged'),
      '--format',
      'json,md,junit',
    ]);
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stdout).toMatch(/3 shards merged/);
    const timeless = (path: string) => {
      const r = readConformanceReport(path);
      return { ...r, generatedAt: '', cells: r.cells.map(({ durationMs: _, ...c }) => c) };
    };
    expect(timeless(join(dir, 'merged', 'conformance.json'))).toEqual(timeless(join(dir, 'whole', 'conformance.json')));
    const html = cli(['report', '--html', '--from', join(dir, 'merged', 'conformance.json')]);
    expect(html.code, html.stderr).toBe(0);
    expect(readFileSync(join(dir, 'merged', 'conformance.html'), 'utf8')).toMatch(/Divergence per case[\s\S]*<svg/);
    const missing = cli([
      'report',
      'merge',
      join(dir, 'shard-1', 'conformance.json'),
      join(dir, 'shard-3', 'conformance.json'),
      '--out',
      join(dir, 'm2'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/shard 2\/3 missing/);
    expect(existsSync(join(dir, 'm2'))).toBe(false);
    mkdirSync(join(dir, 'garbage'));
    writeFileSync(join(dir, 'garbage', 'conformance.json'), '{"format": "rmsprop-harness/conformance"');
    const garbage = cli(['report', 'merge', join(dir, 'garbage', 'conformance.json')]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/conformance report .*garbage\/conformance.json: malformed JSON/);
  }, 120_000);
});

describe('signals during start-up', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} while the config file is still loading exits 130 with nothing written`, async () => {
      const dir = temp('early-signal-');
      // A config whose top-level await lasts 600 s: the signal arrives before any command handler exists.
      writeFileSync(
        join(dir, 'rmsprop-harness.config.mjs'),
        "import { writeFileSync } from 'node:fs';\nwriteFileSync('loading', '');\nawait new Promise((resolve) => setTimeout(resolve, 600_000));\nexport default { adapters: ['ts-f64'] };\n",
      );
      const child = spawn(process.execPath, [CLI, 'conform', '--out', 'out'], { cwd: dir, env: { ...process.env, CI: 'true' } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Signal once the config has begun loading. No wall-clock bound: the config's await lasts 600 s, so
      // only a prompt exit on the signal finishes within the test's timeout.
      await vi.waitFor(() => expect(existsSync(join(dir, 'loading'))).toBe(true), { timeout: 50_000, interval: 20 });
      child.kill(signal);
      const [code, killedBy] = await new Promise<[number | null, string | null]>((resolve) =>
        child.on('exit', (c, s) => resolve([c, s])),
      );
      expect(killedBy, stderr).toBeNull(); // it exited on its own, with its code
      expect(code, stderr).toBe(130);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    }, 30_000);
  }
});

/** Whether the harness's first code has run (it names the process 'rmsprop-harness'): before that, only Node's own start-up, which no program can hook. */
function harnessStarted(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('rmsprop-harness');
  } catch {
    return false;
  }
}

describe('signals in the first half-second', () => {
  for (const ms of [0, 300, 1000]) {
    it(`SIGINT ${ms} ms after the harness's first code ran (commands still loading, or the run starting) exits 130`, async () => {
      const out = join(temp('first-second-'), 'out');
      const child = spawn(
        process.execPath,
        [CLI, 'conform', '--adapters', 'ts-f64', '--suites', 'edge', '--format', 'json', '--out', out],
        { env: { ...process.env, CI: 'true' } },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Node's own start-up (before any of the harness's code runs; a third of a second on a busy machine) cannot be hooked.
      while (!harnessStarted(child.pid!)) await new Promise((resolve) => setTimeout(resolve, 2));
      await new Promise((resolve) => setTimeout(resolve, ms));
      child.kill('SIGINT');
      const [code, killedBy] = await new Promise<[number | null, string | null]>((resolve) =>
        child.on('exit', (c, s) => resolve([c, s])),
      );
      expect(killedBy, stderr).toBeNull();
      expect(code, stderr).toBe(130);
      // Whatever exists is whole: no report, or one marked incomplete.
      if (existsSync(join(out, 'conformance.json')))
        expect(readConformanceReport(join(out, 'conformance.json')).complete).toBe(false);
    }, 30_000);
  }
});

describe('values a user types', () => {
  it('negative numbers as values: --x0 -1.5,2 and --set rescale_grad=-0.5', () => {
    const r = cli([
      'trajectory',
      '--profile',
      'mxnet',
      '--problem',
      'linreg',
      '--x0',
      '-1.5,2',
      '--steps',
      '2',
      '--set',
      'rescale_grad=-0.5',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.x0).toEqual([-1.5, 2]);
    expect(doc.hyperparameters.rescale_grad).toBe(-0.5);
    const eq = cli(['trajectory', '--profile', 'torch', '--problem', 'linreg', '--x0=-1e-3,-2', '--steps', '1']);
    expect(eq.code, eq.stderr).toBe(0);
    expect(JSON.parse(eq.stdout).x0).toEqual([-0.001, -2]);
  }, 30_000);
});

describe('adapter output and --json', () => {
  it('under --isolation in-process, what an adapter writes to stdout goes to stderr: stdout is the JSON report alone', () => {
    const adapter = `module:path=${join(ROOT, 'tests/fixtures/adapters/hostile-adapter.mjs')},fault=stdout`;
    const r = cli([
      'conform',
      '--adapters',
      adapter,
      '--cases',
      'problems/quad2d',
      '--dtype',
      'float64',
      '--modes',
      'replay',
      '--isolation',
      'in-process',
      '--json',
      '--format',
      'json',
      '--out',
      temp('json-stdout-'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { cells: { status: string }[] };
    expect(doc.cells.map((c) => c.status)).toEqual(['pass']);
    expect(r.stderr).toMatch(/hostile adapter: console\.log on stdout/);
    expect(r.stderr).toMatch(/hostile adapter: process\.stdout\.write/);
  }, 60_000);
});
