// Learning-rate schedules: each framework's arithmetic derived by hand from its source, the
// framework's own call syntax on --set, the per-step lr stream, and the rates the frameworks
// recorded (suites/recordings: lr_per_step, written by the framework, not by this code).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../reference/errors.js';
import { formatProgram } from '../../reference/program/format.js';
import { stepProgram } from '../../reference/program/index.js';
import { resolveVariant } from '../../reference/resolve.js';
import {
  KERAS_SCHEDULES,
  OPTAX_SCHEDULES,
  scheduleRate,
  TORCH_SCHEDULES,
  parseScheduleCall,
} from '../../reference/schedules/index.js';
import { replaySource, runTrajectory } from '../../reference/trajectory.js';
import { computeTrajectory } from '../../suites/compute-trajectory.js';
import { defaultRecordingsDir, loadRecordings } from '../../suites/recordings-file.js';
import { replayPlan } from '../../suites/recordings-mapping.js';
import { decodeVector } from '../../reference/number-encoding.js';

const f = Math.fround;
const keras = (call: string) => parseScheduleCall(KERAS_SCHEDULES, 'learning_rate', call);
const torch = (call: string) => parseScheduleCall(TORCH_SCHEDULES, 'scheduler', call);
const optax = (call: string) => parseScheduleCall(OPTAX_SCHEDULES, 'learning_rate', call);

describe('Keras schedules (learning_rate_schedule.py), float32 ops', () => {
  it('ExponentialDecay is initial * decay_rate ** (step / decay_steps), each op rounded to float32; staircase floors the exponent', () => {
    const s = keras('ExponentialDecay(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5)');
    // p = float32(3) / float32(2) = 1.5; ops.power(float32(0.5), 1.5); ops.multiply(float32(0.1), that)
    expect(scheduleRate(s, 3, 0)).toBe(f(f(0.1) * f(Math.pow(0.5, 1.5))));
    const stair = keras('ExponentialDecay(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5, staircase=True)');
    expect(scheduleRate(stair, 3, 0)).toBe(f(f(0.1) * 0.5)); // floor(1.5) = 1
  });

  it('InverseTimeDecay is initial / (1 + decay_rate * p) in float32', () => {
    const s = keras('InverseTimeDecay(initial_learning_rate=0.1, decay_steps=4, decay_rate=0.3)');
    const p = f(f(5) / f(4));
    expect(scheduleRate(s, 5, 0)).toBe(f(f(0.1) / f(1 + f(f(0.3) * p))));
  });

  it('PolynomialDecay clamps the step at decay_steps and adds end_learning_rate last', () => {
    const s = keras('PolynomialDecay(initial_learning_rate=0.1, decay_steps=10, end_learning_rate=0.01, power=2)');
    const p = f(f(3) / f(10));
    expect(scheduleRate(s, 3, 0)).toBe(f(f(f(f(0.1) - f(0.01)) * f(Math.pow(f(1 - p), 2))) + f(0.01)));
    expect(scheduleRate(s, 25, 0)).toBe(f(0.01)); // min(step, decay_steps): (1 - 1)**2 = 0
  });

  it('PiecewiseConstantDecay boundaries are inclusive: values[0] through step == boundaries[0]', () => {
    const s = keras('PiecewiseConstantDecay(boundaries=[20, 50], values=[0.02, 0.01, 0.004])');
    expect([19, 20, 21, 50, 51].map((t) => scheduleRate(s, t, 0))).toEqual([f(0.02), f(0.02), f(0.01), f(0.01), f(0.004)]);
  });

  it('CosineDecay with warmup rises linearly from initial_learning_rate, then decays from warmup_target', () => {
    const s = keras('CosineDecay(initial_learning_rate=0.0, decay_steps=50, alpha=0.0, warmup_target=0.02, warmup_steps=10)');
    // _warmup_function at step 1: (warmup_target - initial) * (1 / 10) + initial
    expect(scheduleRate(s, 1, 0)).toBe(f(f(f(0.02) * f(1 / 10)) + 0));
    // _decay_function at step 10: fraction 0, cos(0) = 1, 0.5 * 2 = 1, (1 - 0) * 1 + 0 = 1, times warmup_target
    expect(scheduleRate(s, 10, 0)).toBe(f(0.02));
  });

  it('matches every rate Keras 3.15.1 recorded for CosineDecay and PiecewiseConstantDecay, also under floatx float64 (float32 either way)', () => {
    const files = loadRecordings({ dir: defaultRecordingsDir() }).filter(
      (r) => r.framework.startsWith('keras') && r.lrPerStep !== undefined,
    );
    expect(files).toHaveLength(8);
    for (const r of files) {
      const spec = resolveVariant('keras', r.dtype, replayPlan(r).settings).variant.schedule!;
      expect(
        r.lrPerStep!.map((_, t) => scheduleRate(spec, t, 0)),
        r.file,
      ).toEqual(r.lrPerStep);
    }
  });
});

describe('torch schedulers (lr_scheduler.py), chainable, in Python floats', () => {
  it('ExponentialLR multiplies the current lr by gamma at every step: the running product, not lr * gamma ** t', () => {
    const s = torch('ExponentialLR(gamma=0.97)');
    let lr = 0.02;
    const running = [lr];
    for (let t = 1; t <= 40; t++) running.push((lr = lr * 0.97));
    expect(running.map((_, t) => scheduleRate(s, t, 0.02))).toEqual(running);
    // The closed form rounds differently at some step (recorded: 19/80 steps agree with it).
    expect(running.some((x, t) => x !== 0.02 * 0.97 ** t)).toBe(true);
  });

  it('StepLR multiplies by gamma when the step count is a multiple of step_size', () => {
    const s = torch('StepLR(step_size=20, gamma=0.5)');
    expect([0, 19, 20, 39, 40, 60].map((t) => scheduleRate(s, t, 0.02))).toEqual([0.02, 0.02, 0.01, 0.01, 0.005, 0.0025]);
  });

  it('MultiStepLR multiplies by gamma ** (times the step is a milestone)', () => {
    const s = torch('MultiStepLR(milestones=[3, 5, 5], gamma=0.1)');
    expect([2, 3, 4, 5].map((t) => scheduleRate(s, t, 1))).toEqual([1, 1 * 0.1, 1 * 0.1, 1 * 0.1 * 0.1 ** 2]);
  });

  it('CosineAnnealingLR is the recursive ratio form (1 + cos(pi t/T)) / (1 + cos(pi (t-1)/T)) * (lr - eta_min) + eta_min', () => {
    const s = torch('CosineAnnealingLR(T_max=10, eta_min=0.001)');
    const lr1 = ((1 + Math.cos((Math.PI * 1) / 10)) / (1 + Math.cos((Math.PI * 0) / 10))) * (0.1 - 0.001) + 0.001;
    const lr2 = ((1 + Math.cos((Math.PI * 2) / 10)) / (1 + Math.cos((Math.PI * 1) / 10))) * (lr1 - 0.001) + 0.001;
    expect([scheduleRate(s, 1, 0.1), scheduleRate(s, 2, 0.1)]).toEqual([lr1, lr2]);
  });

  it('PolynomialLR multiplies by ((1 - t/T) / (1 - (t-1)/T)) ** power and stops after total_iters', () => {
    const s = torch('PolynomialLR(total_iters=4, power=2.0)');
    const lr1 = 0.1 * ((1.0 - 1 / 4) / (1.0 - 0 / 4)) ** 2;
    expect(scheduleRate(s, 1, 0.1)).toBe(lr1);
    expect(scheduleRate(s, 5, 0.1)).toBe(scheduleRate(s, 4, 0.1));
  });

  it('matches every rate torch 2.13 recorded for ExponentialLR and StepLR', () => {
    const files = loadRecordings({ dir: defaultRecordingsDir() }).filter(
      (r) => r.framework.startsWith('torch') && r.lrPerStep !== undefined && ['float32', 'float64'].includes(r.dtype),
    );
    expect(files).toHaveLength(8);
    for (const r of files) {
      const spec = resolveVariant('torch@2.13', r.dtype, replayPlan(r).settings).variant.schedule!;
      expect(
        r.lrPerStep!.map((_, t) => scheduleRate(spec, t, 0.02)),
        r.file,
      ).toEqual(r.lrPerStep);
    }
  });
});

describe('optax schedules (optax/schedules/_schedule.py), in the run dtype op by op', () => {
  it('exponential_decay keeps init_value until transition_begin, then init * rate ** (decreased / steps), clipped at end_value', () => {
    const s = optax('optax.exponential_decay(init_value=0.1, transition_steps=4, decay_rate=0.5, transition_begin=2)');
    expect(scheduleRate(s, 1, 0, 'float32')).toBe(f(0.1)); // decreased_count <= 0
    expect(scheduleRate(s, 4, 0, 'float32')).toBe(f(f(0.1) * f(Math.pow(0.5, f(2 / 4)))));
    expect(scheduleRate(s, 4, 0, 'float64')).toBe(0.1 * Math.pow(0.5, 2 / 4));
    const clipped = optax('exponential_decay(init_value=0.1, transition_steps=1, decay_rate=0.5, end_value=0.05)');
    expect(scheduleRate(clipped, 100, 0, 'float32')).toBe(f(0.05)); // jnp.maximum(value, end_value) as decay_rate < 1
  });

  it('cosine_decay_schedule is init * ((1 - alpha) * (0.5 * (1 + cos(pi * count / steps))) ** exponent + alpha)', () => {
    const s = optax('cosine_decay_schedule(init_value=0.1, decay_steps=10, alpha=0.2)');
    const angle = f(f(f(Math.PI) * 5) / 10);
    const c = f(0.5 * f(1 + f(Math.cos(angle))));
    expect(scheduleRate(s, 5, 0, 'float32')).toBe(f(f(0.1) * f(f(f(1 - 0.2) * c) + f(0.2))));
  });

  it('polynomial_schedule clips count - transition_begin to [0, steps] and adds end_value last', () => {
    const s = optax('polynomial_schedule(init_value=0.1, end_value=0.01, power=2, transition_steps=10, transition_begin=2)');
    const frac = f(1 - f(5 / 10)); // count 7: clip(7 - 2, 0, 10) = 5
    expect(scheduleRate(s, 7, 0, 'float32')).toBe(f(f(f(f(0.1) - f(0.01)) * f(frac ** 2)) + f(0.01)));
  });

  it('piecewise_constant_schedule multiplies by each scale from its boundary on (count == boundary is scaled)', () => {
    const s = optax('piecewise_constant_schedule(init_value=0.1, boundaries_and_scales={3: 0.5, 5: 0.1})');
    const after3 = f(f(0.5) * f(0.1));
    expect([0, 2, 3, 4, 5].map((t) => scheduleRate(s, t, 0, 'float32'))).toEqual([
      f(0.1),
      f(0.1),
      after3,
      after3,
      f(f(0.1) * after3),
    ]);
  });

  it('optax.rmsprop takes the schedule as its learning_rate', () => {
    const v = resolveVariant('optax', 'float32', {
      learning_rate: 'optax.exponential_decay(init_value=0.1, transition_steps=4, decay_rate=0.5)',
    }).variant;
    expect(v.schedule).toMatchObject({ family: 'optax', kind: 'exponential', initial: 0.1 });
  });
});

describe("the framework's call on --set", () => {
  it('torch takes scheduler=Class(args); Keras takes learning_rate as a number or a schedule call', () => {
    const t = resolveVariant('torch', 'float32', { lr: '0.02', scheduler: 'StepLR(step_size=20, gamma=0.5)' }).variant;
    expect(t.schedule).toMatchObject({ kind: 'exponential', family: 'torch', steps: 20, rate: 0.5, staircase: true });
    expect(t.lr).toBe(0.02);
    const k = resolveVariant('keras', 'float32', {
      learning_rate: 'keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.05, decay_steps=60, alpha=0.1)',
    }).variant;
    expect(k.schedule).toMatchObject({ kind: 'cosine', family: 'keras', initial: 0.05, steps: 60, alpha: 0.1 });
    expect(resolveVariant('keras', 'float32', { learning_rate: '0.05' }).variant.schedule).toBeNull();
  });

  it('refuses an unknown class, an unknown or missing argument and a last_epoch it does not model, with one line each', () => {
    const bad = (settings: Record<string, string>) => () => resolveVariant('torch', 'float32', settings);
    expect(bad({ scheduler: 'StepLr(step_size=2)' })).toThrow(
      /unknown schedule 'StepLr' \(did you mean 'StepLR'\?\); torch schedules: StepLR, /,
    );
    expect(bad({ scheduler: 'StepLR(step=2)' })).toThrow(/StepLR has no argument 'step'.*arguments: step_size, gamma/);
    expect(bad({ scheduler: 'StepLR(gamma=0.5)' })).toThrow(/StepLR needs step_size/);
    expect(bad({ scheduler: 'StepLR(step_size=2, last_epoch=5)' })).toThrow(/last_epoch=5: only -1 is modelled/);
    expect(bad({ scheduler: 'StepLR(step_size=0)' })).toThrow(/positive integer/);
    expect(bad({ scheduler: 'StepLR(step_size=2)' })).not.toThrow();
    expect(() =>
      resolveVariant('keras', 'float32', { learning_rate: 'PiecewiseConstantDecay(boundaries=[1], values=[0.1])' }),
    ).toThrow(InputError);
  });

  it('keras floatx selects the lr variable dtype; torch lr_tensor_dtype=float32 rounds lr to float32', () => {
    const held = (profile: string, settings: Record<string, string>) =>
      resolveVariant(profile, 'float64', settings).variant.float32Hyperparameters;
    expect(held('keras', {})).toEqual(['lr', 'weightDecay']);
    expect(held('keras', { floatx: 'float64' })).toEqual(['weightDecay']);
    expect(held('torch', {})).toEqual([]);
    expect(held('torch', { lr_tensor_dtype: 'float32' })).toEqual(['lr']);
    expect(() => held('keras', { floatx: 'float16x' })).toThrow(/floatx: expected one of float32 \| float64/);
  });
});

describe('the schedule in the step program', () => {
  it('prints the schedule as a stage of the scalar preparation', () => {
    const v = resolveVariant('torch', 'float64', { scheduler: 'ExponentialLR(gamma=0.9)' }).variant;
    expect(formatProgram(stepProgram(v, 'float64'), 'torch')).toContain('ExponentialLR at steps taken (torch arithmetic)');
  });

  it('a trajectory with a schedule equals the one with its rates given as lrPerStep, and each step uses its own rate', () => {
    const grads = [0.5, -0.25, 1, 0.75].map((g) => Float64Array.of(g, -g));
    const scheduled = resolveVariant('torch', 'float32', { lr: '0.1', scheduler: 'StepLR(step_size=2, gamma=0.5)' }).variant;
    const streamed = { ...resolveVariant('torch', 'float32', { lr: '7' }).variant, lrPerStep: [0.1, 0.1, 0.05, 0.05] };
    const a = runTrajectory(scheduled, 'float32', [1, 2], 4, replaySource(grads));
    const b = runTrajectory(streamed, 'float32', [1, 2], 4, replaySource(grads));
    expect(a.points.map((p) => [...p.params])).toEqual(b.points.map((p) => [...p.params]));
    // Step 1 by hand (torch without momentum: v = fma((1-a)g, g, a*v); x - (lr*g)/(sqrt(v)+eps)), float32:
    const alpha = 0.99;
    const v = Math.fround(Math.fround(1 - alpha) * 0.5 * 0.5); // fma of ((1-a)*g)*g + alpha*0 rounds once
    const d = f(f(Math.sqrt(v)) + f(1e-8));
    expect(a.points[0].params[0]).toBe(f(1 - f(f(f(0.1) * 0.5) / d)));
  });

  it('replays every schedule recording from its lr_per_step stream with the same verdict as the named schedule', () => {
    const files = loadRecordings({ dir: defaultRecordingsDir() }).filter(
      (r) => r.lrPerStep !== undefined && ['float32', 'float64'].includes(r.dtype),
    );
    expect(files).toHaveLength(16);
    let bitExact = 0;
    for (const r of files) {
      const plan = replayPlan(r);
      const settings = Object.fromEntries(
        Object.entries(plan.settings).filter(([k]) => k !== 'scheduler' && k !== 'learning_rate'),
      );
      const doc = computeTrajectory({
        profile: plan.profile,
        dtype: r.dtype,
        grads: { path: r.file, stream: r.grads },
        x0: [...r.x0],
        settings,
        lrPerStep: r.lrPerStep,
      });
      const same = doc.trajectory.every((row, t) => decodeVector(row, 'row').every((x, i) => Object.is(x, r.trajectory[t][i])));
      if (same) bitExact++;
    }
    // All 16, as with the named schedules (the torch StepLR float32 runs with MKL's sqrt, the profile's).
    expect(bitExact).toBe(16);
  });

  it('refuses an lr stream shorter than the run', () => {
    expect(() =>
      computeTrajectory({
        profile: 'torch',
        dtype: 'float64',
        grads: { path: 'g.json', stream: [Float64Array.of(1), Float64Array.of(2)] },
        x0: [0],
        lrPerStep: [0.1],
      }),
    ).toThrow(/--lr-per-step has 1 values for 2 steps/);
  });
});
