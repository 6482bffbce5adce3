// The benchmark's programmatic API.
export { runBench, selectTargets, throughputEntry, validateSizes, benchEnvironment, type BenchOptions } from './run-bench.js';
export {
  compareReports,
  compareStats,
  formatComparison,
  loadBaseline,
  baselineProblem,
  timedEntries,
  type Comparison,
  type Verdict,
} from './baseline.js';
export { BENCH_TARGETS, MODEL_TARGETS } from './targets.js';
export {
  measureRoofline,
  limitFor,
  probeBytes,
  BYTE_MODEL,
  type Roofline,
  type BandwidthProbe,
  type NativeTriad,
  type Limit,
} from './roofline.js';
export { measureSync, measureAsync, measureSelfTimed, statsFromSamples, type Stats, type MeasureOptions } from './measure.js';
export { variantTraffic, triadBytesPerElement, traffic, type Traffic } from './traffic.js';
export { modelLayout, modelScale, TENSOR_ALIGN } from './models.js';
export { accuracyFromConformance, loadAccuracy } from './accuracy.js';
export {
  BENCH_FORMAT,
  BENCH_FORMAT_VERSION,
  type BenchReport,
  type ThroughputEntry,
  type ModelEntry,
  type AccuracyEntry,
} from './report.js';
export type { BenchTarget, BenchTargetFactory, BenchContext, SizeRun, ModelLayout, ModelRun, GpuPhases } from './types.js';
