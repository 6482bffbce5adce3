// Finds and loads the config file: --config PATH, or rmsprop-harness.config.{ts,mts,js,mjs,json} in
// the working directory. A config is optional; a broken one is an input error (exit 2).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { importDefault } from '../adapters/import-module.js';
import { InputError } from '../reference/errors.js';
import { validateConfig, type HarnessConfig } from '../runner/config.js';
import { parseJsonText, readTextFile } from '../suites/json-file.js';

export const CONFIG_NAMES = ['rmsprop-harness.config.ts', 'rmsprop-harness.config.mts', 'rmsprop-harness.config.js', 'rmsprop-harness.config.mjs', 'rmsprop-harness.config.json'];

export function findConfig(cwd: string): string | null {
  const found = CONFIG_NAMES.filter((name) => existsSync(resolve(cwd, name)));
  if (found.length > 1) throw new InputError(`config: both ${found.join(' and ')} exist in ${cwd}; keep one (or pick with --config)`);
  return found[0] ? resolve(cwd, found[0]) : null;
}

async function importConfig(path: string): Promise<unknown> {
  let value: unknown;
  try {
    value = await importDefault(path);
  } catch (e) {
    throw new InputError(`config ${path}: cannot load: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
  }
  if (value === undefined) throw new InputError(`config ${path}: cannot load: no default export (export default defineConfig({ ... }))`);
  return value;
}

export async function loadConfig(path: string): Promise<HarnessConfig> {
  if (!existsSync(path)) throw new InputError(`config ${path}: no such file`);
  const value = path.endsWith('.json') ? parseJsonText(readTextFile(path, 'config'), `config ${path}`) : await importConfig(resolve(path));
  return validateConfig(value, path);
}
