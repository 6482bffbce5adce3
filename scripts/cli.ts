#!/usr/bin/env node
// rmsprop-harness: the command line. Each command is a thin wrapper over the programmatic API.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { HARNESS_VERSION } from '../reference/version.js';
import { EXIT_USAGE } from './cli-support.js';
import { benchCommand } from './commands/bench.js';
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

const commands = [conformCommand, reportCommand, benchCommand, identifyCommand, profilesCommand, trajectoryCommand, setupCommand];

let cli = yargs(hideBin(process.argv)).scriptName('rmsprop-harness');
for (const add of commands) cli = add(cli);

await cli
  .demandCommand(1, 'name a command (see --help)')
  .strict()
  .help()
  .alias('h', 'help')
  .version(HARNESS_VERSION)
  .wrap(Math.min(120, process.stdout.columns ?? 100))
  .fail((message, error) => {
    // yargs validation failures: one line, exit 2 (errors thrown by handlers are handled in runCommand).
    process.stderr.write(`rmsprop-harness: error: ${String(message ?? error?.message).replace(/\s*\n\s*/g, " ")}\n`);
    process.exit(EXIT_USAGE);
  })
  .parseAsync();
