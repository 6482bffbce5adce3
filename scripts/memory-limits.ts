// Sizes a command can hold in memory, checked before any work: a request beyond them is one line and
// exit 2 naming the limit, not a heap exhaustion with a native stack trace a minute later.
import os from 'node:os';
import v8 from 'node:v8';
import { InputError } from '../reference/errors.js';

/** V8's longest string (2^29 - 24 characters): the JSON document of a trajectory is one string. */
const MAX_STRING_CHARS = 2 ** 29 - 24;
/** Characters one number takes in JSON at most ("-1.2345678901234567e-308,"). */
const CHARS_PER_NUMBER = 26;

/**
 * Bytes one step of a reference trajectory holds: params, gradient and three state vectors as
 * Float64Arrays (8 bytes per element plus about 160 bytes of object), the step's own object, and its
 * params in the JSON text.
 */
const bytesPerStep = (dim: number) => 5 * (8 * dim + 160) + 80 + 2 * CHARS_PER_NUMBER * (dim + 1);

/** The most steps of dimension `dim` the trajectory command can compute and print here. */
export function maxTrajectorySteps(dim: number): number {
  const heap = v8.getHeapStatistics().heap_size_limit;
  const byMemory = Math.floor(heap / 2 / bytesPerStep(dim)); // half the heap: the rest is the program
  const byString = Math.floor(MAX_STRING_CHARS / (CHARS_PER_NUMBER * (dim + 1)));
  return Math.min(byMemory, byString);
}

export function checkTrajectorySize(steps: number, dim: number): void {
  if (!Number.isFinite(steps) || !Number.isFinite(dim) || steps < 1 || dim < 1) return; // the command's own checks say what is wrong
  const max = maxTrajectorySteps(dim);
  if (max < 1)
    throw new InputError(
      `--dim ${dim}: a trajectory of dimension ${dim} does not fit in memory here (the whole trajectory is kept to write one JSON document)`,
    );
  if (steps > max)
    throw new InputError(
      `--steps ${steps}: at most ${max} steps of dimension ${dim} fit in memory here (the whole trajectory is kept to write one JSON document); run fewer steps`,
    );
}

/**
 * Bytes per element a benchmark of one size can hold at once: params, gradient and state in float64
 * for the reference check, the target's own copies (wasm memory, tensors), and room to spare.
 */
const BENCH_BYTES_PER_ELEMENT = 64;

/** The most elements per step a benchmark size may have on this machine (half its memory). */
export const maxBenchElements = (): number => Math.floor(os.totalmem() / 2 / BENCH_BYTES_PER_ELEMENT);

export function checkBenchSizes(sizes: readonly number[]): void {
  const max = maxBenchElements();
  const big = sizes.find((n) => n > max);
  if (big !== undefined)
    throw new InputError(
      `--sizes: ${big} elements do not fit in memory here (at most ${max}: ${BENCH_BYTES_PER_ELEMENT} bytes per element, half of the machine's ${Math.round(os.totalmem() / 2 ** 30)} GiB)`,
    );
}
