import type { Argv } from 'yargs';
import { InputError } from '../../reference/errors.js';
import { renderCompareText } from '../../reports/compare-text.js';
import { numberReplacer } from '../../reports/json-report.js';
import { writeFileAtomic } from '../../reports/atomic-write.js';
import { AdapterFault, runCompare, type CompareResult } from '../../runner/compare/run-compare.js';
import { readGradientDocument } from '../../suites/gradient-file.js';
import {
  EXIT_DIVERGED,
  list,
  parseNumberList,
  parseSetOptions,
  refuseRepeatedOptions,
  runCommand,
  writeJsonToStdout,
} from '../cli-support.js';
import { checkOutputFile } from '../output-paths.js';

interface CompareArgs {
  a: string;
  b: string;
  dtype: string;
  problem?: string;
  grads?: string;
  suites?: string[];
  cases?: string[];
  x0?: string;
  steps?: number;
  dim?: number;
  set?: string[];
  setA?: string[];
  setB?: string[];
  json: boolean;
  html?: string;
}

/** `--grads FILE`: the stream and, when the file has one, its lr_per_step (as `trajectory --grads` reads it). */
function gradsOption(path: string): { path: string; stream: Float64Array[]; lrPerStep?: number[] } {
  const doc = readGradientDocument(path);
  return { path, stream: doc.grads, ...(doc.lrPerStep ? { lrPerStep: doc.lrPerStep } : {}) };
}

/** Exit 0 when A and B agree bit for bit on every compared input, 1 when they diverge (or an adapter breaks), 2 for bad input (like diff). */
export async function compareMain(argv: CompareArgs): Promise<number> {
  refuseRepeatedOptions(argv as unknown as Record<string, unknown>, ['dtype', 'problem', 'grads', 'x0', 'steps', 'dim', 'html']);
  if (argv.dtype !== 'float32' && argv.dtype !== 'float64')
    throw new InputError(`--dtype: expected float32 or float64, got '${argv.dtype}'`);
  if (argv.dim !== undefined && (!Number.isInteger(argv.dim) || argv.dim < 1))
    throw new InputError(`--dim: expected a positive integer, got ${argv.dim}`);
  if (argv.html !== undefined) checkOutputFile('--html', argv.html);
  let result: CompareResult;
  try {
    result = await runCompare({
      a: String(argv.a),
      b: String(argv.b),
      dtype: argv.dtype,
      set: parseSetOptions(argv.set),
      setA: parseSetOptions(argv.setA),
      setB: parseSetOptions(argv.setB),
      ...(argv.problem !== undefined ? { problem: argv.problem } : {}),
      ...(argv.grads !== undefined ? { grads: gradsOption(argv.grads) } : {}),
      ...(argv.suites !== undefined ? { suites: list(argv.suites) } : {}),
      ...(argv.cases !== undefined ? { cases: list(argv.cases) } : {}),
      ...(argv.x0 !== undefined ? { x0: parseNumberList('--x0', argv.x0)! } : {}),
      ...(argv.steps !== undefined ? { steps: argv.steps } : {}),
      ...(argv.dim !== undefined ? { dim: argv.dim } : {}),
    });
  } catch (e) {
    // An implementation that breaks is a finding about it, not bad input: one line, exit 1.
    if (!(e instanceof AdapterFault)) throw e;
    process.stderr.write(`rmsprop-harness: error: ${e.message}\n`);
    return EXIT_DIVERGED;
  }
  if (argv.html !== undefined) {
    const { renderCompareHtml } = await import('../../reports/html/compare-charts.js');
    writeFileAtomic(argv.html, await renderCompareHtml(result));
  }
  if (argv.json) await writeJsonToStdout(JSON.parse(JSON.stringify(result, numberReplacer)));
  else process.stdout.write(renderCompareText(result));
  return result.comparisons.some((c) => c.firstDivergentStep !== null) ? 1 : 0;
}

export function compareCommand(yargs: Argv): Argv {
  return yargs.command(
    'compare <a> <b>',
    'How two implementations differ on identical inputs: first divergent step, error over the steps, final gaps, the axes that explain it, and the names each uses (exit 0 identical, 1 divergent, 2 usage error)',
    (y) =>
      y
        .positional('a', {
          type: 'string',
          demandOption: true,
          describe: "profile ('torch', 'keras@3') or adapter spec ('ts-f32:profile=keras', 'tfjs-cpu')",
        })
        .positional('b', { type: 'string', demandOption: true, describe: 'the other side, same forms' })
        .option('dtype', { type: 'string', default: 'float32', describe: 'float32 or float64' })
        .option('problem', {
          type: 'string',
          describe:
            "objective (xlogx, quad2d, ...): x0, steps and lr from the problems suite's case, every other hyperparameter each side's default",
        })
        .option('grads', {
          type: 'string',
          describe:
            "JSON file with one gradient vector per step, replayed on both (needs --x0); its lr_per_step, if any, is each step's learning rate on both (--set lrPerStep=... replaces it)",
        })
        .option('suites', {
          alias: 'suite',
          type: 'string',
          array: true,
          describe: "compare on every case of these suites (problems, variants, edge), with the cases' settings",
        })
        .option('cases', { type: 'string', array: true, describe: 'case patterns (problems/*, edge/nan-at)' })
        .option('x0', { type: 'string', describe: 'initial parameters, comma separated' })
        .option('steps', { type: 'number', describe: 'number of steps' })
        .option('dim', { type: 'number', describe: 'dimension for problems of any dimension (quadN)' })
        .option('set', { type: 'string', array: true, describe: 'name=value for both sides (native, canonical or axis names)' })
        .option('set-a', { type: 'string', array: true, describe: 'name=value for A only' })
        .option('set-b', { type: 'string', array: true, describe: 'name=value for B only' })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of text' })
        .option('html', { type: 'string', describe: 'also write the comparison charts to this HTML file' })
        .example(
          '$0 compare torch keras --problem xlogx --dtype float32',
          'PyTorch 361.0000 vs Keras 363.0513 after step 1, and why',
        )
        .example('$0 compare tfjs keras --problem quad2d --set centered=true', 'tfjs subtracts eps in the centered denominator')
        .example('$0 compare torch ts-f32:profile=torch --suites edge', 'a profile against an adapter run for real'),
    (argv) => runCommand(() => compareMain(argv)),
  );
}
