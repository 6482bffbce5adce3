// `report`: render an existing JSON report into other formats (the HTML one above all), and
// `report merge`: combine the shard reports of a CI matrix into the unsharded report.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import { InputError } from '../../reference/errors.js';
import { publishToGitHub } from '../../reports/github.js';
import { readConformanceReport } from '../../reports/read-report.js';
import { recordingsConsoleLines } from '../../reports/recordings-table.js';
import { parseFormats, writeReports } from '../../reports/write-reports.js';
import { diffBench, diffConformance } from '../../runner/diff-reports.js';
import { renderBenchDiff, renderConformanceDiff } from '../../reports/diff-markdown.js';
import { numberReplacer } from '../../reports/json-report.js';
import { loadBaseline } from '../../runner/bench/baseline.js';
import { BENCH_FORMAT, type BenchReport } from '../../runner/bench/report.js';
import type { ConformanceReport } from '../../runner/result.js';
import { readJsonFile } from '../../suites/json-file.js';
import { mergeReports } from '../../runner/merge-reports.js';
import { checkOutputDirectory } from '../output-paths.js';
import {
  EXIT_DIVERGED,
  EXIT_INTERRUPTED,
  EXIT_OK,
  refuseRepeatedOptions,
  runCommand,
  writeJsonToStdout,
} from '../cli-support.js';

interface RenderArgs {
  from: string;
  bench?: string;
  html: boolean;
  format?: string;
  out?: string;
  quiet: boolean;
}

interface DiffArgs {
  base: string;
  head: string;
  json: boolean;
}

interface MergeArgs {
  shards: string[];
  out: string;
  format: string;
  quiet: boolean;
}

async function render(argv: RenderArgs): Promise<number> {
  refuseRepeatedOptions(argv as unknown as Record<string, unknown>, ['from', 'bench', 'format', 'out']);
  if (argv.out !== undefined) checkOutputDirectory('--out', argv.out);
  const formats = parseFormats(argv.format ?? (argv.html ? 'html' : 'html,md,junit'));
  if (argv.html && argv.format && !formats.includes('html')) throw new InputError('--html and --format without html: pick one');
  const report = readConformanceReport(argv.from);
  // The bench of the same run sits next to the conformance report unless named.
  const benchFile =
    argv.bench ?? (existsSync(join(dirname(argv.from), 'bench.json')) ? join(dirname(argv.from), 'bench.json') : null);
  const bench = benchFile ? loadBaseline(benchFile) : null;
  const written = await writeReports(
    report,
    argv.out ?? dirname(argv.from),
    formats.filter((f) => f !== 'json' || argv.out !== undefined),
    { bench },
  );
  if (!argv.quiet) for (const p of written) process.stdout.write(`wrote ${p}\n`);
  return EXIT_OK;
}

async function merge(argv: MergeArgs): Promise<number> {
  refuseRepeatedOptions(argv as unknown as Record<string, unknown>, ['out', 'format']);
  checkOutputDirectory('--out', argv.out);
  const formats = parseFormats(argv.format);
  if (argv.shards.length === 0) throw new InputError('report merge: give the shard reports (reports/shard-*/conformance.json)');
  const report = mergeReports(argv.shards.map((source) => ({ source, report: readConformanceReport(source) })));
  const written = await writeReports(report, argv.out, formats);
  publishToGitHub(report, process.env);
  if (!argv.quiet) {
    const s = report.summary;
    process.stdout.write(
      `${s.exitCode === 0 ? 'PASS' : 'FAIL'}: ${argv.shards.length} shards merged: ${s.pass} passed, ${s.fail + s.xpass} failed, ${s.error} errors, ${s.skip} skipped, ${s.unavailable} unavailable${report.complete ? '' : ' (a shard was interrupted: report incomplete)'}\n`,
    );
    for (const line of recordingsConsoleLines(report.recordings)) process.stdout.write(`${line}\n`);
    for (const p of written) process.stdout.write(`  wrote ${p}\n`);
  }
  if (!report.complete) return EXIT_INTERRUPTED;
  return report.summary.exitCode === 0 ? EXIT_OK : EXIT_DIVERGED;
}

/** A conformance report or a bench report, told apart by its format field; each read with its own checks. */
function readAnyReport(
  path: string,
): { kind: 'conformance'; report: ConformanceReport } | { kind: 'bench'; report: BenchReport } {
  const doc = readJsonFile(path, 'report');
  if ((doc as { format?: unknown } | null)?.format === BENCH_FORMAT) return { kind: 'bench', report: loadBaseline(path) };
  return { kind: 'conformance', report: readConformanceReport(path) };
}

async function diff(argv: DiffArgs): Promise<number> {
  refuseRepeatedOptions(argv as unknown as Record<string, unknown>, ['json']);
  const base = readAnyReport(argv.base);
  const head = readAnyReport(argv.head);
  if (base.kind !== head.kind)
    throw new InputError(
      `report diff: ${argv.base} is a ${base.kind} report and ${argv.head} a ${head.kind} report; compare two of the same kind`,
    );
  const names = { base: argv.base, head: argv.head };
  if (base.kind === 'conformance') {
    const d = diffConformance(base.report, head.report as ConformanceReport);
    if (argv.json) await writeJsonToStdout(JSON.parse(JSON.stringify(d, numberReplacer)));
    else process.stdout.write(renderConformanceDiff(d, names));
    return d.exitCode;
  }
  const d = diffBench(base.report, head.report as BenchReport);
  if (argv.json) await writeJsonToStdout(d);
  else process.stdout.write(renderBenchDiff(d, names));
  return d.exitCode;
}

export function reportCommand(yargs: Argv): Argv {
  return yargs.command(
    'report',
    'Render a JSON conformance report (default reports/latest/conformance.json) as HTML, Markdown or JUnit; `report merge` combines shard reports',
    (y) =>
      y
        .command(
          'merge <shards..>',
          'Merge the reports of `conform --shard i/n` runs into the report of the unsharded run (exit code of the merged verdict)',
          (m) =>
            m
              .positional('shards', { type: 'string', array: true, describe: 'shard reports (conformance.json of each shard)' })
              .option('out', { type: 'string', default: 'reports/merged', describe: 'directory for the merged reports' })
              .option('format', { type: 'string', default: 'json,md,junit,html', describe: 'formats to write' })
              .option('quiet', { type: 'boolean', default: false })
              .example('$0 report merge reports/shard-*/conformance.json --out reports/merged', ''),
          (argv) => runCommand(() => merge(argv as unknown as MergeArgs)),
        )
        .command(
          'diff <base> <head>',
          "Compare two runs (two conformance.json or two bench.json): cells newly failing or passing and error growth; benchmark changes beyond noise (the bench gate's test). Markdown on stdout; exit 1 on a newly failing cell or a slower entry",
          (d) =>
            d
              .positional('base', { type: 'string', describe: 'the report of the base (e.g. the main branch)' })
              .positional('head', { type: 'string', describe: 'the report of the head (e.g. the pull request)' })
              .option('json', { type: 'boolean', default: false, describe: 'print the diff as JSON' })
              .example('$0 report diff base/conformance.json reports/latest/conformance.json >> "$GITHUB_STEP_SUMMARY"', ''),
          (argv) => runCommand(() => diff(argv as unknown as DiffArgs)),
        )
        .option('from', { type: 'string', default: 'reports/latest/conformance.json', describe: 'the JSON report to render' })
        .option('bench', {
          type: 'string',
          describe: 'bench.json for the throughput charts (default: bench.json next to the report, if any)',
        })
        .option('html', { type: 'boolean', default: false, describe: 'write the HTML report (conformance.html)' })
        .option('format', { type: 'string', describe: 'formats to write (default html,md,junit; --html alone: html)' })
        .option('out', { type: 'string', describe: 'directory (default: the directory of --from)' })
        .option('quiet', { type: 'boolean', default: false })
        .example('$0 report --html', 'reports/latest/conformance.html from reports/latest/conformance.json'),
    (argv) => runCommand(() => render(argv)),
  );
}
