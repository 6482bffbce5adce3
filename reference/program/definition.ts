// A step definition: the scalar and element stages as decision trees over conditions, and the
// named conditions it uses. Conditions that are not named are read off the variant itself
// ('axis=value', a boolean axis or hyperparameter, 'fma:SITE'), so a new axis needs no new code.

import type { Condition, ElementBlock, ScalarBlock } from './ops.js';

export interface NamedCondition<V> {
  describe: string;
  /** scalars: the prepared step scalars of step 0 (for conditions on a prepared value, e.g. lerp's branch). */
  holds(variant: V, scalars: Readonly<Record<string, number | undefined>>): boolean;
}

export interface StepDefinition<V> {
  name: string;
  scalars: ScalarBlock;
  element: ElementBlock;
  /**
   * Element stages after `element` that only the reference runs (Keras weight EMA): the general
   * kernels generated from `element` do not carry them, and no adapter declares their hyperparameters.
   */
  referenceOnly?: ElementBlock;
  conditions: Readonly<Record<string, NamedCondition<V>>>;
}

/** A variant as the condition parser sees it: axes and hyperparameters by name, and the FMA sites. */
export interface VariantLike {
  readonly fma: readonly string[];
}

export interface ParsedCondition {
  negated: boolean;
  /** 'named' (definition table), 'fma' (site), 'equals' (axis=value), 'flag' (boolean axis/hyperparameter). */
  kind: 'named' | 'fma' | 'equals' | 'flag';
  name: string;
  value?: string;
}

export function parseCondition(condition: Condition, named: Readonly<Record<string, unknown>>): ParsedCondition {
  const negated = condition.startsWith('!');
  const body = negated ? condition.slice(1) : condition;
  if (body.startsWith('fma:')) return { negated, kind: 'fma', name: body.slice(4) };
  const eq = body.indexOf('=');
  if (eq > 0) return { negated, kind: 'equals', name: body.slice(0, eq), value: body.slice(eq + 1) };
  return { negated, kind: Object.hasOwn(named, body) ? 'named' : 'flag', name: body };
}

/** Whether a condition holds for a variant; throws on a name the variant does not have (a definition error). */
export function conditionHolds<V extends VariantLike>(
  definition: StepDefinition<V>,
  condition: Condition,
  variant: V,
  scalars: Readonly<Record<string, number | undefined>>,
): boolean {
  const c = parseCondition(condition, definition.conditions);
  const fields = variant as unknown as Readonly<Record<string, unknown>>;
  let holds: boolean;
  if (c.kind === 'named') holds = definition.conditions[c.name].holds(variant, scalars);
  else if (c.kind === 'fma') holds = variant.fma.includes(c.name);
  else {
    if (!Object.hasOwn(fields, c.name))
      throw new Error(`step definition ${definition.name}: condition '${condition}' names no axis, hyperparameter or condition`);
    const value = fields[c.name];
    if (c.kind === 'equals') holds = String(value) === c.value;
    else if (typeof value === 'boolean') holds = value;
    else
      throw new Error(
        `step definition ${definition.name}: condition '${condition}' is not boolean (${c.name} = ${String(value)})`,
      );
  }
  return c.negated ? !holds : holds;
}
