// identify: which RMSprop variant is this implementation? Runs the probes (./probes.ts) on an
// adapter, predicts each one for every profile in the registry (each resolved with the probe's
// canonical hyperparameters, as the framework would configure itself from them), and reports the
// profiles that agree on every probe, or the closest one and the axis changes that explain the rest.
//
// Decisions:
// - Candidates are the profiles as they are (every version). Where no profile matches and the adapter
//   declares fixed axes (ONNX has no FMA: fixedAxes { fma: [] }), the profiles with those axes on top
//   are tried next: onnxruntime:profile=torch is identified as "torch@2.1 with fma=[]", a match (exit
//   0), with the pure torch profile reported as the runner-up that the missing FMA tells apart.
// - A profile that refuses a probe's settings (Caffe with momentum) disagrees with that probe, since
//   the implementation accepted them.
// - Closest profile, when none matches: the one that the fewest axis changes make agree with every
//   probe (single changes tried on every profile, then a greedy search of up to 3 changes on the
//   best-ranked); ties and unexplained cases by fewest disagreeing probes, then smallest ULP distance.

import type { Adapter, AdapterCase, AdapterInfo } from '../../adapters/adapter.js';
import { UnsupportedCaseError, unsupportedReason } from '../../adapters/adapter.js';
import { createAdapter, parseAdapterSpec } from '../../adapters/registry.js';
import { DTYPES, type Dtype } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import type { Profile } from '../../reference/profile.js';
import { profileKey } from '../../reference/profile.js';
import { numpyTutorial } from '../../reference/profiles/teaching.js';
import { findProfile } from '../../reference/registry.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import type { Axes, Variant } from '../../reference/variant.js';
import {
  ALL_AXES,
  alternativesFor,
  applyChanges,
  axisValue,
  baseVariant,
  candidatesFor,
  compare,
  Predictor,
  sameValue,
  type AxisChange,
  type AxisName,
  type AxisValue,
  type Candidate,
  type Comparison,
  type Observation,
} from './predict.js';
import { instantiateProbe, PROBES, type ProbeInstance, type ProbeSpec } from './probes.js';

/** The profile used to build cases for an adapter that claims 'unknown'. */
export const NEUTRAL_PROFILE: Profile = numpyTutorial;
export const DEFAULT_TOLERANCE_ULPS = 2;

export interface IdentifyOptions {
  /** Dtypes to probe (default: every dtype the adapter supports). */
  dtypes?: readonly Dtype[];
  /** Agreement tolerance per value, in ULPs of the dtype (default 2). NaN and infinities always match exactly. */
  toleranceUlps?: number;
  /** Probe ids to run (default all). */
  probes?: readonly string[];
  /** Time limit per probe instance (default 60 s). */
  probeTimeoutMs?: number;
}

export type ProbeStatus = 'ran' | 'skipped' | 'error';

export interface ProbeRun {
  /** 'centered/float32' */
  key: string;
  probe: string;
  dtype: Dtype;
  describe: string;
  targets: readonly string[];
  settings: Settings;
  status: ProbeStatus;
  /** Why it was skipped, or the error. */
  reason?: string;
}

export interface CandidateScore {
  label: string;
  profile: string;
  fixedAxes?: Partial<Axes>;
  agree: number;
  disagree: number;
  maxUlp: number;
  /** Probe instances that disagree. */
  disagreeing: string[];
}

export interface AxisGroup {
  value: AxisValue;
  /** Probe instances in which the best profile has this value. */
  probes: string[];
  /** determined: every other value makes a probe disagree; ambiguous: others agree too; not-probed: no probe depends on it. */
  status: 'determined' | 'ambiguous' | 'not-probed';
  alsoConsistent: AxisValue[];
}

export interface AxisInference {
  axis: AxisName;
  status: 'determined' | 'ambiguous' | 'not-probed';
  groups: AxisGroup[];
  /** For not-probed axes: why. */
  reason?: string;
}

export interface ProbeEvidence {
  key: string;
  describe: string;
  settings: Settings;
  best?: Comparison;
  runnerUp?: Comparison;
}

export interface ClosestProfile {
  label: string;
  /** Axis changes that make it agree with (or get closest to) every probe. */
  changes: AxisChange[];
  /** Whether the changes make every probe agree. */
  explained: boolean;
  /** Disagreeing probes with the changes applied. */
  remaining: string[];
  /** Other profiles as close (as many changes), with their changes. */
  tied?: string[];
}

export interface IdentifyVerdict {
  matched: boolean;
  /** Candidates agreeing with every probe, preferred first (the claimed profile, then default versions). */
  matches: string[];
  /** The identified profile, or the closest one. */
  best: string | null;
  /** Other candidates that the probes cannot tell from the best (matches only). */
  indistinguishable: string[];
  /** Set when the match needed the adapter's declared fixed axes on top of the profile. */
  viaFixedAxes?: Partial<Axes>;
  closest?: ClosestProfile;
  runnerUp: string | null;
  /** One line. */
  summary: string;
}

export interface IdentifyResult {
  adapter: {
    label: string;
    id: string;
    version: string;
    describe: string;
    claims: string;
    /** The profile cases were built from ('numpy-tutorial' for 'unknown'). */
    caseProfile: string;
    fixedAxes?: Partial<Axes>;
    facts: Record<string, string | number | boolean>;
    readState: boolean;
  };
  dtypes: Dtype[];
  toleranceUlps: number;
  probes: ProbeRun[];
  verdict: IdentifyVerdict;
  /** Every candidate, closest first. */
  candidates: CandidateScore[];
  axes: AxisInference[];
  evidence: ProbeEvidence[];
  exitCode: 0 | 1;
}

/** Axes no probe is built for, with the reason. */
const NOT_PROBED: Partial<Record<AxisName, string>> = {
  weightDecayKind: 'the probes use no weight decay',
  weightDecayBeforeClip: 'the probes use no weight decay or clipping',
  decoupledScaledByLr: 'the probes use no weight decay',
  lrSchedule: 'the probes use no learning-rate decay',
  momentumAlways: 'visible only in non-finite steps with momentum 0',
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function observe(adapter: Adapter, ac: AdapterCase, inst: ProbeInstance): Promise<Observation> {
  const prepared = await adapter.prepare(ac);
  const obs: Observation = { params: [], state: [] };
  try {
    for (const g of inst.grads) {
      await prepared.step(g);
      const out = await prepared.read();
      obs.params.push(out.params);
      obs.state.push(out.state);
    }
  } finally {
    await prepared.dispose();
  }
  return obs;
}

interface Ran {
  inst: ProbeInstance;
  obs: Observation;
}

/** Per-candidate evaluation on the probes that ran, with changes. */
class Evaluator {
  private predictor = new Predictor();
  private bases = new Map<Candidate, (Variant | { refused: string })[]>();
  constructor(
    readonly ran: readonly Ran[],
    readonly tol: number,
  ) {}

  variant(c: Candidate, r: Ran, changes: readonly AxisChange[] = []): Variant | { refused: string } {
    let bases = this.bases.get(c);
    if (!bases) {
      bases = this.ran.map((x) => baseVariant(c, x.inst));
      this.bases.set(c, bases);
    }
    const v = bases[this.ran.indexOf(r)]!;
    return 'refused' in v ? v : applyChanges(v, r.inst, changes);
  }

  compareOne(c: Candidate, r: Ran, changes: readonly AxisChange[] = []): Comparison {
    const v = this.variant(c, r, changes);
    if ('refused' in v) return { agree: false, maxUlp: Infinity, mismatches: 1, refused: v.refused };
    return compare(r.obs, v, this.predictor.predict(v, r.inst), r.inst.dtype, this.tol);
  }

  all(c: Candidate, changes: readonly AxisChange[] = []): Comparison[] {
    return this.ran.map((r) => this.compareOne(c, r, changes));
  }

  /** Changes worth trying on a candidate: every axis, from each value it takes, to each alternative. */
  changesFor(c: Candidate, applied: readonly AxisChange[] = []): AxisChange[] {
    const out: AxisChange[] = [];
    for (const axis of ALL_AXES) {
      const froms: AxisValue[] = [];
      for (const r of this.ran) {
        const v = this.variant(c, r, applied);
        if ('refused' in v) continue;
        const value = axisValue(v, axis);
        if (!froms.some((f) => sameValue(f, value))) froms.push(value);
      }
      const alternatives = alternativesFor(axis, this.ran[0]?.inst.dtype ?? 'float64');
      for (const from of froms) for (const to of alternatives) if (!sameValue(from, to)) out.push({ axis, from, to });
    }
    return out;
  }

  /** Instances a change alters. */
  affected(c: Candidate, applied: readonly AxisChange[], change: AxisChange): number[] {
    const idx: number[] = [];
    this.ran.forEach((r, i) => {
      const before = this.variant(c, r, applied);
      if ('refused' in before) return;
      const after = applyChanges(before, r.inst, [change]);
      if (after !== before) idx.push(i);
    });
    return idx;
  }
}

const weight = (c: Comparison) => (c.agree ? 0 : Number.isFinite(c.maxUlp) ? Math.log2(1 + c.maxUlp) : 64);

function score(c: Candidate, comparisons: readonly Comparison[], ran: readonly Ran[]): CandidateScore & { weight: number } {
  const disagreeing = ran.filter((_, i) => !comparisons[i]!.agree).map((r) => r.inst.key);
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

/** Greedy search for axis changes that make a candidate agree with every probe. */
function explain(ev: Evaluator, c: Candidate, maxChanges: number): ClosestProfile {
  let applied: AxisChange[] = [];
  let current = ev.all(c);
  const bad = (cs: Comparison[]) => cs.filter((x) => !x.agree).length;
  const totalWeight = (cs: Comparison[]) => cs.reduce((s, x) => s + weight(x), 0);
  while (bad(current) > 0 && applied.length < maxChanges) {
    let best: { change: AxisChange; comparisons: Comparison[] } | null = null;
    for (const change of ev.changesFor(c, applied)) {
      const idx = ev.affected(c, applied, change);
      // A change must fix a disagreeing probe to be worth anything.
      if (!idx.some((i) => !current[i]!.agree)) continue;
      const next = [...current];
      const withChange = [...applied, change];
      for (const i of idx) next[i] = ev.compareOne(c, ev.ran[i]!, withChange);
      if (!best || bad(next) < bad(best.comparisons) || (bad(next) === bad(best.comparisons) && totalWeight(next) < totalWeight(best.comparisons))) {
        best = { change, comparisons: next };
      }
    }
    if (!best || bad(best.comparisons) > bad(current) || (bad(best.comparisons) === bad(current) && totalWeight(best.comparisons) >= totalWeight(current))) break;
    applied = [...applied, best.change];
    current = best.comparisons;
  }
  return {
    label: c.label,
    changes: applied,
    explained: bad(current) === 0,
    remaining: ev.ran.filter((_, i) => !current[i]!.agree).map((r) => r.inst.key),
  };
}

/** Which values of each axis the observations allow, for one candidate with changes applied. */
function inferAxes(ev: Evaluator, c: Candidate, changes: readonly AxisChange[], runs: readonly ProbeRun[]): AxisInference[] {
  const out: AxisInference[] = [];
  for (const axis of ALL_AXES) {
    const groups: AxisGroup[] = [];
    const byValue: { value: AxisValue; idx: number[] }[] = [];
    ev.ran.forEach((r, i) => {
      const v = ev.variant(c, r, changes);
      if ('refused' in v) return;
      const value = axisValue(v, axis);
      const g = byValue.find((x) => sameValue(x.value, value));
      if (g) g.idx.push(i);
      else byValue.push({ value, idx: [i] });
    });
    for (const { value, idx } of byValue) {
      const alternatives = alternativesFor(axis, ev.ran[idx[0]!]!.inst.dtype).filter((a) => !sameValue(a, value));
      const consistent: AxisValue[] = [];
      let sensitive = false;
      for (const to of alternatives) {
        const change: AxisChange = { axis, from: value, to };
        const all = [...changes, change];
        let agrees = true;
        let touched = false;
        for (const i of idx) {
          const before = ev.variant(c, ev.ran[i]!, changes);
          if ('refused' in before || applyChanges(before, ev.ran[i]!.inst, [change]) === before) continue;
          touched = true;
          if (!ev.compareOne(c, ev.ran[i]!, all).agree) {
            agrees = false;
            break;
          }
        }
        if (!touched) continue; // the alternative does not apply there (eps set by the probe)
        if (agrees) consistent.push(to);
        else sensitive = true;
      }
      const status: AxisGroup['status'] = !sensitive ? 'not-probed' : consistent.length > 0 ? 'ambiguous' : 'determined';
      groups.push({ value, probes: idx.map((i) => ev.ran[i]!.inst.key), status, alsoConsistent: status === 'not-probed' ? [] : consistent });
    }
    const probed = groups.filter((g) => g.status !== 'not-probed');
    const status: AxisInference['status'] = probed.length === 0 ? 'not-probed' : probed.every((g) => g.status === 'determined') ? 'determined' : 'ambiguous';
    const inference: AxisInference = { axis, status, groups: probed.length > 0 ? probed : groups };
    if (status === 'not-probed') inference.reason = notProbedReason(axis, runs);
    out.push(inference);
  }
  return out;
}

function notProbedReason(axis: AxisName, runs: readonly ProbeRun[]): string {
  const targeting = runs.filter((r) => r.targets.includes(axis));
  const skipped = targeting.filter((r) => r.status !== 'ran');
  if (targeting.length > 0 && skipped.length === targeting.length) {
    const reasons = [...new Set(skipped.map((r) => r.reason ?? r.status))];
    return `not probed: ${reasons.join('; ')}`;
  }
  const fixed = NOT_PROBED[axis];
  if (fixed) return `not probed: ${fixed}`;
  return 'no probe that ran depends on it for this profile';
}

function preferenceOrder(claimed: Profile | null): (a: Candidate, b: Candidate) => number {
  const rank = (c: Candidate) => (claimed && c.profile === claimed ? 0 : c.profile.isDefaultVersion ? 1 : 2);
  return (a, b) => rank(a) - rank(b);
}

/** Identifies the RMSprop variant behind an adapter spec ('ts-f32:profile=keras', 'tfjs-cpu', ...). */
export async function identify(adapterSpec: string, options: IdentifyOptions = {}): Promise<IdentifyResult> {
  const spec = parseAdapterSpec(adapterSpec);
  const adapter = createAdapter(spec);
  try {
    return await identifyAdapter(adapter, spec.label, options);
  } finally {
    await adapter.close?.();
  }
}

/** identify() on an adapter object (tests, programmatic adapters). */
export async function identifyAdapter(adapter: Adapter, label: string, options: IdentifyOptions = {}): Promise<IdentifyResult> {
  const tol = options.toleranceUlps ?? DEFAULT_TOLERANCE_ULPS;
  if (!(tol >= 0)) throw new InputError(`tolerance must be >= 0 ULPs, got ${tol}`);
  const availability = await withTimeout(adapter.probe(), 60_000, `${label} probe`);
  if (!availability.available) throw new InputError(`adapter ${label} is unavailable: ${availability.reason}`);
  const info: AdapterInfo = adapter.info; // read after probe(): external programs fill it in then
  const claimed = info.claims === 'unknown' ? null : findProfile(info.claims);
  const caseProfile = claimed ?? NEUTRAL_PROFILE;
  const supported = DTYPES.filter((d) => info.capabilities.dtypes.includes(d));
  if (options.dtypes) {
    for (const d of options.dtypes) if (!supported.includes(d)) throw new InputError(`${label} does not support ${d} (it supports ${supported.join(', ') || 'no dtype'})`);
  }
  const dtypes = options.dtypes ? supported.filter((d) => options.dtypes!.includes(d)) : supported;
  let probes: readonly ProbeSpec[] = PROBES;
  if (options.probes) {
    for (const id of options.probes) if (!PROBES.some((p) => p.id === id)) throw new InputError(`unknown probe '${id}'; known: ${PROBES.map((p) => p.id).join(', ')}`);
    probes = PROBES.filter((p) => options.probes!.includes(p.id));
  }
  const timeoutMs = options.probeTimeoutMs ?? 60_000;

  // Run the probes.
  const runs: ProbeRun[] = [];
  const ran: Ran[] = [];
  for (const probe of probes) {
    for (const dtype of dtypes.filter((d) => probe.dtypes.includes(d))) {
      const run: ProbeRun = { key: `${probe.id}/${dtype}`, probe: probe.id, dtype, describe: probe.describe, targets: probe.targets, settings: probe.settings, status: 'ran' };
      runs.push(run);
      let resolved;
      try {
        resolved = resolveVariant(caseProfile, dtype, {}, probe.settings);
      } catch (e) {
        Object.assign(run, { status: 'skipped', reason: `${profileKey(caseProfile)} refuses the settings: ${message(e)}` });
        continue;
      }
      const variant = { ...resolved.variant, ...info.fixedAxes };
      const inst = instantiateProbe(probe, dtype, variant);
      const ac: AdapterCase = { key: `identify/${inst.key}`, dtype, variant, profile: resolved.profile, native: resolved.native, settings: probe.settings, x0: inst.x0 };
      const reason = unsupportedReason(info, ac, info.fixedAxes);
      if (reason) {
        Object.assign(run, { status: 'skipped', reason });
        continue;
      }
      try {
        const obs = await withTimeout(observe(adapter, ac, inst), timeoutMs, `${label} on probe ${inst.key}`);
        ran.push({ inst, obs });
      } catch (e) {
        if (e instanceof UnsupportedCaseError) Object.assign(run, { status: 'skipped', reason: e.message });
        else Object.assign(run, { status: 'error', reason: message(e) });
      }
    }
  }

  const ev = new Evaluator(ran, tol);
  const { pure, withFixed } = candidatesFor(info.fixedAxes);
  const evaluated = [...pure, ...withFixed].map((c) => ({ c, comparisons: ev.all(c) }));
  const scored = evaluated.map((e) => ({ ...e, score: score(e.c, e.comparisons, ran) }));
  const ranked = [...scored].sort((a, b) => a.score.disagree - b.score.disagree || a.score.weight - b.score.weight);

  const prefer = preferenceOrder(claimed);
  const matchesOf = (list: Candidate[]) => scored.filter((s) => list.includes(s.c) && s.score.disagree === 0).map((s) => s.c).sort(prefer);
  const anyRan = ran.length > 0;
  let matches = anyRan ? matchesOf(pure) : [];
  let viaFixedAxes: Partial<Axes> | undefined;
  if (anyRan && matches.length === 0 && withFixed.length > 0) {
    matches = matchesOf(withFixed);
    if (matches.length > 0) viaFixedAxes = info.fixedAxes;
  }

  let bestCandidate: Candidate | null = matches[0] ?? null;
  let closest: ClosestProfile | undefined;
  if (!bestCandidate && anyRan) {
    // Single changes on every profile, then greedy on the best-ranked few.
    const pureRanked = ranked.filter((r) => pure.includes(r.c));
    const explained: ClosestProfile[] = [];
    for (const r of pureRanked) {
      const e = explain(ev, r.c, 1);
      if (e.explained) explained.push(e);
    }
    if (explained.length === 0) {
      for (const r of pureRanked.slice(0, 6)) explained.push(explain(ev, r.c, 3));
    }
    const order = (x: ClosestProfile) => pureRanked.findIndex((r) => r.c.label === x.label);
    const candidateOf = (x: ClosestProfile) => pure.find((c) => c.label === x.label)!;
    const claimedFirst = preferenceOrder(claimed);
    const cost = (x: ClosestProfile) => (x.explained ? x.changes.length : 100 + x.remaining.length);
    // Equally close: the claimed profile first, then default versions, then by disagreements and ULPs.
    explained.sort((a, b) => Number(b.explained) - Number(a.explained) || cost(a) - cost(b) || claimedFirst(candidateOf(a), candidateOf(b)) || order(a) - order(b));
    closest = explained[0];
    if (closest) {
      const tied = explained.slice(1).filter((x) => x.explained === closest!.explained && cost(x) === cost(closest!));
      if (tied.length > 0) closest.tied = tied.map((x) => `${x.label} (${x.changes.map((c) => `${c.axis} ${show(c.from)}→${show(c.to)}`).join(', ')})`);
    }
    bestCandidate = closest ? pure.find((c) => c.label === closest!.label)! : (pureRanked[0]?.c ?? null);
  }

  const bestProfile = bestCandidate?.profile;
  // The next most likely other profile: pure profiles first (a profile with the adapter's fixed axes only if none is left).
  const others = (r: (typeof ranked)[number]) => r.c !== bestCandidate && r.c.profile !== bestProfile && !matches.includes(r.c);
  const runnerUpEntry = ranked.find((r) => others(r) && pure.includes(r.c)) ?? ranked.find(others);
  const runnerUp = runnerUpEntry?.c ?? null;

  const axes = bestCandidate && anyRan ? inferAxes(ev, bestCandidate, closest?.changes ?? [], runs) : [];

  const bestComparisons = bestCandidate ? evaluated.find((e) => e.c === bestCandidate)!.comparisons : [];
  const runnerComparisons = runnerUp ? evaluated.find((e) => e.c === runnerUp)!.comparisons : [];
  const evidence: ProbeEvidence[] = ran.map((r, i) => ({
    key: r.inst.key,
    describe: r.inst.probe.describe,
    settings: r.inst.settings,
    ...(bestComparisons[i] ? { best: bestComparisons[i] } : {}),
    ...(runnerComparisons[i] ? { runnerUp: runnerComparisons[i] } : {}),
  }));

  const matched = matches.length > 0;
  const indistinguishable = matches.slice(1).map((c) => c.label);
  const changeText = (changes: readonly AxisChange[]) => changes.map((c) => `${c.axis} ${show(c.from)}→${show(c.to)}`).join(', ');
  let summary: string;
  if (!anyRan) summary = 'no probe could run on this adapter';
  else if (matched) {
    summary = `${matches[0]!.label}${viaFixedAxes ? ` (the profile plus the axes ${info.id} declares fixed; the profile as published differs from it)` : ''}`;
    if (indistinguishable.length > 0) summary += ` (indistinguishable from ${indistinguishable.join(', ')} on these probes)`;
  } else if (closest) {
    const ties = closest.tied ? ` (as close: ${closest.tied.join('; ')})` : '';
    summary = closest.explained
      ? `no profile matches; closest ${closest.label}, which matches with ${changeText(closest.changes)}${ties}`
      : `no profile matches; closest ${closest.label}${closest.changes.length > 0 ? ` (with ${changeText(closest.changes)}` : ' ('}${closest.changes.length > 0 ? '; ' : ''}${closest.remaining.length} probes still disagree)`;
  } else summary = 'no profile matches';

  return {
    adapter: {
      label,
      id: info.id,
      version: info.version,
      describe: info.describe,
      claims: info.claims,
      caseProfile: profileKey(caseProfile),
      ...(info.fixedAxes ? { fixedAxes: info.fixedAxes } : {}),
      facts: availability.facts,
      readState: info.capabilities.readState,
    },
    dtypes,
    toleranceUlps: tol,
    probes: runs,
    verdict: {
      matched,
      matches: matches.map((c) => c.label),
      best: bestCandidate?.label ?? null,
      indistinguishable,
      ...(viaFixedAxes ? { viaFixedAxes } : {}),
      ...(closest ? { closest } : {}),
      runnerUp: runnerUp?.label ?? null,
      summary,
    },
    candidates: ranked.map((r) => {
      const { weight: _weight, ...rest } = r.score;
      return rest;
    }),
    axes,
    evidence,
    exitCode: matched ? 0 : 1,
  };
}

export function show(v: AxisValue): string {
  return Array.isArray(v) ? `[${v.join(',')}]` : String(v);
}
