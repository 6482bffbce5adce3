// `compare --grads FILE` replays the file's lr_per_step on both sides, as `trajectory --grads` does;
// `--set lrPerStep=...` replaces it, `--set-b` changes one side only.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompareResult } from '../../runner/compare/run-compare.js';

const CLI = join(process.cwd(), 'dist', 'scripts', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'compare-lr-'));
const grads = join(dir, 'grads.json');

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  writeFileSync(grads, JSON.stringify({ grads: [[2], [1]], lr_per_step: [0.5, 0.25] }));
}, 120_000);

function compare(...extra: string[]): CompareResult {
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'compare',
      'torch',
      'torch',
      '--grads',
      grads,
      '--x0',
      '1',
      '--dtype',
      'float64',
      '--set',
      'alpha=0.75',
      '--set',
      'eps=0',
      '--json',
      ...extra,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBeLessThanOrEqual(1);
  return JSON.parse(r.stdout) as CompareResult;
}

// By hand, torch (v = alpha v + (1 - alpha) g^2; x -= lr g / (sqrt(v) + eps)), alpha 0.75, eps 0, x0 1:
// step 1, g 2: v = 0.25 * 4 = 1, x = 1 - lr1 * 2;  step 2, g 1: v = 0.75 + 0.25 = 1, x -= lr2 * 1.
// With the file's lr (0.5, 0.25): x1 = 0, x2 = -0.25. With torch's default lr 0.01 it would be x1 = 0.98.
describe('compare --grads with lr_per_step', () => {
  it("steps with the file's learning rate of every step on both sides", () => {
    const c = compare().comparisons[0];
    expect(c.firstStep).toEqual({ a: [0], b: [0] });
    expect(c.firstDivergentStep).toBeNull();
    expect(c.inputs).toContain("the file's lr_per_step (2 values)");
  });

  it('a side with another lr at step 2 parts there by exactly the lr difference (0.5 - 0.25) times g / sqrt(v) = 0.25', () => {
    const c = compare('--set-b', 'lrPerStep=0.5,0.5').comparisons[0];
    expect(c.firstStep).toEqual({ a: [0], b: [0] });
    expect(c.firstDivergentStep).toBe(2);
    expect(c.finalParamGap).toBe(0.25);
  });

  it("--set lrPerStep replaces the file's: lr 1 at step 1 gives x1 = 1 - 2 = -1", () => {
    const c = compare('--set', 'lrPerStep=1,1').comparisons[0];
    expect(c.firstStep).toEqual({ a: [-1], b: [-1] });
    expect(c.inputs).not.toContain("the file's lr_per_step");
  });
});
