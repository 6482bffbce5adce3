// `rmsprop-harness setup`: installs the Debian packages the optional adapters need, with the script
// shipped in the package (scripts/setup-system.sh), so a user's project and CI job need no copy of it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Argv } from 'yargs';

import { packageRoot } from '../../adapters/wasm/compile.js';
import { runCommand } from '../cli-support.js';

/** The setup script inside the installed package. */
export const setupScriptPath = (): string => join(packageRoot(), 'scripts', 'setup-system.sh');

export function setupCommand(yargs: Argv): Argv {
  return yargs.command(
    'setup',
    'Install the Debian packages the optional adapters need (python3-torch, python3-numpy, Mesa EGL/GLES for WebGPU on CPU, chromium); uses sudo when not root',
    (y) =>
      y.option('check', {
        type: 'boolean',
        default: false,
        describe: 'only list the missing packages (exit 1 when some are missing)',
      }),
    (argv) =>
      runCommand(() => {
        const r = spawnSync('bash', [setupScriptPath(), ...(argv.check ? ['--check'] : [])], { stdio: 'inherit' });
        if (r.error) throw new Error(`cannot run ${setupScriptPath()}: ${r.error.message}`);
        return r.status ?? 1;
      }),
  );
}
