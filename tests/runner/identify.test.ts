// identify: the probes name the profile an implementation follows, from its numbers alone.

import { afterEach, describe, expect, it, vi } from 'vitest';

import { InputError } from '../../reference/errors.js';
import { profileKey } from '../../reference/profile.js';
import { findProfile } from '../../reference/registry.js';
import { renderIdentifyText } from '../../runner/identify/format.js';
import { identify, type IdentifyResult } from '../../runner/identify/identify.js';
import { PROBES } from '../../runner/identify/probes.js';
import { identifyMain } from '../../scripts/commands/identify.js';

const key = (name: string) => profileKey(findProfile(name));

// Profiles the probes may be unable to tell apart: MindSpore's centered CPU kernel is the TF1 one; its
// uncentered AVX step (eps outside the sqrt) and float32-rounded weight_decay separate them elsewhere.
const SAME_ARITHMETIC: Record<string, string[]> = { tf1: ['mindspore@2'] };

function expectMatch(r: IdentifyResult, profile: string): void {
  const why = renderIdentifyText(r);
  expect(r.verdict.matched, why).toBe(true);
  expect(r.verdict.best, why).toBe(key(profile));
  for (const other of r.verdict.indistinguishable) expect(SAME_ARITHMETIC[profile] ?? [], why).toContain(other);
  expect(r.exitCode).toBe(0);
  // Every probe ran, or was skipped because the adapter declares it lacks the probe's hyperparameter.
  for (const p of r.probes)
    if (p.status !== 'ran') expect(p.reason, why).toMatch(/ has no (weightDecay|clip|clipNorm|lrDecay|momentum)\b/);
  expect(r.probes.filter((p) => p.status === 'ran').length, why).toBeGreaterThanOrEqual(10);
  // Evidence: every probe agrees with the best profile, and the runner-up is named with where it differs.
  for (const e of r.evidence) expect(e.best?.agree, `${e.key}\n${why}`).toBe(true);
  expect(r.verdict.runnerUp).toBeTruthy();
  expect(
    r.evidence.some((e) => e.runnerUp && !e.runnerUp.agree && e.runnerUp.first),
    why,
  ).toBe(true);
}

function axis(r: IdentifyResult, name: string) {
  return r.axes.find((a) => a.axis === name)!;
}

describe('identify', () => {
  it.each(['tfjs-cpu', 'tfjs-wasm'])('%s is tfjs, with eps subtracted inside the sqrt when centered', async (spec) => {
    const r = await identify(spec);
    expectMatch(r, 'tfjs');
    const eps = axis(r, 'epsPlacement');
    const subtracted = eps.groups.find((g) => g.value === 'inside-subtracted')!;
    expect(subtracted, JSON.stringify(eps)).toBeDefined();
    expect(subtracted.status).toBe('determined');
    expect(subtracted.probes).toEqual(expect.arrayContaining(['centered-zero-first/float32', 'centered/float32']));
    // The zero first gradient makes sqrt(0 - (0 + eps)) NaN: the runner-up (eps added) predicts a finite step.
    const zeroFirst = r.evidence.find((e) => e.key === 'centered-zero-first/float32')!;
    expect(zeroFirst.runnerUp?.agree).toBe(false);
    expect(Number.isNaN(zeroFirst.runnerUp!.first!.observed)).toBe(true);
    expect(axis(r, 'eps').groups[0].value).toBe(1e-7);
  });

  it.each(['torch', 'keras', 'tf1', 'd2l'])('ts-f32:profile=%s is named', async (profile) => {
    const r = await identify(`ts-f32:profile=${profile}`);
    expectMatch(r, profile);
  });

  it('ts-f32:profile=torch is torch 2.1, told from 1.13 by the centered mean (lerp) and the sqrt, with its FMA sites', async () => {
    const r = await identify('ts-f32:profile=torch');
    expect(r.verdict.runnerUp).toBe('torch@1.13');
    // 1.13 computes the centered mean with mul_/add_ (2.1: lerp_), and is Debian's build with a correctly
    // rounded sqrt (2.1: MKL's AMD kernel), which every probe through a sqrt sees.
    expect(r.candidates.find((c) => c.label === 'torch@1.13')!.disagreeing).toEqual(
      expect.arrayContaining(['centered-zero-first/float32', 'centered/float32']),
    );
    expect(axis(r, 'fma').status).toBe('determined');
    expect(axis(r, 'initialAccumulator').groups[0].value).toBe(0);
  });

  it.each(['keras', 'tf1', 'd2l', 'tfjs'])('onnxruntime:profile=%s is named', async (profile) => {
    const r = await identify(`onnxruntime:profile=${profile}`);
    expect(r.dtypes).toEqual(['float32', 'float64']);
    expectMatch(r, profile);
    expect(r.verdict.viaFixedAxes).toBeUndefined();
  });

  it('onnxruntime:profile=torch is torch with the FMA the adapter declares it lacks (fixedAxes fma=[])', async () => {
    const r = await identify('onnxruntime:profile=torch');
    const why = renderIdentifyText(r);
    expect(r.verdict.matched, why).toBe(true);
    // ONNX Runtime's Sqrt and Div are the plain ops: the adapter fixes them with the missing FMA.
    expect(r.verdict.best).toBe('torch@2.1 with fma=[], sqrtImpl=correctly-rounded, rsqrtImpl=one-over-sqrt');
    expect(r.verdict.viaFixedAxes).toEqual({ fma: [], sqrtImpl: 'correctly-rounded', rsqrtImpl: 'one-over-sqrt' });
    expect(r.verdict.summary).toContain('fma=[]');
    expect(r.exitCode).toBe(0);
    // Plain torch (with FMA) disagrees: the probes see the missing contraction.
    expect(r.candidates.find((c) => c.label === 'torch@2.1')!.disagree).toBeGreaterThan(0);
    expect(axis(r, 'fma').groups.map((g) => g.value)).toEqual([[]]);
  });

  it('a deliberately modified implementation matches no profile, and the differing axis is named', async () => {
    const r = await identify('ts-f64:profile=torch,epsPlacement=inside');
    const why = renderIdentifyText(r);
    expect(r.verdict.matched, why).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.verdict.closest, why).toMatchObject({
      label: 'torch@2.1',
      explained: true,
      changes: [{ axis: 'epsPlacement', from: 'outside', to: 'inside' }],
    });
    expect(r.verdict.summary).toMatch(/no profile matches; closest torch@2\.1.*epsPlacement outside→inside/);
    expect(axis(r, 'epsPlacement').groups).toMatchObject([{ value: 'inside', status: 'determined' }]);
    // Evidence names the first differing value against the unmodified profile.
    const first = r.evidence.find((e) => e.key === 'eps-placement/float64')!.best!;
    expect(first.agree).toBe(false);
    expect(first.first).toMatchObject({ step: 1, quantity: 'p' });
  });

  it('torch without FMA in float32 is told from torch by the amplified probes', async () => {
    const r = await identify('ts-f32:profile=torch,fma=off');
    expect(r.verdict.matched).toBe(false);
    expect(r.verdict.closest).toMatchObject({ label: 'torch@2.1', explained: true, changes: [{ axis: 'fma', to: [] }] });
  });

  it('probes an adapter cannot run are reported with the reason, and their axes as not probed', async () => {
    const r = await identify('ts-f32:profile=torch', { dtypes: ['float32'] });
    expect(r.probes.find((p) => p.probe === 'hyperparameter-rounding')).toBeUndefined(); // float64 only
    // Claiming Caffe, which refuses momentum: the momentum probe cannot be built for it.
    const caffe = await identify('ts-f32:profile=caffe');
    const momentum = caffe.probes.find((p) => p.probe === 'momentum')!;
    expect(momentum.status).toBe('skipped');
    expect(momentum.reason).toMatch(/caffe@1 refuses the settings: .*Momentum cannot be used/);
    expect(caffe.verdict.best).toBe('caffe@1');
    expect(axis(caffe, 'momentumKind').status).toBe('not-probed');
    expect(axis(caffe, 'momentumKind').reason).toMatch(/not probed: caffe@1 refuses/);
  });

  it('every probe is described and targets an axis', () => {
    expect(PROBES.length).toBeGreaterThanOrEqual(8);
    for (const p of PROBES) {
      expect(p.describe.length).toBeGreaterThan(20);
      expect(p.targets.length).toBeGreaterThan(0);
    }
  });

  describe('command', () => {
    let out = '';
    afterEach(() => vi.restoreAllMocks());
    const capture = () => {
      out = '';
      // writeJsonToStdout waits for the write callback: call it.
      vi.spyOn(process.stdout, 'write').mockImplementation(
        (chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) => {
          out += String(chunk);
          const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
          if (typeof done === 'function') (done as (err?: Error | null) => void)(null);
          return true;
        },
      );
    };

    it('prints one screen of text, exit 0 on a match', async () => {
      capture();
      const code = await identifyMain({ adapter: ['ts-f32:profile=keras'], json: false });
      vi.restoreAllMocks();
      expect(code).toBe(0);
      expect(out).toMatch(/^identify ts-f32:profile=keras/);
      expect(out).toContain('MATCH: keras@3');
      expect(out.split('\n').length).toBeLessThan(40);
    });

    it('--json prints the result, exit 1 when nothing matches', async () => {
      capture();
      const code = await identifyMain({ adapter: ['ts-f64:profile=torch', 'epsPlacement=inside'], json: true, dtype: 'float64' });
      vi.restoreAllMocks();
      expect(code).toBe(1);
      const doc = JSON.parse(out) as IdentifyResult;
      expect(doc.adapter.label).toBe('ts-f64:profile=torch,epsPlacement=inside');
      expect(doc.verdict.closest?.changes[0]?.axis).toBe('epsPlacement');
    });

    it('usage errors are InputErrors (exit 2, one line)', async () => {
      await expect(identifyMain({ adapter: ['no-such-adapter'], json: false })).rejects.toThrow(InputError);
      await expect(identifyMain({ adapter: ['ts-f32', 'ts-f64'], json: false })).rejects.toThrow(/one adapter spec/);
      await expect(identifyMain({ adapter: ['ts-f32'], json: false, dtype: 'float64' })).rejects.toThrow(
        /does not support float64/,
      );
      await expect(identifyMain({ adapter: ['ts-f32'], json: false, dtype: 'half' })).rejects.toThrow(InputError);
      await expect(identifyMain({ adapter: ['ts-f32:profile=nope'], json: false })).rejects.toThrow(InputError);
      await expect(identify('tfjs-node')).rejects.toThrow(/unavailable/);
    });
  });
});
