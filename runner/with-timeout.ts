// A promise that rejects when its work takes too long. It only stops work that awaits: an adapter
// that blocks the event loop needs the process pool (runner/process-pool.ts) to be stopped.

/** The work did not finish in time (and may still be running). */
export class TimeoutError extends Error {}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
