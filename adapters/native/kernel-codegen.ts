// Compiles a step program into one fused JavaScript loop over typed arrays: every branch of the
// variant is decided in the program, so the loop has none. Each op is wrapped in Math.fround when
// the rule rounds it to float32 (compute or storage), and in S (the correctly rounded conversion)
// when it rounds to bfloat16/float16 storage; fma calls the correctly rounded emulation; under
// flushSubnormals each op's result is flushed with a compare-and-select (Z), and the loads and
// scalars once where they enter.

import { isLowPrecision, roundTo, type Dtype } from '../../reference/arithmetic.js';
import { fma32, fma64 } from '../../reference/fma.js';
import { opImplementation } from '../../reference/op-implementations/index.js';
import { flushFor, stepProgram, type StepProgram, type StepScalars } from '../../reference/program/index.js';
import type { ElementOp } from '../../reference/program/ops.js';
import type { Variant } from '../../reference/variant.js';
import { cLikeExpression, lowerToText, type TextDialect } from '../codegen/lower.js';

export type Vector = Float32Array | Float64Array;
export type FusedStep = (p: Vector, g: Vector, v: Vector, m: Vector, b: Vector, s: StepScalars) => void;

function javascriptDialect(program: StepProgram): TextDialect {
  const { rule } = program;
  const compute = rule.compute.dtype;
  const storage = rule.storageDtype;
  const flush = rule.flushSubnormals === true;
  const wrap = (dtype: Dtype, e: string) => (dtype === 'float32' ? `F(${e})` : isLowPrecision(dtype) ? `S(${e})` : `(${e})`);
  const round = (op: ElementOp, e: string) => {
    if (op.rounding === 'exact') return `(${e})`;
    // fma already rounds into the compute dtype; only a narrower storage rounds again.
    let x = op.kind === 'fma' ? e : wrap(compute, e);
    // FTZ: a subnormal result is a zero of its sign (the arguments were flushed where they entered).
    if (flush) x = `Z(${x})`;
    if (op.rounding === 'storage' && storage !== compute) x = flush ? `ZS(${wrap(storage, x)})` : wrap(storage, x);
    return x;
  };
  return {
    expression: (op, args) =>
      round(
        op,
        cLikeExpression(op, args, {
          // A framework's sqrt/rsqrt algorithm (reference/op-implementations) is called, not inlined.
          sqrt: (a) => (rule.sqrtImpl ? `SQ(${a})` : `Math.sqrt(${a})`),
          rsqrt: (a) => (rule.rsqrtImpl ? `RSQ(${a})` : `1 / Math.sqrt(${a})`),
          fma: (a, b, c) => `FMA(${a}, ${b}, ${c})`,
          clip: (g, c) => `${g} > ${c} ? ${c} : ${g} < -${c} ? -${c} : ${g}`,
        }),
      ),
    scalar: (name) => name,
    vector: (name) => `${name}_`,
    bind: (local, e) => `const ${local} = ${e};`,
    assign: (local, e) => `${local} = ${e};`,
  };
}

/** The generated loop body of a program (also shown by `--explain` and tests). */
export function programKernelSource(program: StepProgram): string {
  const body = lowerToText(program.ops, javascriptDialect(program));
  // Touch only the vectors the program uses: memory traffic is what bounds a fused step.
  const vectors = program.vectors;
  const stored = vectors.filter((x) => x !== 'g' && program.ops.some((o) => 'vector' in o.out && o.out.vector === x));
  const scalars = program.scalars.filter((s) => s !== 'one');
  const flush = program.rule.flushSubnormals === true;
  // Loads: the rule's conversion into the compute dtype (L: rounded to a narrower one, or flushed
  // where DAZ widens a subnormal); DAZ reads a subnormal of the compute dtype as zero.
  const loaded = (e: string) => {
    const x = program.rule.load ? `L(${e})` : e;
    return flush ? `Z(${x})` : x;
  };
  return [
    flush ? `const ${scalars.map((s) => `${s} = Z(s.${s})`).join(', ')};` : `const { ${scalars.join(', ')} } = s;`,
    'const one = 1;',
    'const n = p.length;',
    'for (let i = 0; i < n; i++) {',
    `  let ${vectors.map((x) => `${x}_ = ${loaded(`${x}[i]`)}`).join(', ')};`,
    ...body.map((l) => `  ${l}`),
    `  ${stored.map((x) => `${x}[i] = ${x}_;`).join(' ')}`,
    '}',
  ].join('\n');
}

/** The source for a variant in a dtype. */
export function kernelSource(variant: Variant, dtype: Dtype): string {
  return programKernelSource(stepProgram(variant, dtype));
}

/** One compiled loop per program. */
export function compileProgramStep(program: StepProgram): FusedStep {
  const fma = program.rule.compute.dtype === 'float32' ? fma32 : fma64;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the program's enumerated ops only, never from user strings
  const factory = new Function(
    'F',
    'FMA',
    'Z',
    'ZS',
    'L',
    'S',
    'RSQ',
    'SQ',
    `return function fusedStep(p, g, v, m, b, s) {\n${programKernelSource(program)}\n};`,
  ) as (
    F: (x: number) => number,
    FMA: typeof fma,
    Z: (x: number) => number,
    ZS: (x: number) => number,
    L: (x: number) => number,
    S: (x: number) => number,
    RSQ: ((x: number) => number) | undefined,
    SQ: ((x: number) => number) | undefined,
  ) => FusedStep;
  const { rule } = program;
  return factory(
    Math.fround,
    fma,
    flushFor(rule.compute.dtype),
    flushFor(rule.storageDtype),
    rule.load ?? ((x) => x),
    roundTo(rule.storageDtype),
    opImplementation('rsqrt', rule, rule.compute.dtype),
    opImplementation('sqrt', rule, rule.compute.dtype),
  );
}

export function compileFusedStep(variant: Variant, dtype: Dtype): FusedStep {
  return compileProgramStep(stepProgram(variant, dtype));
}
