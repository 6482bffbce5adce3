// Output paths are checked before anything is computed, so a run never ends in "cannot write" and
// bad input never leaves a file behind. Permissions alone say little (the harness may run as root,
// under /proc or on a read-only mount): the nearest existing directory is tried with a real write.
// (Missing directories below it are created by reports/atomic-write.ts, one at a time.)
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../reference/errors.js';

/** The nearest existing path at or above `path`, or null. */
function nearestExisting(path: string): string | null {
  let p = path;
  for (;;) {
    if (existsSync(p)) return p;
    const up = dirname(p);
    if (up === p) return null;
    p = up;
  }
}

/** Writes and removes a probe file in `dir`: the only reliable test that files can be created there. */
function checkWritable(option: string, path: string, dir: string): void {
  const probe = join(dir, `.rmsprop-harness-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`${option} ${path}: cannot write in ${dir} (${code})`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** An output directory must be a directory if it exists; otherwise whatever exists above it must be one (it is created). */
export function checkOutputDirectory(option: string, path: string): void {
  if (path.trim() === '') throw new InputError(`${option}: expected a directory, got an empty path`);
  if (existsSync(path) && !statSync(path).isDirectory()) throw new InputError(`${option} ${path}: exists and is not a directory`);
  const above = nearestExisting(path);
  if (above !== null && !statSync(above).isDirectory())
    throw new InputError(`${option} ${path}: ${above} is a file, not a directory`);
  if (above !== null) checkWritable(option, path, above);
}

/** An output file must not be a directory, and what exists above it must be a directory. */
export function checkOutputFile(option: string, path: string): void {
  if (path.trim() === '') throw new InputError(`${option}: expected a file name, got an empty path`);
  if (existsSync(path) && statSync(path).isDirectory())
    throw new InputError(`${option} ${path}: is a directory (expected a file name)`);
  const above = nearestExisting(dirname(path));
  if (above !== null && !statSync(above).isDirectory())
    throw new InputError(`${option} ${path}: ${above} is a file, not a directory`);
  if (above !== null) checkWritable(option, path, above);
}
