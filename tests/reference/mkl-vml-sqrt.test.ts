// torch.sqrt through MKL VML on an AMD CPU (MKL's generic code path): AMD's RSQRTPS estimate and
// MKL's refinement without FMA. The worked examples were computed by hand in IEEE arithmetic
// (float32 / float64, each op rounded once) from the estimate the CPU returns; the recordings check
// replays every torch float32/float64 recording with the model in place of the correctly rounded
// sqrt.
import { describe, expect, it } from 'vitest';
import { nextDown32, nextDown64 } from '../../reference/float-bits.js';
import { amdZenRsqrtps } from '../../reference/op-implementations/x86-rsqrtps.js';
import { mklVmlSqrt, mklVmlSqrt32, mklVmlSqrt64 } from '../../reference/op-implementations/mkl-vml-sqrt.js';
import type { StepVectors } from '../../reference/op-error-step.js';
import { ElementInterpreter } from '../../reference/program/interpret.js';
import { prepareScalars, stepProgram } from '../../reference/program/index.js';
import type { RoundingRule } from '../../reference/program/rounding.js';
import { initialState } from '../../reference/step.js';
import { computeTrajectory } from '../../suites/compute-trajectory.js';
import { seededRandom } from '../../suites/random.js';
import { loadRecordingFolder } from '../../suites/recordings-folder.js';
import { replayPlan } from '../../suites/recordings-mapping.js';
import { recordedState } from '../../suites/recordings-state.js';

describe('MKL VML float32 sqrt (vmsSqrt, generic code path)', () => {
  it('computes sqrt(19) as 4.358898639678955, one ulp below the correctly rounded 4.358899116516113', () => {
    // 19 = 1.1875 * 16: RSQRTPS reads the top 12 fraction bits (768 of [1, 2)) and returns 0.229400634765625.
    expect(amdZenRsqrtps(19)).toBe(0.229400634765625);
    // y = 0.229400634765625 (RSQRTPS), every step rounded to float32:
    //   s = 19*y = 4.358612060546875 (exact: 142823/32768), h = y/2 = 0.1147003173828125
    //   s*h = 0.49993419647216797, r = 0.5 - s*h = 6.580352783203125e-5
    //   s = s + r*s = 4.358612060546875 + 2.8681205003522336e-4 = 4.358898639678955 (0x1.16f832p+2)
    //   h = h + r*h = 0.11470786482095718
    //   s*s = 18.999998092651367, e = 19 - s*s = 2^-19, h*e = 2.1878788913909375e-7
    //   s + h*e: half an ulp of s is 2^-22 = 2.38e-7 > h*e, so s stays 4.358898639678955.
    expect(mklVmlSqrt32(19)).toBe(4.358898639678955);
    expect(Math.fround(Math.sqrt(19))).toBe(4.358899116516113);
    expect(mklVmlSqrt32(19)).toBe(nextDown32(Math.fround(Math.sqrt(19))));
  });

  it('gives sqrt(1) = 1 and sqrt(2) correctly rounded (r = 2^-13 at x = 1 lands s on 1 exactly)', () => {
    expect(mklVmlSqrt32(1)).toBe(1);
    expect(mklVmlSqrt32(2)).toBe(Math.fround(Math.SQRT2));
  });

  it('rounds correctly where MKL takes its slow path: zero, subnormals, negatives, Inf, NaN, the top of the range', () => {
    expect(Object.is(mklVmlSqrt32(0), 0)).toBe(true);
    expect(Object.is(mklVmlSqrt32(-0), -0)).toBe(true);
    expect(mklVmlSqrt32(-1)).toBeNaN();
    expect(mklVmlSqrt32(NaN)).toBeNaN();
    expect(mklVmlSqrt32(Infinity)).toBe(Infinity);
    const subnormal = Math.fround(9.99994610111476e-41);
    expect(mklVmlSqrt32(subnormal)).toBe(Math.fround(Math.sqrt(subnormal)));
    const max = Math.fround(3.4028234663852886e38);
    expect(mklVmlSqrt32(max)).toBe(Math.fround(Math.sqrt(max)));
  });
});

describe('MKL VML float64 sqrt (vmdSqrt, generic code path)', () => {
  it('computes sqrt(51) as 7.1414284285428495, one ulp below the correctly rounded 7.14142842854285', () => {
    // 51 = 3.1875 * 2^4 (biased exponent even: the [2, 4) half), y = RSQRTPS(3.1875) / 4 = 0.56005859375 / 4
    // = 0.1400146484375. xh = 51 (no bits below the top 26), xl = 0.
    expect(amdZenRsqrtps(3.1875) / 4).toBe(0.1400146484375);
    //   y^2 = 0x1.41319p-6, r = (1 - 51*y^2) - 0 = 1.9080936908721924e-4 (0x1.9028p-13)
    //   p(r) = ((C4*r + C3)*r + C2)*r + C1 = 0.5000715648928584
    //   r*p*y*51 = 6.813582303499755e-4, + xl*y = + 0, + xh*y = 7.1407470703125
    //   -> 7.1414284285428495 (0x1.c90d29d2d43cdp+2); the correctly rounded root ends in ...43ce.
    expect(mklVmlSqrt64(51)).toBe(7.1414284285428495);
    expect(Math.sqrt(51)).toBe(7.14142842854285);
    expect(mklVmlSqrt64(51)).toBe(nextDown64(Math.sqrt(51)));
  });

  it('rounds correctly outside [2^-1022, 2^1022): zero, subnormals, the top binade, Inf, NaN, negatives', () => {
    expect(Object.is(mklVmlSqrt64(-0), -0)).toBe(true);
    expect(mklVmlSqrt64(2 ** -1074)).toBe(2 ** -537);
    expect(mklVmlSqrt64(1e-310)).toBe(Math.sqrt(1e-310));
    expect(mklVmlSqrt64(1.7976931348623157e308)).toBe(Math.sqrt(1.7976931348623157e308));
    expect(mklVmlSqrt64(Infinity)).toBe(Infinity);
    expect(mklVmlSqrt64(-2)).toBeNaN();
    expect(mklVmlSqrt64(NaN)).toBeNaN();
  });
});

describe('the model against what torch measured', () => {
  it('is 1 ulp off the correctly rounded root as often as torch.sqrt on uniform[0,100) inputs (probes: float32 16.8%, float64 1.2%)', () => {
    // probes_output.md: 5049/30000 float32 and 368/30000 float64 inputs off by 1 ulp, never more.
    // Other inputs from the same distribution: the share must lie within 4 binomial standard deviations.
    const random = seededRandom(20261203);
    const n = 30000;
    const off = { float32: 0, float64: 0 };
    let moreThanOne = 0;
    for (let i = 0; i < n; i++) {
      const x32 = Math.fround(100 * random.float());
      const exact32 = Math.fround(Math.sqrt(x32));
      const got32 = mklVmlSqrt32(x32);
      if (got32 !== exact32) off.float32++;
      if (Math.abs(got32 - exact32) > Math.abs(nextDown32(exact32) - exact32)) moreThanOne++;
      const x64 = 100 * random.float();
      const exact64 = Math.sqrt(x64);
      const got64 = mklVmlSqrt64(x64);
      if (got64 !== exact64) off.float64++;
      if (Math.abs(got64 - exact64) > Math.abs(nextDown64(exact64) - exact64)) moreThanOne++;
    }
    const window = (p: number) => [n * p - 4 * Math.sqrt(n * p * (1 - p)), n * p + 4 * Math.sqrt(n * p * (1 - p))];
    const [lo32, hi32] = window(5049 / 30000);
    const [lo64, hi64] = window(368 / 30000);
    expect(off.float32).toBeGreaterThan(lo32);
    expect(off.float32).toBeLessThan(hi32);
    expect(off.float64).toBeGreaterThan(lo64);
    expect(off.float64).toBeLessThan(hi64);
    expect(moreThanOne).toBe(0);
  });

  it('reproduces every step of the 176 torch float32/float64 recordings bit for bit, re-anchored and free-running', () => {
    let files = 0;
    const failures: string[] = [];
    for (const framework of ['torch-forloop', 'torch-foreach']) {
      for (const recording of loadRecordingFolder({ framework })) {
        const dtype = recording.dtype;
        if (dtype !== 'float32' && dtype !== 'float64') continue;
        files++;
        const plan = replayPlan(recording);
        const { variant } = computeTrajectory({
          profile: plan.profile,
          dtype,
          grads: { path: recording.file, stream: recording.grads },
          x0: Array.from(recording.x0),
          settings: plan.settings,
        });
        const program = stepProgram(variant, dtype);
        const compute = { ...program.rule.compute, sqrt: mklVmlSqrt(dtype) };
        const rule: RoundingRule = Object.assign(Object.create(program.rule) as RoundingRule, { compute });
        const interpreter = new ElementInterpreter(program.ops, rule);
        const written = new Set(program.ops.flatMap((o) => ('vector' in o.out ? [o.out.vector] : [])));
        const stateWritten = (['v', 'm', 'b'] as const).filter((q) => written.has(q));
        const { rows: state } = recordedState(recording.statePerStep, recording.file);
        const start = initialState(variant, dtype, recording.x0.length);
        const x0 = Float64Array.from(recording.x0, (x) => program.rule.storage(x));
        let anchored: StepVectors = { p: x0, v: start.v, m: start.m, b: start.b };
        let free: StepVectors = { p: x0, v: start.v, m: start.m, b: start.b };
        // Every value compares by its bits (signed zeros too); NaN matches NaN.
        const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
        for (let t = 0; t < recording.trajectory.length && failures.length < 5; t++) {
          const after: StepVectors = {
            p: recording.trajectory[t],
            v: state.v?.[t] ?? start.v,
            m: state.m?.[t] ?? start.m,
            b: state.b?.[t] ?? start.b,
          };
          const g = Float64Array.from(recording.grads[t], (x) => program.rule.storage(x));
          interpreter.setScalars({ ...prepareScalars(program, t, g) });
          const next: StepVectors = { p: free.p.slice(), v: free.v.slice(), m: free.m.slice(), b: free.b.slice() };
          for (let i = 0; i < g.length; i++) {
            const out = interpreter.run({ p: anchored.p[i], g: g[i], v: anchored.v[i], m: anchored.m[i], b: anchored.b[i] });
            for (const q of ['p', ...stateWritten] as const)
              if (!same(out[q], after[q][i])) failures.push(`${recording.file} step ${t + 1} [${i}] ${q} re-anchored`);
            const run = interpreter.run({ p: free.p[i], g: g[i], v: free.v[i], m: free.m[i], b: free.b[i] });
            next.p[i] = run.p;
            for (const q of stateWritten) next[q][i] = run[q];
            if (!same(run.p, after.p[i])) failures.push(`${recording.file} step ${t + 1} [${i}] free-running`);
          }
          anchored = after;
          free = next;
        }
      }
    }
    expect(files).toBe(176);
    expect(failures).toEqual([]);
  });
});
