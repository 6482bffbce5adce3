// Every process a run started is gone when the run ends, whatever the timing: an external program that
// exits leaving children (one in its own session), a cell timeout shorter than the program's own
// timeout, a module adapter that spawns a child and then calls process.exit. Checked from the process
// table (/proc), by the unique command line of each child.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killTree, newProcessTag, taggedEnv } from '../../adapters/process-tree.js';
import { spawn } from 'node:child_process';
import { runConformance, type ConformanceOptions } from '../../runner/run-conformance.js';

const base: ConformanceOptions = {
  adapters: [],
  suites: ['problems'],
  cases: ['problems/quad2d'],
  dtypes: ['float64'],
  modes: ['replay'],
};

/** A `sleep` duration nobody else uses: its command line identifies the process. */
let serial = 0;
const marker = () => `${4000 + (process.pid % 1000)}.${++serial}${Date.now() % 1000}`;

/** Live (not zombie) processes whose command line is `sleep <marker>`. */
function running(markers: readonly string[]): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue;
      if (markers.some((m) => cmdline === `sleep ${m}`)) out.push(`${pid}: ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const untilGone = async (markers: readonly string[]) => {
  // SIGKILL is asynchronous: give the kernel a moment before reading the table.
  for (let i = 0; i < 20 && running(markers).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  return running(markers);
};

/** A program that answers hello, then on its first case starts `sleep` children and hangs. */
function hangingProgram(dir: string, inGroup: string, inSession: string): string {
  const script = join(dir, 'hang.cjs');
  writeFileSync(
    script,
    `const { spawn } = require('node:child_process');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.type === 'hello') return console.log(JSON.stringify({ type: 'hello', protocol: 1, implementation: { name: 'hang', version: '0', claims: 'torch', dtypes: ['float64'], hyperparameters: [] } }));
  spawn('sleep', ['${inGroup}'], { stdio: 'ignore' });
  spawn('setsid', ['sleep', '${inSession}'], { stdio: 'ignore', detached: true });
});`,
  );
  return `external:command='${process.execPath}' '${script}',timeout=600`;
}

describe('every process cleaned up', () => {
  it('an external program that exits leaving children (one in its own session) leaves nothing running', async () => {
    const [a, b] = [marker(), marker()];
    const r = await runConformance({ ...base, adapters: [`external:command=sleep ${a} & setsid sleep ${b} & exit 0`] });
    expect(r.cells.every((c) => c.status === 'error')).toBe(true);
    expect(await untilGone([a, b])).toEqual([]);
  }, 60_000);

  for (const isolation of ['process', 'in-process'] as const) {
    it(`a cell timeout shorter than the program's own timeout kills the program and its children, even one in its own session (${isolation})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cleanup-'));
      const [a, b] = [marker(), marker()];
      const started = performance.now();
      const r = await runConformance({ ...base, adapters: [hangingProgram(dir, a, b)], cellTimeoutMs: 3000, isolation });
      expect(performance.now() - started).toBeLessThan(30_000);
      expect(r.cells.map((c) => c.status)).toEqual(['error']);
      expect(r.cells[0].reason).toMatch(/timed out after 3 s/);
      expect(await untilGone([a, b])).toEqual([]);
    }, 60_000);
  }

  it('a module adapter that spawns a child and then calls process.exit leaves nothing running', async () => {
    const m = marker();
    const r = await runConformance({
      ...base,
      adapters: [`module:path=tests/fixtures/adapters/hostile-adapter.mjs,fault=spawn-exit,marker=${m}`],
    });
    expect(r.cells[0]).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/the worker process died \(exit code 3\)/),
    });
    expect(await untilGone([m])).toEqual([]);
  }, 60_000);

  it('killTree finds a tagged process after its parent exited (re-parented to init) and a setsid child of a child', async () => {
    const tag = newProcessTag('test');
    const [a, b] = [marker(), marker()];
    const parent = spawn('/bin/sh', ['-c', `sleep ${a} & setsid sh -c 'sleep ${b}' & exit 0`], {
      env: taggedEnv(process.env, tag),
      stdio: 'ignore',
    });
    await new Promise((r) => parent.on('exit', r));
    for (let i = 0; i < 40 && running([a, b]).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(running([a, b])).toHaveLength(2);
    expect(killTree(tag)).toBeGreaterThanOrEqual(2);
    expect(await untilGone([a, b])).toEqual([]);
  }, 30_000);
});
