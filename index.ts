// The programmatic API: everything the CLI does, as typed functions. The CLI commands are thin
// wrappers over these (scripts/commands/*), so a script gets the same results as the command line.
//
//   import { runConformance, writeReports } from 'rmsprop-harness';
//   const report = await runConformance({ adapters: ['ts-f32', 'module:path=./my-rmsprop.js'], suites: ['edge'] });
//   await writeReports(report, 'reports/mine', ['json', 'html']);
//   process.exitCode = report.summary.exitCode;

// Running conformance, sharding and merging
export {
  runConformance,
  environment,
  HARNESS_VERSION,
  type ConformanceOptions,
  type ProgressEvent,
} from './runner/run-conformance.js';
export { notCompared, type NotCompared } from './runner/summary.js';
export { mergeReports, type NamedReport } from './runner/merge-reports.js';
export { parseShard, formatShard, type Shard } from './runner/plan.js';
export { parseRule, type SelectionRule } from './runner/selection.js';
export { DEFAULT_TOLERANCES, type Tolerance, type ToleranceOverride } from './runner/tolerance.js';
export type { Isolation } from './runner/cell-executor.js';
export type {
  AdapterEntry,
  AdapterVerdict,
  Cell,
  CellStatus,
  CellWorst,
  ConformanceReport,
  Differences,
  Environment,
  ProfileDistance,
  WorstError,
} from './runner/result.js';
export type { Series, StepError, ElementDivergence } from './runner/metrics.js';
export type { Mode } from './runner/run-cell.js';

// Assertions for your own tests (vitest matchers with the same options: rmsprop-harness/vitest)
export {
  assertClose,
  compareClose,
  compareTrajectories,
  CloseAssertionError,
  DEFAULT_CLOSENESS,
  type CloseOptions,
  type CloseResult,
  type TrajectoryCloseResult,
} from './runner/assert-close.js';
export { loadGolden, type GoldenTrajectory } from './suites/golden-store.js';

// The config file
export { defineConfig, validateConfig, configToOptions, ConfigSchema, type HarnessConfig } from './runner/config.js';
export { loadConfig, findConfig } from './scripts/load-config.js';

// Reports
export { writeReports, parseFormats, REPORT_FORMATS, type ReportFormat, type RenderContext } from './reports/write-reports.js';
export { readConformanceReport } from './reports/read-report.js';
export { renderJson } from './reports/json-report.js';
export { renderMarkdown } from './reports/markdown.js';
export { renderJunit } from './reports/junit.js';
export { renderHtml } from './reports/html/html-report.js';
export { renderStepSummary, renderAnnotations, publishToGitHub } from './reports/github.js';

// How two implementations differ
export { runCompare, type CompareOptions, type CompareResult } from './runner/compare/run-compare.js';
export { differenceMatrix } from './runner/compare/matrix.js';
export type { Comparison } from './runner/result.js';
export { renderCompareText } from './reports/compare-text.js';

// Benchmarks and identification
export {
  runBench,
  compareReports,
  loadBaseline,
  type BenchOptions,
  type BenchReport,
  type Comparison as BenchComparison,
} from './runner/bench/index.js';
export { identifyAdapter, type IdentifyOptions, type IdentifyResult } from './runner/identify/index.js';

// Adapters: the contract, the registry, and modules of your own
export type {
  Adapter,
  AdapterCapabilities,
  AdapterCase,
  AdapterFactory,
  AdapterInfo,
  Availability,
  OptimizerStateView,
  PreparedCase,
} from './adapters/adapter.js';
export { UnsupportedCaseError } from './adapters/adapter.js';
export { ADAPTER_FACTORIES, createAdapter, parseAdapterSpec, type AdapterSpec } from './adapters/registry.js';
export type { ModuleAdapterExport, ModuleAdapterHarness } from './adapters/module-adapter.js';

// The reference
export { step, initialState, type OptimizerState, type StepResult } from './reference/step.js';
export {
  stepProgram,
  prepareScalars,
  RMSPROP,
  FLOAT32_RULE,
  FLOAT64_RULE,
  ruleFor,
  type StepProgram,
  type StepScalars,
  type RoundingRule,
} from './reference/program/index.js';
export { formatProgram } from './reference/program/format.js';
export {
  runTrajectory,
  replaySource,
  type Trajectory,
  type TrajectoryPoint,
  type GradientSource,
} from './reference/trajectory.js';
export { resolveVariant, type ResolvedVariant, type Settings } from './reference/resolve.js';
export { findProfile, listProfiles } from './reference/registry.js';
export { PROFILES, CANONICAL_PROFILES } from './reference/profiles/index.js';
export type { Profile } from './reference/profile.js';
export type { Variant, Axes, Hyperparameters } from './reference/variant.js';
export type { Dtype } from './reference/arithmetic.js';
export { InputError } from './reference/errors.js';
export { SUITES, ALL_CASES, caseKey } from './suites/suites.js';
export type { CaseSpec } from './suites/case.js';

// Calibration: real framework runs replayed through the reference
export {
  calibrate,
  calibrateRecording,
  CALIBRATION_TOLERANCE,
  type CalibrationReport,
  type CalibrationResult,
  type CalibrationVerdict,
} from './suites/recordings-replay.js';
export { loadRecordings, type Recording } from './suites/recordings-file.js';
export { replayPlan, FRAMEWORK_MAPPINGS, type ReplayPlan } from './suites/recordings-mapping.js';
export {
  readExpectedVerdicts,
  compareVerdicts,
  type ExpectedVerdicts,
  type VerdictChange,
} from './suites/recordings-expected.js';
export {
  scheduleRate,
  parseScheduleCall,
  SCHEDULE_SYNTAXES,
  SCHEDULE_KINDS,
  type LrScheduleSpec,
  type ScheduleSyntax,
} from './reference/schedules/index.js';
export { readGradientDocument, parseGradientDocument, type GradientDocument } from './suites/gradient-file.js';
export { loadRecordingFolder } from './suites/recordings-folder.js';
// Ops a framework build does not round correctly: declarations and the re-anchored check
export { MKL_VML_SQRT, XLA_CPU_RSQRT, type OpErrorDeclaration } from './reference/op-error.js';
export { OpErrorStep } from './reference/op-error-step.js';
export { replayRecordings } from './runner/recordings-step.js';
