// Turning a case into what the reference and the adapters consume: x0 and a gradient source.

import { decodeVector } from '../reference/number-encoding.js';
import { InputError } from '../reference/errors.js';
import type { Dtype } from '../reference/arithmetic.js';
import type { Profile } from '../reference/profile.js';
import { HYPERPARAMETERS } from '../reference/variant.js';
import { suggest } from '../reference/suggest.js';
import { replaySource, type GradientSource } from '../reference/trajectory.js';
import type { CaseSpec } from './case.js';
import { generateStream } from './gradient-streams.js';
import type { AutodiffOrder, Problem } from './problem.js';
import { PROBLEMS } from './problems.js';

export class UnknownProblemError extends InputError {}

export function findProblem(id: string): Problem {
  const p = PROBLEMS.find((q) => q.id === id);
  if (!p) {
    const ids = PROBLEMS.map((q) => q.id);
    throw new UnknownProblemError(`unknown problem '${id}'${suggest(id, ids)}; known: ${ids.join(', ')}`);
  }
  return p;
}

export function caseDimension(c: CaseSpec): number {
  if (c.source.kind === 'stream') return c.source.stream.dim;
  if (c.source.kind === 'recorded') return c.source.grads[0]?.length ?? 0;
  const p = findProblem(c.source.problem);
  return p.dim ?? c.source.dim ?? p.defaultDim;
}

export function caseX0(c: CaseSpec): number[] {
  if (c.x0) return c.x0;
  if (c.source.kind === 'stream') return new Array<number>(c.source.stream.dim).fill(1);
  if (c.source.kind === 'recorded') return new Array<number>(caseDimension(c)).fill(1);
  return findProblem(c.source.problem).defaultX0(caseDimension(c));
}

/** Closed loop for problems (gradient at the current params), replay for streams. */
export function caseGradientSource(c: CaseSpec, dtype: Dtype, order: AutodiffOrder): GradientSource {
  if (c.source.kind === 'stream')
    return replaySource(generateStream({ ...c.source.stream, steps: Math.max(c.steps, c.source.stream.steps) }));
  if (c.source.kind === 'recorded') {
    const where = `recorded run ${c.source.path}`;
    return replaySource(c.source.grads.map((g, t) => decodeVector(g, `${where}: grads[${t}]`)));
  }
  const problem = findProblem(c.source.problem);
  return (params, t) => problem.gradient(params, dtype, t, order);
}

/**
 * Whether a profile can express a case: every canonical hyperparameter the case sets (other than
 * lr and decay, which every framework has) must be one of the profile's native hyperparameters.
 */
export function caseAppliesTo(c: CaseSpec, profile: Profile): { applies: true } | { applies: false; reason: string } {
  const native = new Set(Object.values(profile.nativeNames));
  const universal = new Set(['lr', 'decay', 'rho']);
  for (const [name, value] of Object.entries(c.settings)) {
    const hp = HYPERPARAMETERS.find((h) => h.name === name || h.aliases?.includes(name));
    if (!hp || universal.has(name)) continue;
    const isDefault = profile.defaults[hp.name] === value;
    if (!native.has(hp.name) && !isDefault) {
      return { applies: false, reason: `${profile.name} has no '${name}' hyperparameter` };
    }
  }
  return { applies: true };
}
