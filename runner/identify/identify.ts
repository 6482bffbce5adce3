// identify: which RMSprop variant is this implementation? Runs the probes (./probes.ts) on an
// adapter through the executor conformance cells use (./target.ts), predicts each one for every
// profile in the registry (./predict.ts, ./evaluate.ts), and reports the profiles that agree on
// every probe; otherwise the smallest sets of axis changes that explain every probe
// (./explain.ts), or, where none does, each probe no axis explains with its expected and observed
// values.
//
// Decisions:
// - Candidates are the profiles as they are (every version), and, where the adapter declares fixed
//   axes (ONNX has no FMA: fixedAxes { fma: [] }), the profiles with those axes on top: a match with
//   them is reported as such ("torch@2.1 with fma=[]"), the pure profile as the runner-up.
// - A profile that refuses a probe's settings (Caffe with momentum) disagrees with that probe, since
//   the implementation accepted them.

import type { Adapter, AdapterInfo } from '../../adapters/adapter.js';
import { unsupportedReason } from '../../adapters/adapter.js';
import { parseAdapterSpec } from '../../adapters/registry.js';
import { DTYPES } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import type { Profile } from '../../reference/profile.js';
import { profileKey } from '../../reference/profile.js';
import { numpyTutorial } from '../../reference/profiles/teaching.js';
import { findProfile } from '../../reference/registry.js';
import { resolveVariant } from '../../reference/resolve.js';
import type { Axes } from '../../reference/variant.js';
import { inferAxes, unprobedPrecisions } from './axes.js';
import { candidatesFor, preferenceRank } from './candidates.js';
import { Evaluator, score, type Ran } from './evaluate.js';
import { closestPartial, searchExplanations, unexplainedProbes } from './explain.js';
import type { ObserveRequest } from './observe.js';
import type { AxisChange, AxisValue, Candidate } from './predict.js';
import { instantiateProbe, PROBES, type ProbeSpec } from './probes.js';
import { adapterTarget, executorTarget, type ProbeTarget } from './target.js';
import type { ClosestProfile, IdentifyOptions, IdentifyResult, IdentifyVerdict, ProbeEvidence, ProbeRun } from './types.js';

export type * from './types.js';

/** The profile used to build cases for an adapter that claims 'unknown'. */
export const NEUTRAL_PROFILE: Profile = numpyTutorial;
export const DEFAULT_TOLERANCE_ULPS = 2;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function show(v: AxisValue): string {
  return Array.isArray(v) ? `[${v.join(',')}]` : String(v);
}

export const changeText = (changes: readonly AxisChange[]): string =>
  changes.map((c) => `${c.axis} ${show(c.from)}→${show(c.to)}`).join(', ');

/** Identifies the RMSprop variant behind an adapter spec ('ts-f32:profile=keras', 'tfjs-cpu', ...). */
export async function identify(adapterSpec: string, options: IdentifyOptions = {}): Promise<IdentifyResult> {
  const spec = parseAdapterSpec(adapterSpec);
  const target = executorTarget(spec.label, options.isolation ?? 'process');
  try {
    return await identifyTarget(target, spec.label, options);
  } finally {
    await target.close();
  }
}

/** identify() on an adapter object (tests, programmatic adapters): probes run in this process. */
export async function identifyAdapter(adapter: Adapter, label: string, options: IdentifyOptions = {}): Promise<IdentifyResult> {
  return identifyTarget(adapterTarget(adapter, label), label, options);
}

async function identifyTarget(target: ProbeTarget, label: string, options: IdentifyOptions): Promise<IdentifyResult> {
  const tol = options.toleranceUlps ?? DEFAULT_TOLERANCE_ULPS;
  if (!(tol >= 0)) throw new InputError(`tolerance must be >= 0 ULPs, got ${tol}`);
  const timeoutMs = options.probeTimeoutMs ?? 60_000;
  const probed = await target.probe(timeoutMs);
  if ('failed' in probed) throw new InputError(`adapter ${label} failed to load: ${probed.failed}`);
  if (probed.threw) throw new InputError(`adapter ${label} failed to load: ${probed.threw}`);
  const { availability } = probed;
  if (!availability.available) throw new InputError(`adapter ${label} is unavailable: ${availability.reason}`);
  const info: AdapterInfo = probed.info; // read after probe(): external programs fill it in then
  const claimed = info.claims === 'unknown' ? null : findProfile(info.claims);
  const caseProfile = claimed ?? NEUTRAL_PROFILE;
  const supported = DTYPES.filter((d) => info.capabilities.dtypes.includes(d));
  if (options.dtypes) {
    for (const d of options.dtypes)
      if (!supported.includes(d))
        throw new InputError(`${label} does not support ${d} (it supports ${supported.join(', ') || 'no dtype'})`);
  }
  const dtypes = options.dtypes ? supported.filter((d) => options.dtypes!.includes(d)) : supported;
  let probes: readonly ProbeSpec[] = PROBES;
  if (options.probes) {
    for (const id of options.probes)
      if (!PROBES.some((p) => p.id === id))
        throw new InputError(`unknown probe '${id}'; known: ${PROBES.map((p) => p.id).join(', ')}`);
    probes = PROBES.filter((p) => options.probes!.includes(p.id));
  }

  // Run the probes.
  const runs: ProbeRun[] = [];
  const ran: Ran[] = [];
  for (const probe of probes) {
    for (const dtype of dtypes.filter((d) => probe.dtypes.includes(d))) {
      const run: ProbeRun = {
        key: `${probe.id}/${dtype}`,
        probe: probe.id,
        dtype,
        describe: probe.describe,
        targets: probe.targets,
        settings: probe.settings,
        status: 'ran',
      };
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
      const request: ObserveRequest = {
        key: `identify/${inst.key}`,
        dtype,
        variant,
        profile: profileKey(resolved.profile),
        native: resolved.native,
        settings: probe.settings,
        x0: inst.x0,
        grads: inst.grads,
      };
      const reason = unsupportedReason(info, { ...request, profile: resolved.profile }, info.fixedAxes);
      if (reason) {
        Object.assign(run, { status: 'skipped', reason });
        continue;
      }
      const outcome = await target.observe(request, timeoutMs);
      if ('observed' in outcome) ran.push({ inst, obs: outcome.observed });
      else if ('unsupported' in outcome) Object.assign(run, { status: 'skipped', reason: outcome.unsupported });
      else Object.assign(run, { status: 'error', reason: outcome.failed });
    }
  }

  const ev = new Evaluator(ran, tol);
  const { pure, withFixed } = candidatesFor(info.fixedAxes);
  const all = [...pure, ...withFixed];
  const evaluated = all.map((c) => ({ c, comparisons: ev.all(c) }));
  const scored = evaluated.map((e) => ({ ...e, score: score(e.c, e.comparisons, ran) }));
  const ranked = [...scored].sort((a, b) => a.score.disagree - b.score.disagree || a.score.weight - b.score.weight);
  const prefer = (a: Candidate, b: Candidate) => preferenceRank(a, claimed) - preferenceRank(b, claimed);

  const anyRan = ran.length > 0;
  const matchesOf = (list: Candidate[]) =>
    scored
      .filter((s) => list.includes(s.c) && s.score.disagree === 0)
      .map((s) => s.c)
      .sort(prefer);
  let matches = anyRan ? matchesOf(pure) : [];
  let viaFixedAxes: Partial<Axes> | undefined;
  if (anyRan && matches.length === 0 && withFixed.length > 0) {
    matches = matchesOf(withFixed);
    if (matches.length > 0) viaFixedAxes = info.fixedAxes;
  }

  let bestCandidate: Candidate | null = matches[0] ?? null;
  let bestChanges: AxisChange[] = [];
  const verdictExtra: Partial<IdentifyVerdict> = {};
  let closest: ClosestProfile | undefined;
  if (!bestCandidate && anyRan) {
    const search = searchExplanations(ev, all, claimed);
    verdictExtra.search = { maxChanges: search.maxChanges, evaluated: search.evaluated, exhausted: search.exhausted };
    if (search.explanations.length > 0) {
      const [first, ...tied] = search.explanations;
      bestCandidate = first.candidate;
      bestChanges = first.changes;
      verdictExtra.explanations = search.explanations.map((x) => ({ label: x.candidate.label, changes: x.changes }));
      closest = { label: first.candidate.label, changes: first.changes, explained: true, remaining: [] };
      if (tied.length > 0) closest.tied = tied.map((x) => `${x.candidate.label} (${changeText(x.changes)})`);
    } else {
      const partial = closestPartial(ev, search.infos, claimed);
      if (partial) {
        bestCandidate = partial.candidate;
        bestChanges = partial.changes;
        closest = {
          label: partial.candidate.label,
          changes: partial.changes,
          explained: false,
          remaining: partial.remaining.map((i) => ran[i].inst.key),
        };
        verdictExtra.unexplained = unexplainedProbes(
          ev,
          search.infos.find((x) => x.candidate === partial.candidate),
          partial,
        );
      }
    }
  }

  // A match with another profile than the claimed one: name the axes that separate them.
  const claimedCandidates = claimed ? all.filter((c) => c.profile === claimed) : [];
  if (claimed && anyRan && bestCandidate && bestCandidate.profile !== claimed && claimedCandidates.length > 0) {
    const fromClaimed = searchExplanations(ev, claimedCandidates, claimed);
    if (fromClaimed.explanations.length > 0)
      verdictExtra.fromClaimed = fromClaimed.explanations.map((x) => ({ label: x.candidate.label, changes: x.changes }));
  }

  const bestProfile = bestCandidate?.profile;
  // The next most likely other profile: pure profiles first (a profile with the adapter's fixed axes only if none is left).
  const others = (r: (typeof ranked)[number]) => r.c !== bestCandidate && r.c.profile !== bestProfile && !matches.includes(r.c);
  const runnerUpEntry = ranked.find((r) => others(r) && pure.includes(r.c)) ?? ranked.find(others);
  const runnerUp = runnerUpEntry?.c ?? null;

  const axes = bestCandidate && anyRan ? inferAxes(ev, bestCandidate, bestChanges, runs) : [];

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
  let summary: string;
  if (!anyRan) summary = 'no probe could run on this adapter';
  else if (matched) {
    summary = `${matches[0].label}${viaFixedAxes ? ` (the profile plus the axes ${info.id} declares fixed; the profile as published differs from it)` : ''}`;
    if (indistinguishable.length > 0) summary += ` (indistinguishable from ${indistinguishable.join(', ')} on these probes)`;
    const from = verdictExtra.fromClaimed?.[0];
    if (from) summary += `; it differs from its claimed ${from.label} by ${changeText(from.changes)}`;
  } else if (closest?.explained) {
    const n = closest.changes.length;
    const ties = closest.tied ? `; as small (tie): ${closest.tied.join('; ')}` : '';
    summary = `no profile matches; closest ${closest.label}, which matches with ${changeText(closest.changes)} (the smallest explanation: ${n} axis change${n === 1 ? '' : 's'}${ties})`;
    const from = verdictExtra.fromClaimed?.[0];
    if (from) summary += `; from its claimed ${from.label}: ${changeText(from.changes)}`;
  } else if (closest) {
    const partial = closest.changes.length > 0 ? ` with ${changeText(closest.changes)}` : '';
    const lone = (verdictExtra.unexplained ?? []).filter((u) => !u.explainedAlone).map((u) => u.probe);
    summary = `no profile matches and no set of up to ${verdictExtra.search?.maxChanges ?? 3} axis changes explains every probe; closest ${closest.label}${partial}, ${closest.remaining.length} probes still disagree${lone.length > 0 ? `; no axis explains probe ${lone.join(', ')}` : ''}`;
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
      ...verdictExtra,
      runnerUp: runnerUp?.label ?? null,
      summary,
    },
    candidates: ranked.map((r) => {
      const { weight: _weight, ...rest } = r.score;
      return rest;
    }),
    axes,
    notProbed: unprobedPrecisions(),
    evidence,
    exitCode: matched ? 0 : 1,
  };
}
