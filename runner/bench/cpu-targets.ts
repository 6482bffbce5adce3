// What the CPU bench targets share: the memory check of a size. (The targets themselves time the
// implementations through their bench capability or fast path: adapter-target.ts, targets.ts.)

import os from 'node:os';
import type { Dtype } from '../../reference/arithmetic.js';
import { elementBytes } from './traffic.js';

/** Why `arrays` arrays of n elements do not fit in 70% of this machine's memory, or null. */
export function memorySkip(n: number, dtype: Dtype, arrays: number): string | null {
  const need = n * elementBytes(dtype) * arrays;
  const have = os.totalmem() * 0.7;
  return need > have
    ? `${arrays} arrays of ${n} ${dtype} need ${(need / 2 ** 30).toFixed(1)} GiB, over 70% of this machine's memory`
    : null;
}
