// Bytes per element: what a variant must move at least (algorithmic traffic), and what a given
// kernel actually touches (a kernel that loads and stores arrays the variant does not use moves more).

import type { Dtype } from '../../reference/arithmetic.js';
import type { Variant } from '../../reference/variant.js';

export type ArrayName = 'p' | 'g' | 'v' | 'm' | 'b';

export interface Traffic {
  reads: ArrayName[];
  writes: ArrayName[];
  elementBytes: number;
  /** (reads + writes) * elementBytes. */
  bytesPerElement: number;
}

export const elementBytes = (dtype: Dtype): number => (dtype === 'float32' ? 4 : 8);

export function traffic(reads: ArrayName[], writes: ArrayName[], dtype: Dtype): Traffic {
  const e = elementBytes(dtype);
  return { reads, writes, elementBytes: e, bytesPerElement: (reads.length + writes.length) * e };
}

/** Whether the variant keeps a mean-gradient (centered) and a momentum buffer. */
export function stateArrays(variant: Variant): { m: boolean; b: boolean } {
  return { m: variant.centered, b: variant.momentumAlways || variant.momentum !== 0 };
}

/** Minimum traffic of one step: read p, g, v (+m, +b); write p, v (+m, +b). */
export function variantTraffic(variant: Variant, dtype: Dtype): Traffic {
  const s = stateArrays(variant);
  const state: ArrayName[] = ['v', ...(s.m ? (['m'] as const) : []), ...(s.b ? (['b'] as const) : [])];
  return traffic(['p', 'g', ...state], ['p', ...state], dtype);
}

/** STREAM triad a = b + s*c: read b, c, write a. */
export function triadBytesPerElement(dtype: Dtype): number {
  return 3 * elementBytes(dtype);
}
