// Entry of a worker process of the pool: hosts adapters and answers probe/run requests over IPC.
// Ctrl-C is the parent's business (it decides what is written), so the worker ignores SIGINT.

import { AdapterHost } from './adapter-host.js';
import type { WorkerReply, WorkerRequest } from './worker-messages.js';

const host = new AdapterHost();
process.on('SIGINT', () => {});

function reply(message: WorkerReply): void {
  process.send?.(message);
}

process.on('message', (raw) => {
  const request = raw as WorkerRequest;
  void (async () => {
    if (request.kind === 'close') {
      await host.close();
      process.disconnect?.();
      process.exit(0);
    }
    try {
      const value =
        request.kind === 'probe'
          ? await host.probe(request.spec)
          : request.kind === 'observe'
            ? await host.observe(request.spec, request.request)
            : await host.run(request.job);
      reply({ id: request.id, ok: true, value });
    } catch (e) {
      reply({ id: request.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  })();
});

reply({ id: 0, ready: true });

// The parent went away (killed, crashed): nothing left to answer.
process.on('disconnect', () => process.exit(0));
