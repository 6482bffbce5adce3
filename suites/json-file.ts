// Reading JSON input files with errors that name the file and what is wrong: unreadable, empty,
// malformed (with line and column), truncated, or not the expected shape (with the JSON pointer).
import { readFileSync } from 'node:fs';
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
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

// jsonc-parser's error codes in words (comments and trailing commas are refused: these files are JSON).
const REASONS: Partial<Record<string, string>> = {
  InvalidSymbol: 'not a JSON value',
  InvalidNumberFormat: 'not a valid number',
  PropertyNameExpected: 'expected a field name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the field name",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected ',' or '}'",
  CloseBracketExpected: "expected ',' or ']'",
  EndOfFileExpected: 'unexpected text after the document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  InvalidUnicode: 'invalid \\u escape in a string',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidCharacter: 'control character in a string (escape it)',
};

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a text is not JSON, as one line with the line and column: "at line 2 column 5: expected ','
 * or ']'", or "at line 3 column 7: truncated, the text ends in the middle of the document" (the
 * position of its last character) when it stops early; null when it is valid JSON.
 */
export function describeJsonSyntaxError(text: string): string | null {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return null;
  const code = printParseErrorCode(first.error);
  const end = text.trimEnd().length;
  const at = (offset: number, reason: string) => {
    const { line, column } = lineColumn(text, offset);
    return `at line ${line} column ${column}: ${reason}`;
  };
  if (first.offset >= end || (code === 'UnexpectedEndOfString' && first.offset + first.length >= end)) {
    return at(Math.max(0, end - 1), 'truncated, the text ends in the middle of the document');
  }
  // jsonc-parser stops a string at a raw line break; JSON wants it escaped.
  if (code === 'UnexpectedEndOfString') return at(first.offset + first.length, 'line break inside a string (write it as \\n)');
  if (code === 'InvalidSymbol' && isJson(text.slice(0, first.offset))) return at(first.offset, REASONS.EndOfFileExpected!);
  return at(first.offset, REASONS[code] ?? code);
}

/** JSON.parse with one-line errors that give the line and column. */
export function parseJsonText(text: string, what: string): unknown {
  if (text.trim() === '') throw new InputError(`${what}: file is empty`);
  try {
    // A byte order mark from an editor is not part of the document.
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const why = describeJsonSyntaxError(text) ?? (e as Error).message.split('\n')[0];
    throw new InputError(`${what}: malformed JSON${why.startsWith('at ') ? ' ' : ': '}${why}`);
  }
}

/** The text of an input file; unreadable files are an InputError naming the file. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (e as Error).message;
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
