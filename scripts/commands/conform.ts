import type { Argv } from 'yargs';
import { ADAPTER_FACTORIES } from '../../adapters/registry.js';
import { DTYPES, type Dtype } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import type { ConformanceReport } from '../../runner/result.js';
import type { Mode } from '../../runner/run-cell.js';
import { runConformance, type ProgressEvent } from '../../runner/run-conformance.js';
import { parseRule } from '../../runner/selection.js';
import { parseFormats, writeReports } from '../../reports/write-reports.js';
import { EXIT_DIVERGED, EXIT_OK, runCommand } from '../cli-support.js';

const list = (values: readonly (string | number)[] | undefined) => (values ?? []).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter((s) => s !== '');

function conformOptions<T>(y: Argv<T>) {
  return y
    .option('adapters', { type: 'string', array: true, describe: 'adapter specs (id or id:key=value,...); default: every adapter of the default run' })
    .option('suites', { type: 'string', array: true, describe: 'suites to run (problems, variants, edge); default all' })
    .option('cases', { type: 'string', array: true, describe: 'case patterns (problems/*, edge/nan-at)' })
    .option('dtype', { type: 'string', default: 'all', describe: 'float32, float64 or all' })
    .option('modes', { type: 'string', default: 'replay,closed-loop', describe: 'replay and/or closed-loop' })
    .option('exclude', { type: 'string', array: true, describe: 'skip cells: adapter[:case[:dtype]] with * wildcards' })
    .option('xfail', { type: 'string', array: true, describe: 'expected failures: adapter[:case[:dtype]]' })
    .option('out', { type: 'string', default: 'reports/latest', describe: 'directory for the reports' })
    .option('format', { type: 'string', default: 'json,md,junit', describe: 'report formats: json, md, junit' })
    .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' });
}

interface ConformArgs {
  adapters?: string[];
  suites?: string[];
  cases?: string[];
  dtype: string;
  modes: string;
  exclude?: string[];
  xfail?: string[];
  out: string;
  format: string;
  quiet: boolean;
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

function progressPrinter(quiet: boolean): (e: ProgressEvent) => void {
  const tty = process.stderr.isTTY && !process.env.CI;
  let current = '';
  return (e) => {
    if (quiet) return;
    if (tty) {
      process.stderr.write(`\r\x1b[K[${e.done}/${e.total}] ${e.adapter} ${e.case} ${e.dtype} ${e.mode}`);
      if (e.done === e.total) process.stderr.write('\n');
    } else if (e.adapter !== current) {
      current = e.adapter;
      process.stderr.write(`[${e.done}/${e.total}] ${e.adapter}\n`);
    }
  };
}

export async function conform(argv: ConformArgs, defaults: { adapters: string[] }): Promise<number> {
  const dtypes: Dtype[] = argv.dtype === 'all' ? [...DTYPES] : list([argv.dtype]).map((d) => {
    if (d !== 'float32' && d !== 'float64') throw new InputError(`--dtype: expected float32, float64 or all, got '${d}'`);
    return d;
  });
  const modes = list([argv.modes]).map((m) => {
    if (m !== 'replay' && m !== 'closed-loop') throw new InputError(`--modes: expected replay and/or closed-loop, got '${m}'`);
    return m as Mode;
  });
  const formats = parseFormats(argv.format);
  const adapters = argv.adapters ? splitAdapterSpecs(argv.adapters) : defaults.adapters;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let report: ConformanceReport;
  try {
    report = await runConformance({
      adapters,
      ...(argv.suites ? { suites: list(argv.suites) } : {}),
      ...(argv.cases ? { cases: list(argv.cases) } : {}),
      dtypes,
      modes,
      exclude: (argv.exclude ?? []).map((r) => parseRule(r)),
      xfail: (argv.xfail ?? []).map((r) => parseRule(r)),
      onProgress: progressPrinter(argv.quiet),
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  const written = writeReports(report, argv.out, formats);
  if (!argv.quiet) {
    const s = report.summary;
    process.stdout.write(
      `${s.exitCode === 0 ? 'PASS' : 'FAIL'}: ${s.pass} passed, ${s.fail + s.xpass} failed, ${s.error} errors, ${s.xfail} expected failures, ${s.skip} skipped, ${s.unavailable} unavailable${report.complete ? '' : ' (interrupted: report incomplete)'}\n`,
    );
    for (const a of report.adapters.filter((x) => !x.available)) process.stdout.write(`  unavailable: ${a.label}: ${a.reason}\n`);
    for (const p of written) process.stdout.write(`  wrote ${p}\n`);
  }
  if (!report.complete) return 130;
  return report.summary.exitCode === 0 ? EXIT_OK : EXIT_DIVERGED;
}

/** Real implementations over the external protocol that the default run includes (Debian's python3-torch and NumPy). */
export const DEFAULT_EXTERNAL_SPECS = [
  'external:command=/usr/bin/python3 clients/python/torch_rmsprop.py',
  'external:command=/usr/bin/python3 clients/python/numpy_rmsprop.py',
];

const defaultAdapters = () => [...ADAPTER_FACTORIES.filter((f) => f.inDefaultRun).map((f) => f.id), ...DEFAULT_EXTERNAL_SPECS];

export function conformCommand(yargs: Argv): Argv {
  return yargs
    .command(
      'conform',
      'Run the conformance suites on adapters and write reports (exit 0 within tolerance, 1 divergence, 2 usage error)',
      (y) => conformOptions(y).example('$0 conform --adapters ts-f32:profile=keras --suites edge --format md', ''),
      (argv) => runCommand(() => conform(argv as unknown as ConformArgs, { adapters: defaultAdapters() })),
    )
    .command(
      'run',
      'The main job: conformance of every adapter available on this machine, reports under reports/latest',
      (y) => conformOptions(y),
      (argv) => runCommand(() => conform(argv as unknown as ConformArgs, { adapters: defaultAdapters() })),
    );
}
