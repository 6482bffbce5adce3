// Interpreters of a step program: the scalar stage on the host, and the element stage one element
// at a time, each op in the rule's arithmetic (float64; float32 with every op rounded and fma
// correctly rounded; any other rule alike).

import { float64Arithmetic, type Arithmetic } from '../arithmetic.js';
import type { ElementKind, ElementOp, ScalarOp, VectorName } from './ops.js';
import { REFERENCE_ONLY_VECTORS, VECTORS } from './ops.js';
import type { RoundingRule } from './rounding.js';
import { scheduleRate } from '../schedules/index.js';
import type { LrScheduleSpec } from '../schedules/schedule.js';
import { flushFor } from './rounding.js';

export type ScalarEnvironment = Readonly<Record<string, number | undefined>>;

interface HeldVariant {
  readonly float32Hyperparameters: readonly string[];
}

/** Runs the scalar stage: every prepared scalar by name. */
export function runScalarOps(
  ops: readonly ScalarOp[],
  rule: RoundingRule,
  variant: HeldVariant,
  step: number,
  grad: ArrayLike<number>,
): Record<string, number> {
  const env: Record<string, number> = {};
  const fields = variant as unknown as Readonly<Record<string, unknown>>;
  const arg = (o: ScalarOp, i: number): number => {
    const name = o.args[i];
    const x = typeof name === 'number' ? name : env[name];
    if (x === undefined) throw new Error(`scalar ${o.out}: ${String(name)} is not prepared before it`);
    return x;
  };
  for (const o of ops) {
    const A: Arithmetic = o.at === 'host' ? float64Arithmetic : (rule.scalarCompute ?? rule.compute);
    let x: number;
    switch (o.kind) {
      case 'hyperparameter': {
        const name = String(o.args[0]);
        const value = fields[name];
        if (typeof value !== 'number') throw new Error(`scalar ${o.out}: hyperparameter ${name} is ${String(value)}`);
        x = o.args[1] === 'as-held' && variant.float32Hyperparameters.includes(name) ? Math.fround(value) : value;
        break;
      }
      case 'constant':
        x = Number(o.args[0]);
        break;
      case 'step':
        x = step;
        break;
      case 'cast':
        x = rule.compute.round(arg(o, 0));
        break;
      case 'float32':
        x = Math.fround(arg(o, 0));
        break;
      case 'add':
      case 'sub':
      case 'mul':
      case 'div':
        x = A[o.kind](arg(o, 0), arg(o, 1));
        break;
      case 'sqrt':
        x = A.sqrt(arg(o, 0));
        break;
      case 'pow':
        x = A.round(arg(o, 0) ** arg(o, 1));
        break;
      case 'sum-of-squares':
      case 'fma-sum-of-squares': {
        // The gradient as the clip receives it: rescaled (a stored vector op) and elementwise-clipped.
        const scale = arg(o, 1);
        const bound = arg(o, 2);
        let sum = 0;
        for (let i = 0; i < grad.length; i++) {
          const stored = rule.storage(grad[i]);
          const loaded = rule.load ? rule.load(stored) : stored;
          const scaled = scale === 1 ? loaded : rule.storage(A.mul(scale, loaded));
          const y = scaled > bound ? bound : scaled < -bound ? -bound : scaled;
          sum = o.kind === 'fma-sum-of-squares' ? A.fma(y, y, sum) : A.add(sum, A.mul(y, y));
        }
        x = sum;
        break;
      }
      case 'schedule': {
        // The rate as the framework's schedule gives it; float32-held like the base when the variant says so.
        const base = fields[String(o.args[1])];
        if (typeof base !== 'number') throw new Error(`scalar ${o.out}: hyperparameter ${String(o.args[1])} is ${String(base)}`);
        const rate = scheduleRate(fields[String(o.args[0])] as LrScheduleSpec, step, base, rule.compute.dtype);
        x = variant.float32Hyperparameters.includes(String(o.args[1])) ? Math.fround(rate) : rate;
        break;
      }
      case 'stream': {
        const list = fields[String(o.args[0])] as readonly number[];
        if (step >= list.length)
          throw new RangeError(
            `scalar ${o.out}: ${String(o.args[0])} has ${list.length} values, step ${step + 1} needs one more`,
          );
        x = variant.float32Hyperparameters.includes(String(o.args[1])) ? Math.fround(list[step]) : list[step];
        break;
      }
      case 'nonzero':
        x = arg(o, 0) !== 0 ? 1 : 0;
        break;
      case 'is-multiple': {
        const n = fields[String(o.args[1])];
        x = typeof n === 'number' && arg(o, 0) % n === 0 ? 1 : 0;
        break;
      }
      case 'factor-above': {
        const bound = arg(o, 0);
        const value = arg(o, 1);
        x = value > bound ? A.div(bound, value) : 1;
        break;
      }
      case 'min':
      case 'max': {
        const a = arg(o, 0);
        const b = arg(o, 1);
        x = Number.isNaN(a) || Number.isNaN(b) ? NaN : o.kind === 'min' ? Math.min(a, b) : Math.max(a, b);
        break;
      }
      case 'select-below':
        x = arg(o, 0) < arg(o, 1) ? arg(o, 2) : arg(o, 3);
        break;
    }
    env[o.out] = x;
  }
  return env;
}

/** One element's vectors, in and out ('a', the weight average, only where the program keeps one). */
export type ElementValues = Record<VectorName, number> & { a?: number };

const KIND_CODE: Record<ElementKind, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  sqrt: 4,
  rsqrt: 5,
  neg: 6,
  fma: 7,
  clip: 8,
  copy: 9,
};

/**
 * The element stage compiled to a register machine: vectors in registers 0..4, then the scalars
 * the ops read, then temporaries. `run` evaluates one element in place.
 */
export class ElementInterpreter {
  private readonly code: Int32Array;
  private readonly registers: Float64Array;
  private readonly scalarSlots: [string, number][] = [];
  private readonly storage: boolean[];
  /** Which of the registers 0..4 (p, g, v, m, b) the ops write: the others are returned as they came in. */
  private readonly written: boolean[];
  /** Flushes a clip's result under DAZ + FTZ (the other ops flush in the rule's arithmetic). */
  private readonly flush: ((x: number) => number) | null;

  constructor(
    ops: readonly ElementOp[],
    private readonly rule: RoundingRule,
  ) {
    const index = new Map<string, number>([...VECTORS, ...REFERENCE_ONLY_VECTORS].map((v, i) => [`vector:${v}`, i]));
    const slot = (key: string): number => {
      let i = index.get(key);
      if (i === undefined) {
        index.set(key, (i = index.size));
        if (key.startsWith('scalar:')) this.scalarSlots.push([key.slice(7), i]);
      }
      return i;
    };
    const key = (o: ElementOp['out']) =>
      'vector' in o ? `vector:${o.vector}` : 'temp' in o ? `temp:${o.temp}` : `scalar:${o.scalar}`;
    this.code = new Int32Array(ops.length * 5);
    this.storage = ops.map((o) => o.rounding === 'storage');
    this.written = VECTORS.map((v) => ops.some((o) => 'vector' in o.out && o.out.vector === v));
    ops.forEach((o, k) => {
      this.code[k * 5] = KIND_CODE[o.kind];
      for (let a = 0; a < 3; a++) this.code[k * 5 + 1 + a] = o.args[a] ? slot(key(o.args[a])) : 0;
      this.code[k * 5 + 4] = slot(key(o.out));
    });
    this.registers = new Float64Array(index.size);
    this.flush = rule.flushSubnormals ? flushFor(rule.compute.dtype) : null;
  }

  /** Loads the step's scalars ('one' is the constant 1 of the compute dtype). */
  setScalars(scalars: Readonly<Record<string, number | null | undefined | boolean>>): void {
    for (const [name, i] of this.scalarSlots) {
      const x = name === 'one' ? this.rule.compute.round(1) : scalars[name];
      if (typeof x !== 'number') throw new Error(`element stage reads scalar ${name}, which the scalar stage did not prepare`);
      this.registers[i] = x;
    }
  }

  run(e: ElementValues): ElementValues {
    const r = this.registers;
    const A = this.rule.compute;
    const load = this.rule.load;
    r[0] = e.p;
    r[1] = e.g;
    r[2] = e.v;
    r[3] = e.m;
    r[4] = e.b;
    r[5] = e.a ?? 0;
    if (load) for (let i = 0; i < 5; i++) r[i] = load(r[i]);
    const code = this.code;
    for (let k = 0, pc = 0; pc < code.length; k++, pc += 5) {
      const a = r[code[pc + 1]];
      const b = r[code[pc + 2]];
      let x: number;
      switch (code[pc]) {
        case 0:
          x = A.add(a, b);
          break;
        case 1:
          x = A.sub(a, b);
          break;
        case 2:
          x = A.mul(a, b);
          break;
        case 3:
          x = A.div(a, b);
          break;
        case 4:
          x = A.sqrt(a);
          break;
        case 5:
          x = A.rsqrt(a);
          break;
        case 6:
          x = -a;
          break;
        case 7:
          x = A.fma(a, b, r[code[pc + 3]]);
          break;
        // g > c ? c : g < -c ? -c : g (NaN passes through)
        case 8:
          x = a > b ? b : a < -b ? -b : a;
          if (this.flush) x = this.flush(x);
          break;
        default:
          x = a;
      }
      r[code[pc + 4]] = this.storage[k] ? this.rule.storage(x) : x;
    }
    if (!load) return { p: r[0], g: r[1], v: r[2], m: r[3], b: r[4], a: r[5] };
    // A load conversion is the kernel's reading of a value, not a write: untouched vectors keep theirs.
    const w = this.written;
    return {
      p: w[0] ? r[0] : e.p,
      g: w[1] ? r[1] : e.g,
      v: w[2] ? r[2] : e.v,
      m: w[3] ? r[3] : e.m,
      b: w[4] ? r[4] : e.b,
      a: r[5],
    };
  }
}
