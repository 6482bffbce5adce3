// The one walker over a step definition's decision trees. `decide` says, per condition list,
// whether its branch is taken ('then' / 'else'), or left to run time ('runtime': the visitor emits
// a branch, as the general WASM kernel does with its flag word).

import { isBranch, type Branch, type Condition } from './ops.js';

export type Decision = 'then' | 'else' | 'runtime';

export interface BlockVisitor<Op> {
  op(op: Op): void;
  /** Entering and leaving a named stage (for printing). */
  stage?(name: string, entering: boolean): void;
  /** A branch decided at run time: the visitor brackets the two walks. */
  runtime?(conditions: readonly Condition[], then: () => void, otherwise: () => void): void;
}

type Tree<Op> = Op | Branch<Tree<Op>> | readonly Tree<Op>[];

export function walkBlock<Op>(
  block: Tree<Op>,
  decide: (conditions: readonly Condition[]) => Decision,
  visitor: BlockVisitor<Op>,
): void {
  if (Array.isArray(block)) {
    for (const b of block as readonly Tree<Op>[]) walkBlock(b, decide, visitor);
    return;
  }
  if (!isBranch<Tree<Op>>(block)) {
    visitor.op(block as Op);
    return;
  }
  const decision = block.when.length === 0 ? 'then' : decide(block.when);
  const enter = () => {
    if (block.stage) visitor.stage?.(block.stage, true);
  };
  const leave = () => {
    if (block.stage) visitor.stage?.(block.stage, false);
  };
  if (decision === 'runtime') {
    if (!visitor.runtime) throw new Error(`branch on ${block.when.join(' && ')} needs a run-time decision this walk cannot make`);
    enter();
    visitor.runtime(
      block.when,
      () => walkBlock(block.then, decide, visitor),
      () => {
        if (block.else !== undefined) walkBlock(block.else, decide, visitor);
      },
    );
    leave();
  } else if (decision === 'then') {
    enter();
    walkBlock(block.then, decide, visitor);
    leave();
  } else if (block.else !== undefined) {
    walkBlock(block.else, decide, visitor);
  }
}
