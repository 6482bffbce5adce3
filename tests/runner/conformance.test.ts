import { describe, expect, it } from 'vitest';
import { runConformance } from '../../runner/run-conformance.js';
import { renderJunit } from '../../reports/junit.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { renderJson } from '../../reports/json-report.js';
import { renderAnnotations, renderStepSummary } from '../../reports/github.js';

describe('conformance of the native TypeScript adapters', () => {
  it('ts-f64 equals the reference exactly and ts-f32 is bit-exact on every case in every mode, for several profiles', async () => {
    const adapters = ['torch', 'torch@1.13', 'keras', 'tfjs', 'tf-raw', 'tf1', 'mxnet', 'optax', 'd2l'].flatMap((p) => [
      `ts-f64:profile=${p}`,
      `ts-f32:profile=${p}`,
    ]);
    const report = await runConformance({ adapters, compareProfiles: false });
    const ran = report.cells.filter((c) => c.status !== 'skip');
    expect(ran.length).toBeGreaterThan(500);
    for (const c of ran) {
      expect(c.status, `${c.adapter} ${c.case} ${c.dtype} ${c.mode}`).toBe('pass');
      expect(c.freeRunning!.maxUlp).toBe(0);
      expect(c.reanchored!.maxUlp).toBe(0);
      expect(c.state?.maxUlp ?? 0).toBe(0);
      // Every measured cell carries its worst element as a record, even when it is exact.
      expect(c.worst, `${c.adapter} ${c.case}`).toMatchObject({ abs: 0, ulps: 0, ulpsAtScale: 0 });
      expect(c.worst!.step).toBeGreaterThanOrEqual(1);
      expect(c.worst!.index).toBeGreaterThanOrEqual(0);
    }
    expect(report.verdicts.every((v) => v.verdict === 'pass' && v.compared > 0)).toBe(true);
    // Every skipped cell says why.
    for (const c of report.cells.filter((x) => x.status === 'skip')) expect(c.reason).toBeTruthy();
    expect(report.summary.exitCode).toBe(0);
  });

  it('catches deliberately wrong implementations and names the first divergent step', async () => {
    const report = await runConformance({
      adapters: ['ts-f64:profile=torch,epsPlacement=inside', 'ts-f32:profile=keras,initialAccumulator=1'],
      suites: ['problems', 'edge'],
    });
    expect(report.summary.exitCode).toBe(1);
    for (const c of report.cells.filter((x) => ['pass', 'fail'].includes(x.status))) {
      const w = c.worst!;
      expect(w.step, `${c.adapter} ${c.case}`).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(w.index)).toBe(true);
      // The acceptance bound: a float32 error below 1e-6 of the vector's scale is never reported as huge at scale.
      if (c.dtype === 'float32' && w.abs < 1e-6 * w.scale) expect(w.ulpsAtScale).toBeLessThanOrEqual(2 ** 24);
    }
    expect(report.verdicts.map((v) => v.verdict)).toEqual(['fail', 'fail']);
    const epsInside = report.cells.find(
      (c) => c.adapter.includes('epsPlacement') && c.case === 'problems/quad2d' && c.mode === 'replay' && c.dtype === 'float64',
    )!;
    expect(epsInside.status).toBe('fail');
    expect(epsInside.reanchored!.firstDivergentStep).toBe(1);
    const init = report.cells.find((c) => c.adapter.includes('initialAccumulator') && c.case === 'edge/random')!;
    expect(init.status).toBe('fail');
    expect(init.freeRunning!.firstDivergentStep).toBe(1);
    const md = renderMarkdown(report);
    expect(md).toContain('first divergent step 1');
    const junit = renderJunit(report);
    expect(junit).toContain('<failure message="first divergent step 1');
    expect(() => JSON.parse(renderJson(report))).not.toThrow();
  });

  it('xfail, exclude and unavailable cells carry their reasons', async () => {
    const report = await runConformance({
      adapters: ['ts-f32:profile=torch,eps=0.5', 'ts-f32', 'tfjs-node'],
      suites: ['problems'],
      dtypes: ['float32'],
      xfail: [{ adapter: 'ts-f32:profile=torch,eps=0.5', case: '*', dtype: '*', reason: 'demonstration' }],
      exclude: [{ adapter: 'ts-f32', case: 'problems/rosenbrock', dtype: '*' }],
    });
    // The exclude rule names the adapter id, so it covers every configuration of ts-f32.
    const wrong = report.cells.filter((c) => c.adapter.includes('eps=0.5'));
    expect(wrong.filter((c) => c.case !== 'problems/rosenbrock').every((c) => c.status === 'xfail')).toBe(true);
    expect(wrong.filter((c) => c.case === 'problems/rosenbrock').every((c) => c.status === 'skip')).toBe(true);
    expect(report.cells.find((c) => c.adapter === 'ts-f32' && c.case === 'problems/rosenbrock')!.reason).toMatch(
      /excluded by rule/,
    );
    const node = report.cells.filter((c) => c.adapter === 'tfjs-node');
    expect(node.every((c) => c.status === 'unavailable' && /tfjs-node/.test(c.reason!))).toBe(true);
    expect(report.summary.exitCode).toBe(0);
  });
});

describe('per-adapter verdicts', () => {
  it('an adapter for which nothing was compared fails with the reason, and the run exits 1', async () => {
    const report = await runConformance({
      adapters: ['ts-f32', 'ts-f64'],
      suites: ['problems'],
      cases: ['problems/quad2d'],
      dtypes: ['float64'],
      isolation: 'in-process',
    });
    const f32 = report.verdicts.find((v) => v.adapter === 'ts-f32')!;
    expect(f32).toMatchObject({ verdict: 'fail', compared: 0 });
    expect(f32.reason).toMatch(/^nothing compared: ts-f32 does not support float64/);
    expect(report.verdicts.find((v) => v.adapter === 'ts-f64')).toMatchObject({ verdict: 'pass', compared: 2, maxUlp: 0 });
    expect(report.summary.fail).toBe(0);
    expect(report.summary.exitCode).toBe(1);
    expect(renderMarkdown(report)).toContain('nothing compared: ts-f32 does not support float64');
    expect(renderJunit(report)).toMatch(
      /<testcase classname="rmsprop-harness.ts-f32" name="verdict" time="0">\n +<failure message="nothing compared: ts-f32 does not support float64/,
    );
    expect(renderStepSummary(report)).toContain('**ts-f32**: nothing compared: ts-f32 does not support float64');
    expect(renderAnnotations(report)[0]).toMatch(/^::error title=no comparison%3A ts-f32::nothing compared/);
  });

  it('in a shard an adapter without compared cells is undecided, not failed', async () => {
    const report = await runConformance({
      adapters: ['ts-f32'],
      suites: ['problems'],
      cases: ['problems/quad2d'],
      dtypes: ['float64'],
      shard: { index: 1, count: 2 },
      isolation: 'in-process',
    });
    expect(report.verdicts[0]).toMatchObject({ verdict: 'undecided' });
    expect(report.summary.exitCode).toBe(0);
  });

  it('adapters with options get a short display label: id plus a hash of the spec', async () => {
    const report = await runConformance({
      adapters: ['ts-f32', 'ts-f32:profile=keras,epsPlacement=outside'],
      suites: ['problems'],
      cases: ['problems/quad2d'],
      dtypes: ['float32'],
      modes: ['replay'],
      isolation: 'in-process',
    });
    expect(report.adapters.map((a) => a.short)).toEqual(['ts-f32', expect.stringMatching(/^ts-f32#[0-9a-f]{6}$/)]);
  });
});
