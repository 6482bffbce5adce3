// The Python clients shipped in the package (clients/python/*.py). A command naming one by its
// relative path, as the README and the default run do, means the package's copy when the working
// directory has none: a user's project runs them without copying them in.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { packageRoot } from '../wasm/compile.js';

const CLIENT_PATH = /(^|\s)(clients\/python\/[\w.-]+\.py)(?=\s|$)/g;

/** Single-quoted for /bin/sh, so a package path with spaces stays one argument. */
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `command` with each relative clients/python/*.py path that is missing from `cwd` pointed at the package's copy. */
export function withBundledClients(command: string, cwd: string = process.cwd()): string {
  return command.replace(CLIENT_PATH, (whole, space: string, path: string) => {
    if (isAbsolute(path) || existsSync(resolve(cwd, path))) return whole;
    const bundled = join(packageRoot(), path);
    return existsSync(bundled) ? `${space}${shellQuote(bundled)}` : whole;
  });
}
