// rmsprop-harness: the command line (entered through scripts/cli.ts). Each command is a thin wrapper
// over the programmatic API.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError } from '../reference/errors.js';
import { HARNESS_VERSION } from '../reference/version.js';
import { checkOptionValues, EXIT_USAGE, joinNegativeValues, type OptionKinds } from './cli-support.js';
import { benchCommand } from './commands/bench.js';
import { calibrateCommand } from './commands/calibrate.js';
import { compareCommand } from './commands/compare.js';
import { conformCommand } from './commands/conform.js';
import { identifyCommand } from './commands/identify.js';
import { profilesCommand } from './commands/profiles.js';
import { reportCommand } from './commands/report.js';
import { setupCommand } from './commands/setup.js';
import { trajectoryCommand } from './commands/trajectory.js';

// A reader that stops early (`... --json | head`) is not an error of ours: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const commands = [
  conformCommand,
  reportCommand,
  benchCommand,
  identifyCommand,
  profilesCommand,
  trajectoryCommand,
  calibrateCommand,
  compareCommand,
  setupCommand,
];

const args = joinNegativeValues(hideBin(process.argv));
let cli = yargs(args).scriptName('rmsprop-harness');
for (const add of commands) cli = add(cli);

try {
  await cli
    // Before validation and the command, with the command's own options known.
    // (yargs passes its instance as a second argument, which its type declarations leave out.)
    .middleware(
      ((_argv: unknown, y: { getOptions(): OptionKinds }) => checkOptionValues(args, y.getOptions())) as unknown as () => void,
      true,
    )
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .help()
    .alias('h', 'help')
    .version(HARNESS_VERSION)
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((message, error) => {
      // yargs validation failures: one line, exit 2 (errors thrown by handlers are handled in runCommand).
      process.stderr.write(`rmsprop-harness: error: ${String(message ?? error?.message).replace(/\s*\n\s*/g, ' ')}\n`);
      process.exit(EXIT_USAGE);
    })
    .parseAsync();
} catch (e) {
  if (!(e instanceof InputError)) throw e;
  process.stderr.write(`rmsprop-harness: error: ${e.message}\n`);
  process.exit(EXIT_USAGE);
}
