// Reading an external program's output: an over-long line is rejected as garbage quickly and in
// bounded memory (line assembly is linear), and a deeply nested message fails the cell naming the
// program, with its stderr tail.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExternalProgram, MAX_LINE_CHARS, MAX_NESTING, nestingDepth, ProgramFault } from '../../adapters/external/program.js';
import { runConformance } from '../../runner/run-conformance.js';

const node = (code: string) => `'${process.execPath}' -e '${code}'`;

describe('lines from an external program', () => {
  it('a 100 MB line without a newline is rejected as garbage within seconds, holding no more than the limit', async () => {
    // Written in 1 MB pieces, as a runaway program would.
    const program = new ExternalProgram({
      command: node(
        'const s = "x".repeat(1 << 20); let n = 0; const w = () => { while (n < 100) { n++; if (!process.stdout.write(s)) return process.stdout.once("drain", w); } }; w();',
      ),
    });
    const started = performance.now();
    const heapBefore = process.memoryUsage().heapUsed;
    const err = await program.next(60_000, 'its hello').then(
      () => null,
      (e: unknown) => e,
    );
    const seconds = (performance.now() - started) / 1000;
    expect(err).toBeInstanceOf(ProgramFault);
    expect((err as Error).message).toMatch(
      new RegExp(`wrote a line longer than ${MAX_LINE_CHARS} characters \\(garbage, not a message; killed\\)`),
    );
    expect(seconds).toBeLessThan(20);
    // The pieces held are freed once rejected: far less than the 100 MB written (2 bytes per character).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(3 * MAX_LINE_CHARS);
    for (let i = 0; i < 100 && program.alive; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(program.alive).toBe(false); // killed, not left writing
  }, 60_000);

  it('a line that arrives in many small pieces is assembled once, whole', async () => {
    const program = new ExternalProgram({
      command: node(
        'const m = JSON.stringify({ type: "hello", pad: "y".repeat(300000) }); for (let i = 0; i < m.length; i += 1000) process.stdout.write(m.slice(i, i + 1000)); process.stdout.write("\\n");',
      ),
    });
    const value = (await program.next(30_000, 'its hello')) as { type: string; pad: string };
    expect(value.type).toBe('hello');
    expect(value.pad).toHaveLength(300_000);
    program.kill();
  });

  it('nesting depth is counted outside strings and stops at the limit', () => {
    expect(nestingDepth('{"a":[1,{"b":[2]}]}')).toBe(4);
    expect(nestingDepth('{"a":"[[[[[[[[[[\\"[[["}')).toBe(1);
    expect(nestingDepth('['.repeat(1_000_000))).toBe(MAX_NESTING + 1);
  });

  it('a deeply nested message is a fault naming the program, with its stderr tail', async () => {
    const program = new ExternalProgram({
      command: node(
        'console.error("about to nest"); setTimeout(() => console.log("[".repeat(100000) + "]".repeat(100000)), 100);',
      ),
    });
    const err = await program.next(30_000, 'its hello').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProgramFault);
    expect((err as Error).message).toMatch(
      /^external program `.+` wrote a message nested more than 32 levels deep \(garbage, not a protocol message\)/,
    );
    expect((err as Error).message).toMatch(/stderr \(last 20 lines\):\nabout to nest/);
  });

  it('through the runner, a deeply nested result fails the cell with the program and its stderr tail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nested-'));
    const script = join(dir, 'nested.cjs');
    writeFileSync(
      script,
      `require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.type === 'hello') return console.log(JSON.stringify({ type: 'hello', protocol: 1, implementation: { name: 'nested', version: '0', claims: 'torch', dtypes: ['float64'], hyperparameters: [] } }));
  if (m.type === 'bye') process.exit(0);
  console.error('nesting the answer to ' + m.id);
  console.log('{"type":"result","id":' + JSON.stringify(m.id) + ',"trajectory":' + '['.repeat(50000) + ']'.repeat(50000) + '}');
});`,
    );
    const r = await runConformance({
      adapters: [`external:command='${process.execPath}' '${script}'`],
      suites: ['edge'],
      cases: ['edge/random'],
      dtypes: ['float64'],
      modes: ['replay'],
    });
    expect(r.cells.length).toBeGreaterThan(0);
    for (const c of r.cells) {
      expect(c.status).toBe('error');
      expect(c.reason).toMatch(/external program `.+nested\.cjs'` wrote a message nested more than 32 levels deep/);
      expect(c.reason).toMatch(/nesting the answer to edge\/random/);
    }
  }, 60_000);
});
