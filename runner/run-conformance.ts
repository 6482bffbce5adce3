// The conformance run: every selected case x adapter x dtype x mode, with the coverage matrix.
// The runner computes; it never formats output (reports/ does).

import os from 'node:os';
import type { Adapter } from '../adapters/adapter.js';
import { UnsupportedCaseError } from '../adapters/adapter.js';
import { createAdapter, parseAdapterSpec } from '../adapters/registry.js';
import { DTYPES, type Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { CANONICAL_PROFILES } from '../reference/profiles/index.js';
import type { Profile } from '../reference/profile.js';
import { findProfile } from '../reference/registry.js';
import { resolveVariant } from '../reference/resolve.js';
import { replaySource, runTrajectory } from '../reference/trajectory.js';
import type { CaseSpec } from '../suites/case.js';
import { caseAppliesTo } from '../suites/case-source.js';
import { caseKey, SUITES } from '../suites/suites.js';
import { expectedFor } from './expected.js';
import { emptySeries, recordStep } from './metrics.js';
import type { AdapterEntry, Cell, CellStatus, ConformanceReport, ProfileDistance } from './result.js';
import { REPORT_FORMAT_VERSION } from './result.js';
import { measureCell, type Mode } from './run-cell.js';
import { firstMatch, matchesCase, type SelectionRule } from './selection.js';
import { toleranceFor, validateOverride, type ResolvedTolerance, type ToleranceOverride } from './tolerance.js';

export { HARNESS_VERSION } from '../reference/version.js';
import { HARNESS_VERSION } from '../reference/version.js';

export interface ProgressEvent {
  done: number;
  total: number;
  adapter: string;
  case: string;
  dtype: Dtype;
  mode: Mode;
  status: CellStatus;
}

export interface ConformanceOptions {
  /** Adapter specs: 'ts-f32', 'ts-f32:profile=keras'. */
  adapters: readonly string[];
  suites?: readonly string[];
  /** Case-key patterns to include ('problems/*', 'edge/nan-at'); default all in the suites. */
  cases?: readonly string[];
  dtypes?: readonly Dtype[];
  modes?: readonly Mode[];
  exclude?: readonly SelectionRule[];
  xfail?: readonly SelectionRule[];
  overrides?: readonly ToleranceOverride[];
  /** Compare every adapter with the canonical profiles too (default true). */
  compareProfiles?: boolean;
  /** Per-cell time limit in ms (default 120 s). */
  cellTimeoutMs?: number;
  onProgress?: (e: ProgressEvent) => void;
  /** Aborting stops after the current cell; the report is marked incomplete. */
  signal?: AbortSignal;
}

export function environment(): ConformanceReport['environment'] {
  const cpus = os.cpus();
  return {
    harness: HARNESS_VERSION,
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

function selectCases(options: ConformanceOptions): CaseSpec[] {
  const suites = options.suites ?? Object.keys(SUITES);
  for (const s of suites) if (!SUITES[s]) throw new InputError(`unknown suite '${s}'; known: ${Object.keys(SUITES).join(', ')}`);
  const cases = suites.flatMap((s) => SUITES[s]!);
  if (!options.cases || options.cases.length === 0) return cases;
  const chosen = cases.filter((c) => options.cases!.some((p) => matchesCase(p, caseKey(c))));
  if (chosen.length === 0) throw new InputError(`no case matches ${options.cases.join(', ')}`);
  return chosen;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Distance of the adapter's free-running params from each canonical profile fed the same gradients. */
function profileDistances(c: CaseSpec, dtype: Dtype, grads: Float64Array[], x0: Float64Array, actual: Float64Array[], tol: ResolvedTolerance, claimed: Profile): ProfileDistance[] {
  const out: ProfileDistance[] = [];
  const candidates = CANONICAL_PROFILES.includes(claimed) ? CANONICAL_PROFILES : [claimed, ...CANONICAL_PROFILES];
  for (const profile of candidates) {
    if (!caseAppliesTo(c, profile).applies) continue;
    let variant;
    try {
      variant = resolveVariant(profile, dtype, c.settings).variant;
    } catch {
      continue; // the framework refuses these settings (Caffe with momentum)
    }
    const t = runTrajectory(variant, dtype, x0, actual.length, replaySource(grads));
    const series = emptySeries();
    t.points.forEach((p, i) => recordStep(series, 'params', i + 1, p.params, actual[i]!, dtype, tol));
    out.push({ profile: `${profile.name}@${profile.version}`, maxUlp: series.maxUlp, maxRel: series.maxRel, firstDivergentStep: series.firstDivergentStep });
  }
  return out.sort((a, b) => a.maxUlp - b.maxUlp || a.maxRel - b.maxRel);
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const specs = options.adapters.map(parseAdapterSpec);
  const cases = selectCases(options);
  const dtypes = options.dtypes ?? DTYPES;
  const modes = options.modes ?? (['replay', 'closed-loop'] as Mode[]);
  const overrides = options.overrides ?? [];
  overrides.forEach((o, i) => validateOverride(o, `tolerance override ${i + 1}`));
  const cellTimeout = options.cellTimeoutMs ?? 120_000;

  const adapters: { entry: AdapterEntry; adapter: Adapter | null }[] = [];
  for (const spec of specs) {
    const adapter = createAdapter(spec);
    const info = adapter.info;
    if (info.claims !== 'unknown') findProfile(info.claims);
    let availability;
    try {
      availability = await withTimeout(adapter.probe(), 60_000, `${spec.label} probe`);
    } catch (e) {
      availability = { available: false as const, reason: `probe failed: ${(e as Error).message}` };
    }
    adapters.push({
      adapter: availability.available ? adapter : null,
      entry: {
        label: spec.label,
        id: info.id,
        version: info.version,
        describe: info.describe,
        claims: info.claims,
        available: availability.available,
        ...(availability.available ? {} : { reason: availability.reason }),
        facts: availability.available ? availability.facts : {},
        capabilities: info.capabilities,
      },
    });
  }

  const plan: { a: (typeof adapters)[number]; c: CaseSpec; dtype: Dtype; mode: Mode }[] = [];
  for (const a of adapters) for (const c of cases) for (const dtype of dtypes) for (const mode of modes) {
    if (mode === 'closed-loop' && c.source.kind !== 'problem') continue; // streams are replayed by definition
    plan.push({ a, c, dtype, mode });
  }

  const cells: Cell[] = [];
  let complete = true;
  for (const [i, { a, c, dtype, mode }] of plan.entries()) {
    if (options.signal?.aborted) {
      complete = false;
      break;
    }
    const key = caseKey(c);
    const base = { adapter: a.entry.label, case: key, suite: c.suite, dtype, mode };
    const started = performance.now();
    const cell = await runOneCell();
    cells.push(cell);
    options.onProgress?.({ done: i + 1, total: plan.length, adapter: a.entry.label, case: key, dtype, mode, status: cell.status });

    async function runOneCell(): Promise<Cell> {
      const skip = (status: CellStatus, reason: string): Cell => ({ ...base, status, reason, durationMs: 0 });
      if (!a.adapter) return skip('unavailable', a.entry.reason ?? 'unavailable');
      const excluded = firstMatch(options.exclude ?? [], a.entry.label, key, dtype);
      if (excluded) return skip('skip', `excluded by rule ${excluded.adapter}:${excluded.case}:${excluded.dtype}${excluded.reason ? ` (${excluded.reason})` : ''}`);
      const info = a.adapter.info;
      if (!info.capabilities.dtypes.includes(dtype)) return skip('skip', `${info.id} does not support ${dtype}`);
      if (info.claims === 'unknown') return skip('skip', `${info.id} claims no profile: see \`identify\``);
      const claimed = findProfile(info.claims);
      const applies = caseAppliesTo(c, claimed);
      if (!applies.applies) return skip('skip', applies.reason);
      let expected;
      try {
        expected = expectedFor(info.claims, info.fixedAxes, c, dtype);
      } catch (e) {
        if (e instanceof InputError) return skip('skip', `${claimed.name}: ${e.message}`);
        throw e;
      }
      const own = (info.toleranceOverrides ?? []).map((o) => ({ ...o, adapter: a.entry.label }));
      const tol = toleranceFor(dtype, a.entry.label, key, [...own, ...overrides]);
      const expectedProfile = `${claimed.name}@${claimed.version}${info.fixedAxes ? ` with ${JSON.stringify(info.fixedAxes)}` : ''}`;
      try {
        const m = await withTimeout(measureCell(a.adapter, c, dtype, mode, expected, tol), cellTimeout, `${a.entry.label} on ${key}`);
        // Re-anchored catches a wrong step; free-running catches what loading the reference state hides (initial accumulators).
        const withinTolerance = [m.reanchored, m.freeRunning, m.state].every((series) => (series?.firstDivergentStep ?? null) === null);
        const xfail = firstMatch(options.xfail ?? [], a.entry.label, key, dtype);
        const status: CellStatus = xfail ? (withinTolerance ? 'xpass' : 'xfail') : withinTolerance ? 'pass' : 'fail';
        const observed = Math.max(m.freeRunning.maxUlp, m.reanchored?.maxUlp ?? 0);
        const distances = options.compareProfiles === false || mode !== 'replay' ? undefined : profileDistances(c, dtype, expected.trajectory.points.map((p) => p.grad), expected.x0, m.actual, tol, claimed);
        return {
          ...base,
          status,
          ...(xfail ? { reason: `expected to fail${xfail.reason ? `: ${xfail.reason}` : ''}` } : {}),
          expectedProfile,
          tolerance: { ulps: tol.ulps, absFloor: tol.absFloor, signedZero: tol.signedZero, reasons: tol.reasons },
          freeRunning: m.freeRunning,
          reanchored: m.reanchored,
          ...(m.reanchoredUnavailable ? { reanchoredUnavailable: m.reanchoredUnavailable } : {}),
          state: m.state,
          ...(m.finalLoss ? { finalLoss: m.finalLoss } : {}),
          slack: { toleranceUlps: tol.ulps, observedUlps: observed, loose: Number.isFinite(observed) && tol.ulps >= 4 && observed * 4 <= tol.ulps },
          ...(distances ? { profiles: distances } : {}),
          ...(m.leak ? { leak: m.leak } : {}),
          durationMs: performance.now() - started,
        };
      } catch (e) {
        if (e instanceof UnsupportedCaseError) return skip('skip', e.message);
        return { ...base, status: 'error', reason: (e as Error).message, expectedProfile, durationMs: performance.now() - started };
      }
    }
  }

  for (const a of adapters) await a.adapter?.close?.();

  const summary = { pass: 0, fail: 0, xfail: 0, xpass: 0, error: 0, skip: 0, unavailable: 0, exitCode: 0 };
  for (const c of cells) summary[c.status]++;
  summary.exitCode = summary.fail + summary.xpass + summary.error > 0 ? 1 : 0;
  return {
    format: 'rmsprop-harness/conformance',
    formatVersion: REPORT_FORMAT_VERSION,
    generatedAt: new Date().toISOString(),
    complete,
    environment: environment(),
    selection: { adapters: specs.map((s) => s.label), suites: [...new Set(cases.map((c) => c.suite))], dtypes: [...dtypes], modes: [...modes] },
    adapters: adapters.map((a) => a.entry),
    cases: cases.map((c) => ({ key: caseKey(c), suite: c.suite, describe: c.describe, steps: c.steps, source: c.source.kind === 'problem' ? `problem ${c.source.problem}` : `stream ${c.source.stream.kind}` })),
    cells,
    summary,
  };
}
