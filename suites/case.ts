// A case is plain data that any implementation can receive: where the gradients come from, where
// the parameters start, how many steps, and canonical hyperparameters. Profiles and dtypes are
// applied later, by the golden generator and the runner.

import type { Settings } from '../reference/resolve.js';
import type { StreamSpec } from './gradient-streams.js';

export type CaseSource =
  | { kind: 'problem'; problem: string; dim?: number }
  | { kind: 'stream'; stream: StreamSpec }
  /** A run recorded by a framework (adapters/recorded.ts): its gradients, encoded ("NaN", "Infinity", "-0" as strings). */
  | { kind: 'recorded'; path: string; grads: readonly (readonly (number | string)[])[] };

export interface CaseSpec {
  /** Unique within its suite, stable: goldens and reports key on it. */
  id: string;
  suite: string;
  describe: string;
  source: CaseSource;
  /** Initial parameters; defaults to the problem's or to ones for streams. */
  x0?: number[];
  steps: number;
  /** Canonical hyperparameters (lr, decay, centered, momentum, ...). Profile defaults fill the rest. */
  settings: Settings;
}
