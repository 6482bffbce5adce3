// Where identify's probes run: through the executor conformance cells use (a worker process by
// default, so a hung or crashing adapter is stopped and reported), or on an adapter object in this
// process (programmatic use).

import type { Adapter } from '../../adapters/adapter.js';
import { infoData, type ProbeResult } from '../adapter-host.js';
import type { CellExecutor, Isolation } from '../cell-executor.js';
import { faultMessage } from '../cell-job.js';
import { inProcessExecutor } from '../in-process-executor.js';
import { ProcessPool } from '../process-pool.js';
import { withTimeout } from '../with-timeout.js';
import { observeProbe, type ObserveOutcome, type ObserveRequest } from './observe.js';

export interface ProbeTarget {
  probe(timeoutMs: number): Promise<ProbeResult | { failed: string }>;
  observe(request: ObserveRequest, timeoutMs: number): Promise<ObserveOutcome>;
  close(): Promise<void>;
}

export function executorTarget(spec: string, isolation: Isolation): ProbeTarget {
  const executor: CellExecutor = isolation === 'process' ? new ProcessPool(1) : inProcessExecutor();
  return {
    probe: (timeoutMs) => executor.probe(spec, timeoutMs),
    observe: (request, timeoutMs) => executor.observe(spec, request, timeoutMs),
    async close() {
      await executor.close();
      executor.abort(); // after close this only sweeps what is left
    },
  };
}

export function adapterTarget(adapter: Adapter, label: string): ProbeTarget {
  return {
    async probe(timeoutMs) {
      try {
        const availability = await withTimeout(adapter.probe(), timeoutMs, `${label} probe`);
        return { info: infoData(adapter.info), availability };
      } catch (e) {
        return { failed: faultMessage(e) };
      }
    },
    async observe(request, timeoutMs) {
      try {
        return await withTimeout(observeProbe(adapter, request), timeoutMs, `${label} on probe ${request.key}`);
      } catch (e) {
        return { failed: faultMessage(e) };
      }
    },
    async close() {
      await adapter.close?.();
    },
  };
}
