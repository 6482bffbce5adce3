// Imported first by the CLI, before the modules of the commands load: Ctrl-C or SIGTERM at any moment,
// even in the first half-second, ends the process with exit code 130. A long command installs its own
// handlers (cli-support's interruptible(), which writes the reports so far); this one then stands aside.
import { EXIT_INTERRUPTED } from './cli-support.js';

const early = (signal: NodeJS.Signals) => {
  if (process.listenerCount(signal) > 1) return; // a command handles it
  process.exit(EXIT_INTERRUPTED);
};
process.on('SIGINT', early);
process.on('SIGTERM', early);
// Named in ps and top from here on: also how a supervisor (or a test) sees the handlers are in place.
process.title = 'rmsprop-harness';
