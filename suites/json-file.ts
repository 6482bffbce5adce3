// Reading JSON input files with errors that name the file and what is wrong: unreadable, empty,
// malformed (with line and column), truncated, or not the expected shape (with the JSON pointer);
// and output paths checked before anything is computed, so bad input never leaves a file behind.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { InputError } from '../reference/errors.js';
import { firstSchemaError } from './schema.js';

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: end - start + 1 };
}

/**
 * Offset of the first character at which `text` stops being JSON (text.length when it ends too
 * early), or -1 when it is valid. For the syntax errors V8 reports without a position
 * ("Unexpected token '}', ... is not valid JSON").
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  class Stop {
    constructor(readonly at: number) {}
  }
  const fail = (at = i): never => {
    throw new Stop(at);
  };
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string) => {
    for (const c of word) if (text[i++] !== c) fail(i - 1);
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= n) fail(n);
      const c = text.charCodeAt(i);
      if (c === 34) return void i++;
      if (c < 32) fail();
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(Math.min(i + 2, n));
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(Math.min(i + 1, n));
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    if (i >= n) fail(n);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (i >= n) fail(n);
        if (text[i] !== '"') fail();
        string();
        ws();
        if (i >= n) fail(n);
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (i >= n) fail(n);
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (i >= n) fail(n);
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c! >= '0' && c! <= '9')) number();
    else fail();
  };
  try {
    value();
    ws();
    return i < n ? i : -1;
  } catch (e) {
    if (e instanceof Stop) return Math.min(e.at, n);
    throw e;
  }
}

/**
 * Why JSON.parse refused a text, as one line with the line and column: "at line 3 column 7:
 * truncated, the text ends in the middle of the document" (the position of the last character) or
 * "at line 2 column 5: Expected ',' or ']' after array element".
 */
export function describeJsonSyntaxError(text: string, error: unknown): string {
  const raw = (error as Error).message.split('\n')[0]!;
  // V8: "... in JSON at position 24" (Node 20), "... in JSON at position 24 (line 1 column 25)" (Node 22+).
  const position = /at position (\d+)/.exec(raw);
  let offset = position ? Number(position[1]) : /end of JSON input/i.test(raw) ? text.length : null;
  if (offset === null) {
    const found = jsonErrorOffset(text);
    if (found >= 0) offset = found;
  }
  const reason = raw
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/,?\s*(?:in JSON )?at position \d+/, '')
    .replace(/, (?:"[^]*"|\.\.\.[^]*) is not valid JSON$/, '')
    .replace(/ in JSON$/, '')
    .trim();
  if (offset === null) return reason;
  const end = text.trimEnd().length;
  if (offset >= end) {
    // Where the text stops: the position of its last character.
    const last = lineColumn(text, Math.max(0, end - 1));
    return `at line ${last.line} column ${last.column}: truncated, the text ends in the middle of the document`;
  }
  const { line, column } = lineColumn(text, offset);
  return `at line ${line} column ${column}: ${reason}`;
}

/** JSON.parse with one-line errors that give the line and column. */
export function parseJsonText(text: string, what: string): unknown {
  if (text.trim() === '') throw new InputError(`${what}: file is empty`);
  try {
    // A byte order mark from an editor is not part of the document.
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const why = describeJsonSyntaxError(text, e);
    throw new InputError(`${what}: malformed JSON${why.startsWith('at ') ? ' ' : ': '}${why}`);
  }
}

/** The text of an input file; unreadable files are an InputError naming the file. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new InputError(`${what} ${path}: ${reason}`);
  }
}

/**
 * Reads and parses a JSON file; with a schema, also checks its shape. Every problem is one
 * InputError line that starts with "<what> <path>:".
 */
export function readJsonFile(path: string, what: string, schema?: TSchema, expected?: string): unknown {
  const text = readTextFile(path, what);
  const doc = parseJsonText(text, `${what} ${path}`);
  if (schema) {
    const error = firstSchemaError(schema, doc);
    if (error) throw new InputError(`${what} ${path}: ${error}${expected ? ` (expected ${expected})` : ''}`);
  }
  return doc;
}

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
