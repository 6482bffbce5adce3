import { describe, expect, it } from 'vitest';
import { InputError } from '../../reference/errors.js';
import { findProfile } from '../../reference/registry.js';
import { renderCompareText } from '../../reports/compare-text.js';
import { renderCompareHtml } from '../../reports/html/compare-charts.js';
import { differenceMatrix } from '../../runner/compare/matrix.js';
import { namingTable, namingTraps } from '../../runner/compare/naming.js';
import { runCompare } from '../../runner/compare/run-compare.js';
import { SUITES } from '../../suites/suites.js';

describe('compare A B', () => {
  it('torch vs keras on x/ln(x) in float32: the published first steps (361.0000 vs 363.0513), and epsPlacement among the responsible axes', async () => {
    const r = await runCompare({ a: 'torch', b: 'keras', problem: 'xlogx', dtype: 'float32' });
    const c = r.comparisons[0];
    expect(c.firstStep.a[0].toFixed(4)).toBe('361.0000');
    expect(c.firstStep.b[0].toFixed(4)).toBe('363.0513');
    expect(c.firstDivergentStep).toBe(1);
    // The decay default (torch alpha 0.99, Keras rho 0.9) explains the bulk; eps and its placement close the rest.
    expect(c.responsible[0]).toBe('decay (default)');
    expect(c.responsible).toContain('epsPlacement');
    expect(c.responsible).toContain('eps (default)');
    expect(c.axes.find((x) => x.axis === 'epsPlacement')).toMatchObject({ a: 'outside', b: 'inside', responsible: true });
    expect(c.axes.find((x) => x.axis === 'fma')).toMatchObject({ responsible: false });
    expect(c.finalLossGap).toBeGreaterThan(0);
    expect(c.names.find((n) => n.hyperparameter === 'decay')).toEqual({ hyperparameter: 'decay', a: 'alpha', b: 'rho' });
    const text = renderCompareText(r);
    expect(text).toMatch(/torch@2\.1 +361\.0000/);
    expect(text).toMatch(/keras@3 +363\.0513/);
    expect(text).toMatch(/responsible: decay \(default\), eps \(default\), epsPlacement/);
    expect(text).toContain("'alpha' is the decay rho here");
  });

  it('tfjs vs keras centered on quad2d: the subtracted epsilon is the whole difference', async () => {
    const r = await runCompare({ a: 'tfjs', b: 'keras', problem: 'quad2d', dtype: 'float32', set: { centered: 'true' } });
    const c = r.comparisons[0];
    expect(c.firstDivergentStep).toBe(1);
    expect(c.responsible).toEqual(['epsPlacement']);
    expect(c.axes.find((x) => x.axis === 'epsPlacement')).toMatchObject({
      a: 'inside-subtracted',
      b: 'inside',
      closes: 1,
      gapAfter: 0,
    });
  });

  it('a profile and an adapter claiming it agree bit for bit; sides can have settings of their own', async () => {
    const same = await runCompare({ a: 'torch', b: 'ts-f32:profile=torch', problem: 'rosenbrock', dtype: 'float32' });
    expect(same.comparisons[0].firstDivergentStep).toBeNull();
    expect(same.comparisons[0].responsible).toEqual([]);
    expect(same.notes.join(' ')).toMatch(/ts-f32:profile=torch claims torch@2\.1/);
    const own = await runCompare({ a: 'torch', b: 'torch', problem: 'quad2d', dtype: 'float64', setB: { eps: '1e-3' } });
    expect(own.comparisons[0].responsible).toEqual(['eps (default)']);
  });

  it('real PyTorch (python3-torch through the external protocol) takes the published first step 361.0000 and matches the torch profile bit for bit', async () => {
    // Needs Debian's python3-torch: `bash scripts/setup-system.sh`.
    const r = await runCompare({
      a: 'torch',
      b: 'external:command=/usr/bin/python3 clients/python/torch_rmsprop.py',
      problem: 'xlogx',
      dtype: 'float32',
    });
    const c = r.comparisons[0];
    expect(c.firstStep.b[0].toFixed(4)).toBe('361.0000');
    expect(c.firstDivergentStep).toBeNull();
  }, 60_000);

  it("runs on every case of a suite, with the cases' settings", async () => {
    const r = await runCompare({ a: 'keras', b: 'keras2-legacy', suites: ['variants'], dtype: 'float32' });
    expect(r.comparisons.length).toBe(SUITES.variants.length);
    const momentum = r.comparisons.find((c) => c.inputs.startsWith('case variants/momentum'))!;
    expect(momentum.inputs).toContain('momentum=0.9');
  });

  it('refuses bad input with one clear message', async () => {
    await expect(runCompare({ a: 'torch', b: 'keras', dtype: 'float32' })).rejects.toThrow(InputError);
    await expect(runCompare({ a: 'torhc', b: 'keras', problem: 'xlogx', dtype: 'float32' })).rejects.toThrow(
      /A 'torhc' is neither a profile nor an adapter: unknown profile 'torhc'; known: torch, keras/,
    );
    await expect(runCompare({ a: 'torch', b: 'keras', problem: 'nope', dtype: 'float32' })).rejects.toThrow(
      /unknown problem 'nope'/,
    );
  });

  it('writes a self-contained HTML page with one chart per comparison', async () => {
    const r = await runCompare({ a: 'tfjs', b: 'keras', problem: 'quad2d', dtype: 'float32', set: { centered: 'true' } });
    const page = await renderCompareHtml(r);
    expect(page).toContain('<figure id="cmp-compare-0"');
    expect(page).toContain('<svg role="img" id="cmp-compare-0-chart"');
    expect(page).not.toMatch(/<script/i);
  });
});

describe('how the frameworks differ', () => {
  it("names each framework's word for every hyperparameter and marks the traps", () => {
    const profiles = ['torch', 'keras', 'keras2-legacy', 'tf1', 'mxnet', 'tfjs'].map((p) => findProfile(p));
    const traps = namingTraps(profiles).map((t) => t.text);
    expect(traps).toContain("'decay' means lrDecay in keras2-legacy; decay in tf1, tfjs");
    expect(traps.some((t) => t.startsWith("mxnet: 'gamma1' is the decay rho"))).toBe(true);
    expect(traps.some((t) => t.startsWith("mxnet: 'gamma2' is the momentum"))).toBe(true);
    expect(traps.some((t) => t.startsWith("torch: 'alpha' is the decay rho"))).toBe(true);
    const decay = namingTable(profiles).find((r) => r.hyperparameter === 'decay')!;
    expect(decay.names).toMatchObject({
      'torch@2.1': 'alpha',
      'keras@3': 'rho',
      'tf1@1': 'decay',
      'mxnet@1': 'gamma1',
      'tfjs@4': 'decay',
    });
    expect(decay.traps.length).toBeGreaterThanOrEqual(3);
  });

  it('the profiles x profiles matrix gives each pair its first divergent step, final gap and responsible axes', async () => {
    const profiles = ['torch', 'keras', 'tfjs'].map((p) => findProfile(p));
    const d = await differenceMatrix(
      SUITES.problems.filter((c) => ['xlogx', 'quad2d'].includes(c.id)),
      'float32',
      profiles,
    );
    expect(d.matrix.length).toBe(3);
    const keras = d.matrix.find((m) => m.a === 'keras@3' && m.b === 'tfjs@4')!;
    expect(keras.diverging).toBe(0); // uncentered Keras 3 and tfjs are the same arithmetic on these problems
    expect(keras.comparison).toBeNull();
    const torch = d.matrix.find((m) => m.a === 'torch@2.1' && m.b === 'keras@3')!;
    expect(torch).toMatchObject({ cases: 2, diverging: 2, firstDivergentStep: 1 });
    expect(torch.responsible).toContain('epsPlacement');
    expect(d.comparisons.find((c) => c.id === torch.comparison)!.a).toBe('torch@2.1');
  });
});
