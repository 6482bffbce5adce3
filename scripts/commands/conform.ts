import { join } from 'node:path';
import type { Argv } from 'yargs';
import { ADAPTER_FACTORIES } from '../../adapters/registry.js';
import { ALL_DTYPES, type Dtype } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import { publishToGitHub } from '../../reports/github.js';
import { renderJson } from '../../reports/json-report.js';
import { recordingsConsoleLines } from '../../reports/recordings-table.js';
import { parseFormats, writeReports } from '../../reports/write-reports.js';
import type { BenchReport } from '../../runner/bench/report.js';
import { MAX_TIMEOUT_SECONDS } from '../../runner/cell-executor.js';
import { configToOptions } from '../../runner/config.js';
import { parseShard } from '../../runner/plan.js';
import type { ConformanceReport } from '../../runner/result.js';
import type { Mode } from '../../runner/run-cell.js';
import { runConformance, type ConformanceOptions } from '../../runner/run-conformance.js';
import { notCompared, requiredNotCompared } from '../../runner/summary.js';
import { parseRule } from '../../runner/selection.js';
import { checkOutputDirectory } from '../output-paths.js';
import {
  EXIT_DIVERGED,
  EXIT_INTERRUPTED,
  EXIT_OK,
  interruptible,
  list,
  refuseRepeatedOptions,
  runCommand,
  writeJsonToStdout,
} from '../cli-support.js';
import { findConfig, loadConfig } from '../load-config.js';
import { createProgressReporter, progressMode } from '../progress.js';
import { quickBench } from './quick-bench.js';

function conformOptions<T>(y: Argv<T>) {
  return y
    .option('config', {
      type: 'string',
      describe: 'config file (default: rmsprop-harness.config.{ts,mts,js,mjs,json} in the working directory, if any)',
    })
    .option('adapters', {
      type: 'string',
      array: true,
      describe: 'adapter specs (id or id:key=value,...); default: every adapter of the default run',
    })
    .option('require', {
      type: 'string',
      array: true,
      describe: 'adapters (id or label) that must be compared: one that is unavailable or errors fails the run (exit 1)',
    })
    .option('suites', {
      type: 'string',
      array: true,
      describe: 'suites to run (problems, variants, edge, recordings); default all',
    })
    .option('cases', { type: 'string', array: true, describe: 'case patterns (problems/*, edge/nan-at)' })
    .option('dtype', {
      type: 'string',
      describe:
        'float32, float64, bfloat16, float16 (comma list) or all; default float32 and float64, plus bfloat16/float16 on the adapters that declare them',
    })
    .option('modes', { type: 'string', describe: 'replay and/or closed-loop (default both)' })
    .option('recordings', {
      type: 'string',
      describe:
        'a folder of your own recorded runs (clients/python/record.py) with its expected-verdicts.json, replayed instead of the shipped calibration recordings',
    })
    .option('exclude', { type: 'string', array: true, describe: 'skip cells: adapter[:case[:dtype]] with * wildcards' })
    .option('xfail', { type: 'string', array: true, describe: 'expected failures: adapter[:case[:dtype]]' })
    .option('jobs', { type: 'number', describe: 'worker processes running cells in parallel (default: number of cores)' })
    .option('cell-timeout', {
      type: 'number',
      describe: 'seconds a cell may run before its worker is stopped and the cell fails (default 60)',
    })
    .option('isolation', {
      type: 'string',
      choices: ['process', 'in-process'],
      describe: 'run cells in worker processes (default) or in this process',
    })
    .option('shard', { type: 'string', describe: 'run shard i of n of the cell matrix (i/n); combine with `report merge`' })
    .option('out', { type: 'string', describe: 'directory for the reports (default reports/latest)' })
    .option('format', { type: 'string', describe: 'report formats: json, md, junit, html (default all four)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the JSON report on stdout (progress and messages off)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' })
    .option('differences', {
      type: 'boolean',
      default: true,
      describe:
        'compare every pair of canonical profiles on the selected cases ("how the frameworks differ"; --no-differences to skip)',
    });
}

export interface ConformArgs {
  config?: string;
  adapters?: string[];
  require?: string[];
  suites?: string[];
  cases?: string[];
  dtype?: string;
  modes?: string;
  exclude?: string[];
  xfail?: string[];
  jobs?: number;
  cellTimeout?: number;
  isolation?: 'process' | 'in-process';
  shard?: string;
  out?: string;
  format?: string;
  json: boolean;
  quiet: boolean;
  bench?: boolean;
  differences?: boolean;
  recordings?: string;
}

/** 'ts-f64,ts-f32:profile=keras,fma=off' -> ['ts-f64', 'ts-f32:profile=keras,fma=off']: a key=value piece continues the spec before it. */
export function splitAdapterSpecs(values: readonly string[]): string[] {
  const specs: string[] = [];
  for (const piece of list(values)) {
    if (piece.includes('=') && !piece.includes(':') && specs.length > 0) specs[specs.length - 1] += `,${piece}`;
    else specs.push(piece);
  }
  return specs;
}

function parseDtypes(text: string): Dtype[] {
  if (text === 'all') return [...ALL_DTYPES];
  return list([text]).map((d) => {
    if (!(ALL_DTYPES as readonly string[]).includes(d))
      throw new InputError(`--dtype: expected ${ALL_DTYPES.join(', ')} or all, got '${d}'`);
    return d as Dtype;
  });
}

function parseModes(text: string): Mode[] {
  return list([text]).map((m) => {
    if (m !== 'replay' && m !== 'closed-loop') throw new InputError(`--modes: expected replay and/or closed-loop, got '${m}'`);
    return m;
  });
}

function nonEmpty(specs: string[]): string[] {
  if (specs.length === 0) throw new InputError('--adapters: give at least one adapter spec, e.g. --adapters ts-f32,wasm-simd');
  return specs;
}

function positive(option: string, value: number | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw new InputError(`${option}: expected a positive ${integer ? 'integer' : 'number'}, got '${value}'`);
  return value;
}

/** Flags win over the config file, which wins over the defaults. */
export async function resolveRun(
  argv: ConformArgs,
  defaults: { adapters: string[] },
): Promise<{ options: ConformanceOptions; out: string; formats: ReturnType<typeof parseFormats> }> {
  refuseRepeatedOptions(argv as unknown as Record<string, unknown>, [
    'config',
    'dtype',
    'modes',
    'jobs',
    'cell-timeout',
    'isolation',
    'shard',
    'out',
    'format',
    'json',
    'quiet',
    'bench',
    'recordings',
  ]);
  const configPath = argv.config ?? findConfig(process.cwd());
  const config = configPath ? await loadConfig(configPath) : null;
  const fromConfig = config ? configToOptions(config) : {};
  const jobs = positive('--jobs', argv.jobs, true);
  const cellTimeout = positive('--cell-timeout', argv.cellTimeout, false);
  if (cellTimeout !== undefined && cellTimeout > MAX_TIMEOUT_SECONDS)
    throw new InputError(
      `--cell-timeout: at most ${MAX_TIMEOUT_SECONDS} seconds (the longest timer Node can set), got ${cellTimeout}`,
    );
  const options: ConformanceOptions = {
    ...fromConfig,
    adapters: argv.adapters ? nonEmpty(splitAdapterSpecs(argv.adapters)) : (fromConfig.adapters ?? defaults.adapters),
    ...(argv.require ? { require: [...(fromConfig.require ?? []), ...splitAdapterSpecs(argv.require)] } : {}),
    ...(argv.suites ? { suites: list(argv.suites) } : {}),
    ...(argv.cases ? { cases: list(argv.cases) } : {}),
    ...(argv.dtype !== undefined ? { dtypes: parseDtypes(argv.dtype) } : {}),
    ...(argv.modes !== undefined ? { modes: parseModes(argv.modes) } : {}),
    ...(argv.exclude ? { exclude: [...(fromConfig.exclude ?? []), ...argv.exclude.map((r) => parseRule(r))] } : {}),
    ...(argv.xfail ? { xfail: [...(fromConfig.xfail ?? []), ...argv.xfail.map((r) => parseRule(r))] } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
    ...(cellTimeout !== undefined ? { cellTimeoutMs: cellTimeout * 1000 } : {}),
    ...(argv.isolation ? { isolation: argv.isolation } : {}),
    ...(argv.shard !== undefined ? { shard: parseShard(argv.shard) } : {}),
    differences: argv.differences !== false,
    recordings: argv.recordings ?? true, // with every suite (no --suites) or --suites naming recordings
  };
  const formats = parseFormats(argv.format ?? config?.formats?.join(',') ?? 'json,md,junit,html');
  const out = argv.out ?? config?.out ?? 'reports/latest';
  checkOutputDirectory(argv.out !== undefined ? '--out' : 'out', out); // before the run, not after it
  return { options, out, formats };
}

export async function conform(argv: ConformArgs, defaults: { adapters: string[] }): Promise<number> {
  const { options, out, formats } = await resolveRun(argv, defaults);
  const quiet = argv.quiet || argv.json;
  const progress = createProgressReporter({
    stream: process.stderr,
    mode: progressMode({ quiet: argv.quiet, json: argv.json, isTTY: process.stderr.isTTY, env: process.env }),
  });
  const interrupt = interruptible('the report');
  let report: ConformanceReport;
  let bench: BenchReport | null = null;
  const written: string[] = [];
  try {
    report = await runConformance({
      ...options,
      onStart: (adapters) => progress.begin(adapters),
      onProgress: (e) => progress.onProgress(e),
      signal: interrupt.signal,
    });
    progress.finish();
    // The report is on disk before the benchmark starts: an interrupted benchmark cannot lose it.
    written.push(
      ...(await writeReports(
        report,
        out,
        formats.filter((f) => f !== 'html'),
      )),
    );
    if (argv.bench && report.complete && !options.shard) {
      bench = await quickBench({
        out,
        conformanceFile: formats.includes('json') ? join(out, 'conformance.json') : null,
        log: quiet ? () => {} : (line) => process.stderr.write(`${line}\n`),
        signal: interrupt.signal,
      });
      if (bench) written.push(join(out, 'bench.json'), join(out, 'bench.md'));
    }
    if (formats.includes('html')) written.push(...(await writeReports(report, out, ['html'], { bench })));
  } finally {
    progress.finish(); // idempotent: also when the run stopped on an error
    interrupt.dispose();
  }
  // A shard's failures are published once, by `report merge`.
  const github = options.shard ? { summaryWritten: false } : publishToGitHub(report, process.env);
  if (argv.json) await writeJsonToStdout(JSON.parse(renderJson(report)));
  else if (!argv.quiet) {
    const s = report.summary;
    process.stdout.write(
      `${s.exitCode === 0 ? 'PASS' : 'FAIL'}: ${s.pass} passed, ${s.fail + s.xpass} failed, ${s.error} errors, ${s.xfail} expected failures, ${s.skip} skipped, ${s.unavailable} unavailable${report.complete ? '' : ' (interrupted: report incomplete)'}${options.shard ? ` (shard ${argv.shard})` : ''}\n`,
    );
    for (const line of recordingsConsoleLines(report.recordings)) process.stdout.write(`${line}\n`);
    // In a shard an adapter without compared cells is undecided (report merge judges it): not listed here.
    const undecided = new Set(report.verdicts.filter((v) => v.verdict === 'undecided').map((v) => v.adapter));
    const missed = notCompared(report).filter((m) => !undecided.has(m.label));
    if (missed.length > 0) process.stdout.write(`not compared (${missed.length} adapter${missed.length === 1 ? '' : 's'}):\n`);
    for (const m of missed) process.stdout.write(`  ${m.label}${m.required ? ' (required: fails the run)' : ''}: ${m.reason}\n`);
    for (const label of requiredNotCompared(report.cells, report.selection.required ?? []).filter(
      (l) => !missed.some((m) => m.label === l),
    )) {
      process.stdout.write(`  ${label} (required: fails the run): some cells unavailable or errored\n`);
    }
    for (const v of report.verdicts.filter(
      (x) =>
        x.verdict === 'fail' ||
        (x.verdict === 'error' && report.adapters.find((a) => a.label === x.adapter)?.available !== false),
    ))
      process.stdout.write(`  ${v.verdict}: ${v.adapter}: ${v.reason}\n`);
    for (const p of written) process.stdout.write(`  wrote ${p}\n`);
    if (github.summaryWritten) process.stdout.write('  appended the summary to $GITHUB_STEP_SUMMARY\n');
  }
  if (!report.complete) return EXIT_INTERRUPTED;
  return report.summary.exitCode === 0 ? EXIT_OK : EXIT_DIVERGED;
}

/** Real implementations over the external protocol that the default run includes (Debian's python3-torch and NumPy). */
export const DEFAULT_EXTERNAL_SPECS = [
  'external:command=/usr/bin/python3 clients/python/torch_rmsprop.py',
  'external:command=/usr/bin/python3 clients/python/numpy_rmsprop.py',
];

export const defaultAdapters = () => [
  ...ADAPTER_FACTORIES.filter((f) => f.inDefaultRun).map((f) => f.id),
  ...DEFAULT_EXTERNAL_SPECS,
];

export function conformCommand(yargs: Argv): Argv {
  return yargs
    .command(
      'conform',
      'Run the conformance suites on adapters and write reports (exit 0 within tolerance, 1 divergence, 2 usage error, 130 interrupted)',
      (y) =>
        conformOptions(y)
          .option('bench', { type: 'boolean', default: false, describe: 'also run a quick benchmark for the HTML report' })
          .example('$0 conform --adapters ts-f32:profile=keras --suites edge --format md', '')
          .example('$0 conform --shard 2/3 --out reports/shard-2', 'one machine of a CI matrix; then `report merge`'),
      (argv) => runCommand(() => conform(argv as unknown as ConformArgs, { adapters: defaultAdapters() })),
    )
    .command(
      'run',
      'The main job: conformance of every adapter available on this machine plus a quick benchmark; reports (json, md, junit, html) under reports/latest',
      (y) =>
        conformOptions(y).option('bench', {
          type: 'boolean',
          default: true,
          describe: 'run the quick benchmark (--no-bench to skip)',
        }),
      (argv) => runCommand(() => conform(argv as unknown as ConformArgs, { adapters: defaultAdapters() })),
    );
}
