// Finds and loads the config file: --config PATH, or rmsprop-harness.config.{ts,mts,js,mjs,json} in
// the working directory. A config is optional; a broken one is an input error (exit 2).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { importDefault } from '../adapters/import-module.js';
import { InputError } from '../reference/errors.js';
import { describeThrown } from '../runner/guarded-adapter.js';
import { stdoutToStderr } from '../runner/stdout-to-stderr.js';
import { validateConfig, type HarnessConfig } from '../runner/config.js';
import { parseJsonText, readTextFile } from '../suites/json-file.js';

export const CONFIG_NAMES = [
  'rmsprop-harness.config.ts',
  'rmsprop-harness.config.mts',
  'rmsprop-harness.config.js',
  'rmsprop-harness.config.mjs',
  'rmsprop-harness.config.json',
];

export function findConfig(cwd: string): string | null {
  const found = CONFIG_NAMES.filter((name) => existsSync(resolve(cwd, name)));
  if (found.length > 1)
    throw new InputError(`config: both ${found.join(' and ')} exist in ${cwd}; keep one (or pick with --config)`);
  return found[0] ? resolve(cwd, found[0]) : null;
}

/** Seconds a config file may take to load (its top-level await included). */
export const CONFIG_LOAD_SECONDS = 30;

/**
 * Imports the file, within a time limit. A top-level await that can never settle (nothing left to wait
 * for) would end the process with Node's exit code 13 and no message: seen when the event loop
 * empties ('beforeExit'), it is refused at once; one that keeps waiting is refused after the limit.
 */
function importWithin(path: string, seconds: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const stuck = (why: string) =>
      reject(new InputError(`config ${path}: cannot load: ${why} (a top-level await that never settles?)`));
    const never = () => stuck('its module never finished evaluating');
    const timer = setTimeout(() => stuck(`still loading after ${seconds} s`), seconds * 1000);
    timer.unref(); // the import keeps the process alive if it has work; this timer alone must not
    process.once('beforeExit', never);
    const done = () => {
      clearTimeout(timer);
      process.off('beforeExit', never);
    };
    importDefault(path).then(
      (value) => {
        done();
        resolve(value);
      },
      (e: unknown) => {
        done();
        // Passed on as thrown: safeInputError describes it, hostile values included (a Proxy whose traps
        // throw breaks instanceof and String() alike, so nothing may inspect it here).
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- see above
        reject(e);
      },
    );
  });
}

/** What a config file threw, as an InputError; the thrown value may itself be hostile (instanceof can throw). */
function safeInputError(e: unknown, context: string): InputError {
  try {
    if (e instanceof InputError) return e;
    if (e instanceof Error) return new InputError(`${context}: ${String(e.message).split('\n')[0]}`);
  } catch {
    // a Proxy whose getPrototypeOf throws: described below
  }
  return new InputError(`${context}: ${describeThrown(e)}`);
}

async function importConfig(path: string): Promise<unknown> {
  let value: unknown;
  const restoreStdout = stdoutToStderr(); // what the file prints must not mix with a --json report
  try {
    value = await importWithin(path, CONFIG_LOAD_SECONDS);
  } catch (e) {
    throw safeInputError(e, `config ${path}: cannot load`);
  } finally {
    restoreStdout();
  }
  if (value === undefined)
    throw new InputError(`config ${path}: cannot load: no default export (export default defineConfig({ ... }))`);
  return value;
}

export async function loadConfig(path: string): Promise<HarnessConfig> {
  if (!existsSync(path)) throw new InputError(`config ${path}: no such file`);
  const value = path.endsWith('.json')
    ? parseJsonText(readTextFile(path, 'config'), `config ${path}`)
    : await importConfig(resolve(path));
  try {
    return validateConfig(value, path);
  } catch (e) {
    // A hostile value (a Proxy whose traps throw, a getter that throws) cannot even be checked.
    throw safeInputError(e, `config ${path}: cannot read the exported value`);
  }
}
