// A fresh npm project next to the packed harness, as a user has it: `npm pack` of this checkout and an
// empty project whose environment carries none of this repository's npm settings.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface UserProject {
  dir: string;
  tarball: string;
  /** Runs a command in the project; exit code and output, never throws. */
  run(
    cmd: string,
    args: string[],
    options?: { env?: NodeJS.ProcessEnv; timeout?: number },
  ): { code: number | null; stdout: string; stderr: string; all: string };
  remove(): void;
}

/** The environment of a user's shell: this repository's npm_* settings (allowScripts...) removed. */
export const USER_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

/** Builds dist/, packs it and creates an empty project (call from beforeAll; a few hundred MB once installed). */
export function createUserProject(prefix: string): UserProject {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  const root = mkdtempSync(join(tmpdir(), prefix));
  // dist/ was just built (dist/wasm by npm ci's prepare): packing needs no scripts.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', root], { encoding: 'utf8' });
  const tarball = join(root, out.trim().split('\n').at(-1));
  const dir = join(root, 'user-project');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  return {
    dir,
    tarball,
    run(cmd, args, options = {}) {
      const r = spawnSync(cmd, args, {
        cwd: dir,
        env: { ...USER_ENV, ...options.env },
        encoding: 'utf8',
        timeout: options.timeout ?? 240_000,
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}` };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
