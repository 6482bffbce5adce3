// The result of a conformance run: the single source every report format is rendered from.

import type { EnvironmentFacts, AdapterCapabilities } from '../adapters/adapter.js';
import type { Dtype } from '../reference/arithmetic.js';
import type { Series } from './metrics.js';
import type { Mode } from './run-cell.js';

export const REPORT_FORMAT_VERSION = 1;

export type CellStatus =
  | 'pass' // within tolerance
  | 'fail' // beyond tolerance
  | 'xfail' // beyond tolerance, and expected to be
  | 'xpass' // within tolerance although marked expected-to-fail (counts as a failure: update the xfail list)
  | 'error' // the adapter threw, hung or returned garbage
  | 'skip' // not applicable or deselected, with the reason
  | 'unavailable'; // the adapter cannot run on this machine, with the reason

export interface ProfileDistance {
  profile: string;
  /** Max ULP distance of the free-running params from that profile's reference (Infinity on NaN/Inf mismatch). */
  maxUlp: number;
  maxRel: number;
  firstDivergentStep: number | null;
}

export interface Cell {
  adapter: string;
  case: string;
  suite: string;
  dtype: Dtype;
  mode: Mode;
  status: CellStatus;
  reason?: string;
  /** The profile the expected trajectory was computed with (claimed profile plus fixed axes). */
  expectedProfile?: string;
  tolerance?: { ulps: number; absFloor: number; signedZero: string; reasons: string[] };
  freeRunning?: Series;
  reanchored?: Series | null;
  reanchoredUnavailable?: string;
  state?: Series | null;
  finalLoss?: { expected: number; actual: number; gap: number };
  /** Tolerance minus the largest observed ULP error: where a tolerance is far looser than needed. */
  slack?: { toleranceUlps: number; observedUlps: number; loose: boolean };
  /** Distance to each canonical profile (which one does the implementation actually follow?). */
  profiles?: ProfileDistance[];
  leak?: string;
  durationMs: number;
}

export interface AdapterEntry {
  label: string;
  id: string;
  version: string;
  describe: string;
  claims: string;
  available: boolean;
  reason?: string;
  /** The probe threw, hung or crashed its worker (an adapter fault: its cells are errors, not 'unavailable'). */
  probeFailed?: boolean;
  facts: EnvironmentFacts;
  capabilities: AdapterCapabilities;
}

export interface Environment {
  harness: string;
  node: string;
  platform: string;
  arch: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
}

export interface ConformanceReport {
  format: 'rmsprop-harness/conformance';
  formatVersion: number;
  generatedAt: string;
  complete: boolean;
  environment: Environment;
  selection: { adapters: string[]; suites: string[]; dtypes: Dtype[]; modes: Mode[]; shard?: string; /** Adapters that must be compared (--require). */ required?: string[] };
  adapters: AdapterEntry[];
  cases: { key: string; suite: string; describe: string; steps: number; source: string }[];
  cells: Cell[];
  summary: Record<CellStatus, number> & { exitCode: number };
}
