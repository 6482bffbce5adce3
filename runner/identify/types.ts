// What identify returns: the probes that ran, every candidate's score, the verdict with its
// explanation, the axes the probes pin down, and the evidence per probe. Plain data (JSON output).

import type { Dtype } from '../../reference/arithmetic.js';
import type { EncodedNumber } from '../../reference/number-encoding.js';
import type { Settings } from '../../reference/resolve.js';
import type { Axes } from '../../reference/variant.js';
import type { Isolation } from '../cell-executor.js';
import type { AxisChange, AxisName, AxisValue, Comparison } from './predict.js';

export interface IdentifyOptions {
  /** Dtypes to probe (default: every dtype the adapter supports). */
  dtypes?: readonly Dtype[];
  /** Agreement tolerance per value, in ULPs of the dtype (default 2). NaN and infinities always match exactly. */
  toleranceUlps?: number;
  /** Probe ids to run (default all). */
  probes?: readonly string[];
  /** Time limit per probe instance (default 60 s): a probe still running then fails and its worker is stopped. */
  probeTimeoutMs?: number;
  /** 'process' (default): probes run in a worker process, like conformance cells, so a hung adapter is stopped. */
  isolation?: Isolation;
}

export type ProbeStatus = 'ran' | 'skipped' | 'error';

export interface ProbeRun {
  /** 'centered/float32' */
  key: string;
  probe: string;
  dtype: Dtype;
  describe: string;
  targets: readonly string[];
  settings: Settings;
  status: ProbeStatus;
  /** Why it was skipped, or the error. */
  reason?: string;
}

export interface CandidateScore {
  label: string;
  profile: string;
  fixedAxes?: Partial<Axes>;
  agree: number;
  disagree: number;
  maxUlp: number;
  /** Probe instances that disagree. */
  disagreeing: string[];
}

export interface AxisGroup {
  value: AxisValue;
  /** Probe instances in which the best profile has this value. */
  probes: string[];
  /** determined: every other value makes a probe disagree; ambiguous: others agree too; not-probed: no probe depends on it. */
  status: 'determined' | 'ambiguous' | 'not-probed';
  alsoConsistent: AxisValue[];
}

export interface AxisInference {
  axis: AxisName;
  status: 'determined' | 'ambiguous' | 'not-probed';
  groups: AxisGroup[];
  /** For not-probed axes: why. */
  reason?: string;
}

export interface ProbeEvidence {
  key: string;
  describe: string;
  settings: Settings;
  best?: Comparison;
  runnerUp?: Comparison;
}

/** One way to account for every probe: a candidate profile and the axis changes it needs. */
export interface Explanation {
  label: string;
  changes: AxisChange[];
}

/** A probe that no axis change explains, with what the closest candidate predicts and what was observed. */
export interface UnexplainedProbe {
  probe: string;
  /** Whether some axis change makes this probe agree on its own (but not together with the others). */
  explainedAlone: boolean;
  step?: number;
  quantity?: 'p' | 'v' | 'm' | 'b';
  index?: number;
  /** Encoded like the protocol's numbers ("NaN", "Infinity", "-0"), so JSON keeps them. */
  expected?: EncodedNumber;
  observed?: EncodedNumber;
  ulp?: number;
  /** The candidate refuses the probe's settings. */
  refused?: string;
}

export interface ClosestProfile {
  label: string;
  /** Axis changes that make it agree with (or get closest to) every probe. */
  changes: AxisChange[];
  /** Whether the changes make every probe agree. */
  explained: boolean;
  /** Disagreeing probes with the changes applied. */
  remaining: string[];
  /** Other candidates explained by as few changes, with their changes (ties). */
  tied?: string[];
}

export interface IdentifyVerdict {
  matched: boolean;
  /** Candidates agreeing with every probe, preferred first (the claimed profile, then default versions). */
  matches: string[];
  /** The identified profile, or the closest one. */
  best: string | null;
  /** Other candidates that the probes cannot tell from the best (matches only). */
  indistinguishable: string[];
  /** Set when the match needed the adapter's declared fixed axes on top of the profile. */
  viaFixedAxes?: Partial<Axes>;
  closest?: ClosestProfile;
  /** Every smallest set of axis changes that accounts for every probe (ties all listed), best first. */
  explanations?: Explanation[];
  /** When the adapter claims a profile that does not match: the smallest changes from the claimed profile (ties all listed). */
  fromClaimed?: Explanation[];
  /** How the search went: the largest change-set size tried and how many sets were evaluated. */
  search?: { maxChanges: number; evaluated: number; exhausted: boolean };
  /** Probes no axis change explains (when no explanation was found). */
  unexplained?: UnexplainedProbe[];
  runnerUp: string | null;
  /** One line. */
  summary: string;
}

export interface IdentifyResult {
  adapter: {
    label: string;
    id: string;
    version: string;
    describe: string;
    claims: string;
    /** The profile cases were built from ('numpy-tutorial' for 'unknown'). */
    caseProfile: string;
    fixedAxes?: Partial<Axes>;
    facts: Record<string, string | number | boolean>;
    readState: boolean;
  };
  dtypes: Dtype[];
  toleranceUlps: number;
  probes: ProbeRun[];
  verdict: IdentifyVerdict;
  /** Every candidate, closest first. */
  candidates: CandidateScore[];
  axes: AxisInference[];
  /** Precisions and behaviours no probe can cover here, with the reason. */
  notProbed: { what: string; reason: string }[];
  evidence: ProbeEvidence[];
  exitCode: 0 | 1;
}
