// One cell as a self-contained job: everything needed to run it is plain data (adapter spec, case
// key, dtype, mode, rules), so it can run in this process or in a worker process alike.

import type { Adapter } from '../adapters/adapter.js';
import { UnsupportedCaseError } from '../adapters/adapter.js';
import type { Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { CANONICAL_PROFILES } from '../reference/profiles/index.js';
import type { Profile } from '../reference/profile.js';
import { findProfile } from '../reference/registry.js';
import { resolveVariant } from '../reference/resolve.js';
import { replaySource, runTrajectory } from '../reference/trajectory.js';
import type { CaseSpec } from '../suites/case.js';
import { caseAppliesTo } from '../suites/case-source.js';
import { ALL_CASES, caseKey } from '../suites/suites.js';
import { expectedFor } from './expected.js';
import { downsampleSeries, emptySeries, recordStep, type Series } from './metrics.js';
import type { Cell, CellStatus, CellWorst, ProfileDistance } from './result.js';
import { measureCell, type Mode } from './run-cell.js';
import { cellExactness } from './cell-exactness.js';
import type { SelectionRule } from './selection.js';
import { maxUlpOfSeries } from './summary.js';
import { toleranceFor, type ResolvedTolerance, type ToleranceOverride } from './tolerance.js';

export interface CellJob {
  /** The adapter spec as written ('ts-f32:profile=keras'); also the cell's adapter label. */
  adapter: string;
  case: string;
  dtype: Dtype;
  mode: Mode;
  /** Run-level tolerance overrides (the adapter's own are added where it runs). */
  overrides: readonly ToleranceOverride[];
  /** The xfail rule matching this cell, if any. */
  xfail: SelectionRule | null;
  compareProfiles: boolean;
}

export function findCase(key: string): CaseSpec {
  const c = ALL_CASES.find((x) => caseKey(x) === key);
  if (!c) throw new InputError(`unknown case '${key}'`);
  return c;
}

/** A cell that ends without a measurement: skipped, unavailable, or an error (timeout, crash, interrupt). */
export function unmeasuredCell(
  job: Pick<CellJob, 'adapter' | 'case' | 'dtype' | 'mode'>,
  status: CellStatus,
  reason: string,
  durationMs = 0,
): Cell {
  return {
    adapter: job.adapter,
    case: job.case,
    suite: job.case.split('/')[0],
    dtype: job.dtype,
    mode: job.mode,
    status,
    reason,
    durationMs,
  };
}

/** Distance of the adapter's free-running params from each canonical profile fed the same gradients. */
function profileDistances(
  c: CaseSpec,
  dtype: Dtype,
  grads: Float64Array[],
  x0: Float64Array,
  actual: Float64Array[],
  tol: ResolvedTolerance,
  claimed: Profile,
): ProfileDistance[] {
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
    t.points.forEach((p, i) => recordStep(series, 'params', i + 1, p.params, actual[i], dtype, tol));
    out.push({
      profile: `${profile.name}@${profile.version}`,
      maxUlp: series.maxUlp,
      maxUlpAtScale: series.maxUlpAtScale,
      maxRel: series.maxRel,
      firstDivergentStep: series.firstDivergentStep,
    });
  }
  return out.sort((a, b) => a.maxUlpAtScale - b.maxUlpAtScale || a.maxUlp - b.maxUlp || a.maxRel - b.maxRel);
}

/** The worst element of a cell over its series: free-running params and state, re-anchored params and state. */
export function cellWorst(free: Series, state: Series | null, reanchored: Series | null): CellWorst | undefined {
  let best: CellWorst | undefined;
  const consider = (series: CellWorst['series'], s: Series | null) => {
    const w = s?.worst;
    if (!w) return;
    if (best === undefined || w.ulpsAtScale > best.ulpsAtScale || (w.ulpsAtScale === best.ulpsAtScale && w.ulps > best.ulps))
      best = { series, ...w };
  };
  consider('free-running', free);
  consider('free-running', state);
  consider('re-anchored', reanchored);
  return best;
}

/** Runs one cell on an available adapter. Adapter faults become an 'error' cell; only harness bugs throw. */
export async function runCellJob(adapter: Adapter, job: CellJob): Promise<Cell> {
  const started = performance.now();
  // An adapter may bring its own cases (a recorded run): they are found there first.
  const c = adapter.info.cases?.find((x) => caseKey(x) === job.case) ?? findCase(job.case);
  const { dtype, mode } = job;
  const base = { adapter: job.adapter, case: job.case, suite: c.suite, dtype, mode };
  const skip = (reason: string): Cell => unmeasuredCell(job, 'skip', reason);
  const info = adapter.info;
  if (!info.capabilities.dtypes.includes(dtype)) {
    const why = info.capabilities.unsupportedDtypes?.[dtype]; // the adapter's own reason, as unsupportedReason gives it
    return skip(`${info.id} does not support ${dtype}${why ? `: ${why}` : ''}`);
  }
  if (info.claims === 'unknown') return skip(`${info.id} claims no profile: see \`identify\``);
  const claimed = findProfile(info.claims);
  const applies = caseAppliesTo(c, claimed);
  if (!applies.applies) return skip(applies.reason);
  let expected;
  try {
    expected = expectedFor(info.claims, info.fixedAxes, c, dtype);
  } catch (e) {
    if (e instanceof InputError) return skip(`${claimed.name}: ${e.message}`);
    throw e;
  }
  const own = (info.toleranceOverrides ?? []).map((o) => ({ ...o, adapter: job.adapter }));
  const tol = toleranceFor(dtype, job.adapter, job.case, [...own, ...job.overrides]);
  const expectedProfile = `${claimed.name}@${claimed.version}${info.fixedAxes ? ` with ${JSON.stringify(info.fixedAxes)}` : ''}`;
  try {
    const m = await measureCell(adapter, c, dtype, mode, expected, tol);
    // Re-anchored catches a wrong step; free-running catches what loading the reference state hides (initial accumulators).
    const withinTolerance = [m.reanchored, m.freeRunning, m.state].every(
      (series) => (series?.firstDivergentStep ?? null) === null,
    );
    // Exact up to the declared op error passes whatever the free-running drift: every step is the
    // framework's arithmetic, the drift is the declared op's (reference/op-error.ts).
    const exact = cellExactness(m, expected, dtype, mode);
    const opExact = exact.exactness === 'exact-up-to-op-error';
    // A leak (tensors, GPU buffers left behind) fails the cell even when the numbers are right: it breaks long runs.
    const ok = (withinTolerance || opExact) && !m.leak;
    const xfail = job.xfail;
    const status: CellStatus = xfail ? (ok ? 'xpass' : 'xfail') : ok ? 'pass' : 'fail';
    const reason = xfail
      ? `expected to fail${xfail.reason ? `: ${xfail.reason}` : ''}`
      : m.leak
        ? `leaked resources: ${m.leak}`
        : opExact && !withinTolerance
          ? `exact up to the declared op error (${exact.opErrors}); free-running beyond the ULP tolerance`
          : undefined;
    const observed = maxUlpOfSeries(m.freeRunning, m.reanchored, m.state) ?? 0;
    const worst = cellWorst(m.freeRunning, m.state, m.reanchored);
    const distances =
      !job.compareProfiles || mode !== 'replay'
        ? undefined
        : profileDistances(
            c,
            dtype,
            expected.trajectory.points.map((p) => p.grad),
            expected.x0,
            m.actual,
            tol,
            claimed,
          );
    return {
      ...base,
      status,
      ...(reason ? { reason } : {}),
      expectedProfile,
      exactness: exact.exactness,
      ...(exact.opErrors ? { opErrors: exact.opErrors } : {}),
      tolerance: {
        ulps: tol.ulps,
        absFloor: tol.absFloor,
        ...(tol.rtol !== undefined ? { rtol: tol.rtol } : {}),
        ...(tol.atol !== undefined ? { atol: tol.atol } : {}),
        signedZero: tol.signedZero,
        reasons: tol.reasons,
      },
      ...(worst ? { worst } : {}),
      freeRunning: downsampleSeries(m.freeRunning),
      reanchored: m.reanchored && downsampleSeries(m.reanchored),
      ...(m.reanchoredUnavailable ? { reanchoredUnavailable: m.reanchoredUnavailable } : {}),
      state: m.state && downsampleSeries(m.state),
      ...(m.finalLoss ? { finalLoss: m.finalLoss } : {}),
      slack: {
        toleranceUlps: tol.ulps,
        observedUlps: observed,
        loose: Number.isFinite(observed) && tol.ulps >= 4 && observed * 4 <= tol.ulps,
      },
      ...(distances ? { profiles: distances } : {}),
      ...(m.leak ? { leak: m.leak } : {}),
      durationMs: performance.now() - started,
    };
  } catch (e) {
    if (e instanceof UnsupportedCaseError) return skip(e.message);
    return { ...base, status: 'error', reason: faultMessage(e), expectedProfile, durationMs: performance.now() - started };
  }
}

/** What an adapter threw, as one line (adapters may throw anything, not only Errors). */
export function faultMessage(e: unknown): string {
  const text =
    e instanceof Error
      ? `${e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`
      : `threw ${typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e))}`;
  return text.replace(/\s*\n\s*/g, ' ').slice(0, 2000);
}
