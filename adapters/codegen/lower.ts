// The one lowering every kernel generator uses: walks a step program's element ops in order,
// keeping what each vector, temporary and scalar currently is in the target (a local's name, a
// graph tensor), and asks the target for one thing only: how to express an op.

import type { ElementOp, Operand, ScalarName, VectorName } from '../../reference/program/ops.js';

export interface Lowering<H> {
  /** A program input: a vector's value as loaded, or a scalar. */
  input(o: { vector: VectorName } | { scalar: ScalarName }): H;
  /** Expresses one op on lowered arguments; returns what now holds its result. */
  apply(op: ElementOp, args: readonly H[]): H;
}

/** Lowers the ops; returns the final value of every vector the program touched. */
export function lowerOps<H>(ops: readonly ElementOp[], target: Lowering<H>): Map<VectorName, H> {
  const values = new Map<string, H>();
  const key = (o: Operand) => ('vector' in o ? `v:${o.vector}` : 'temp' in o ? `t:${o.temp}` : `s:${o.scalar}`);
  const read = (o: Operand): H => {
    const k = key(o);
    let h = values.get(k);
    if (h === undefined) {
      if ('temp' in o) throw new Error(`kernel generator: temporary ${o.temp} is read before it is written`);
      values.set(k, (h = target.input(o)));
    }
    return h;
  };
  const vectors = new Map<VectorName, H>();
  for (const op of ops) {
    const h = target.apply(op, op.args.map(read));
    values.set(key(op.out), h);
    if ('vector' in op.out) vectors.set(op.out.vector, h);
  }
  return vectors;
}

/** How a text kernel (JavaScript, WGSL, AssemblyScript) spells things. */
export interface TextDialect {
  /** The expression of one op on argument expressions, with the op's rounding applied. */
  expression(op: ElementOp, args: readonly string[]): string;
  scalar(name: ScalarName): string;
  /** The mutable local holding a vector's element. */
  vector(name: VectorName): string;
  /** A statement binding a new immutable local. */
  bind(local: string, expression: string): string;
  /** A statement assigning a mutable local. */
  assign(local: string, expression: string): string;
}

/** Text lowering: one statement per op; a vector write assigns its local, a temporary binds a fresh one. */
export function lowerToText(ops: readonly ElementOp[], dialect: TextDialect): string[] {
  const lines: string[] = [];
  const used = new Set<string>();
  lowerOps<string>(ops, {
    input: (o) => ('vector' in o ? dialect.vector(o.vector) : dialect.scalar(o.scalar)),
    apply: (op, args) => {
      const expression = dialect.expression(op, args);
      if ('vector' in op.out) {
        const local = dialect.vector(op.out.vector);
        lines.push(dialect.assign(local, expression));
        return local;
      }
      const base = `t_${'temp' in op.out ? op.out.temp : op.out.scalar}`;
      let local = base;
      for (let k = 2; used.has(local); k++) local = `${base}${k}`;
      used.add(local);
      lines.push(dialect.bind(local, expression));
      return local;
    },
  });
  return lines;
}

/** Infix and prefix spellings shared by the C-like dialects (JavaScript, WGSL); the rest is the dialect's. */
export function cLikeExpression(
  op: ElementOp,
  [a, b, c]: readonly string[],
  calls: {
    sqrt(a: string): string;
    rsqrt(a: string): string;
    fma(a: string, b: string, c: string): string;
    clip(g: string, bound: string): string;
  },
): string {
  switch (op.kind) {
    case 'add':
      return `${a} + ${b}`;
    case 'sub':
      return `${a} - ${b}`;
    case 'mul':
      return `${a} * ${b}`;
    case 'div':
      return `${a} / ${b}`;
    case 'neg':
      return `-${a}`;
    case 'copy':
      return a;
    case 'sqrt':
      return calls.sqrt(a);
    case 'rsqrt':
      return calls.rsqrt(a);
    case 'fma':
      return calls.fma(a, b, c);
    case 'clip':
      return calls.clip(a, b);
  }
}
