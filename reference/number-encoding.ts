// Numbers in JSON files: finite values as JSON numbers (float64 round-trips through the shortest
// decimal), non-finite values as the strings "NaN", "Infinity", "-Infinity", and -0 as "-0"
// because JSON.stringify(-0) is "0".

import { InputError } from './errors.js';
export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

export function encodeNumber(x: number): EncodedNumber {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

export class NumberEncodingError extends InputError {}

export function decodeNumber(x: unknown, where = 'value'): number {
  if (typeof x === 'number') return x;
  switch (x) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
  }
  throw new NumberEncodingError(`${where}: expected a number or "NaN", "Infinity", "-Infinity", "-0", got ${JSON.stringify(x)}`);
}

export function encodeVector(v: ArrayLike<number>): EncodedNumber[] {
  return Array.from(v, encodeNumber);
}

export function decodeVector(v: unknown, where = 'vector'): Float64Array {
  if (!Array.isArray(v))
    throw new NumberEncodingError(`${where}: expected an array of numbers, got ${v === null ? 'null' : typeof v}`);
  return Float64Array.from(v, (x, i) => decodeNumber(x, `${where}[${i}]`));
}
