#!/usr/bin/env node
// rmsprop-harness: the command line's entry. Ctrl-C and SIGTERM exit 130 from the first moment: the
// handlers are installed before the commands load, because every static import of an ES module is
// loaded before any of its code runs, and loading the commands takes seconds on a busy machine.
import './early-signals.js';

await import('./cli-main.js');
