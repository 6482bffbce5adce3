// The calibration verdict "exact up to the declared op error": real torch and optax recordings whose
// only difference from the reference is the framework's sqrt / rsqrt, re-anchored step by step on the
// recorded parameters and state; and a user's own recorded runs replayed from a folder.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRecordingsDir, readRecording, readRecordingManifest, type Recording } from '../../suites/recordings-file.js';
import { calibrate, calibrateRecording } from '../../suites/recordings-replay.js';
import { recordedState } from '../../suites/recordings-state.js';

const dir = defaultRecordingsDir();
const manifest = readRecordingManifest(dir);
const load = (file: string): Recording =>
  readRecording(
    dir,
    manifest.files.find((f) => f.file === file)!,
  );

const TORCH = 'torch/torch-forloop_bowl3_centered_momentum_float32.json';
// The torch and optax recordings are bit-exact with MKL's and XLA's own algorithms (the profiles'
// defaults); replayed with the plain ops, they are what a build whose op is not modelled looks like.
const PLAIN = { sqrtImpl: 'correctly-rounded', rsqrtImpl: 'one-over-sqrt' };

describe('exact up to the declared op error', () => {
  it('a torch run that drifts outside the tolerance free-running is reproduced step by step with sqrt within 1 ulp', () => {
    expect(calibrateRecording(load(TORCH)).verdict).toBe('bit-exact');
    const result = calibrateRecording(load(TORCH), PLAIN);
    expect(result).toMatchObject({
      verdict: 'exact-up-to-op-error',
      opErrors: 'sqrt within 1 ulp (mkl-vml-sqrt)',
      reanchored: { explained: true, freeRunning: 'outside' },
    });
    expect(result.firstDifferentStep).toBeGreaterThan(0);
  });

  it('one recorded parameter moved at step 10 is named as the step the declared error cannot explain', () => {
    const rec = load(TORCH);
    const trajectory = rec.trajectory.map((x) => Float64Array.from(x));
    trajectory[9][0] = Math.fround(trajectory[9][0] * (1 + 1e-3));
    const result = calibrateRecording({ ...rec, trajectory }, PLAIN);
    expect(result.verdict).not.toBe('exact-up-to-op-error');
    expect(result.reanchored).toMatchObject({ explained: false, step: 10, index: 0, quantity: 'p' });
  });

  it('a recording without the momentum buffer the step writes is not re-anchored, and says why', () => {
    const rec = load(TORCH);
    const { momentum_buffer: _dropped, ...rest } = rec.statePerStep;
    const result = calibrateRecording({ ...rec, statePerStep: rest }, PLAIN);
    expect(result.verdict).toBe('outside');
    expect(result.reanchored?.unavailable).toMatch(/writes b, which the recording does not hold/);
  });

  it('an optax momentum run is bit-exact with XLA rsqrt on AMD, and exact up to the op error with the Intel value (float32 not modelled)', () => {
    const file = load('optax/optax-eps_in_sqrt_bowl3_centered_momentum_float32.json');
    expect(calibrateRecording(file).verdict).toBe('bit-exact');
    const result = calibrateRecording(file, { rsqrtImpl: 'xla-cpu-intel-avx512' });
    expect(result).toMatchObject({ verdict: 'exact-up-to-op-error', opErrors: 'rsqrt within 1 ulp (xla-cpu-rsqrt)' });
  });

  it('a profile that declares no inexact op is never re-anchored: a TF raw-op run moved by 1e-3 is within or outside, never exact', () => {
    const rec = load('tf/tf-rawops_bowl3_plain_float32.json');
    const trajectory = rec.trajectory.map((x) => Float64Array.from(x));
    trajectory[4][1] = Math.fround(trajectory[4][1] * (1 + 1e-3));
    const result = calibrateRecording({ ...rec, trajectory });
    expect(result.verdict).toBe('outside');
    expect(result.reanchored).toBeUndefined();
    expect(result.opErrors).toBeUndefined();
  });
});

describe('the recorded state as the reference buffers', () => {
  it("reads optax's trace as the buffer itself, signed zeros included (the optax profile traces -lr*... as optax does)", () => {
    const state = recordedState({ '[1][0].nu': [[1, 2]], '[2].trace': [[-0, -0.5]], '[0].count': [1] }, 'test');
    expect(Array.from(state.rows.v![0])).toEqual([1, 2]);
    expect(Object.is(state.rows.b![0][0], -0)).toBe(true);
    expect(state.rows.b![0][1]).toBe(-0.5);
  });

  it("reads torch's slots as they are, signed zeros included", () => {
    const state = recordedState({ square_avg: [[-0, 1]], momentum_buffer: [[2, 3]], step: [1] }, 'test');
    expect(Object.is(state.rows.v![0][0], -0)).toBe(true);
    expect(state.rows.b).toHaveLength(1);
  });
});

describe("a user's own recorded runs (clients/python/record.py format, no manifest)", () => {
  it('are replayed from a folder, by file path, under the framework id record.py writes', () => {
    const folder = mkdtempSync(join(tmpdir(), 'my-runs-'));
    mkdirSync(join(folder, 'cluster'));
    const doc = JSON.parse(readFileSync(join(dir, TORCH), 'utf8'));
    writeFileSync(join(folder, 'cluster', 'run1.json'), JSON.stringify({ ...doc, framework: 'torch', case: 'recorded' }));
    const report = calibrate({ dir: folder });
    expect(report.results.map((r) => [r.file, r.framework, r.profile, r.verdict])).toEqual([
      ['cluster/run1.json', 'torch', 'torch@2.13', 'bit-exact'],
    ]);
  });
});
