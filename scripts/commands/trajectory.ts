import type { Argv } from 'yargs';
import { ALL_DTYPES } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import { computeTrajectory } from '../../suites/compute-trajectory.js';
import { writeFileAtomic } from '../../reports/atomic-write.js';
import { readGradientDocument } from '../../suites/gradient-file.js';
import { readJsonFile } from '../../suites/json-file.js';
import { PROBLEMS } from '../../suites/problems.js';
import { checkTrajectorySize } from '../memory-limits.js';
import { checkOutputFile } from '../output-paths.js';
import { parseNumberList, parseSetOptions, refuseRepeatedOptions, runCommand, writeJsonToStdout } from '../cli-support.js';

export function trajectoryCommand(yargs: Argv): Argv {
  return yargs.command(
    'trajectory',
    'Print the reference trajectory of a profile on a problem or a recorded gradient stream (JSON on stdout, or --out FILE)',
    (y) =>
      y
        .option('profile', {
          type: 'string',
          demandOption: true,
          describe: 'profile name, optionally name@version (see `profiles`)',
        })
        .option('dtype', {
          choices: ALL_DTYPES,
          default: 'float64' as const,
          describe: 'arithmetic to evaluate in',
        })
        .option('problem', {
          type: 'string',
          describe: 'objective function (xlogx, quad2d, rotated2d, linreg, linreg-mse, linreg-minibatch, rosenbrock, quadN)',
        })
        .option('grads', { type: 'string', describe: 'JSON file with one gradient vector per step (replay)' })
        .option('x0', { type: 'string', describe: 'initial parameters, comma separated (required with --grads)' })
        .option('lr-per-step', {
          type: 'string',
          describe:
            "learning rate of every step: a comma list or a JSON file holding an array (default: the gradient file's lr_per_step); replaces lr and any schedule",
        })
        .option('dim', { type: 'number', describe: 'dimension for problems of any dimension (quadN)' })
        .option('steps', {
          type: 'number',
          describe: 'number of steps (default 100 for problems, the stream length for --grads)',
        })
        .option('set', {
          type: 'string',
          array: true,
          describe: 'name=value: native hyperparameter names, canonical names or axes (fma=on|off)',
        })
        .option('autodiff', {
          choices: ['torch', 'tf'] as const,
          describe: 'chain-rule evaluation order for float32 problem gradients (default by profile)',
        })
        .option('out', { type: 'string', describe: 'write the JSON document to FILE (atomically) instead of stdout' })
        .example('$0 trajectory --profile numpy-tutorial --problem linreg --x0 3,5 --steps 5000 --set lr=0.001', '')
        .example('$0 trajectory --profile torch --dtype float32 --grads g.json --x0 1,2 --set alpha=0.9 --set fma=off', '')
        .example(
          `$0 trajectory --profile torch --grads g.json --x0 1,2 --set lr=0.02 --set 'scheduler=StepLR(step_size=20, gamma=0.5)'`,
          '',
        )
        .example(
          `$0 trajectory --profile keras --grads g.json --x0 1,2 --set floatx=float64 --set 'learning_rate=CosineDecay(initial_learning_rate=0.02, decay_steps=60)'`,
          '',
        ),
    (argv) =>
      runCommand(async () => {
        // Everything is read and checked, and the whole trajectory computed, before anything is written.
        refuseRepeatedOptions(argv, [
          'profile',
          'dtype',
          'problem',
          'grads',
          'x0',
          'dim',
          'steps',
          'autodiff',
          'out',
          'lr-per-step',
        ]);
        if (argv.dim !== undefined && (!Number.isInteger(argv.dim) || argv.dim < 1))
          throw new InputError(`--dim: expected a positive integer, got ${argv.dim}`);
        if (argv.out !== undefined) checkOutputFile('--out', argv.out);
        const gradientFile = argv.grads === undefined ? undefined : readGradientDocument(argv.grads);
        const stream = gradientFile?.grads;
        const lrPerStep = readLrPerStep(argv.lrPerStep) ?? gradientFile?.lrPerStep;
        const x0 = parseNumberList('--x0', argv.x0);
        const problem = argv.problem === undefined ? undefined : PROBLEMS.find((p) => p.id === argv.problem);
        checkTrajectorySize(
          argv.steps ?? stream?.length ?? 100,
          problem?.dim ?? argv.dim ?? x0?.length ?? stream?.[0]?.length ?? problem?.defaultDim ?? 1,
        );
        const doc = computeTrajectory({
          profile: argv.profile,
          dtype: argv.dtype,
          problem: argv.problem,
          grads: argv.grads === undefined ? undefined : { path: argv.grads, stream: stream! },
          x0,
          dim: argv.dim,
          steps: argv.steps,
          lrPerStep,
          settings: parseSetOptions(argv.set),
          autodiff: argv.autodiff,
        });
        if (argv.out !== undefined) writeFileAtomic(argv.out, `${JSON.stringify(doc)}\n`);
        else await writeJsonToStdout(doc);
        return 0;
      }),
  );
}

/** `--lr-per-step`: a comma list of numbers, or a JSON file holding an array of numbers. */
function readLrPerStep(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  if (text.includes(',') || Number.isFinite(Number(text))) return parseNumberList('--lr-per-step', text);
  const doc = readJsonFile(text, '--lr-per-step file');
  if (!Array.isArray(doc) || doc.length === 0 || !doc.every((x) => typeof x === 'number'))
    throw new InputError(`--lr-per-step file ${text}: expected a JSON array of numbers, one learning rate per step`);
  return doc;
}
