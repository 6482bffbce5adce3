// docs/protocol.md is self-contained and true: its generated sections (axes, hyperparameters,
// problems with their float32 gradient order) match the code, every example command in it runs and
// exits 0, and its minimal Python client passes against numpy-tutorial.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AXES, HYPERPARAMETERS } from '../../reference/variant.js';
import { PROBLEMS } from '../../suites/problems.js';
import { PROTOCOL_DOC, renderProtocolDoc, traceGradient } from '../../scripts/write-protocol-doc.js';

const CLI = join(process.cwd(), 'dist', 'scripts', 'cli.js');
const doc = readFileSync(PROTOCOL_DOC, 'utf8');

/** Lines of the ```sh blocks that run the CLI. */
function exampleCommands(text: string): string[] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((b) => b.split('\n')).filter((l) => l.startsWith('rmsprop-harness '));
}

beforeAll(() => {
  // The examples run the built CLI, as a user does.
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}, 180_000);

describe('docs/protocol.md', () => {
  it('its generated sections are up to date (npx tsx scripts/write-protocol-doc.ts)', () => {
    expect(renderProtocolDoc(doc) === doc, 'docs/protocol.md is stale: run npx tsx scripts/write-protocol-doc.ts').toBe(true);
  });

  it('names every axis with its values, every hyperparameter with its neutral value, and every problem', () => {
    for (const a of AXES) expect(doc).toContain(`| \`${a.name}\` |`);
    for (const h of HYPERPARAMETERS) expect(doc).toMatch(new RegExp(`\\| \`${h.name}\``));
    expect(doc).toContain('| `momentum` | number | `0` |');
    for (const p of PROBLEMS) expect(doc).toContain(`**${p.id}**`);
    expect(doc).not.toContain('reference/variant.ts');
  });

  it('gives the gradient in float32 evaluation order, traced from the code (PyTorch and TensorFlow differ on xlogx)', () => {
    expect(
      traceGradient(
        PROBLEMS.find((p) => p.id === 'quad2d')!,
        'torch',
        2,
      ),
    ).toEqual(['g[0] = (0.1 * 2) * x[0]', 'g[1] = 4 * x[1]']);
    const xlogx = PROBLEMS.find((p) => p.id === 'xlogx')!;
    expect(traceGradient(xlogx, 'tf', 1)).not.toEqual(traceGradient(xlogx, 'torch', 1));
  });

  it.each(exampleCommands(doc))(
    'example runs and exits 0: %s',
    (command) => {
      const r = spawnSync('/bin/sh', ['-c', command.replace(/^rmsprop-harness /, `"${process.execPath}" "${CLI}" `)], {
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(r.status, `${command}\n${r.stderr}\n${r.stdout.slice(-2000)}`).toBe(0);
    },
    300_000,
  );

  it('has at least four example commands', () => {
    expect(exampleCommands(doc).length).toBeGreaterThanOrEqual(4);
  });

  it('its minimal Python client passes against numpy-tutorial in float64 (edge cases without NaN/Inf arithmetic)', () => {
    const code = /## A minimal client[\s\S]*?```python\n([\s\S]*?)```/.exec(doc)![1];
    const dir = mkdtempSync(join(tmpdir(), 'protocol-doc-'));
    const file = join(dir, 'mini.py');
    writeFileSync(file, code);
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'conform',
        '--adapters',
        `external:command=/usr/bin/python3 ${file}`,
        '--cases',
        'edge/random',
        'edge/sign-flip',
        'edge/sparse',
        '--dtype',
        'float64',
        '--format',
        'json',
        '--out',
        dir,
        '--quiet',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
  }, 180_000);
});
