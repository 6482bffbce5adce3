// Cells run one at a time in this process: no start-up cost, but a timeout only stops an adapter
// that awaits; one that blocks the event loop needs the process pool.

import { AdapterHost } from './adapter-host.js';
import type { CellExecutor } from './cell-executor.js';
import { faultMessage, unmeasuredCell } from './cell-job.js';
import { withTimeout } from './with-timeout.js';

export function inProcessExecutor(): CellExecutor {
  const host = new AdapterHost();
  // One cell at a time, as the runner submits them all at once.
  let queue: Promise<unknown> = Promise.resolve();
  let aborted = false;
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    // After an abort, queued work ends at once instead of running one cell after another.
    const guarded = () => (aborted ? Promise.reject(new Error('run interrupted')) : work());
    const next = queue.then(guarded, guarded);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    async probe(spec, timeoutMs) {
      try {
        return await serial(() => withTimeout(host.probe(spec), timeoutMs, `${spec} probe`));
      } catch (e) {
        return { failed: faultMessage(e) };
      }
    },
    async run(job, timeoutMs) {
      const started = performance.now();
      try {
        return await serial(() => withTimeout(host.run(job), timeoutMs, `${job.adapter} on ${job.case}`));
      } catch (e) {
        return unmeasuredCell(job, 'error', faultMessage(e), performance.now() - started);
      }
    },
    async observe(spec, request, timeoutMs) {
      try {
        return await serial(() => withTimeout(host.observe(spec, request), timeoutMs, `${spec} on probe ${request.key}`));
      } catch (e) {
        return { failed: faultMessage(e) };
      }
    },
    close: () => host.close(),
    abort() {
      aborted = true;
    },
  };
}
