// One step re-anchored on a framework's own state, with its declared inexact ops (reference/op-error.ts)
// allowed their bound: does some choice of those ops' results, each within the declared ULPs of the
// correctly rounded value, reproduce every recorded value of the step exactly?
//
// Soundness: the element stage is run by the program's own interpreter, with only the declared op
// replaced by "the correctly rounded result moved by j ulps", and every j in [-bound, bound] is tried
// for every occurrence of the op in the element (the product of the choices; 3 per occurrence at a
// 1-ulp bound, one occurrence per element in every profile today). Every other op is the profile's
// model, unchanged. So the set tried is exactly the set of results the declaration allows: a framework
// that follows the profile and keeps its ops within the declared bound is always accepted (no false
// "outside"), and a step is accepted only when some allowed choice gives the recorded bits (nothing
// else is tolerated: no false "exact"). This is the exact set, not an interval enclosure of it.
// The scalar stage (the global norm's sqrt) is evaluated correctly rounded: the declarations are about
// elementwise kernels.

import type { Arithmetic, Dtype } from './arithmetic.js';
import { nextDown32, nextDown64, nextUp32, nextUp64 } from './float-bits.js';
import { opErrorBounds, unmodelled, type InexactOp, type OpErrorDeclaration } from './op-error.js';
import { ElementInterpreter } from './program/interpret.js';
import { prepareScalars, stepProgram, type StepProgram } from './program/index.js';
import type { RoundingRule } from './program/rounding.js';
import type { Variant } from './variant.js';

/** The state a step starts from (or that it left): parameters and the optimizer's buffers. */
export interface StepVectors {
  p: Float64Array;
  v: Float64Array;
  m: Float64Array;
  b: Float64Array;
}

export type StateVector = 'v' | 'm' | 'b';

export interface UnexplainedElement {
  index: number;
  /** The vectors whose recorded value no allowed choice reproduces (with the correctly rounded choice). */
  quantity: 'p' | StateVector;
  expected: number;
  recorded: number;
}

function moved(x: number, ulps: number, dtype: Dtype): number {
  if (!Number.isFinite(x) || x === 0) return x; // IEEE special cases: exact in every implementation
  const up = dtype === 'float32' ? nextUp32 : nextUp64;
  const down = dtype === 'float32' ? nextDown32 : nextDown64;
  let y = x;
  for (let i = 0; i < Math.abs(ulps); i++) y = ulps > 0 ? up(y) : down(y);
  return y;
}

/** Offsets to try for one occurrence: 0 first (the correctly rounded result), then ±1, ±2, ... */
function offsets(bound: number): number[] {
  const out = [0];
  for (let j = 1; j <= bound; j++) out.push(-j, j);
  return out;
}

export class OpErrorStep {
  readonly program: StepProgram<Variant>;
  /** Optimizer buffers the element stage writes: each must be recorded to re-anchor on it. */
  readonly stateWritten: readonly StateVector[];
  /** Occurrences of declared ops per element, and their bounds in order. */
  readonly occurrences: readonly { op: InexactOp; ulps: number }[];
  private readonly interpreter: ElementInterpreter;
  private readonly choice: number[];
  private call = 0;

  constructor(
    variant: Variant,
    readonly dtype: Dtype,
    declarations: readonly OpErrorDeclaration[] | undefined,
  ) {
    this.program = stepProgram(variant, dtype);
    // An op the rule computes by the framework's own algorithm is exact: no declaration applies to it.
    const bounds = opErrorBounds(unmodelled(declarations, this.program.rule), this.program.rule.compute.dtype);
    this.occurrences = this.program.ops
      .filter((o) => bounds.has(o.kind as InexactOp))
      .map((o) => ({ op: o.kind as InexactOp, ulps: bounds.get(o.kind as InexactOp)! }));
    this.choice = this.occurrences.map(() => 0);
    const written = new Set(this.program.ops.flatMap((o) => ('vector' in o.out ? [o.out.vector] : [])));
    this.stateWritten = (['v', 'm', 'b'] as const).filter((q) => written.has(q));
    const base = this.program.rule.compute;
    const declared = (op: InexactOp, exact: (a: number) => number) =>
      bounds.has(op) ? (a: number) => moved(exact(a), this.choice[this.call++] ?? 0, base.dtype) : exact;
    const compute: Arithmetic = {
      ...base,
      sqrt: declared('sqrt', (a) => base.sqrt(a)),
      rsqrt: declared('rsqrt', (a) => base.rsqrt(a)),
    };
    const rule: RoundingRule = Object.assign(Object.create(this.program.rule) as RoundingRule, { compute });
    this.interpreter = new ElementInterpreter(this.program.ops, rule);
  }

  /** Whether any op of the program carries a declared error in this dtype. */
  get declared(): boolean {
    return this.occurrences.length > 0;
  }

  /**
   * Runs step `step` (steps taken before it) from `before` on `grad` and checks every element against
   * `after`: null when each element is reproduced exactly by some allowed choice of the declared ops'
   * results, else the first element that is not (signed zeros compared strictly). `after` must hold
   * every vector in stateWritten.
   */
  check(
    step: number,
    before: StepVectors,
    grad: Float64Array,
    after: Partial<StepVectors> & { p: Float64Array },
  ): UnexplainedElement | null {
    const rule = this.program.rule;
    const g = Float64Array.from(grad, (x) => rule.storage(x));
    this.interpreter.setScalars({ ...prepareScalars(this.program, step, g) });
    const compared: ('p' | StateVector)[] = ['p', ...this.stateWritten.filter((q) => after[q] !== undefined)];
    const choices = this.occurrences.map((o) => offsets(o.ulps));
    for (let i = 0; i < g.length; i++) {
      const input = { p: before.p[i], g: g[i], v: before.v[i], m: before.m[i], b: before.b[i] };
      let firstMiss: UnexplainedElement | null = null;
      let found = false;
      // Odometer over every combination of offsets, the correctly rounded one first.
      const at = choices.map(() => 0);
      for (;;) {
        for (let k = 0; k < at.length; k++) this.choice[k] = choices[k][at[k]];
        this.call = 0;
        const out = this.interpreter.run(input);
        const miss = compared.find((q) => !Object.is(out[q], after[q]![i]));
        if (miss === undefined) {
          found = true;
          break;
        }
        firstMiss ??= { index: i, quantity: miss, expected: out[miss], recorded: after[miss]![i] };
        let k = 0;
        while (k < at.length && ++at[k] === choices[k].length) at[k++] = 0;
        if (k === at.length) break;
      }
      if (!found) return firstMiss;
    }
    return null;
  }
}
