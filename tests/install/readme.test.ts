// The README's examples, run as a user runs them: every sh line in a fresh project that installed the
// packed harness, the TypeScript blocks type-checked and run there, the config example validated.
// A line that is not run must be listed below with the reason, so no example escapes unseen.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../runner/config.js';
import { createUserProject, type UserProject } from './user-project.js';

const README = readFileSync('README.md', 'utf8');
const blocks = [...README.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], text: m[2] }));

/** Lines of the README not run here, and why. */
const NOT_RUN: Record<string, string> = {
  'bash scripts/setup-system.sh && npm ci && npm start': "the checkout's own first command: .ci/run runs it",
  'npm test': 'this test suite',
  'rmsprop-harness run': 'the main job (every suite and a quick benchmark, minutes): .ci/run runs it as npm start',
  'rmsprop-harness bench --sizes 1e7': 'a benchmark at 10^7 elements takes minutes; tests/runner/bench.test.ts runs the command',
  'rmsprop-harness bench --sizes 1e7 --repetitions 3 --adapters wasm-simd,wasm-simd-mt --adapters "external:command=/usr/bin/python3 clients/python/torch_rmsprop.py"':
    'a benchmark at 10^7 elements with three repetitions takes minutes; tests/runner/bench-adapters.test.ts runs external bench targets',
  'rmsprop-harness compare torch keras --problem xlogx --dtype float32':
    'compare exits 1 when the two differ, as diff does (they do); tests/cli/compare.test.ts runs this line and checks its output',
};

/** The command without its trailing comment (two spaces and '#'). */
const command = (line: string) => line.replace(/\s{2,}#.*$/, '').trim();
const shLines = blocks
  .filter((b) => b.lang === 'sh')
  .flatMap((b) =>
    b.text
      .split('\n')
      .map(command)
      .filter((l) => l !== ''),
  );

let user: UserProject;
beforeAll(() => {
  user = createUserProject('rmsprop-readme-');
  // What the user brings: a recorded gradient stream for `trajectory --grads grads.json`.
  writeFileSync(
    join(user.dir, 'grads.json'),
    JSON.stringify({
      grads: [
        [1, -2],
        [0.5, 0.25],
        ['NaN', 1],
      ],
    }),
  );
  // What a user records with clients/python/record.py: a folder of runs for `calibrate --recordings runs/`.
  mkdirSync(join(user.dir, 'runs'));
  const run = JSON.parse(readFileSync('suites/recordings/torch/torch-forloop_bowl3_plain_float64.json', 'utf8'));
  writeFileSync(join(user.dir, 'runs', 'run.json'), JSON.stringify({ ...run, framework: 'torch', case: 'recorded' }));
}, 300_000);
afterAll(() => user?.remove());

/** Runs a README line with node_modules/.bin on PATH, as npm scripts and npx do. */
function shell(line: string) {
  return user.run('bash', ['-c', line], {
    env: { PATH: `${join(user.dir, 'node_modules', '.bin')}:${process.env.PATH}`, CI: 'true' },
    timeout: 300_000,
  });
}

describe("the README's sh examples", () => {
  it('every line is run or listed as not run with its reason', () => {
    expect(
      Object.keys(NOT_RUN).filter((l) => !shLines.includes(l)),
      'NOT_RUN lines no longer in the README',
    ).toEqual([]);
    expect(shLines.length).toBeGreaterThan(10);
  });

  it('each line runs and exits 0 in a fresh project', () => {
    const failures: string[] = [];
    for (const line of shLines) {
      if (NOT_RUN[line]) continue;
      // The package is not in the registry: the packed tarball stands in for its name.
      const actual = line.startsWith('npm install')
        ? `${line.replace(/ rmsprop-harness\b/, ` ${user.tarball}`)} --prefer-offline --no-audit --no-fund`
        : line;
      const r = shell(actual);
      if (r.code !== 0) failures.push(`${line}\n  exit ${r.code}: ${r.all.trim().split('\n').slice(-5).join('\n  ')}`);
    }
    expect(failures).toEqual([]);
  }, 900_000);
});

describe("the README's TypeScript examples", () => {
  const ts = blocks.filter((b) => b.lang === 'ts').map((b) => b.text);

  it('type-check in the project (strict, NodeNext) and run: the vitest suite passes, the API script handles a missing module in one line', () => {
    expect(ts).toHaveLength(2);
    const [vitestExample, apiExample] = [
      ts.find((t) => t.includes("from 'vitest'"))!,
      ts.find((t) => !t.includes("from 'vitest'"))!,
    ];
    writeFileSync(join(user.dir, 'readme.test.ts'), vitestExample);
    writeFileSync(join(user.dir, 'api-example.ts'), apiExample);
    writeFileSync(
      join(user.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          types: ['node'],
          outDir: 'build',
        },
        include: ['*.ts'],
      }),
    );
    // A Node script in TypeScript has Node's types, as any such project does.
    const types = user.run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '@types/node@20.19.43']);
    expect(types.code, types.all).toBe(0);
    const tsc = user.run('npx', ['tsc', '-p', '.']);
    expect(tsc.code, tsc.all).toBe(0);

    const vitest = user.run('npx', ['vitest', 'run', 'readme.test.ts']);
    expect(vitest.code, vitest.all).toBe(0);

    const missing = user.run('node', ['build/api-example.js']);
    expect(missing.code, missing.all).toBe(2);
    expect(missing.stderr).toBe("error: adapter 'module': ./my-rmsprop.js: no such file\n");

    // With the user's module in place (wrapping a built-in adapter), the same script passes.
    writeFileSync(join(user.dir, 'my-rmsprop.js'), "export default (options, harness) => harness.createAdapter('ts-f32');\n");
    const ok = user.run('node', ['build/api-example.js']);
    expect(ok.code, ok.all).toBe(0);
    expect(JSON.parse(readFileSync(join(user.dir, 'reports', 'mine', 'conformance.json'), 'utf8')).summary.exitCode).toBe(0);
  }, 600_000);
});

describe("the README's config example", () => {
  it('is valid against the config schema', () => {
    const json = blocks.filter((b) => b.lang === 'json');
    expect(json).toHaveLength(1);
    expect(() => validateConfig(JSON.parse(json[0].text), 'README.md')).not.toThrow();
  });
});
