// A candidate's predictions on the probes that ran, with or without axis changes, memoised within
// one identification: the one place identify turns (candidate, changes) into agreement.

import { profileKey } from '../../reference/profile.js';
import {
  ALL_AXES,
  alternativesFor,
  applyChanges,
  axisValue,
  baseVariant,
  compare,
  Predictor,
  sameValue,
  type AxisChange,
  type AxisValue,
  type Candidate,
  type Comparison,
  type Observation,
  type PredictedVariant,
} from './predict.js';
import type { ProbeInstance } from './probes.js';
import type { CandidateScore } from './types.js';

export interface Ran {
  inst: ProbeInstance;
  obs: Observation;
}

export class Evaluator {
  private readonly predictor = new Predictor();
  private readonly bases = new Map<Candidate, (PredictedVariant | { refused: string })[]>();
  /** Comparisons per candidate and change set (key: JSON of the changes). */
  private readonly memo = new Map<Candidate, Map<string, Comparison>>();
  /** Set evaluations so far (the search reports it). */
  evaluations = 0;

  constructor(
    readonly ran: readonly Ran[],
    readonly tol: number,
  ) {}

  variant(c: Candidate, i: number, changes: readonly AxisChange[] = []): PredictedVariant | { refused: string } {
    let bases = this.bases.get(c);
    if (!bases) {
      bases = this.ran.map((x) => baseVariant(c, x.inst));
      this.bases.set(c, bases);
    }
    const v = bases[i];
    return 'refused' in v ? v : applyChanges(v, this.ran[i].inst, changes);
  }

  compareOne(c: Candidate, i: number, changes: readonly AxisChange[] = []): Comparison {
    const v = this.variant(c, i, changes);
    if ('refused' in v) return { agree: false, maxUlp: Infinity, mismatches: 1, refused: v.refused };
    let byCandidate = this.memo.get(c);
    if (!byCandidate) this.memo.set(c, (byCandidate = new Map<string, Comparison>()));
    const key = `${i}|${JSON.stringify(v)}`;
    let out = byCandidate.get(key);
    if (!out) {
      const r = this.ran[i];
      out = compare(r.obs, v, this.predictor.predict(v, r.inst), r.inst.dtype, this.tol);
      byCandidate.set(key, out);
    }
    return out;
  }

  all(c: Candidate, changes: readonly AxisChange[] = []): Comparison[] {
    return this.ran.map((_, i) => this.compareOne(c, i, changes));
  }

  /** Every single change worth trying on a candidate: each axis, from each value it takes on the probes, to each alternative. */
  changesFor(c: Candidate): AxisChange[] {
    const out: AxisChange[] = [];
    const hasFloat32 = this.ran.some((r) => r.inst.dtype === 'float32');
    for (const axis of ALL_AXES) {
      const froms: AxisValue[] = [];
      this.ran.forEach((_, i) => {
        const v = this.variant(c, i);
        if ('refused' in v) return;
        const value = axisValue(v, axis);
        if (!froms.some((f) => sameValue(f, value))) froms.push(value);
      });
      const alternatives = alternativesFor(axis, hasFloat32 ? 'float32' : 'float64');
      for (const from of froms) for (const to of alternatives) if (!sameValue(from, to)) out.push({ axis, from, to });
    }
    return out;
  }

  /** Probe indices whose variant a change alters. */
  affected(c: Candidate, change: AxisChange): number[] {
    const idx: number[] = [];
    this.ran.forEach((_, i) => {
      const before = this.variant(c, i);
      if ('refused' in before) return;
      if (applyChanges(before, this.ran[i].inst, [change]) !== before) idx.push(i);
    });
    return idx;
  }
}

/** How far a set of comparisons is from agreeing: 0 when it agrees, more for more ULPs. */
export const weight = (c: Comparison): number => (c.agree ? 0 : Number.isFinite(c.maxUlp) ? Math.log2(1 + c.maxUlp) : 64);

export function score(
  c: Candidate,
  comparisons: readonly Comparison[],
  ran: readonly Ran[],
): CandidateScore & { weight: number } {
  const disagreeing = ran.filter((_, i) => !comparisons[i].agree).map((r) => r.inst.key);
  return {
    label: c.label,
    profile: profileKey(c.profile),
    ...(c.fixedAxes ? { fixedAxes: c.fixedAxes } : {}),
    agree: comparisons.length - disagreeing.length,
    disagree: disagreeing.length,
    maxUlp: comparisons.reduce((m, x) => Math.max(m, x.maxUlp), 0),
    disagreeing,
    weight: comparisons.reduce((s, x) => s + weight(x), 0),
  };
}
