// bfloat16 and float16: the conversion (expectations derived by hand from the formats' definitions
// and, for bfloat16, from c10's bit-level round_to_nearest_even), and the low-precision step program
// (each expectation computed op by op with Math.fround and that bit-level rounding).
import { describe, expect, it } from 'vitest';
import { ALL_DTYPES, roundTo } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import {
  BFLOAT16,
  FLOAT16,
  bitsOf16,
  fromBits16,
  maxFinite,
  roundToBfloat16,
  roundToFloat16,
} from '../../reference/low-precision.js';
import { ElementInterpreter } from '../../reference/program/interpret.js';
import { prepareScalars, stepProgram } from '../../reference/program/index.js';
import { resolveVariant } from '../../reference/resolve.js';
import { compileProgramStep } from '../../adapters/native/kernel-codegen.js';
import { ulpDistance } from '../../runner/ulp.js';

const f = Math.fround;
const u32 = new Uint32Array(1);
const f32 = new Float32Array(u32.buffer);
/** c10::BFloat16 round_to_nearest_even: add 0x7fff plus the lowest kept bit, drop the low 16 bits (finite inputs). */
function c10Bfloat16(x: number): number {
  f32[0] = x;
  u32[0] = (u32[0] + 0x7fff + ((u32[0] >>> 16) & 1)) & 0xffff0000;
  return f32[0];
}

describe('float16 conversion', () => {
  it('keeps 65504, the largest finite value, and rounds 65519.99 down to it', () => {
    expect(maxFinite(FLOAT16)).toBe(65504);
    expect(roundToFloat16(65504)).toBe(65504);
    expect(roundToFloat16(65519.99)).toBe(65504);
  });

  it('overflows to Infinity from 65520, the midpoint to 2^16 (ties to even: 65504 has an odd significand)', () => {
    expect(roundToFloat16(65520)).toBe(Infinity);
    expect(roundToFloat16(-65520)).toBe(-Infinity);
    expect(roundToFloat16(1e6)).toBe(Infinity);
  });

  it('has subnormals down to 2^-24; half of it is a tie that goes to +0, three quarters go up', () => {
    expect(roundToFloat16(2 ** -24)).toBe(2 ** -24);
    expect(Object.is(roundToFloat16(2 ** -25), 0)).toBe(true);
    expect(roundToFloat16(3 * 2 ** -26)).toBe(2 ** -24);
    expect(roundToFloat16(5 * 2 ** -24 + 2 ** -25)).toBe(6 * 2 ** -24); // 5.5 quanta: tie to the even 6
    expect(Object.is(roundToFloat16(-(2 ** -26)), -0)).toBe(true);
  });

  it('rounds ties to the even significand: 1 + 2^-11 to 1, 1 + 3*2^-11 to 1 + 2^-9', () => {
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1);
    expect(roundToFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
  });

  it('rounds a float64 once, not through float32 (1 + 2^-11 + 2^-40 is above the tie)', () => {
    expect(roundToFloat16(1 + 2 ** -11 + 2 ** -40)).toBe(1 + 2 ** -10);
    expect(roundToFloat16(f(1 + 2 ** -11 + 2 ** -40))).toBe(1);
  });

  it('keeps NaN, infinities and signed zeros', () => {
    expect(roundToFloat16(NaN)).toBeNaN();
    expect(roundToFloat16(-Infinity)).toBe(-Infinity);
    expect(Object.is(roundToFloat16(-0), -0)).toBe(true);
  });

  it('reads and writes IEEE binary16 bit patterns (0x7bff = 65504, 0x0001 = 2^-24, 0xfc00 = -Infinity)', () => {
    expect(fromBits16(FLOAT16, 0x7bff)).toBe(65504);
    expect(fromBits16(FLOAT16, 0x0001)).toBe(2 ** -24);
    expect(fromBits16(FLOAT16, 0xfc00)).toBe(-Infinity);
    expect(bitsOf16(FLOAT16, 1)).toBe(0x3c00);
    expect(bitsOf16(FLOAT16, -2)).toBe(0xc000);
  });
});

describe('bfloat16 conversion', () => {
  it('is the top half of a float32 rounded to nearest even, as c10::BFloat16 rounds (20000 float32 values)', () => {
    let seed = 12345;
    for (let i = 0; i < 20000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      u32[0] = seed;
      const x = f32[0];
      if (!Number.isFinite(x) || Math.abs(x) >= 3.3961e38) continue; // the bit trick carries into the exponent of Inf/NaN
      expect(roundToBfloat16(x)).toBe(c10Bfloat16(x));
    }
  });

  it('rounds 1 + 2^-8 to 1 (tie, even) and 1 + 3*2^-8 to 1 + 2^-6; keeps subnormals down to 2^-133', () => {
    expect(roundToBfloat16(1 + 2 ** -8)).toBe(1);
    expect(roundToBfloat16(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6);
    expect(roundToBfloat16(2 ** -133)).toBe(2 ** -133);
    expect(roundToBfloat16(2 ** -134)).toBe(0);
  });

  it('overflows to Infinity from the midpoint above its largest finite value (2 - 2^-7) * 2^127', () => {
    expect(maxFinite(BFLOAT16)).toBe((2 - 2 ** -7) * 2 ** 127);
    expect(roundToBfloat16((2 - 2 ** -8) * 2 ** 127)).toBe(Infinity);
    expect(roundToBfloat16((2 - 2 ** -8) * 2 ** 127 * (1 - 2 ** -20))).toBe(maxFinite(BFLOAT16));
  });

  it('counts ULPs in bfloat16 and float16 steps', () => {
    expect(ulpDistance(1, 1 + 2 ** -7, 'bfloat16')).toBe(1);
    expect(ulpDistance(1, 1 + 2 ** -10, 'float16')).toBe(1);
    expect(ulpDistance(-(2 ** -24), 2 ** -24, 'float16')).toBe(2);
  });
});

describe('the low-precision step program', () => {
  it('torch float16 with alpha=0 overflows the square average to Infinity at g = 300 and leaves the parameter as it was', () => {
    // square_avg.mul_(0).addcmul_(g, g, value=1) = 90000 > 65504 -> Inf; avg = sqrt(Inf) + eps = Inf; p + (-lr*g)/Inf = p.
    const variant = resolveVariant('torch@2.1', 'float16', { alpha: 0, lr: 0.01 }).variant;
    const program = stepProgram(variant, 'float16');
    const interpreter = new ElementInterpreter(program.ops, program.rule);
    interpreter.setScalars({ ...prepareScalars(program, 0, [300]) });
    const out = interpreter.run({ p: 0.5, g: 300, v: 0, m: 0, b: 0 });
    expect(out.v).toBe(Infinity);
    expect(out.p).toBe(0.5);
  });

  it('torch@2.1 bfloat16 centered, one element by hand: lerp and addcmul keep float32 inside, each ATen op rounds once', () => {
    const variant = resolveVariant('torch@2.1', 'bfloat16', { alpha: 0.9, lr: 0.01, eps: 1e-8, centered: true }).variant;
    const program = stepProgram(variant, 'bfloat16');
    const [p, g, v, m] = [1.5, -0.375, 0.25, 0.0625]; // bfloat16 values
    const interpreter = new ElementInterpreter(program.ops, program.rule);
    interpreter.setScalars({ ...prepareScalars(program, 3, [g]) });
    const out = interpreter.run({ p, g, v, m, b: 0 });
    const w = f(1 - 0.9); // 1 - alpha in Python, as float32 (opmath)
    const v1 = c10Bfloat16(f(f(w * g) * g + c10Bfloat16(f(v * f(0.9))))); // mul_(alpha) (float32 scalar), addcmul_ (fma: exact here)
    const m1 = c10Bfloat16(f(m + w * f(g - m))); // lerp_(g, 1-alpha), |w| < 0.5 branch
    const avg = c10Bfloat16(f(c10Bfloat16(f(Math.sqrt(c10Bfloat16(f(v1 - m1 * m1))))) + c10Bfloat16(1e-8))); // addcmul(-1), sqrt_, add_(eps)
    expect(out.v).toBe(v1);
    expect(out.m).toBe(m1);
    expect(out.p).toBe(c10Bfloat16(f(p - f(f(f(0.01) * g) / avg)))); // addcdiv_(g, avg, value=-lr)
  });

  it('refuses bfloat16 for a profile whose low-precision arithmetic was not read from its source', () => {
    expect(() => resolveVariant('keras@3', 'bfloat16')).toThrow(InputError);
    expect(() => resolveVariant('keras@3', 'bfloat16')).toThrow(/does not describe bfloat16 arithmetic.*torch@2\.1/);
    expect(() => resolveVariant('torch@1.13', 'float16')).toThrow(/does not describe float16/);
  });

  it.each([
    ['torch@2.1', 'bfloat16', {}],
    ['torch@2.1', 'float16', { momentum: 0.9, centered: true, weight_decay: 0.01 }],
    ['torch@2.1', 'bfloat16', { momentum: 0.5, foreach: true, maximize: true }],
    ['torch@1.13', 'bfloat16', { momentum: 0.9, centered: true, weight_decay: 0.1 }],
    ['torch@1.13', 'bfloat16', { centered: true, dtypeArithmeticSites: '' }],
  ] as const)('the generated JavaScript loop equals the interpreter: %s %s %j', (spec, dtype, settings) => {
    const variant = resolveVariant(spec, dtype, settings).variant;
    const program = stepProgram(variant, dtype);
    const round = roundTo(dtype);
    const n = 16;
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 2;
    const arrays = [0, 1, 2, 3, 4].map(() => new Float32Array(n));
    arrays[0].set(Array.from({ length: n }, () => round(rand())));
    const state = { p: Float64Array.from(arrays[0]), v: new Float64Array(n), m: new Float64Array(n), b: new Float64Array(n) };
    const kernel = compileProgramStep(program);
    const interpreter = new ElementInterpreter(program.ops, program.rule);
    for (let t = 0; t < 10; t++) {
      const g = Float64Array.from({ length: n }, () => round(rand() * 3));
      arrays[1].set(g);
      const S = prepareScalars(program, t, g);
      kernel(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], S);
      interpreter.setScalars({ ...S });
      for (let i = 0; i < n; i++) {
        const e = interpreter.run({ p: state.p[i], g: g[i], v: state.v[i], m: state.m[i], b: state.b[i] });
        [state.p[i], state.v[i], state.m[i], state.b[i]] = [e.p, e.v, e.m, e.b];
      }
      expect(Array.from(arrays[0])).toEqual(Array.from(state.p));
      expect(Array.from(arrays[2])).toEqual(Array.from(state.v));
    }
    expect(state.p.every((x) => Number.isNaN(x) || round(x) === x)).toBe(true);
  });

  it('lists bfloat16 and float16 among the dtypes', () => {
    expect(ALL_DTYPES).toEqual(['float32', 'float64', 'bfloat16', 'float16']);
  });
});
