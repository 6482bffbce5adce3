// Where cells run: in this process (fast to start, cannot stop a synchronous hang) or in a pool of
// worker processes (a hung or crashed adapter is killed and its cell fails; cells run in parallel).

import type { CellJob } from './cell-job.js';
import type { ObserveOutcome, ObserveRequest } from './identify/observe.js';
import type { ProbeResult } from './adapter-host.js';
import type { Cell } from './result.js';

export type Isolation = 'process' | 'in-process';

/** The longest delay Node's timers take (2^31-1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** The same in whole seconds, for options given in seconds. */
export const MAX_TIMEOUT_SECONDS = Math.floor(MAX_TIMEOUT_MS / 1000);

export interface CellExecutor {
  /** Creates and probes the adapter; a probe that hangs or crashes comes back as a reason. */
  probe(spec: string, timeoutMs: number): Promise<ProbeResult | { failed: string }>;
  run(job: CellJob, timeoutMs: number): Promise<Cell>;
  /** Runs one identify probe on the adapter; a hang or crash comes back as { failed }. */
  observe(spec: string, request: ObserveRequest, timeoutMs: number): Promise<ObserveOutcome>;
  /** Closes adapters and workers after the last cell. */
  close(): Promise<void>;
  /** Stops at once (Ctrl-C): cells in flight are dropped. */
  abort(): void;
}
