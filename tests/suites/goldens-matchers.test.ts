import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rmspropMatchers, type RmspropMatchers } from '../../reports/vitest-matchers.js';
import { loadGolden } from '../../suites/golden-store.js';
import { renderAllGoldens } from '../../suites/goldens.js';
import { generateStream } from '../../suites/gradient-streams.js';

expect.extend(rmspropMatchers);

// What the README tells users to write for typed matchers.
declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging into vitest's Assertion needs an empty body.
  interface Assertion<T> extends RmspropMatchers<T> {}
}

describe('goldens', () => {
  it('regenerating changes nothing (run npm run golden:update and review the diff if this fails)', () => {
    const files = renderAllGoldens();
    for (const [name, text] of files) expect(readFileSync(join('goldens', name), 'utf8'), name).toBe(text);
  });
  it('a golden whose sha256 does not match the manifest is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goldens-'));
    cpSync('goldens', dir, { recursive: true });
    const path = join(dir, 'torch@2.1.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"params":[', '"params":[1e-300,').slice(0, 5000));
    expect(() => loadGolden('torch', 'problems/quad2d', 'float32', dir)).toThrow(/sha256 does not match/);
  });
  it('seeded gradient streams are identical across runs', () => {
    const spec = { kind: 'random' as const, dim: 7, steps: 9, seed: 42 };
    expect(generateStream(spec)).toEqual(generateStream(spec));
    const nan = generateStream({ kind: 'nan-at', dim: 3, steps: 4, seed: 1, at: 2 });
    expect(nan[2][0]).toBeNaN();
    expect(nan.flatMap((g) => [...g]).filter((x) => Number.isNaN(x))).toHaveLength(1);
  });
});

describe('vitest matchers for users', () => {
  it('toMatchGolden and toBeWithinUlps', () => {
    const g = loadGolden('torch', 'problems/quad2d', 'float32');
    expect(g.params).toMatchGolden({ profile: 'torch', case: 'problems/quad2d', dtype: 'float32' });
    const off = g.params.map((p) => Float64Array.from(p, (x) => x * (1 + 1e-5)));
    expect(off).not.toMatchGolden({ profile: 'torch', case: 'problems/quad2d', dtype: 'float32' });
    expect([1, 2]).toBeWithinUlps([1, 2 + 2 ** -22], 1, 'float32');
    expect([1, 2]).not.toBeWithinUlps([1, 2 + 2 ** -21], 1, 'float32');
    expect([NaN]).not.toBeWithinUlps([Infinity], 100, 'float64');
  });
});
