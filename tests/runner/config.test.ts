// The config file: the README's example is valid, and a config maps onto the run options.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configToOptions, validateConfig } from '../../runner/config.js';

describe('config', () => {
  it("the README's example config validates and becomes run options", () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### Config file'));
    const json = /```json\n([\s\S]*?)```/.exec(section)![1];
    const config = validateConfig(JSON.parse(json), 'README.md');
    const options = configToOptions(config);
    expect(options.cellTimeoutMs).toBe(120_000);
    expect(options.xfail).toEqual([
      { adapter: 'module*', case: 'edge/nan-at', dtype: '*', reason: 'NaN handling lands in v2 (issue 12)' },
    ]);
    expect(options.overrides?.[0]).toMatchObject({ adapter: 'webgpu', ulps: 4 });
  });

  it('names the field of the first problem', () => {
    expect(() => validateConfig({ tolerances: [{ adapter: 'x', ulps: 1, reason: 'short' }] }, 'c.json')).toThrow(
      /config c.json: \/tolerances\/0\/reason: must have at least 10 characters/,
    );
    expect(() => validateConfig({ modes: ['replay', 'closed'] }, 'c.json')).toThrow(/config c.json: \/modes\/1/);
    expect(() => validateConfig([], 'c.json')).toThrow(/config c.json: .*must be object/);
  });
});
