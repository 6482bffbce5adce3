// Module adapters: declared capabilities are honoured by conform, a module refuses a case through
// the harness object it is given, and the registry hands that harness in (no import cycle).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../runner/run-conformance.js';

describe('module adapters', () => {
  it("conform skips what the module's capabilities leave out and what it refuses via harness.unsupported, with the reason", async () => {
    const r = await runConformance({
      adapters: ['module:path=tests/fixtures/modules/refusing.mjs'],
      cases: ['variants/centered', 'variants/momentum', 'variants/weight-decay'],
      suites: ['variants'],
      dtypes: ['float64'],
      modes: ['replay'],
      isolation: 'in-process',
      compareProfiles: false,
    });
    const cell = (key: string) => r.cells.find((c) => c.case === key)!;
    expect(cell('variants/centered')).toMatchObject({
      status: 'skip',
      reason: 'refusing has no centered (the case sets centered=true)',
    });
    expect(cell('variants/momentum')).toMatchObject({ status: 'skip', reason: 'this implementation refuses momentum today' });
    expect(cell('variants/weight-decay').status).toBe('pass');
  });

  it('a module declaring fixedAxes { fma: "off" } is compared with the profile without FMA', async () => {
    const r = await runConformance({
      adapters: ['module:path=tests/fixtures/user-rmsprop/module.ts'],
      cases: ['edge/random'],
      suites: ['edge'],
      dtypes: ['float32'],
      modes: ['replay'],
      isolation: 'in-process',
      compareProfiles: false,
    });
    expect(r.cells[0].expectedProfile).toBe('torch@1.13 with {"fma":[]}');
  });

  it('module-adapter.ts does not import the registry (the registry passes the harness in)', () => {
    const source = readFileSync('adapters/module-adapter.ts', 'utf8');
    expect(source).not.toMatch(/'\.\/registry\.js'/);
    expect(readFileSync('adapters/registry.ts', 'utf8')).toMatch(/moduleAdapterFactory\(moduleHarness\(/);
  });
});
