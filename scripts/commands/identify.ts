import type { Argv } from 'yargs';
import { InputError } from '../../reference/errors.js';
import type { Dtype } from '../../reference/arithmetic.js';
import { identify } from '../../runner/identify/identify.js';
import { renderIdentifyText } from '../../runner/identify/format.js';
import { refuseRepeatedOptions, runCommand, writeJsonToStdout } from '../cli-support.js';
import { splitAdapterSpecs } from './conform.js';

interface IdentifyArgs {
  adapter: string[];
  dtype?: string;
  json: boolean;
  tolerance?: number;
  isolation?: 'process' | 'in-process';
  'probe-timeout'?: number;
}

/** Exit 0 when a profile matches, 1 when none does, 2 for usage errors. */
export async function identifyMain(argv: IdentifyArgs): Promise<number> {
  refuseRepeatedOptions(argv as unknown as Record<string, unknown>, ['dtype', 'tolerance', 'isolation', 'probe-timeout']);
  const specs = splitAdapterSpecs(argv.adapter);
  if (specs.length !== 1)
    throw new InputError(`--adapter: expected one adapter spec, got ${specs.length === 0 ? 'none' : specs.join(' ')}`);
  let dtypes: Dtype[] | undefined;
  if (argv.dtype !== undefined && argv.dtype !== 'all') {
    if (argv.dtype !== 'float32' && argv.dtype !== 'float64')
      throw new InputError(`--dtype: expected float32, float64 or all, got '${argv.dtype}'`);
    dtypes = [argv.dtype];
  }
  if (argv.tolerance !== undefined && !(Number.isFinite(argv.tolerance) && argv.tolerance >= 0)) {
    throw new InputError(`--tolerance: expected a number of ULPs >= 0, got '${argv.tolerance}'`);
  }
  const timeout = argv['probe-timeout'];
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0))
    throw new InputError(`--probe-timeout: expected a positive number of seconds, got '${timeout}'`);
  const result = await identify(specs[0], {
    ...(dtypes ? { dtypes } : {}),
    ...(argv.tolerance !== undefined ? { toleranceUlps: argv.tolerance } : {}),
    ...(argv.isolation ? { isolation: argv.isolation } : {}),
    ...(timeout !== undefined ? { probeTimeoutMs: timeout * 1000 } : {}),
  });
  if (argv.json) await writeJsonToStdout(result);
  else process.stdout.write(renderIdentifyText(result));
  return result.exitCode;
}

export function identifyCommand(yargs: Argv): Argv {
  return yargs.command(
    'identify',
    'Identify which RMSprop variant an implementation is, from discriminating probes; a mismatch is explained as the smallest set of axis changes, or the probes no axis explains (exit 0 a profile matches, 1 none does, 2 usage error)',
    (y) =>
      y
        .option('adapter', { type: 'string', array: true, demandOption: true, describe: 'adapter spec (id or id:key=value,...)' })
        .option('dtype', { type: 'string', describe: 'float32, float64 or all (default: every dtype the adapter supports)' })
        .option('tolerance', { type: 'number', describe: 'agreement tolerance in ULPs (default 2)' })
        .option('isolation', {
          type: 'string',
          choices: ['process', 'in-process'],
          describe: 'run the probes in a worker process (default: a hung adapter is stopped) or in this process',
        })
        .option('probe-timeout', {
          type: 'number',
          describe: 'seconds a probe may run before the adapter is stopped and the probe is an error (default 60)',
        })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of text' })
        .example('$0 identify --adapter tfjs-cpu', '')
        .example('$0 identify --adapter ts-f64:profile=torch,epsPlacement=inside --json', ''),
    (argv) => runCommand(() => identifyMain(argv as unknown as IdentifyArgs)),
  );
}
