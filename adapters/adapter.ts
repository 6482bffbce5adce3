// The contract every RMSprop implementation meets to be run by the harness. Adapters translate a
// case into their implementation's API and back; they never import the runner or the reports.

import type { Dtype } from '../reference/arithmetic.js';
import type { Profile } from '../reference/profile.js';
import type { Settings } from '../reference/resolve.js';
import type { AdapterInfo } from './adapter-info-schema.js';
import { BASE_HYPERPARAMETERS, HYPERPARAMETERS, type Axes, type Hyperparameters, type Variant } from '../reference/variant.js';

// AdapterInfo and AdapterCapabilities are derived from their TypeBox schemas (adapter-info-schema.ts).
export type { AdapterCapabilities, AdapterInfo } from './adapter-info-schema.js';

/** Facts about the environment an available adapter runs in: backend, float precision, the epsilon actually used... */
export type EnvironmentFacts = Record<string, string | number | boolean>;

export type Availability = { available: true; facts: EnvironmentFacts } | { available: false; reason: string };

/** One case, as the adapter receives it. */
export interface AdapterCase {
  /** Case key (suite/id), for messages. */
  key: string;
  dtype: Dtype;
  /** The variant to run: the claimed profile's axes plus the case's hyperparameters. */
  variant: Variant;
  /** The profile the variant was resolved from, with the framework's native hyperparameter values. */
  profile: Profile;
  native: Record<string, number | boolean | null>;
  /** The case's canonical settings, for adapters that re-resolve the variant with options of their own. */
  settings: Settings;
  x0: Float64Array;
}

export interface OptimizerStateView {
  v?: Float64Array;
  m?: Float64Array;
  b?: Float64Array;
}

/** A case prepared on an implementation: the optimizer and parameters live on its side. */
export interface PreparedCase {
  /** Apply one optimizer step with this gradient (already in the case dtype). */
  step(grad: Float64Array): Promise<void>;
  /** Read the current parameters (and state where readState) back. */
  read(): Promise<{ params: Float64Array; state?: OptimizerStateView }>;
  /** Overwrite parameters and state (loadState adapters only): the runner re-anchors each step on the reference. */
  load?(params: Float64Array, state: { v: Float64Array; m: Float64Array; b: Float64Array; step: number }): Promise<void>;
  /** Free resources; also reports leaks it can detect (tfjs tensors, GPU buffers) as a message. */
  dispose(): Promise<{ leak?: string }>;
}

/** Thrown by prepare() when the implementation cannot express the case: the cell is skipped with this reason. */
export class UnsupportedCaseError extends Error {
  override name = 'UnsupportedCaseError';
}

export interface Adapter {
  info: AdapterInfo;
  /**
   * Whether the implementation can load on this machine, and facts about it. Resolves unavailable
   * (with the reason) when something it needs is missing here: a library, a device. Throwing (or
   * hanging) means the implementation is broken: the runner fails its cells.
   */
  probe(): Promise<Availability>;
  prepare(c: AdapterCase): Promise<PreparedCase>;
  /** Release global resources (devices, sessions, child processes). */
  close?(): Promise<void>;
  /** Optional: time the implementation's own step loop on its natural fast path (see AdapterBenchRequest). */
  bench?(request: AdapterBenchRequest): Promise<AdapterBenchResult[]>;
}

// ---------------------------------------------------------------------------------------------
// The optional bench capability. The implementation times its own step loop (no Promise, pipe or
// copy of the harness per step is in the numbers) and reports milliseconds per step per sample;
// the harness turns them into statistics and holds them to the roofline.

export interface AdapterBenchRequest {
  dtype: Dtype;
  /** The variant to step (the claimed profile's, plain), its profile and native hyperparameters. */
  variant: Variant;
  profile: Profile;
  native: Record<string, number | boolean | null>;
  /** Elements of each parameter tensor ([n]: one tensor of n elements; a model's list: model-shaped). */
  tensors: readonly number[];
  /** 'tensors': each entry its own tensor (a per-tensor or a multi-tensor step); 'flat': one tensor of their total. */
  layout: 'tensors' | 'flat';
  /** The bench paths to time (ids the adapter reports); default: all of them. */
  paths?: readonly string[];
  /** Wall-clock budget for the samples of one path, ms; at least minSamples samples whatever the budget. */
  timeMs: number;
  minSamples: number;
  /** Aim for samples about this long, ms (cheap steps are repeated within a sample). */
  sampleMs: number;
  /** Also time the implementation's own triad a = b + 2c over tensors[0] elements (results of kind 'triad'), a native roofline. */
  triad?: boolean;
  /**
   * Set by the harness when it can measure the machine's limit in this process. An implementation
   * that times its loop here calls it right before each kept sample (after its warm-up, outside the
   * timed region) with the path and its threads; the harness then holds each sample to the limit
   * measured beside it (a paired ratio), so a minute in which the machine is slower moves both.
   * A separate process (external programs) cannot, and ignores it.
   */
  beside?(path: string, threads: number): void;
}

export interface AdapterBenchResult {
  /** The path timed ('foreach x1', 'for-loop x2', 'simd', ...): what the row is labelled with. */
  path: string;
  /** 'step' (default) or 'triad' (the implementation's own triad, answered when the request asked for it). */
  kind?: 'step' | 'triad';
  describe: string;
  threads: number;
  device: 'cpu' | 'gpu';
  /** Milliseconds per step, one value per sample (each the mean of stepsPerSample consecutive steps). */
  samplesMs: number[];
  stepsPerSample: number;
  /** Bytes per element its kernel loads and stores, when it knows (else the variant's minimum is assumed). */
  touchedBytesPerElement?: number;
  kernel?: string;
  notes?: string[];
  /** Set instead of samples when this path cannot run the request here (with the reason). */
  unavailable?: string;
}

/** Options from an adapter spec 'id:key=value,...' */
export type AdapterOptions = Readonly<Record<string, string>>;

export interface AdapterFactory {
  id: string;
  describe: string;
  /** Adapters in the default run (`rmsprop-harness run`). */
  inDefaultRun: boolean;
  create(options: AdapterOptions): Adapter;
}

/** Values that switch a feature off: an adapter without the feature can still run a case that keeps them. */
const NEUTRAL: Hyperparameters = { ...BASE_HYPERPARAMETERS };

/** A hyperparameter's value in a message: a schedule by its class name, a per-step list by its length. */
const shown = (x: unknown): string =>
  Array.isArray(x)
    ? `[${x.length} values]`
    : typeof x === 'object' && x !== null
      ? String((x as { name?: unknown }).name)
      : String(x);

/** Checks the variant only uses what the adapter declares; returns the reason it cannot, or null. */
export function unsupportedReason(info: AdapterInfo, c: AdapterCase, fixedAxes: Partial<Axes> = {}): string | null {
  const caps = info.capabilities;
  if (!caps.dtypes.includes(c.dtype))
    return `${info.id} does not support ${c.dtype}${caps.unsupportedDtypes?.[c.dtype] ? `: ${caps.unsupportedDtypes[c.dtype]}` : ''}`;
  const v = c.variant;
  for (const { name } of HYPERPARAMETERS) {
    if (caps.hyperparameters.includes(name) || ['lr', 'decay', 'eps'].includes(name)) continue;
    if (v[name] !== NEUTRAL[name]) return `${info.id} has no ${name} (the case sets ${name}=${shown(v[name])})`;
  }
  for (const [name, value] of Object.entries(fixedAxes) as [keyof Axes, unknown][]) {
    const wanted = v[name];
    const same = Array.isArray(value)
      ? JSON.stringify([...(value as readonly string[])].sort()) === JSON.stringify([...(wanted as readonly string[])].sort())
      : wanted === value;
    if (!same) return `${info.id} fixes ${name}=${JSON.stringify(value)}, the case needs ${JSON.stringify(wanted)}`;
  }
  return null;
}
