export {
  DEFAULT_TOLERANCE_ULPS,
  identify,
  identifyAdapter,
  NEUTRAL_PROFILE,
  type AxisGroup,
  type AxisInference,
  type CandidateScore,
  type ClosestProfile,
  type Explanation,
  type UnexplainedProbe,
  type IdentifyOptions,
  type IdentifyResult,
  type IdentifyVerdict,
  type ProbeEvidence,
  type ProbeRun,
  type ProbeStatus,
} from './identify.js';
export { describeComparison, describeUnexplained, renderIdentifyText } from './format.js';
export type { AxisChange, AxisName, AxisValue, Comparison, Difference } from './predict.js';
export { PROBES, type ProbeSpec } from './probes.js';
