// One RMSprop step as a pure function of (state, params, grad, variant), evaluated in the
// arithmetic of a dtype. In float64 this is the golden reference; in float32 it is the emulation of
// a framework's kernels, operation by operation. The step itself is data (reference/program): this
// file runs the variant's program through its interpreters.

import { arithmeticFor, type Arithmetic, type Dtype } from './arithmetic.js';
import { ElementInterpreter } from './program/interpret.js';
import { prepareScalars, stepProgram, type StepScalars } from './program/index.js';
import type { Variant } from './variant.js';

export interface OptimizerState {
  /** Steps taken so far. */
  step: number;
  /** Second-moment accumulator. */
  v: Float64Array;
  /** Mean-gradient accumulator (centered); zeros otherwise. */
  m: Float64Array;
  /** Momentum buffer (for 'graves', the signed delta); zeros when momentum is off. */
  b: Float64Array;
  /** Weight average (useEma), starting at zeros like Keras' `average` variables; absent otherwise. */
  a?: Float64Array;
}

export interface StepResult {
  state: OptimizerState;
  params: Float64Array;
}

export function initialState(variant: Variant, dtype: Dtype, n: number): OptimizerState {
  const A = arithmeticFor(dtype);
  return {
    step: 0,
    v: new Float64Array(n).fill(A.round(variant.initialAccumulator)),
    m: new Float64Array(n),
    b: new Float64Array(n),
    ...(variant.useEma ? { a: new Float64Array(n) } : {}),
  };
}

export type { StepScalars } from './program/index.js';

/** The scalars of a step, from the variant's program (the scalar stage): kept for callers that hold a variant and an arithmetic. */
export function stepScalars(variant: Variant, A: Arithmetic, step: number, grad: Float64Array): StepScalars {
  return prepareScalars(stepProgram(variant, A.dtype), step, grad);
}

/** Per-element result: new param and accumulators. */
export interface ElementState {
  p: number;
  v: number;
  m: number;
  b: number;
}

/** One element of one step, by the program's interpreter (for checking other arithmetic op by op). */
export function stepElement(
  variant: Variant,
  A: Arithmetic,
  S: StepScalars,
  p: number,
  g: number,
  v: number,
  m: number,
  b: number,
): ElementState {
  const program = stepProgram(variant, A.dtype);
  const interpreter = new ElementInterpreter(program.ops, program.rule);
  interpreter.setScalars({ ...S });
  const e = interpreter.run({ p, g, v, m, b });
  return { p: e.p, v: e.v, m: e.m, b: e.b };
}

// One interpreter per compiled program, reused by every step (it holds only registers, reloaded each step).
const interpreters = new WeakMap<object, ElementInterpreter>();
function interpreterOf(program: ReturnType<typeof stepProgram>): ElementInterpreter {
  let i = interpreters.get(program);
  if (!i) interpreters.set(program, (i = new ElementInterpreter(program.ops, program.rule)));
  return i;
}

/** One full step over all elements. Pure: inputs are not modified. */
export function step(
  variant: Variant,
  dtype: Dtype,
  state: OptimizerState,
  params: Float64Array,
  grad: Float64Array,
): StepResult {
  const n = params.length;
  if (grad.length !== n || state.v.length !== n) {
    throw new RangeError(`gradient has ${grad.length} elements, params ${n}, state ${state.v.length}`);
  }
  const program = stepProgram(variant, dtype);
  // The gradient as the dtype holds it, once: the global norm (clipNorm) and the update see the same values.
  const g = Float64Array.from(grad, (x) => program.rule.storage(x));
  const interpreter = interpreterOf(program);
  const scalars = prepareScalars(program, state.step, g);
  interpreter.setScalars({ ...scalars });
  const out = new Float64Array(n);
  const next: OptimizerState = { step: state.step + 1, v: new Float64Array(n), m: new Float64Array(n), b: new Float64Array(n) };
  const average = state.a ?? (variant.useEma ? new Float64Array(n) : undefined);
  if (average) next.a = new Float64Array(n);
  // Keras _overwrite_model_variables_with_average_value: var.assign(average), a copy after the average update.
  const overwrite = scalars.emaOverwrite === true;
  for (let i = 0; i < n; i++) {
    const e = interpreter.run({ p: params[i], g: g[i], v: state.v[i], m: state.m[i], b: state.b[i], a: average?.[i] });
    out[i] = overwrite ? e.a! : e.p;
    next.v[i] = e.v;
    next.m[i] = e.m;
    next.b[i] = e.b;
    if (next.a) next.a[i] = e.a!;
  }
  return { state: next, params: out };
}
