// The harness as a user gets it: `npm pack`, then a fresh npm project that installs the tarball with
// vitest and typescript and no settings of its own. Packages come from the npm cache that `npm ci`
// filled (--prefer-offline), so the test needs no network beyond what `npm ci` needed.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserProject, USER_ENV, type UserProject } from './user-project.js';

const ROOT = process.cwd();
const MB = 2 ** 20;
let user: UserProject;
let project = '';
let tarball = '';
const run: UserProject['run'] = (cmd, args, options) => user.run(cmd, args, options);

function duBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += duBytes(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

beforeAll(() => {
  user = createUserProject('rmsprop-pack-');
  ({ dir: project, tarball } = user);
}, 300_000);

afterAll(() => user?.remove());

describe('installed from the packed tarball into a fresh project', () => {
  it('ships what users need and no tests, CI scripts or TypeScript sources', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/scripts/cli.js',
        'dist/index.d.ts',
        'dist/reports/vitest-matchers.d.ts',
        'dist/wasm/rmsprop.wasm',
        'clients/python/torch_rmsprop.py',
        'goldens/manifest.json',
        'schemas/config.schema.json',
        'scripts/setup-system.sh',
        'README.md',
      ]),
    );
    expect(
      files.filter(
        (f) => /^(tests|\.ci)\//.test(f) || /(^|\/)[^/]*\.test\.[jt]s$/.test(f) || (/\.ts$/.test(f) && !f.endsWith('.d.ts')),
      ),
    ).toEqual([]);
  });

  it('npm install with no settings succeeds and stays under 300 MB with vitest and typescript', () => {
    const r = run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, 'vitest@4.1.12', 'typescript@5.9.3'],
      { env: USER_ENV },
    );
    expect(r.code, r.all).toBe(0);
    const size = duBytes(join(project, 'node_modules'));
    expect(size / MB, 'node_modules in MB').toBeLessThan(300);
    expect(readdirSync(join(project, 'node_modules'))).not.toContain('onnxruntime-node');
  }, 300_000);

  it('npx rmsprop-harness --version prints the version', () => {
    const r = run('npx', ['rmsprop-harness', '--version']);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('conform --suites edge exits 0, runs the built-in Python clients from the package, and names the npm install for missing backends', () => {
    const r = run('npx', ['rmsprop-harness', 'conform', '--suites', 'edge', '--format', 'json', '--out', 'out', '--jobs', '2'], {
      env: { CI: 'true' },
    });
    expect(r.code, r.all).toBe(0);
    const report = JSON.parse(readFileSync(join(project, 'out', 'conformance.json'), 'utf8'));
    const byLabel = Object.fromEntries(report.adapters.map((a: { label: string }) => [a.label, a]));
    expect(
      byLabel['external:command=/usr/bin/python3 clients/python/torch_rmsprop.py'],
      'needs python3-torch: bash scripts/setup-system.sh',
    ).toMatchObject({ available: true });
    expect(byLabel['tfjs-wasm'].reason).toBe(
      '@tensorflow/tfjs, @tensorflow/tfjs-backend-wasm are not installed (optional peer dependencies of rmsprop-harness): npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0',
    );
    expect(byLabel['onnxruntime'].reason).toBe(
      'onnxruntime-node is not installed (optional peer dependency of rmsprop-harness): ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0',
    );
    expect(r.stdout).toMatch(/not compared \(\d+ adapters\):/);
  }, 240_000);

  it('conform --require tfjs-cpu fails (exit 1) where tfjs is not installed', () => {
    const r = run('npx', [
      'rmsprop-harness',
      'conform',
      '--adapters',
      'ts-f32,tfjs-cpu',
      '--require',
      'tfjs-cpu',
      '--suites',
      'edge',
      '--format',
      'json',
      '--out',
      'out-require',
    ]);
    expect(r.code, r.all).toBe(1);
    expect(r.stdout).toContain('tfjs-cpu (required: fails the run): unavailable: @tensorflow/tfjs is not installed');
  }, 120_000);

  it('a vitest file importing rmsprop-harness/vitest type-checks and runs', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          types: [],
        },
        include: ['*.test.ts'],
      }),
    );
    writeFileSync(
      join(project, 'rmsprop.test.ts'),
      [
        "import { expect, it } from 'vitest';",
        "import { rmspropMatchers } from 'rmsprop-harness/vitest';",
        "import { assertClose, loadGolden } from 'rmsprop-harness';",
        'expect.extend(rmspropMatchers);',
        "it('matches the torch golden', () => {",
        "  const g = loadGolden('torch', 'problems/quad2d', 'float32');",
        '  expect(g.trajectory).toMatchGolden({ profile: g.profile, case: g.case, dtype: g.dtype });',
        '  expect(g.trajectory).toBeCloseToTrajectory(g.trajectory, { ulps: 0 });',
        '  expect(new Float32Array(g.trajectory[0]!)).toBeCloseToArray(new Float32Array(g.trajectory[0]!), { rtol: 0, atol: 0 });',
        '  assertClose(g.trajectory[1]!, g.trajectory[1]!);',
        '});',
        '',
      ].join('\n'),
    );
    const tsc = run('npx', ['tsc', '-p', '.']);
    expect(tsc.code, tsc.all).toBe(0);
    const vitest = run('npx', ['vitest', 'run', '--root', '.']);
    expect(vitest.code, vitest.all).toBe(0);
    expect(vitest.all).toMatch(/1 passed/);
  }, 240_000);

  it('onnxruntime-node installs from the project with ONNXRUNTIME_NODE_INSTALL=skip (no CUDA download) and its adapter then runs', () => {
    const r = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', 'onnxruntime-node@1.30.0'], {
      env: { ...USER_ENV, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
    expect(r.code, r.all).toBe(0);
    const bin = join(project, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
    expect(
      readdirSync(bin).filter((f) => /cuda|tensorrt/i.test(f)),
      'no CUDA provider downloaded',
    ).toEqual([]);
    const c = run('npx', [
      'rmsprop-harness',
      'conform',
      '--adapters',
      'onnxruntime',
      '--require',
      'onnxruntime',
      '--suites',
      'edge',
      '--format',
      'json',
      '--out',
      'out-ort',
    ]);
    expect(c.code, c.all).toBe(0);
  }, 300_000);
});
