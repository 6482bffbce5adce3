// Reading JSON input files with errors that name the file and what is wrong.
import { readFileSync } from 'node:fs';
import { InputError } from '../reference/errors.js';

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new InputError(`${what} ${path}: ${reason}`);
  }
  if (text.trim() === '') throw new InputError(`${what} ${path}: file is empty`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} ${path}: malformed JSON (${(e as Error).message})`);
  }
}
