// Output paths are checked before anything is computed, so a run never ends in "cannot write" and
// bad input never leaves a file behind.
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
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

/** An output directory must be a directory if it exists; otherwise whatever exists above it must be one (it is created). */
export function checkOutputDirectory(option: string, path: string): void {
  if (path.trim() === '') throw new InputError(`${option}: expected a directory, got an empty path`);
  if (existsSync(path) && !statSync(path).isDirectory()) throw new InputError(`${option} ${path}: exists and is not a directory`);
  const above = nearestExisting(path);
  if (above !== null && !statSync(above).isDirectory()) throw new InputError(`${option} ${path}: ${above} is a file, not a directory`);
}

/** An output file must not be a directory, and what exists above it must be a directory. */
export function checkOutputFile(option: string, path: string): void {
  if (path.trim() === '') throw new InputError(`${option}: expected a file name, got an empty path`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`${option} ${path}: is a directory (expected a file name)`);
  const above = nearestExisting(dirname(path));
  if (above !== null && !statSync(above).isDirectory()) throw new InputError(`${option} ${path}: ${above} is a file, not a directory`);
}
