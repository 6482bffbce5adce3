// The acceptance of issue 14 on an implementation the harness did not write (a user's torch-style
// RMSprop without FMA, tests/fixtures/user-rmsprop): the correct form passes by declaring fma=off, as
// a module and over the protocol; each of seven injected single-axis bugs fails at the step where it
// first matters, and identify names the responsible axis (or says no axis explains the probe).

import { describe, expect, it } from 'vitest';
import type { Dtype } from '../../reference/arithmetic.js';
import { replaySource, runTrajectory } from '../../reference/trajectory.js';
import type { Variant } from '../../reference/variant.js';
import { expectedFor } from '../../runner/expected.js';
import { renderIdentifyText } from '../../runner/identify/format.js';
import { identify, type IdentifyResult } from '../../runner/identify/identify.js';
import { emptySeries, recordStep } from '../../runner/metrics.js';
import type { Cell } from '../../runner/result.js';
import { runConformance } from '../../runner/run-conformance.js';
import { toleranceFor } from '../../runner/tolerance.js';
import { findCase } from '../../runner/cell-job.js';
import { BUGS } from '../fixtures/user-rmsprop/rmsprop.mjs';

const MODULE = 'module:path=tests/fixtures/user-rmsprop/module.ts';
const PROGRAM = 'external:command=node tests/fixtures/user-rmsprop/program.mjs';

/** Each bug: the suite case that exposes it, and the reference variant with the bug (null: no axis expresses it). */
const BUG_CASES: Record<string, { case: string; dtype: Dtype; variant: ((v: Variant) => Variant) | null }> = {
  'eps-inside': { case: 'edge/random', dtype: 'float64', variant: (v) => ({ ...v, epsPlacement: 'inside' }) },
  'init-one': { case: 'edge/random', dtype: 'float64', variant: (v) => ({ ...v, initialAccumulator: 1 }) },
  'lr-inside-momentum': { case: 'variants/momentum', dtype: 'float64', variant: (v) => ({ ...v, momentumKind: 'lr-inside' }) },
  'nan-to-zero': { case: 'edge/nan-at', dtype: 'float64', variant: null },
  'decoupled-wd': { case: 'variants/weight-decay', dtype: 'float64', variant: (v) => ({ ...v, weightDecayKind: 'decoupled' }) },
  'square-first': { case: 'variants/weight-decay', dtype: 'float64', variant: (v) => ({ ...v, squareGrouping: '(1-b)*(g*g)' }) },
  'one-minus-decay-in-dtype': { case: 'edge/random', dtype: 'float32', variant: (v) => ({ ...v, oneMinusDecay: 'compute' }) },
};

/** The first step at which the bug departs from the correct implementation beyond tolerance, from the reference alone. */
function rightStep(bug: string): number {
  const spec = BUG_CASES[bug];
  const c = findCase(spec.case);
  const e = expectedFor('torch@1.13', { fma: [] }, c, spec.dtype);
  const grads = e.trajectory.points.map((p) => p.grad);
  if (!spec.variant) return grads.findIndex((g) => g.some(Number.isNaN)) + 1; // nan-to-zero: the first NaN gradient
  const buggy = runTrajectory(spec.variant(e.resolved.variant), spec.dtype, e.x0, grads.length, replaySource(grads));
  const tol = toleranceFor(spec.dtype, 'user', spec.case, []);
  const series = emptySeries();
  buggy.points.forEach((p, t) => {
    const want = e.trajectory.points[t];
    recordStep(series, 'params', t + 1, want.params, p.params, spec.dtype, tol);
    for (const q of ['v', 'm', 'b'] as const) recordStep(series, q, t + 1, want.state[q], p.state[q], spec.dtype, tol);
  });
  return series.firstDivergentStep!;
}

const divergentStep = (cell: Cell) =>
  Math.min(...[cell.freeRunning, cell.reanchored, cell.state].map((s) => s?.firstDivergentStep ?? Infinity));

async function conform(
  adapter: string,
  cases: string[],
  dtypes: Dtype[] = ['float32', 'float64'],
  modes: ('replay' | 'closed-loop')[] = ['replay'],
) {
  return runConformance({
    adapters: [adapter],
    cases,
    suites: ['variants', 'edge'],
    dtypes,
    modes,
    isolation: 'in-process',
    compareProfiles: false,
  });
}

/** The axes identify blames: the smallest explanation, or, when another profile matches, what separates it from the claimed one. */
function namedAxes(r: IdentifyResult): string[] {
  const v = r.verdict;
  const changes = v.matched ? (v.fromClaimed?.[0]?.changes ?? []) : v.closest?.explained ? v.closest.changes : [];
  return changes.map((c) => c.axis);
}

describe("a user's RMSprop without FMA", () => {
  it('passes conform by declaring fma=off, as a module and over protocol v2, and fails without the declaration', async () => {
    for (const adapter of [MODULE, PROGRAM]) {
      const r = await conform(adapter, ['variants/*', 'edge/*']);
      const bad = r.cells.filter((c) => c.status !== 'pass' && c.status !== 'skip');
      expect(
        bad.map((c) => `${c.case} ${c.dtype} ${c.status} ${c.reason ?? ''}`),
        adapter,
      ).toEqual([]);
      expect(r.cells.filter((c) => c.status === 'pass').length).toBeGreaterThanOrEqual(40);
      // Re-anchored steps and the state at every step are compared, over the protocol too.
      const momentum = r.cells.find((c) => c.case === 'variants/momentum' && c.dtype === 'float32')!;
      expect(momentum.reanchored?.steps.length, adapter).toBe(30);
      expect(momentum.state?.steps.length, adapter).toBe(30);
    }
    for (const adapter of [`${MODULE},declare=none`, `${PROGRAM} --declare=none`]) {
      // Without FMA the missing contraction shows within 30 closed-loop steps.
      const r = await conform(adapter, ['variants/momentum'], ['float32'], ['closed-loop']);
      expect(r.cells[0].status, adapter).toBe('fail');
    }
  }, 120_000);

  it('a v1 program is still accepted (compared free-running, state at the last step)', async () => {
    const r = await conform(`${PROGRAM} --v1`, ['edge/random'], ['float64']);
    expect(r.cells[0].status).toBe('pass');
    expect(r.cells[0].reanchoredUnavailable).toMatch(/cannot load optimizer state/);
  }, 60_000);

  it('identify matches torch@1.13 with fma=[] (the declared axes), as a module and over the protocol', async () => {
    for (const adapter of [MODULE, PROGRAM]) {
      const r = await identify(adapter, { isolation: 'in-process' });
      expect(r.verdict.matched, renderIdentifyText(r)).toBe(true);
      expect(r.verdict.best).toBe('torch@1.13 with fma=[]');
    }
  }, 120_000);

  describe('seven injected single-axis bugs', () => {
    const named: Record<string, boolean> = {};

    it.each(Object.keys(BUGS))(
      '%s fails conform at the step where it first matters',
      async (bug) => {
        const spec = BUG_CASES[bug];
        const r = await conform(`${MODULE},bug=${bug}`, [spec.case], [spec.dtype]);
        const cell = r.cells[0];
        expect(cell.status).toBe('fail');
        expect(divergentStep(cell)).toBe(rightStep(bug));
      },
      60_000,
    );

    it.each(Object.keys(BUGS))(
      'identify on %s names the responsible axis, or says no axis explains the probe',
      async (bug) => {
        const r = await identify(`${MODULE},bug=${bug}`, { isolation: 'in-process' });
        const why = renderIdentifyText(r);
        const axis = BUGS[bug];
        if (axis) {
          named[bug] = namedAxes(r).length === 1 && namedAxes(r)[0] === axis;
          expect(namedAxes(r), why).toEqual([axis]);
          expect(r.exitCode).toBe(1 - Number(r.verdict.matched));
        } else {
          // No axis of the reference replaces NaN gradients: the non-finite probes are named, with what was expected and observed.
          named[bug] = false;
          expect(r.verdict.matched, why).toBe(false);
          expect(r.verdict.closest?.explained, why).toBe(false);
          const nonFinite = r.verdict.unexplained!.filter((u) => u.probe.startsWith('non-finite'));
          expect(nonFinite.length, why).toBeGreaterThan(0);
          expect(nonFinite[0]).toMatchObject({ explainedAlone: false, step: 2, expected: 'NaN' });
          expect(why).toMatch(
            /no axis explains probe non-finite\/float(32|64) \(no change of up to 2 axes makes it agree on its own\): step 2 p\[0\]: expected NaN, observed 1\.03/,
          );
        }
      },
      120_000,
    );

    it('identify named the responsible axis for at least 6 of the 7', () => {
      expect(Object.keys(named).length).toBe(7);
      expect(Object.values(named).filter(Boolean).length).toBeGreaterThanOrEqual(6);
    });

    it('identify explains a bug over the protocol too (JSON output keeps the explanation)', async () => {
      const r = await identify(`${PROGRAM} --bug=eps-inside`, { isolation: 'in-process' });
      expect(namedAxes(r)).toEqual(['epsPlacement']);
      const json = JSON.parse(JSON.stringify(r)) as IdentifyResult;
      expect(json.verdict.explanations?.[0]).toMatchObject({
        label: 'torch@1.13 with fma=[]',
        changes: [{ axis: 'epsPlacement', from: 'outside', to: 'inside' }],
      });
      expect(json.verdict.search).toMatchObject({ maxChanges: 1, exhausted: true });
    }, 60_000);
  });
});

describe('identify search', () => {
  it('reports ties as ties: every smallest explanation is listed', async () => {
    const r = await identify(`${MODULE},bug=square-first`, { isolation: 'in-process' });
    const sizes = new Set(r.verdict.explanations!.map((x) => x.changes.length));
    expect(sizes).toEqual(new Set([1]));
    expect(r.verdict.explanations!.length).toBeGreaterThan(1);
    expect(r.verdict.closest?.tied?.length).toBe(r.verdict.explanations!.length - 1);
    expect(r.verdict.summary).toContain('as small (tie)');
  }, 60_000);

  it('finds a two-axis explanation that no single change gives (not greedy)', async () => {
    const r = await identify('ts-f64:profile=torch,epsPlacement=inside,weightDecayKind=decoupled', { isolation: 'in-process' });
    const axes = r.verdict.closest!.changes.map((c) => c.axis).sort();
    expect(r.verdict.closest!.explained, renderIdentifyText(r)).toBe(true);
    expect(axes).toEqual(['epsPlacement', 'weightDecayKind']);
    expect(r.verdict.search?.maxChanges).toBe(2);
  }, 60_000);

  it('a hung adapter is stopped: its probe is an error with the reason, the others still run', async () => {
    const r = await identify('module:path=tests/fixtures/adapters/faulty-adapter.mjs,fault=hang,on=identify/momentum/', {
      probeTimeoutMs: 4000,
    });
    const hung = r.probes.find((p) => p.key === 'momentum/float64')!;
    expect(hung.status).toBe('error');
    expect(hung.reason).toMatch(/timed out after 4 s; the worker process was stopped/);
    expect(r.probes.filter((p) => p.status === 'ran').length).toBeGreaterThan(10);
  }, 120_000);
});
