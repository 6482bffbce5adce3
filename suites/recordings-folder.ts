// A folder of recorded runs to calibrate against: the shipped calibration recordings (a manifest with
// the sha256 of every file), or a user's own runs written by clients/python/record.py (the same
// format, no manifest: every *.json file in the folder and its subfolders, in path order).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../reference/errors.js';
import { readTextFile } from './json-file.js';
import { decodeRecording, loadRecordings, type Recording } from './recordings-file.js';

/** Files in the folder that are not recordings. */
const NOT_RECORDINGS = new Set(['manifest.json', 'expected-verdicts.json']);

function jsonFiles(dir: string, root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...jsonFiles(path, root));
    else if (name.endsWith('.json') && !(dir === root && NOT_RECORDINGS.has(name))) out.push(path);
  }
  return out;
}

/** The recordings of a folder (one framework's when `framework` is given). */
export function loadRecordingFolder(options: { dir?: string; framework?: string } = {}): Recording[] {
  const dir = options.dir;
  if (dir === undefined || existsSync(join(dir, 'manifest.json'))) return loadRecordings(options);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new InputError(`--recordings: ${dir} is not a folder (give the folder holding the recorded runs)`);
  const files = jsonFiles(dir, dir);
  if (files.length === 0)
    throw new InputError(`--recordings: ${dir} holds no .json recordings (clients/python/record.py writes them)`);
  const all = files.map((path) =>
    decodeRecording(path, relative(dir, path).split(sep).join('/'), readTextFile(path, 'recording')),
  );
  if (options.framework === undefined) return all;
  const chosen = all.filter((r) => r.framework === options.framework);
  if (chosen.length === 0) {
    const known = [...new Set(all.map((r) => r.framework))].sort();
    throw new InputError(`--framework: unknown framework '${options.framework}'; recorded: ${known.join(', ')}`);
  }
  return chosen;
}
