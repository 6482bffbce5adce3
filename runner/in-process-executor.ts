// Cells run one at a time in this process: no start-up cost, but a timeout only stops an adapter
// that awaits; one that blocks the event loop needs the process pool. While the executor lives,
// whatever adapters write to stdout goes to stderr (stdout carries the report with --json), and the
// processes they start carry a tag, so close() finds and kills those still running.

import { killTree, newProcessTag, PROCESS_TAG_VARIABLE } from '../adapters/process-tree.js';
import { AdapterHost } from './adapter-host.js';
import type { CellExecutor } from './cell-executor.js';
import { unmeasuredCell } from './cell-job.js';
import { describeThrown } from './guarded-adapter.js';
import { stdoutToStderr } from './stdout-to-stderr.js';
import { TimeoutError, withTimeout } from './with-timeout.js';

/** Adds a tag to the environment children of this process inherit, until the returned function is called. */
function tagChildren(tag: string): () => void {
  const before = process.env[PROCESS_TAG_VARIABLE];
  process.env[PROCESS_TAG_VARIABLE] = before ? `${before} ${tag}` : tag;
  return () => {
    const tags = (process.env[PROCESS_TAG_VARIABLE] ?? '').split(' ').filter((t) => t !== '' && t !== tag);
    if (tags.length > 0) process.env[PROCESS_TAG_VARIABLE] = tags.join(' ');
    else delete process.env[PROCESS_TAG_VARIABLE];
  };
}

export function inProcessExecutor(): CellExecutor {
  const host = new AdapterHost();
  const tag = newProcessTag('in-process');
  const untag = tagChildren(tag);
  const restoreStdout = stdoutToStderr();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    process.off('exit', end);
    restoreStdout();
    untag();
    killTree(tag); // children adapters started and left running
  };
  process.once('exit', end); // a second Ctrl-C exits at once: the programs adapters started go too
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
        return { failed: describeThrown(e) };
      }
    },
    async run(job, timeoutMs) {
      const started = performance.now();
      try {
        return await serial(() => withTimeout(host.run(job), timeoutMs, `${job.adapter} on ${job.case}`));
      } catch (e) {
        if (e instanceof TimeoutError) host.discard(job.adapter); // stuck: its processes die at close()
        return unmeasuredCell(job, 'error', describeThrown(e), performance.now() - started);
      }
    },
    async close() {
      try {
        await host.close();
      } finally {
        end();
      }
    },
    async observe(spec, request, timeoutMs) {
      try {
        return await serial(() => withTimeout(host.observe(spec, request), timeoutMs, `${spec} on probe ${request.key}`));
      } catch (e) {
        return { failed: describeThrown(e) };
      }
    },
    abort() {
      aborted = true;
      end();
    },
  };
}
