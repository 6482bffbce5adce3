import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { InputError } from '../../reference/errors.js';
import {
  compareVerdicts,
  EXPECTED_VERDICTS_FILE,
  readExpectedVerdicts,
  type ExpectedVerdicts,
} from '../../suites/recordings-expected.js';
import {
  CALIBRATION_VERDICTS,
  calibrate,
  type CalibrationReport,
  type CalibrationResult,
} from '../../suites/recordings-replay.js';
import { EXIT_DIVERGED, EXIT_OK, parseSetOptions, refuseRepeatedOptions, runCommand, writeJsonToStdout } from '../cli-support.js';

function percent(n: number, total: number): string {
  return total === 0 ? '-' : `${((100 * n) / total).toFixed(1)}%`;
}

/** What the re-anchored check against the declared op error found. */
function reanchoredText(r: CalibrationResult): string {
  const a = r.reanchored;
  if (!a) return '';
  if (a.explained) return `; every step reproduced with ${r.opErrors} (free-running ${a.freeRunning})`;
  if (a.unavailable) return `; not re-anchored: ${a.unavailable}`;
  return `; re-anchored step ${a.step}, element ${a.index} (${a.quantity}) is not reproduced with ${r.opErrors}`;
}

function renderText(report: CalibrationReport, verbose: boolean, stated: ExpectedVerdicts | null): string {
  const lines: string[] = [];
  const header = ['framework', ...CALIBRATION_VERDICTS, 'files'];
  const rows = Object.entries(report.summary.byFramework)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([framework, c]) => [
      framework,
      ...CALIBRATION_VERDICTS.map((v) => String(c[v])),
      String(CALIBRATION_VERDICTS.reduce((s, v) => s + c[v], 0)),
    ]);
  const c = report.summary.counts;
  rows.push(['all', ...CALIBRATION_VERDICTS.map((v) => String(c[v])), String(report.summary.total)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  lines.push(fmt(header), ...rows.map(fmt));
  const total = report.summary.total;
  const freeWithin = report.results.filter(
    (r) => r.verdict === 'bit-exact' || r.verdict === 'within' || r.reanchored?.freeRunning === 'within',
  ).length;
  lines.push('');
  lines.push(
    `bit-exact ${percent(c['bit-exact'], total)}, exact up to the declared op error ${percent(c['exact-up-to-op-error'], total)}, within tolerance free-running (bit-exact included) ${percent(freeWithin, total)}, outside ${c.outside}, refused ${c.refused}` +
      ` (tolerance: normwise relative per step, float64 ${report.tolerance.float64.toExponential(0)}, float32 ${report.tolerance.float32.toExponential(0)}; element by element for the edge streams)`,
  );
  if (verbose) {
    lines.push('');
    for (const r of report.results) {
      if (r.verdict === 'bit-exact') continue;
      const detail =
        r.verdict === 'refused'
          ? r.reason
          : `max error ${r.maxError?.toExponential(2)}, first differing step ${r.firstDifferentStep}${r.firstStepOutside ? `, outside from step ${r.firstStepOutside}` : ''}${reanchoredText(r)}`;
      lines.push(`${r.verdict.padEnd(8)} ${r.file}: ${detail}`);
      const why = stated?.verdicts[r.file];
      if (r.verdict !== 'refused' && why?.reason && why.verdict === r.verdict) lines.push(`         because: ${why.reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function calibrateCommand(yargs: Argv): Argv {
  return yargs.command(
    'calibrate',
    'Replay the recorded framework runs (torch, Keras, TF, optax, tfjs) through the reference and classify each one',
    (y) =>
      y
        .option('recordings', {
          type: 'string',
          describe:
            'a folder of recorded runs to replay instead of the shipped ones: your own runs written by clients/python/record.py (its expected-verdicts.json, if any, is what --check compares with)',
        })
        .option('framework', {
          type: 'string',
          describe: 'only this recorded framework (torch-forloop, keras-tf, tf-rawops, optax-eps_in_sqrt, tfjs-cpu, ...)',
        })
        .option('set', {
          type: 'string',
          array: true,
          describe:
            "name=value added to every replay (axis or native names): another build's arithmetic, e.g. sqrtImpl=correctly-rounded for a torch whose sqrt is not MKL's AMD kernel",
        })
        .option('json', { type: 'boolean', default: false, describe: 'print the full report as JSON' })
        .option('verbose', {
          type: 'boolean',
          default: false,
          describe: 'list every file that is not bit-exact, with its error or refusal',
        })
        .option('check', {
          type: 'boolean',
          default: false,
          describe: 'compare with suites/recordings/expected-verdicts.json; exit 1 when a verdict moved',
        })
        .example('$0 calibrate', 'counts per framework')
        .example('$0 calibrate --framework torch-forloop --verbose', 'why each torch file is not bit-exact')
        .example('$0 calibrate --recordings runs/ --verbose', 'your own runs recorded with clients/python/record.py')
        .example(
          '$0 calibrate --framework torch-forloop --set sqrtImpl=correctly-rounded',
          'the torch runs as a build with a correctly rounded sqrt would do them',
        ),
    (argv) =>
      runCommand(async () => {
        refuseRepeatedOptions(argv, ['framework', 'recordings']);
        const dir = argv.recordings;
        const settings = parseSetOptions(argv.set) as Record<string, string>;
        const report = calibrate({ framework: argv.framework, settings, ...(dir !== undefined ? { dir } : {}) });
        const statedFile = dir === undefined || existsSync(join(dir, EXPECTED_VERDICTS_FILE));
        if (argv.check && !statedFile)
          throw new InputError(
            `--check: ${join(dir, EXPECTED_VERDICTS_FILE)} does not exist: state each file's verdict there first (format: suites/recordings/${EXPECTED_VERDICTS_FILE})`,
          );
        const stated = (argv.check || argv.verbose) && statedFile ? readExpectedVerdicts(dir) : null;
        const changes = argv.check ? compareVerdicts(report, stated!, argv.framework) : [];
        if (argv.json) await writeJsonToStdout(argv.check ? { ...report, changes } : report);
        else {
          process.stdout.write(renderText(report, argv.verbose, stated));
          if (argv.check) {
            process.stdout.write(
              changes.length === 0
                ? 'every verdict is as stated in expected-verdicts.json\n'
                : `${changes.length} verdicts moved:\n`,
            );
            for (const ch of changes) process.stdout.write(`  ${ch.file}: stated ${ch.expected}, now ${ch.actual}\n`);
          }
        }
        return changes.length > 0 ? EXIT_DIVERGED : EXIT_OK;
      }),
  );
}
