// The step program itself: every profile compiles, the printed program marks rounding and FMA, and a
// rounding rule is pluggable — "compute in float64, store in float32" is a new rule, not a new step,
// and the interpreter and the generated JavaScript loop both follow it.
import { describe, expect, it } from 'vitest';
import { compileProgramStep } from '../../adapters/native/kernel-codegen.js';
import { float64Arithmetic } from '../../reference/arithmetic.js';
import { formatProgram } from '../../reference/program/format.js';
import { prepareScalars, RMSPROP, stepProgram } from '../../reference/program/index.js';
import { ElementInterpreter } from '../../reference/program/interpret.js';
import { compileProgram } from '../../reference/program/program.js';
import type { RoundingRule } from '../../reference/program/rounding.js';
import { listProfiles } from '../../reference/registry.js';
import { resolveVariant } from '../../reference/resolve.js';

const f = Math.fround;
const COMPUTE64_STORE32: RoundingRule = {
  name: 'compute-float64-store-float32',
  compute: float64Arithmetic,
  storage: f,
  storageDtype: 'float32',
};

describe('the RMSprop step program', () => {
  it('compiles for every profile and dtype, with its copies folded away and its vectors listed', () => {
    for (const profile of listProfiles()) {
      for (const dtype of ['float32', 'float64'] as const) {
        const program = stepProgram(resolveVariant(profile, dtype).variant, dtype);
        expect(program.ops.length, profile.name).toBeGreaterThan(3);
        expect(program.ops.some((o) => o.kind === 'copy')).toBe(false);
        expect(program.vectors).toEqual(expect.arrayContaining(['p', 'g', 'v']));
      }
    }
  });

  it('prints one line per op with where it rounds and which multiply-adds are fused', () => {
    const program = stepProgram(resolveVariant('torch', 'float32', { momentum: 0.9 }).variant, 'float32');
    const text = formatProgram(program, 'torch');
    const elementLines = text
      .slice(text.indexOf('element ('))
      .split('\n')
      .filter((l) => l.includes('= '));
    expect(elementLines).toHaveLength(program.ops.length);
    expect(text).toMatch(/v += fma\(wg, g, vKept\) +\[rounded storage \(float32\); FMA ema, one rounding\]/);
    expect(text).toMatch(/negLr += -lr +\[exact\]/);
  });
});

describe('a rounding rule that computes in float64 and stores in float32', () => {
  const variant = resolveVariant('numpy-tutorial', 'float32', { lr: 0.1 }).variant;
  const program = compileProgram(RMSPROP, variant, COMPUTE64_STORE32);
  const S = prepareScalars(program, 0, []);
  const [p, g, v] = [f(0.7), f(0.3), f(0.2)];

  it('rounds only the writes into the named vectors', () => {
    const interpreter = new ElementInterpreter(program.ops, program.rule);
    interpreter.setScalars({ ...S });
    const out = interpreter.run({ p, g, v, m: 0, b: 0 });
    // By hand: every temporary in float64, each vector write rounded once to float32.
    const v1 = f(S.decay * v + S.oneMinusDecay * (g * g));
    expect(out.v).toBe(v1);
    expect(out.p).toBe(f(p - (S.lr * g) / (Math.sqrt(v1) + S.eps)));
    expect(S.lr).toBe(0.1); // the scalars are prepared in the compute dtype
  });

  it('the generated JavaScript loop follows the same rule', () => {
    const arrays = [
      Float32Array.of(p),
      Float32Array.of(g),
      Float32Array.of(v),
      new Float32Array(1),
      new Float32Array(1),
    ] as const;
    compileProgramStep(program)(...arrays, S);
    const interpreter = new ElementInterpreter(program.ops, program.rule);
    interpreter.setScalars({ ...S });
    const out = interpreter.run({ p, g, v, m: 0, b: 0 });
    expect([arrays[0][0], arrays[2][0]]).toEqual([out.p, out.v]);
  });
});
