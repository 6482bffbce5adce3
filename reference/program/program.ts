// A step program: a definition compiled for one variant under one rounding rule. Every branch is
// decided, copies are folded away, and what remains is the ordered list of scalar ops (the host's
// preparation) and element ops (the kernel) that interpreters run and generators translate.

import { conditionHolds, type StepDefinition, type VariantLike } from './definition.js';
import { runScalarOps, type ScalarEnvironment } from './interpret.js';
import { operandName, type Condition, type ElementOp, type Operand, type ScalarOp, type VectorName } from './ops.js';
import { contractedSites, opBoundaryPlacer, type OpBoundaryAxes, type RoundingRule } from './rounding.js';
import { walkBlock } from './walk.js';

export interface ProgramVariant extends VariantLike, OpBoundaryAxes {
  readonly float32Hyperparameters: readonly string[];
}

export interface StepProgram<V extends ProgramVariant = ProgramVariant> {
  readonly definition: StepDefinition<V>;
  readonly variant: V;
  readonly rule: RoundingRule;
  readonly scalarOps: readonly ScalarOp[];
  readonly ops: readonly ElementOp[];
  /** Stage headings: the stage starting at op index `at`. */
  readonly stages: readonly { name: string; at: number; scalar: boolean }[];
  /** Vectors the element ops read or write, and scalars they read (in first-use order). */
  readonly vectors: readonly VectorName[];
  readonly scalars: readonly string[];
}

export function compileProgram<V extends ProgramVariant>(
  definition: StepDefinition<V>,
  variant: V,
  rule: RoundingRule,
): StepProgram<V> {
  const stages: { name: string; at: number; scalar: boolean }[] = [];
  const scalarOps: ScalarOp[] = [];
  walkBlock<ScalarOp>(definition.scalars, (when) => decide(definition, when, variant, {}), {
    op: (o) => scalarOps.push(o),
    stage: (name, entering) => {
      if (entering) stages.push({ name, at: scalarOps.length, scalar: true });
    },
  });
  // Element conditions may test prepared values that do not depend on the step (lerp's weight).
  const prepared: ScalarEnvironment = runScalarOps(scalarOps, rule, variant, 0, new Float64Array(0));
  const ops: ElementOp[] = [];
  // In low precision, sites computed in the dtype's own arithmetic are never contracted.
  const elementVariant = { ...variant, fma: contractedSites(variant.fma, variant, rule) };
  const place = opBoundaryPlacer(variant, rule);
  const aliases = new Map<string, Operand>();
  const resolve = (o: Operand): Operand => ('temp' in o ? (aliases.get(o.temp) ?? o) : o);
  walkBlock<ElementOp>(
    [definition.element, definition.referenceOnly ?? []],
    (when) => decide(definition, when, elementVariant, prepared),
    {
      op: (o) => {
        const args = o.args.map(resolve);
        if ('temp' in o.out) aliases.delete(o.out.temp);
        for (const [name, target] of aliases) {
          if (operandName(target) === operandName(o.out))
            throw new Error(
              `step definition ${definition.name}: ${operandName(o.out)} is overwritten while ${name} still names it`,
            );
        }
        // A copy names a value; it is no operation (generators see the original operand).
        if (o.kind === 'copy' && 'temp' in o.out) aliases.set(o.out.temp, args[0]);
        else ops.push(...place({ ...o, args }));
      },
      stage: (name, entering) => {
        if (entering) stages.push({ name, at: ops.length, scalar: false });
      },
    },
  );
  const vectors = new Set<VectorName>();
  const scalars = new Set<string>();
  for (const o of ops) {
    for (const x of [...o.args, o.out]) {
      if ('vector' in x) vectors.add(x.vector);
      if ('scalar' in x) scalars.add(x.scalar);
    }
  }
  return { definition, variant, rule, scalarOps, ops, stages, vectors: [...vectors], scalars: [...scalars] };
}

function decide<V extends ProgramVariant>(
  definition: StepDefinition<V>,
  when: readonly Condition[],
  variant: V,
  scalars: ScalarEnvironment,
): 'then' | 'else' {
  return when.every((c) => conditionHolds(definition, c, variant, scalars)) ? 'then' : 'else';
}
