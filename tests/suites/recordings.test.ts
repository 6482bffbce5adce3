// The calibration recordings as a suite: loading (manifest sha256, schema), the mapping from each
// recorded API call to a profile and `--set` values, and the replay verdicts stated in
// suites/recordings/expected-verdicts.json.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../reference/errors.js';
import { resolveVariant } from '../../reference/resolve.js';
import { nextUp64 } from '../../reference/float-bits.js';
import { compareVerdicts, readExpectedVerdicts } from '../../suites/recordings-expected.js';
import {
  defaultRecordingsDir,
  loadRecordings,
  readRecording,
  readRecordingManifest,
  type Recording,
} from '../../suites/recordings-file.js';
import { replayCommand, replayPlan } from '../../suites/recordings-mapping.js';
import { calibrate, calibrateRecording, type CalibrationReport } from '../../suites/recordings-replay.js';

const DIR = defaultRecordingsDir();
const manifest = readRecordingManifest(DIR);
const entry = (file: string) => manifest.files.find((f) => f.file === file)!;
const recording = (file: string): Recording => readRecording(DIR, entry(file));

/** A copy of one recording with its manifest entry, in a fresh folder, for corrupting. */
function copyOne(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'recordings-'));
  mkdirSync(join(dir, file.split('/')[0]));
  copyFileSync(join(DIR, file), join(dir, file));
  const only = {
    ...manifest,
    count_data_files: 1,
    data_files_per_framework: { [entry(file).framework!]: 1 },
    files: [entry(file)],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(only));
  return dir;
}

describe('loading the recordings', () => {
  it('finds all 568 data files of the manifest, each with its framework, case and dtype', () => {
    const all = loadRecordings();
    expect(all).toHaveLength(568);
    expect(new Set(all.map((r) => r.framework)).size).toBe(11);
    expect(all.every((r) => r.grads.length === r.trajectory.length)).toBe(true);
  });

  it('refuses a recording whose bytes no longer match the manifest sha256, naming the file', () => {
    const file = 'tfjs/tfjs-cpu_bowl3_plain_float32.json';
    const dir = copyOne(file);
    const text = readFileSync(join(dir, file), 'utf8');
    writeFileSync(join(dir, file), text.replace('"steps":80', '"steps":79'));
    expect(() => loadRecordings({ dir })).toThrow(InputError);
    expect(() => loadRecordings({ dir })).toThrow(/tfjs-cpu_bowl3_plain_float32\.json: sha256 does not match the manifest/);
  });

  it('refuses a recording that is not of the recording schema, with the JSON pointer of the fault', () => {
    const file = 'tfjs/tfjs-cpu_bowl3_plain_float32.json';
    const dir = copyOne(file);
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    doc.grads[3][1] = 'nan'; // not one of the encoded non-finite spellings
    const text = JSON.stringify(doc);
    writeFileSync(join(dir, file), text);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.files[0].sha256 = createHash('sha256').update(text).digest('hex');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    expect(() => loadRecordings({ dir })).toThrow(/\/grads\/3\/1/);
  });

  it('names the recorded frameworks when asked for one that was not recorded', () => {
    expect(() => loadRecordings({ framework: 'jax-gpu' })).toThrow(
      /unknown framework 'jax-gpu'; recorded: keras-tf, .*torch-forloop/,
    );
  });
});

describe('the mapping from a recorded API call to a replay', () => {
  it("passes torch's own argument names and drops the ones that do not change the arithmetic", () => {
    const plan = replayPlan(recording('torch/torch-forloop_bowl3_wd_centered_momentum_float64.json'));
    expect(plan).toEqual({
      profile: 'torch@2.13',
      settings: {
        lr: '0.02',
        alpha: '0.8',
        eps: '0.000001',
        weight_decay: '0.05',
        momentum: '0.7',
        centered: 'true',
        foreach: 'false',
        maximize: 'false',
      },
    });
  });

  it('replays a float32 tensor lr at its float32 value (torch uses lr = torch.tensor(0.02) as 0.019999999552965164)', () => {
    const plan = replayPlan(recording('torch/torch-forloop_bowl3_lrtensor_momentum_float64.json'));
    expect(plan.settings.lr_tensor_dtype).toBe('float32');
    expect(plan.settings.lr).toBe('0.02');
    expect(resolveVariant(plan.profile, 'float64', plan.settings).variant.float32Hyperparameters).toEqual(['lr']);
  });

  it('keeps Keras weight_decay float32-rounded but the lr exact when floatx is float64', () => {
    const plan = replayPlan(recording('keras/keras-tf_bowl3_wd_float64.json'));
    expect(plan.settings).toMatchObject({ weight_decay: '0.02', floatx: 'float64' });
    expect(resolveVariant(plan.profile, 'float64', plan.settings).variant.float32Hyperparameters).toEqual(['weightDecay']);
    const floatx32 = replayPlan(recording('keras/keras-tf-floatx32_bowl3_wd_float64.json'));
    expect(floatx32.settings.floatx).toBe('float32');
    expect(resolveVariant(floatx32.profile, 'float64', floatx32.settings).variant.float32Hyperparameters).toEqual([
      'lr',
      'weightDecay',
    ]);
  });

  it("writes a recorded schedule back as the framework's call, under the framework's own setting", () => {
    const torch = recording('torch/torch-forloop_bowl3_steplr_momentum_float64.json');
    expect(replayPlan(torch).settings).toMatchObject({ lr: '0.02', scheduler: 'StepLR(step_size=20, gamma=0.5, last_epoch=-1)' });
    expect(replayCommand(torch, replayPlan(torch))).toContain(
      " --set 'scheduler=StepLR(step_size=20, gamma=0.5, last_epoch=-1)'",
    );
    const keras = recording('keras/keras-tf_bowl3_cosine_warmup_momentum_float32.json');
    expect(replayPlan(keras).settings.learning_rate).toBe(
      'CosineDecay(initial_learning_rate=0, decay_steps=50, alpha=0, warmup_target=0.02, warmup_steps=10)',
    );
  });

  it('names the chained optax.clip_by_global_norm argument by its own name, max_norm', () => {
    const r = recording('optax/optax-eps_in_sqrt_bowl3_clip_global_norm05_float64.json');
    expect(replayPlan(r).settings).toMatchObject({ max_norm: '0.5', eps_in_sqrt: 'true', decay: '0.8' });
    expect(replayCommand(r, replayPlan(r))).toBe(
      'rmsprop-harness trajectory --profile optax@0.2 --dtype float64 --grads FILE --x0 0.8,-1.7,2.4 --set learning_rate=0.02 --set decay=0.8 --set eps=0.000001 --set initial_scale=0 --set eps_in_sqrt=true --set centered=false --set nesterov=false --set bias_correction=false --set max_norm=0.5',
    );
  });

  it('refuses an inert argument at a value that is not modelled, and an argument the profile does not know', () => {
    const r = recording('torch/torch-forloop_bowl3_plain_float64.json');
    expect(replayPlan({ ...r, hyperparams: { ...r.hyperparams, capturable: true } }).refused).toBe(
      'capturable=true: only false is modelled (capturable=False: the step counter stays on the host)',
    );
    expect(calibrateRecording({ ...r, hyperparams: { ...r.hyperparams, fused: true } })).toMatchObject({
      verdict: 'refused',
      reason: expect.stringMatching(/^unknown setting 'fused' for profile torch/),
    });
  });
});

describe('replaying', () => {
  it('the first tf.compat.v1 float64 step, derived by hand from training_ops.cc with float32-rounded hyperparameters and rms starting at 1, equals the recording bit for bit', () => {
    const r = recording('tf/tf-compat-v1_bowl3_plain_float64.json');
    const [lr, rho, eps] = [Math.fround(0.02), Math.fround(0.8), Math.fround(1e-6)];
    const expected = Array.from(r.x0, (x, i) => {
      const g = r.grads[0][i];
      const ms = 1 + (g * g - 1) * (1 - rho); // ms += (grad^2 - ms) * (1 - rho), ms = 1
      return x - (g * lr) / Math.sqrt(ms + eps); // mom = 0*mom + (grad*lr)/sqrt(ms + epsilon); var -= mom
    });
    expect(Array.from(r.trajectory[0])).toEqual(expected);
    expect(calibrateRecording(r)).toMatchObject({ verdict: 'bit-exact', profile: 'tf1@1' });
  });

  it('the first two torch bfloat16 momentum steps, derived by hand (float32 opmath, one rounding per ATen op, add_(alpha) in BFloat16 arithmetic), equal the recording for-loop bit for bit and the foreach run only with the mul_ scalar rounded', () => {
    const f = Math.fround;
    const u32 = new Uint32Array(1);
    const f32 = new Float32Array(u32.buffer);
    // c10::BFloat16 round_to_nearest_even from a float32: bits + 0x7fff + lsb, keep the top 16 bits.
    const bf = (x: number) => {
      f32[0] = x;
      u32[0] = (u32[0] + 0x7fff + ((u32[0] >>> 16) & 1)) & 0xffff0000;
      return f32[0];
    };
    const forloop = recording('torch/torch-forloop_bowl3_momentum_bfloat16.json');
    const foreach = recording('torch/torch-foreach_bowl3_momentum_bfloat16.json');
    const hp = forloop.hyperparams as Record<string, number>;
    const run = (mulScalar: (s: number) => number) => {
      let x = Array.from(forloop.x0, (v) => bf(f(v)));
      const v = [0, 0, 0];
      const buf = [0, 0, 0];
      const out: number[][] = [];
      for (let t = 0; t < 2; t++) {
        x = x.map((p, i) => {
          const g = forloop.grads[t][i];
          v[i] = bf(f(v[i] * mulScalar(hp.alpha))); // square_avg.mul_(alpha): BinaryOpsKernel mul_kernel
          v[i] = bf(f(f(f(1 - hp.alpha) * g) * g + v[i])); // addcmul_(g, g, value=1-alpha): fma of float values, one rounding
          const avg = bf(f(bf(f(Math.sqrt(v[i]))) + f(hp.eps))); // sqrt(), then add_(eps) with eps as float
          buf[i] = bf(f(buf[i] * mulScalar(hp.momentum))); // buf.mul_(momentum)
          buf[i] = bf(f(buf[i] + f(g / avg))); // addcdiv_(g, avg): self + 1*g/avg in float
          return bf(f(p + bf(f(bf(-hp.lr) * buf[i])))); // add_(buf, alpha=-lr): ufunc add.h in BFloat16 arithmetic
        });
        out.push(x);
      }
      return out;
    };
    expect(run(f)).toEqual(forloop.trajectory.slice(0, 2).map((p) => Array.from(p)));
    expect(forloop.grads.slice(0, 2)).toEqual(foreach.grads.slice(0, 2));
    expect(run((s) => bf(f(s)))).toEqual(foreach.trajectory.slice(0, 2).map((p) => Array.from(p)));
    expect(calibrateRecording(forloop)).toMatchObject({ verdict: 'bit-exact', settings: { foreach: 'false' } });
    expect(calibrateRecording(foreach)).toMatchObject({ verdict: 'bit-exact', settings: { foreach: 'true' } });
  });

  it('the first tfjs step, derived by hand in float32 with (1 - decay) computed in double, equals the recording bit for bit', () => {
    const r = recording('tfjs/tfjs-cpu_stream12_momentum_float32.json');
    const f = Math.fround;
    const [lr, decay, mu, eps, w] = [f(0.02), f(0.8), f(0.7), f(1e-6), f(1 - 0.8)];
    const expected = Array.from(r.x0, (x0, i) => {
      const x = f(x0);
      const g = r.grads[0][i];
      const ms = f(f(0 * decay) + f(f(g * g) * w)); // ms*decay + square(g)*(1-decay)
      const mom = f(f(0 * mu) + f(f(g * lr) / f(Math.sqrt(f(ms + eps))))); // mom*momentum + (g*lr)/sqrt(ms + eps)
      return f(x - mom);
    });
    expect(Array.from(r.trajectory[0])).toEqual(expected);
    expect(calibrateRecording(r).verdict).toBe('bit-exact');
  });

  it('classifies a replay that differs in the last bits but stays within 1e-12 as within, with the first differing step', () => {
    // A bit-exact TF raw-op run (no declared op error) with one recorded value moved by one ulp at step 40.
    const r = recording('tf/tf-rawops_bowl3_plain_float64.json');
    const trajectory = r.trajectory.map((x) => Float64Array.from(x));
    trajectory[39][0] = nextUp64(trajectory[39][0]);
    const result = calibrateRecording({ ...r, trajectory });
    expect(result).toMatchObject({ verdict: 'within', metric: 'normwise', firstDifferentStep: 40 });
    expect(result.maxError).toBeLessThanOrEqual(1e-12);
    expect(result.maxError).toBeGreaterThan(0);
  });

  it('judges the edge streams element by element: the subnormal stream, flushed as TF flushes (flushSubnormals), is bit-exact', () => {
    const result = calibrateRecording(recording('tf/tf-rawops_edge6-subnormal32_at7_plain_float32.json'));
    expect(result).toMatchObject({ verdict: 'bit-exact', metric: 'elementwise', maxError: 0 });
  });
});

describe('the stated verdicts', () => {
  let report: CalibrationReport;
  beforeAll(() => {
    report = calibrate();
  }, 60_000);

  it('every recording has the verdict stated in suites/recordings/expected-verdicts.json (update the entry and its reason when a change moves one)', () => {
    const changes = compareVerdicts(report, readExpectedVerdicts());
    expect(changes.map((c) => `${c.file}: stated ${c.expected}, now ${c.actual}`)).toEqual([]);
  });

  it('the stated counts are the counts of the stated verdicts, and every verdict that is not bit-exact carries its reason', () => {
    const expected = readExpectedVerdicts();
    const counted = { 'bit-exact': 0, 'exact-up-to-op-error': 0, within: 0, outside: 0, refused: 0 };
    for (const v of Object.values(expected.verdicts)) counted[v.verdict]++;
    expect(counted).toEqual(expected.counts);
    expect(report.summary.counts).toEqual(expected.counts);
    expect(Object.values(expected.verdicts).filter((v) => v.verdict !== 'bit-exact' && !v.reason)).toEqual([]);
  });
});
