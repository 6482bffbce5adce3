// A few constructors so that a step definition reads like the formulas it encodes. Operands are
// written as strings: 'p' 'g' 'v' 'm' 'b' are the vectors, '$name' a scalar, anything else a
// temporary.

import {
  REFERENCE_ONLY_VECTORS,
  VECTORS,
  isBranch,
  type Branch,
  type Condition,
  type ElementBlock,
  type ElementKind,
  type ElementOp,
  type Operand,
  type ScalarBlock,
  type ScalarKind,
  type ScalarName,
  type ScalarOp,
  type VectorName,
} from './ops.js';

export function operand(name: string): Operand {
  if (name.startsWith('$')) return { scalar: name.slice(1) as ScalarName };
  if ((VECTORS as readonly string[]).includes(name)) return { vector: name as VectorName };
  // Reference-only stages (ops.ts): named like the others, typed as the generators' names they never meet.
  if ((REFERENCE_ONLY_VECTORS as readonly string[]).includes(name)) return { vector: name as VectorName };
  return { temp: name };
}

/** out = kind(args): rounded to storage when out is a vector, exact for neg/clip/copy, else to the compute dtype. */
export function op(kind: ElementKind, out: string, ...args: string[]): ElementOp {
  const target = operand(out);
  const rounding = kind === 'neg' || kind === 'clip' || kind === 'copy' ? 'exact' : 'vector' in target ? 'storage' : 'compute';
  return { kind, out: target, args: args.map(operand), rounding };
}

/** out = a*b + c: one fused multiply-add where the variant contracts `site`, else mul (into tmp) then add. */
export function madd(site: string, out: string, a: string, b: string, c: string, tmp: string): ElementBlock {
  return {
    when: [`fma:${site}`],
    then: { ...op('fma', out, a, b, c), site },
    else: [
      { ...op('mul', tmp, a, b), site },
      { ...op('add', out, tmp, c), site },
    ],
  };
}

export function when(
  conditions: Condition | readonly Condition[],
  then: ElementBlock,
  otherwise?: ElementBlock,
): Branch<ElementBlock>;
export function when(
  conditions: Condition | readonly Condition[],
  then: ScalarBlock,
  otherwise?: ScalarBlock,
): Branch<ScalarBlock>;
export function when<B>(conditions: Condition | readonly Condition[], then: B, otherwise?: B): Branch<B> {
  return {
    when: typeof conditions === 'string' ? [conditions] : conditions,
    then,
    ...(otherwise === undefined ? {} : { else: otherwise }),
  };
}

/** A named stage: printed as a heading with the program. */
export function stage(name: string, body: ElementBlock, conditions?: readonly Condition[]): Branch<ElementBlock>;
export function stage(name: string, body: ScalarBlock, conditions?: readonly Condition[]): Branch<ScalarBlock>;
export function stage<B>(name: string, body: B, conditions: readonly Condition[] = []): Branch<B> {
  return { when: conditions, then: body, stage: name };
}

/** Scalar op computed in float64 on the host. */
export function host(kind: ScalarKind, out: string, ...args: (string | number)[]): ScalarOp {
  return { kind, out, args, at: 'host' };
}

/** Scalar op computed in the compute dtype (a tensor op on a 0-d tensor, or the kernel's own arithmetic). */
export function compute(kind: ScalarKind, out: string, ...args: (string | number)[]): ScalarOp {
  return { kind, out, args, at: 'compute' };
}

/** Tags every op of a block as part of framework op `name` (`last`: the op that ends it): see ElementOp.fused. */
export function fused(name: string, block: ElementBlock, last = false): ElementBlock {
  if (Array.isArray(block)) return (block as readonly ElementBlock[]).map((b) => fused(name, b, last));
  if (isBranch<ElementBlock>(block))
    return {
      ...block,
      then: fused(name, block.then, last),
      ...(block.else === undefined ? {} : { else: fused(name, block.else, last) }),
    };
  return { ...(block as ElementOp), fused: { op: name, ...(last ? { last: true } : {}) } };
}

/** One block per value of an axis: tested in order, the last value is what remains (an if / else-if chain). */
export function match(axis: string, blocks: Readonly<Record<string, ElementBlock>>): ElementBlock {
  const entries = Object.entries(blocks);
  const [last] = entries.pop()!;
  return entries.reduceRight<ElementBlock>(
    (otherwise, [value, block]) => when(`${axis}=${value}`, block, otherwise),
    blocks[last],
  );
}
