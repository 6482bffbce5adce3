// The RMSprop step program of a variant: compiled once per variant object and rule, and the
// scalars of a step prepared from its scalar stage (what adapters hand to their kernels).

import type { Dtype } from '../arithmetic.js';
import type { Variant } from '../variant.js';
import { conditionHolds } from './definition.js';
import { runScalarOps } from './interpret.js';
import { compileProgram, type StepProgram } from './program.js';
import { RMSPROP } from './rmsprop.js';
import { ruleFor, type RoundingRule } from './rounding.js';

export type { StepProgram } from './program.js';
export { RMSPROP } from './rmsprop.js';
export { FLOAT32_RULE, FLOAT64_RULE, ruleFor, type RoundingRule } from './rounding.js';
export { flushFor, MIN_NORMAL } from './rounding.js';

/** Scalars of one step, already in the compute dtype, prepared as the framework prepares them. */
export interface StepScalars {
  lr: number;
  decay: number;
  oneMinusDecay: number;
  eps: number;
  momentum: number;
  weightDecay: number;
  rescale: number;
  clip: number | null;
  /** Global-norm clip factor applied to g (1 when not clipping). */
  normScale: number;
  /** 1 - decay^t (biasCorrectionForm divide) or its reciprocal (reciprocal) when bias-correcting, else 1. */
  biasCorrection: number;
  /** Global-norm clip divisor: g = (g*normScale)/normDivisor, optax (g/normDivisor)*normScale (1 when not clipping). */
  normDivisor: number;
  /** Whether the momentum path runs at all this step. */
  useMomentum: boolean;
  /** Weight EMA (useEma): the momentum of this step (0 on the first) and 1 - momentum. */
  emaMomentum?: number;
  emaOneMinus?: number;
  /** Weight EMA: the parameters take the average's value after this step (ema_overwrite_frequency). */
  emaOverwrite?: boolean;
}

const programs = new WeakMap<Variant, Map<string, StepProgram<Variant>>>();

/** The RMSprop program of a variant under a rule (a dtype names its rule under the variant's computePrecision and flushSubnormals). */
export function stepProgram(variant: Variant, rule: Dtype | RoundingRule): StepProgram<Variant> {
  const r = typeof rule === 'string' ? ruleFor(rule, variant) : rule;
  let byRule = programs.get(variant);
  if (!byRule) programs.set(variant, (byRule = new Map<string, StepProgram<Variant>>()));
  let program = byRule.get(r.name);
  if (!program) byRule.set(r.name, (program = compileProgram(RMSPROP, variant, r)));
  return program;
}

/** Runs the program's scalar stage for step `step` (steps taken so far) and gradient `grad` (for the global norm). */
export function prepareScalars(program: StepProgram<Variant>, step: number, grad: ArrayLike<number>): StepScalars {
  const env = runScalarOps(program.scalarOps, program.rule, program.variant, step, grad);
  const get = (name: string) => {
    const x = env[name];
    if (x === undefined) throw new Error(`the scalar stage of ${program.definition.name} does not prepare ${name}`);
    return x;
  };
  return {
    lr: get('lr'),
    decay: get('decay'),
    oneMinusDecay: get('oneMinusDecay'),
    eps: get('eps'),
    momentum: get('momentum'),
    weightDecay: get('weightDecay'),
    rescale: get('rescale'),
    clip: env['clip'] ?? null,
    normScale: get('normScale'),
    biasCorrection: get('biasCorrection'),
    normDivisor: get('normDivisor'),
    useMomentum: conditionHolds(program.definition, 'momentum', program.variant, env),
    ...(env['emaMomentum'] !== undefined
      ? { emaMomentum: env['emaMomentum'], emaOneMinus: get('emaOneMinus'), emaOverwrite: env['emaOverwrite'] === 1 }
      : {}),
  };
}
