// The example a user copies (examples/my-rmsprop): its module adapter passes conform and is
// identified as the profile it claims, and its own vitest file passes with the exported matchers
// (`rmsprop-harness/vitest`, resolved through the package's exports like a user's install).

import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../runner/result.js';

const CLI = join(process.cwd(), 'dist', 'scripts', 'cli.js');
const ADAPTER = 'module:path=examples/my-rmsprop/adapter.ts';

beforeAll(() => {
  // The example imports rmsprop-harness/vitest: the package's exports point into dist/.
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}, 180_000);

describe('examples/my-rmsprop', () => {
  it('its module adapter passes every case it supports, skipping the others with the reason', () => {
    const r = spawnSync(process.execPath, [CLI, 'conform', '--adapters', ADAPTER, '--json', '--isolation', 'in-process'], {
      encoding: 'utf8',
      timeout: 240_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as ConformanceReport;
    const by = (s: string) => report.cells.filter((c) => c.status === s);
    expect(by('fail').concat(by('error'))).toEqual([]);
    expect(by('pass').length).toBeGreaterThanOrEqual(15);
    for (const c of by('skip')) expect(c.reason, c.case).toMatch(/does not support float32|has no |numpy-tutorial has no/);
  }, 240_000);

  it('identify names the profile it claims', () => {
    const r = spawnSync(process.execPath, [CLI, 'identify', '--adapter', ADAPTER], {
      encoding: 'utf8',
      timeout: 240_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('MATCH: numpy-tutorial@1');
  }, 240_000);

  it('its vitest file passes with the exported matchers', () => {
    const r = spawnSync('npx', ['vitest', 'run', '--config', 'examples/my-rmsprop/vitest.config.ts'], {
      encoding: 'utf8',
      timeout: 240_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 passed/);
  }, 240_000);
});
