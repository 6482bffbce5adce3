// Explaining a mismatch: the SMALLEST sets of axis changes that make one candidate profile agree
// with every probe. Breadth-first over set sizes 1, 2, 3: every set of a size is tried before any
// larger one, so the first size with an answer is the minimum, and every answer of that size is a
// tie, reported as such. Pruning keeps it fast and exact:
// - a change is worth trying only if it alters a probe the candidate disagrees with;
// - a set must alter every disagreeing probe (a probe no change touches keeps disagreeing);
// - sets of size 2 and 3 are tried on the claimed profile and the closest candidates only (those
//   with fewest disagreements);
// - at size 3, a change must move the prediction of a disagreeing probe on its own (an axis that
//   matters only together with two others is not searched for).
// When nothing explains every probe, the closest partial explanation is kept, and each probe left
// over is reported with the candidate's expected value and the observed one.

import { encodeNumber } from '../../reference/number-encoding.js';
import { preferenceRank } from './candidates.js';
import { weight, type Evaluator } from './evaluate.js';
import type { AxisChange, Candidate, Comparison } from './predict.js';
import type { UnexplainedProbe } from './types.js';

export interface SearchOptions {
  maxChanges?: number;
  /** Candidates (closest first) searched with 2 or more changes. */
  deepCandidates?: number;
  /** Most change sets evaluated before the search stops (reported as not exhausted). */
  budget?: number;
}

export interface Found {
  candidate: Candidate;
  changes: AxisChange[];
}

export interface SearchResult {
  /** Every smallest explanation (ties), preferred first. */
  explanations: Found[];
  maxChanges: number;
  evaluated: number;
  /** Whether every set up to maxChanges was tried (false when the budget ran out). */
  exhausted: boolean;
}

interface Useful {
  change: AxisChange;
  /** Probes whose variant the change alters. */
  affected: Set<number>;
}

export interface CandidateInfo {
  candidate: Candidate;
  base: Comparison[];
  bad: number[];
  useful: Useful[];
  weight: number;
}

const sameComparison = (a: Comparison, b: Comparison) =>
  a.agree === b.agree && a.maxUlp === b.maxUlp && a.mismatches === b.mismatches;

/** The useful changes that, on their own, move the prediction of some disagreeing probe (the set-size-3 pool). */
function moving(ev: Evaluator, info: CandidateInfo): Useful[] {
  return info.useful
    .map((u) => ({
      change: u.change,
      affected: new Set(
        info.bad.filter((i) => u.affected.has(i) && !sameComparison(ev.compareOne(info.candidate, i, [u.change]), info.base[i])),
      ),
    }))
    .filter((u) => u.affected.size > 0);
}

function describeCandidate(ev: Evaluator, candidate: Candidate): CandidateInfo {
  const base = ev.all(candidate);
  const bad = base.flatMap((c, i) => (c.agree ? [] : [i]));
  // A framework that refuses a probe's settings cannot be made to accept them by an axis change.
  const refused = bad.some((i) => base[i].refused);
  const useful = refused
    ? []
    : ev
        .changesFor(candidate)
        .map((change) => ({ change, affected: new Set(ev.affected(candidate, change)) }))
        .filter((u) => bad.some((i) => u.affected.has(i)));
  return { candidate, base, bad, useful, weight: base.reduce((s, c) => s + weight(c), 0) };
}

/** Sets of `size` changes from `pool` (indices ascending), each on a distinct axis value. */
function* combinations<T extends { change: AxisChange }>(
  pool: readonly T[],
  size: number,
  start = 0,
  chosen: T[] = [],
): Generator<T[]> {
  if (chosen.length === size) {
    yield chosen;
    return;
  }
  for (let i = start; i <= pool.length - (size - chosen.length); i++) {
    const next = pool[i];
    if (chosen.some((c) => c.change.axis === next.change.axis && sameFrom(c.change, next.change))) continue;
    yield* combinations(pool, size, i + 1, [...chosen, next]);
  }
}

const sameFrom = (a: AxisChange, b: AxisChange) =>
  Array.isArray(a.from) || Array.isArray(b.from) ? JSON.stringify(a.from) === JSON.stringify(b.from) : a.from === b.from;

/** Whether the candidate with these changes agrees with every probe (disagreeing probes checked first). */
function agreesEverywhere(
  ev: Evaluator,
  info: CandidateInfo,
  set: readonly { change: AxisChange; affected: Set<number> }[],
): boolean {
  const changes = set.map((s) => s.change);
  const touched = new Set<number>();
  for (const s of set) for (const i of s.affected) touched.add(i);
  for (const i of info.bad) if (!ev.compareOne(info.candidate, i, changes).agree) return false;
  for (const i of touched) if (!info.bad.includes(i) && !ev.compareOne(info.candidate, i, changes).agree) return false;
  return true;
}

export function searchExplanations(
  ev: Evaluator,
  candidates: readonly Candidate[],
  claimed: Candidate['profile'] | null,
  options: SearchOptions = {},
): SearchResult & { infos: CandidateInfo[] } {
  const maxChanges = options.maxChanges ?? 3;
  const deep = options.deepCandidates ?? 5;
  const budget = options.budget ?? 150_000;
  const infos = candidates
    .map((c) => describeCandidate(ev, c))
    .sort((a, b) => a.bad.length - b.bad.length || a.weight - b.weight);
  let evaluated = 0;
  let exhausted = true;
  const prefer = (a: Found, b: Found) => preferenceRank(a.candidate, claimed) - preferenceRank(b.candidate, claimed);
  for (let size = 1; size <= maxChanges; size++) {
    const found: Found[] = [];
    const pool = size === 1 ? infos : infos.filter((x, i) => i < deep || (claimed !== null && x.candidate.profile === claimed));
    for (const info of pool) {
      if (info.bad.length === 0 || info.useful.length < size) continue;
      const changes = size >= 3 ? moving(ev, info) : info.useful;
      for (const set of combinations(changes, size)) {
        // Pruning: every disagreeing probe must be touched by some change of the set.
        if (!info.bad.every((i) => set.some((s) => s.affected.has(i)))) continue;
        if (++evaluated > budget) {
          exhausted = false;
          break;
        }
        if (agreesEverywhere(ev, info, set)) found.push({ candidate: info.candidate, changes: set.map((s) => s.change) });
      }
      if (!exhausted) break;
    }
    if (found.length > 0) {
      ev.evaluations += evaluated;
      return { explanations: found.sort(prefer), maxChanges: size, evaluated, exhausted, infos };
    }
    if (!exhausted) return { explanations: [], maxChanges: size, evaluated, exhausted, infos };
  }
  return { explanations: [], maxChanges, evaluated, exhausted, infos };
}

export interface Partial {
  candidate: Candidate;
  changes: AxisChange[];
  remaining: number[];
}

/** The closest partial explanation: the fewest probes left disagreeing with at most 2 changes, among the closest candidates. */
export function closestPartial(
  ev: Evaluator,
  infos: readonly CandidateInfo[],
  claimed: Candidate['profile'] | null,
  top = 3,
): Partial | null {
  let best: (Partial & { weight: number; rank: number }) | null = null;
  for (const info of infos.slice(0, top)) {
    const rank = preferenceRank(info.candidate, claimed);
    const consider = (set: readonly Useful[]) => {
      const changes = set.map((u) => u.change);
      // Only the probes a change alters can change their comparison.
      const comparisons = [...info.base];
      for (const u of set) for (const i of u.affected) comparisons[i] = ev.compareOne(info.candidate, i, changes);
      const remaining = comparisons.flatMap((c, i) => (c.agree ? [] : [i]));
      const w = comparisons.reduce((s, c) => s + weight(c), 0);
      const better =
        !best ||
        remaining.length < best.remaining.length ||
        (remaining.length === best.remaining.length &&
          (changes.length < best.changes.length ||
            (changes.length === best.changes.length && (rank < best.rank || (rank === best.rank && w < best.weight)))));
      if (better) best = { candidate: info.candidate, changes, remaining, weight: w, rank };
    };
    consider([]);
    for (const set of combinations(info.useful, 1)) consider(set);
    for (const set of combinations(moving(ev, info), 2)) consider(set);
  }
  if (!best) return null;
  const { candidate, changes, remaining } = best as Partial;
  return { candidate, changes, remaining };
}

/** Each probe the partial explanation leaves over: the expected and observed values, and whether any change explains it alone. */
export function unexplainedProbes(ev: Evaluator, info: CandidateInfo | undefined, partial: Partial): UnexplainedProbe[] {
  return partial.remaining.map((i) => {
    const c = ev.compareOne(partial.candidate, i, partial.changes);
    const touching = (info?.useful ?? []).filter((u) => u.affected.has(i));
    let explainedAlone = false;
    for (const size of [1, 2]) {
      for (const set of combinations(touching, size)) {
        if (
          ev.compareOne(
            partial.candidate,
            i,
            set.map((s) => s.change),
          ).agree
        ) {
          explainedAlone = true;
          break;
        }
      }
      if (explainedAlone) break;
    }
    const f = c.first;
    return {
      probe: ev.ran[i].inst.key,
      explainedAlone,
      ...(f
        ? {
            step: f.step,
            quantity: f.quantity,
            index: f.index,
            expected: encodeNumber(f.predicted),
            observed: encodeNumber(f.observed),
            ulp: f.ulp,
          }
        : {}),
      ...(c.refused ? { refused: c.refused } : {}),
    };
  });
}
