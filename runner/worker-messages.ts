// The IPC messages between the pool and its worker processes (structured clone: NaN, -0 and
// typed arrays survive the trip).

import type { ProbeResult } from './adapter-host.js';
import type { CellJob } from './cell-job.js';
import type { ObserveOutcome, ObserveRequest } from './identify/observe.js';
import type { Cell } from './result.js';

export type WorkerRequest =
  | { kind: 'probe'; id: number; spec: string }
  | { kind: 'run'; id: number; job: CellJob }
  | { kind: 'observe'; id: number; spec: string; request: ObserveRequest }
  | { kind: 'close' };

export type WorkerReply =
  | { id: number; ok: true; value: ProbeResult | Cell | ObserveOutcome }
  | { id: number; ok: false; error: string }
  /** Sent once the worker's modules are loaded: time limits start counting from here. */
  | { id: 0; ready: true };
