// The conformance run: every selected case x adapter x dtype x mode, with the coverage matrix.
// The runner computes; it never formats output (reports/ does). Cells run in worker processes by
// default (runner/process-pool.ts), so a hung or crashing adapter fails its cells and nothing else.

import os from 'node:os';
import { createAdapter, parseAdapterSpec, type AdapterSpec } from '../adapters/registry.js';
import { DTYPES, LOW_PRECISION_DTYPES, type Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { findProfile } from '../reference/registry.js';
import { suggest } from '../reference/suggest.js';
import type { CaseSpec } from '../suites/case.js';
import { caseKey, SUITES } from '../suites/suites.js';
import { MAX_TIMEOUT_MS, type CellExecutor, type Isolation } from './cell-executor.js';
import { unmeasuredCell, type CellJob } from './cell-job.js';
import { inProcessExecutor } from './in-process-executor.js';
import { formatShard, inShard, planCells, type MatrixRow, type Shard } from './plan.js';
import { ProcessPool } from './process-pool.js';
import type { AdapterEntry, Cell, CellStatus, ConformanceReport, RecordingsSection } from './result.js';
import { REPORT_FORMAT_VERSION } from './result.js';
import type { Mode } from './run-cell.js';
import { firstMatch, matchesCase, type SelectionRule } from './selection.js';
import { adapterVerdicts, summarize } from './summary.js';
import { SERIES_MAX_POINTS, SERIES_SAMPLING_RULE } from './metrics.js';
import { shortAdapterLabel } from './adapter-label.js';
import { differenceMatrix } from './compare/matrix.js';
import { profilePathsFor } from './profile-paths.js';
import { validateOverride, type ToleranceOverride } from './tolerance.js';
import { RECORDINGS_SUITE, replayRecordings } from './recordings-step.js';

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
  /** Per-cell time limit in ms (default 60 s): a cell still running then fails and its worker is stopped. */
  cellTimeoutMs?: number;
  /** Time limit for creating and probing one adapter, ms (default 60 s). */
  probeTimeoutMs?: number;
  /** Worker processes running cells in parallel (default: the number of cores). */
  jobs?: number;
  /** 'process' (default): cells run in worker processes, so hangs and crashes are contained. 'in-process': no workers (a synchronous hang cannot be stopped). */
  isolation?: Isolation;
  /** Run only this shard of the cell matrix ({ index: 2, count: 3 }); merge shard reports with mergeReports. */
  shard?: Shard;
  /** Called once the options are checked, before the adapters are probed: the run has started. */
  onStart?: (adapters: readonly string[]) => void;
  onProgress?: (e: ProgressEvent) => void;
  /**
   * Also compute "how the frameworks differ": every pair of canonical profiles on the selected cases,
   * with the responsible axes (report.differences; a few seconds). The CLI's run and conform do.
   */
  differences?: boolean;
  /** Adapters (id or label) that must be compared: one that is unavailable or errors fails the run (exit 1). */
  require?: string[];
  /**
   * Replay the calibration recordings (suites/recordings/) and compare each verdict with the stated one
   * (report.recordings; a moved verdict fails the run). Default false; `suites` naming 'recordings'
   * selects them too. The CLI's run and conform do whenever no --suites is given. A folder: replay the
   * recorded runs there instead (a user's own, clients/python/record.py), against its expected-verdicts.json.
   */
  recordings?: boolean | string;
  /** Aborting stops the run at once (cells in flight are dropped); the report is marked incomplete. */
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

/**
 * `--suites recordings` asks for them; otherwise the `recordings` option (the CLI's default run sets
 * it), except where `cases` picks cases by name: a run asked for one case is not also a replay of 568 files.
 */
function wantsRecordings(options: ConformanceOptions): boolean {
  if (options.suites) return options.suites.includes(RECORDINGS_SUITE);
  if (options.cases && options.cases.length > 0 && typeof options.recordings !== 'string') return false;
  return options.recordings !== undefined && options.recordings !== false;
}

function selectCases(options: ConformanceOptions): CaseSpec[] {
  // The recordings are a suite of their own: replayed by the reference, not run on adapters.
  const suites = (options.suites ?? Object.keys(SUITES)).filter((s) => s !== RECORDINGS_SUITE);
  if (suites.length === 0) return [];
  for (const s of suites)
    if (!SUITES[s])
      throw new InputError(`unknown suite '${s}'${suggest(s, Object.keys(SUITES))}; known: ${Object.keys(SUITES).join(', ')}`);
  const cases = suites.flatMap((s) => SUITES[s]);
  if (!options.cases || options.cases.length === 0) return cases;
  const chosen = cases.filter((c) => options.cases!.some((p) => matchesCase(p, caseKey(c))));
  if (chosen.length === 0)
    throw new InputError(
      `no case matches ${options.cases.join(', ')} in suites ${suites.join(', ')} (case keys look like ${cases.slice(0, 2).map(caseKey).join(', ')})`,
    );
  return chosen;
}

async function probeEntry(executor: CellExecutor, spec: AdapterSpec, timeoutMs: number): Promise<AdapterEntry> {
  const probed = await executor.probe(spec.label, timeoutMs);
  // A probe that hung or crashed its worker returns no info: describe the adapter from its factory.
  const info = 'failed' in probed ? createAdapter(spec).info : probed.info;
  const availability =
    'failed' in probed ? { available: false as const, reason: `probe failed: ${probed.failed}` } : probed.availability;
  return {
    label: spec.label,
    short: shortAdapterLabel(spec.label, info.id),
    id: info.id,
    version: info.version,
    describe: info.describe,
    claims: info.claims,
    available: availability.available,
    ...(availability.available ? {} : { reason: availability.reason }),
    ...('failed' in probed || probed.threw ? { probeFailed: true } : {}),
    facts: availability.available ? availability.facts : {},
    capabilities: info.capabilities,
  };
}

function sourceText(c: CaseSpec): string {
  if (c.source.kind === 'problem') return `problem ${c.source.problem}`;
  if (c.source.kind === 'recorded') return `recorded ${c.source.path}`;
  return `stream ${c.source.stream.kind}`;
}

/** The cases an adapter brings itself, from its probed description (null: it runs the suites' cases). */
async function ownCasesOf(executor: CellExecutor, label: string, timeoutMs: number): Promise<CaseSpec[] | null> {
  const probed = await executor.probe(label, timeoutMs); // answered from the adapter already loaded
  return 'failed' in probed || !probed.info.cases?.length ? null : [...probed.info.cases];
}

/**
 * Each adapter's row of the matrix: its own cases (in the dtypes it declares) or the selected ones, in
 * the asked dtypes, plus, when none were asked, the bfloat16/float16 it declares. The rows are the same
 * in every shard: a shard takes its cells from this one plan.
 */
function matrixRows(
  own: readonly (CaseSpec[] | null)[],
  cases: readonly CaseSpec[],
  dtypes: readonly Dtype[],
  entries: readonly AdapterEntry[],
  addDeclaredLowPrecision: boolean,
): MatrixRow<CaseSpec>[] {
  return entries.map((entry, i) => {
    const declared = entry.capabilities.dtypes;
    const asked = addDeclaredLowPrecision ? [...dtypes, ...LOW_PRECISION_DTYPES.filter((x) => declared.includes(x))] : dtypes;
    const mine = own[i];
    return mine ? { cases: mine, dtypes: asked.filter((x) => declared.includes(x)) } : { cases, dtypes: asked };
  });
}

/** The labels of the required adapters; a name matching no adapter of the run is an input error. */
function requiredLabels(names: readonly string[], specs: readonly AdapterSpec[]): string[] {
  const labels = new Set<string>();
  for (const name of names) {
    const matching = specs.filter((s) => s.label === name || s.id === name);
    if (matching.length === 0)
      throw new InputError(`require: '${name}' is not among the adapters of this run (${specs.map((s) => s.label).join(', ')})`);
    for (const s of matching) labels.add(s.label);
  }
  return [...labels];
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  if (options.adapters.length === 0)
    throw new InputError('adapters: give at least one adapter (see `rmsprop-harness conform --help`)');
  const specs = options.adapters.map(parseAdapterSpec);
  const cases = selectCases(options);
  const dtypes = options.dtypes ?? DTYPES;
  const modes = options.modes ?? (['replay', 'closed-loop'] as Mode[]);
  const overrides = options.overrides ?? [];
  overrides.forEach((o, i) => validateOverride(o, `tolerance override ${i + 1}`));
  const cellTimeout = options.cellTimeoutMs ?? 60_000;
  const probeTimeout = options.probeTimeoutMs ?? 60_000;
  if (!(cellTimeout > 0) || !(probeTimeout > 0)) throw new InputError('timeouts must be positive numbers of milliseconds');
  for (const [name, ms] of [
    ['cell timeout', cellTimeout],
    ['probe timeout', probeTimeout],
  ] as const) {
    if (ms > MAX_TIMEOUT_MS)
      throw new InputError(`${name}: at most ${MAX_TIMEOUT_MS / 1000} s (the longest timer Node can set), got ${ms / 1000} s`);
  }
  const jobs = options.jobs ?? os.availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new InputError(`jobs: expected a positive integer, got ${jobs}`);
  const labels = specs.map((s) => s.label);
  const duplicate = labels.find((l, i) => labels.indexOf(l) !== i);
  if (duplicate) throw new InputError(`adapter '${duplicate}' is listed twice`);
  const required = requiredLabels(options.require ?? [], specs);
  for (const spec of specs) {
    // Bad adapter options and unknown profile names are input errors, found before any work.
    try {
      const claims = createAdapter(spec).info.claims;
      if (claims !== 'unknown') findProfile(claims);
    } catch (e) {
      if (e instanceof InputError && !e.message.startsWith('adapter '))
        throw new InputError(`adapter '${spec.label}': ${e.message}`);
      throw e;
    }
  }

  options.onStart?.(labels);
  const executor: CellExecutor = (options.isolation ?? 'process') === 'process' ? new ProcessPool(jobs) : inProcessExecutor();
  const onAbort = () => executor.abort();
  options.signal?.addEventListener('abort', onAbort);
  try {
    // Every shard probes every adapter: the adapter table is the same in each shard report.
    const probing = Promise.all(specs.map((spec) => probeEntry(executor, spec, probeTimeout)));
    // The calibration recordings (with every suite or `--suites recordings`; every shard replays them, so
    // each shard's selection is the same and `report merge` checks that they agree): replayed here,
    // synchronously, while the worker processes start and probe, so they add little time.
    let replayed: RecordingsSection | undefined;
    let replayFailed: { error: unknown } | undefined;
    try {
      if (wantsRecordings(options))
        replayed = replayRecordings(typeof options.recordings === 'string' ? options.recordings : undefined);
    } catch (error) {
      replayFailed = { error };
    }
    const adapters = await probing;
    if (replayFailed) {
      await executor.close(); // no worker is left running behind the error
      throw replayFailed.error;
    }

    // Adapters that bring their own cases (recorded runs) get those, in the dtypes they have.
    const ownCases = await Promise.all(
      specs.map(async (spec, i) => (adapters[i].available ? ownCasesOf(executor, spec.label, probeTimeout) : null)),
    );
    // The whole matrix first, the same in every shard (bfloat16/float16 included): a shard is every n-th cell of it.
    const rows = matrixRows(ownCases, cases, dtypes, adapters, options.dtypes === undefined);
    const fullPlan = planCells(rows, modes);
    const plan = fullPlan.filter((p) => inShard(p, options.shard));
    const cells: (Cell | undefined)[] = new Array<Cell | undefined>(plan.length);
    let done = 0;
    await Promise.all(
      plan.map(async (p, i) => {
        const entry = adapters[p.adapterIndex];
        const job: CellJob = {
          adapter: entry.label,
          case: p.caseKey,
          dtype: p.dtype,
          mode: p.mode,
          overrides,
          xfail: firstMatch(options.xfail ?? [], entry.label, p.caseKey, p.dtype),
          compareProfiles: options.compareProfiles !== false,
        };
        const excluded = firstMatch(options.exclude ?? [], entry.label, p.caseKey, p.dtype);
        const cell = !entry.available
          ? unmeasuredCell(job, entry.probeFailed ? 'error' : 'unavailable', entry.reason ?? 'unavailable')
          : excluded
            ? unmeasuredCell(
                job,
                'skip',
                `excluded by rule ${excluded.adapter}:${excluded.case}:${excluded.dtype}${excluded.reason ? ` (${excluded.reason})` : ''}`,
              )
            : await executor.run(job, cellTimeout);
        if (options.signal?.aborted) return; // cells ending after Ctrl-C are dropped: the report says it is incomplete
        cells[i] = cell;
        done++;
        options.onProgress?.({
          done,
          total: plan.length,
          adapter: entry.label,
          case: p.caseKey,
          dtype: p.dtype,
          mode: p.mode,
          status: cell.status,
        });
      }),
    );
    await executor.close(); // after an abort too: in-process adapters release their devices; killed workers are only reaped

    const finished = cells.filter((c): c is Cell => c !== undefined);
    const verdicts = adapterVerdicts(adapters, finished, options.shard !== undefined);
    // Chart data is computed here, once: renderers never run trajectories.
    const differences =
      options.differences && !options.signal?.aborted
        ? await differenceMatrix(cases, dtypes.includes('float32') ? 'float32' : 'float64')
        : undefined;
    const recordings = options.signal?.aborted ? undefined : replayed;
    const complete = finished.length === plan.length && !options.signal?.aborted;
    const summary = summarize(finished, verdicts, { complete, required });
    if (recordings && recordings.moved.length > 0) summary.exitCode = 1;
    return {
      format: 'rmsprop-harness/conformance',
      formatVersion: REPORT_FORMAT_VERSION,
      generatedAt: new Date().toISOString(),
      complete,
      environment: environment(),
      selection: {
        adapters: labels,
        suites: [...new Set(cases.map((c) => c.suite)), ...(recordings ? [RECORDINGS_SUITE] : [])],
        // The asked dtypes, and the bfloat16/float16 the adapters declared when none were asked.
        dtypes: [...dtypes, ...LOW_PRECISION_DTYPES.filter((d) => !dtypes.includes(d) && fullPlan.some((p) => p.dtype === d))],
        modes: [...modes],
        ...(options.shard ? { shard: formatShard(options.shard) } : {}),
        matrix: rows.map((row, i) => ({
          adapter: labels[i],
          dtypes: [...row.dtypes],
          ...(ownCases[i] ? { cases: row.cases.map(caseKey) } : {}),
        })),
        ...(required.length > 0 ? { required } : {}),
      },
      seriesSampling: { maxPoints: SERIES_MAX_POINTS, rule: SERIES_SAMPLING_RULE },
      adapters,
      cases: [...cases, ...ownCases.flatMap((x) => x ?? [])].map((c) => ({
        key: caseKey(c),
        suite: c.suite,
        describe: c.describe,
        steps: c.steps,
        source: sourceText(c),
      })),
      cells: finished,
      verdicts,
      ...(differences ? { differences } : {}),
      profilePaths: profilePathsFor(cases),
      ...(recordings ? { recordings } : {}),
      summary,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    executor.abort(); // after close this only sweeps; if something above threw, it kills the workers
  }
}
