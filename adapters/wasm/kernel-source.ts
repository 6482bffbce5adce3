// Generates the AssemblyScript of the WASM kernels: the template (assembly/rmsprop.as) with the
// flag constants, the per-element body and the step exports filled in. The body is the step
// definition (reference/program) walked with every condition left to run time — each becomes a
// test of the flag word (flags.ts flagLayout) — except the FMA sites: WASM has no
// deterministic FMA, so every a*b + c is the unfused pair. The specialised exports pass a constant
// word, and Binaryen folds the branches away. Under flushSubnormals (a bit of the word, not a branch
// of the program) every op's result, the loads and the scalars go through a compare-and-select
// that makes a subnormal a zero of its sign (x86 DAZ + FTZ, which WASM does not have).

import { parseCondition, type StepDefinition } from '../../reference/program/definition.js';
import type { Condition, ElementOp, Operand, ScalarName, VectorName } from '../../reference/program/ops.js';
import { RMSPROP } from '../../reference/program/rmsprop.js';
import { walkBlock, type Decision } from '../../reference/program/walk.js';
import type { Variant } from '../../reference/variant.js';
import { FAST_KERNELS, flagConstants, flagLayout, flagTest, type FlagField } from './flags.js';

/** Parameter names of the body for the program's scalars (the exports pass them in this order). */
const AS_SCALARS: Record<ScalarName, string> = {
  lr: 'lr',
  decay: 'decay',
  oneMinusDecay: 'w',
  eps: 'eps',
  momentum: 'mu',
  weightDecay: 'wd',
  rescale: 'rescale',
  clip: 'c',
  normScale: 'ns',
  biasCorrection: 'bc',
  normDivisor: 'nd',
  one: 'one',
};

/** Vectors stored only when a condition holds (memory traffic bounds the step). */
const VECTOR_GUARDS: Partial<Record<VectorName, Condition>> = { m: 'centered', b: 'momentum' };

/** The op's expression, its result flushed where the rule flushes (neg, copy and clip move values and keep flushed ones flushed). */
function expression(op: ElementOp, args: readonly string[]): string {
  const e = opExpression(op, args);
  return op.kind === 'neg' || op.kind === 'copy' || op.kind === 'clip' ? e : `fz<T, X>(${e}, flush)`;
}

function opExpression(op: ElementOp, args: readonly string[]): string {
  const [a, b] = args;
  switch (op.kind) {
    case 'copy':
      return a;
    case 'sqrt':
      return `sqr<T, X>(${a})`;
    case 'rsqrt':
      return `rsq<T, X>(${a})`;
    case 'fma':
      throw new Error('wasm kernel: the program asks for an fma, which the kernel does not have');
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'clip':
      return `${op.kind}<T, X>(${a}, ${b})`;
    case 'neg':
      return `neg<T, X>(${a})`;
  }
}

const local = (o: Operand) => ('vector' in o ? o.vector : 'temp' in o ? `t_${o.temp}` : AS_SCALARS[o.scalar]);

/** The generic body<T, X>: loads, the definition's element stage under run-time flag tests, stores. */
export function bodySource(definition: StepDefinition<Variant> = RMSPROP): string {
  const layout: readonly FlagField[] = flagLayout(definition);
  const test = (c: Condition) =>
    parseCondition(c, definition.conditions).name === 'smallWeight'
      ? c.startsWith('!')
        ? '!wSmall'
        : 'wSmall'
      : flagTest(layout, definition, c)!;
  const lines: string[] = [];
  const temps = new Set<string>();
  let depth = 1;
  const push = (line: string) => lines.push(`${'  '.repeat(depth)}${line}`);
  const decide = (when: readonly Condition[]): Decision => {
    if (!when.every((c) => parseCondition(c, definition.conditions).kind === 'fma')) return 'runtime';
    // No FMA sites: a positive fma condition fails, a negated one holds.
    return when.every((c) => c.startsWith('!')) ? 'then' : 'else';
  };
  walkBlock<ElementOp>(definition.element, decide, {
    op: (op) => {
      if ('temp' in op.out) temps.add(op.out.temp);
      push(`${local(op.out)} = ${expression(op, op.args.map(local))};`);
    },
    runtime: (when, then, otherwise) => {
      push(`if (${when.map(test).join(' && ')}) {`);
      depth++;
      then();
      depth--;
      push('} else {');
      const elseAt = lines.length;
      depth++;
      otherwise();
      depth--;
      if (lines.length === elseAt) lines.pop();
      push('}');
    },
  });
  const guard = (x: VectorName) => (VECTOR_GUARDS[x] ? test(VECTOR_GUARDS[x]) : null);
  const load = (x: VectorName, at: string) =>
    guard(x)
      ? `let ${x} = ${guard(x)} ? fz<T, X>(ld<T, X>(${at} + o), flush) : zero;`
      : `let ${x} = fz<T, X>(ld<T, X>(${at} + o), flush);`;
  const store = (x: VectorName, at: string) =>
    guard(x) ? `if ${guard(x)} st<T, X>(${at} + o, ${x});` : `st<T, X>(${at} + o, ${x});`;
  const scalars = ['lr', 'decay', 'w', 'eps', 'mu', 'wd', 'rescale', 'c', 'ns', 'bc'];
  return [
    FLUSH_HELPER,
    '',
    '/** One element (X = T) or one vector of lanes (X = v128) at byte offset o. Generated from the step program. */',
    '@inline function body<T, X>(',
    '  o: usize, pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, flags: i32,',
    '  lr: X, decay: X, w: X, wSmall: bool, eps: X, mu: X, wd: X, rescale: X, c: X, ns: X, bc: X, nd: X, one: X,',
    '): void {',
    '  const zero = spl<T, X>(<T>0);',
    `  const flush = ${test('flushSubnormals')};`,
    `  if (flush) { ${scalars.map((x) => `${x} = fz<T, X>(${x}, true);`).join(' ')} }`,
    `  ${load('p', 'pP')}`,
    `  ${load('g', 'pG')}`,
    `  ${load('v', 'pV')}`,
    `  ${load('m', 'pM')}`,
    `  ${load('b', 'pB')}`,
    ...[...temps].map((t) => `  let t_${t}: X = zero;`),
    ...lines,
    `  ${store('p', 'pP')}`,
    `  ${store('v', 'pV')}`,
    `  ${store('m', 'pM')}`,
    `  ${store('b', 'pB')}`,
    '}',
  ].join('\n');
}

/** x, or a zero of its sign where x is subnormal in T (on: the flag word's F_FLUSH; constant in the specialised kernels). */
const FLUSH_HELPER = `@inline function fz<T, X>(x: X, on: bool): X {
  if (!on) return x;
  if (isVector<X>()) {
    const tiny: v128 = sizeof<T>() == 4 ? f32x4.splat(<f32>1.1754943508222875e-38) : f64x2.splat(2.2250738585072014e-308);
    const sign: v128 = sizeof<T>() == 4 ? i32x4.splat(<i32>0x80000000) : i64x2.splat(<i64>0x8000000000000000);
    return v128.bitselect(v128.and(x, sign), x, v128.lt<T>(v128.abs<T>(x), tiny));
  } else {
    return abs<T>(x) < <T>(sizeof<T>() == 4 ? 1.1754943508222875e-38 : 2.2250738585072014e-308) ? copysign<T>(<T>0, x) : x;
  }
}`;

const STEP_PARAMETERS = `pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64, nd: f64,`;

function stepExport(name: string, word: string, type: 'f32' | 'f64'): string {
  const scalars = ['lr', 'decay', 'w', 'eps', 'mu', 'wd', 'rescale', 'c', 'ns', 'bc', 'nd']
    .map((s) => (type === 'f32' ? `<f32>${s}` : s))
    .join(', ');
  return `export function ${name}(\n  ${STEP_PARAMETERS}\n): void {\n  run<${type}>(pP, pG, pV, pM, pB, lo, hi, ${word}, ${scalars});\n}`;
}

/**
 * step_f32 / step_f64 for any flag word (scalars as f64 holding values of the dtype: the conversion
 * is exact), and per FAST_KERNELS entry fast_<name>() with its word and step_<dtype>_<name>, which
 * ignore their flags argument and run the constant word.
 */
export function exportsSource(): string {
  const parts = [stepExport('step_f32', 'flags', 'f32'), stepExport('step_f64', 'flags', 'f64')];
  for (const [name, word] of Object.entries(FAST_KERNELS)) {
    parts.push(
      `export function fast_${name}(): i32 { return ${word}; }`,
      stepExport(`step_f32_${name}`, String(word), 'f32'),
      stepExport(`step_f64_${name}`, String(word), 'f64'),
    );
  }
  return parts.join('\n\n');
}

export function flagsSource(definition: StepDefinition<Variant> = RMSPROP): string {
  return [
    '// Flag bits (adapters/wasm/flags.ts).',
    ...Object.entries(flagConstants(flagLayout(definition))).map(([name, value]) => `const ${name}: i32 = ${value};`),
  ].join('\n');
}

/** The complete kernel source from the template. */
export function generateKernelSource(template: string, definition: StepDefinition<Variant> = RMSPROP): string {
  const fill = (text: string, marker: string, generated: string) => {
    if (!text.includes(marker)) throw new Error(`wasm kernel template: marker ${marker} is missing`);
    return text.replace(marker, () => generated);
  };
  return fill(
    fill(fill(template, '/* @generated:flags */', flagsSource(definition)), '/* @generated:body */', bodySource(definition)),
    '/* @generated:exports */',
    exportsSource(),
  );
}
