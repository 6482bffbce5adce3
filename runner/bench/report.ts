// The benchmark report: the single source the JSON, the Markdown and the baseline gate read.

import type { Dtype } from '../../reference/arithmetic.js';
import type { Environment } from '../result.js';
import type { Stats } from './measure.js';
import type { Roofline } from './roofline.js';
import type { Traffic } from './traffic.js';
import type { GpuPhases } from './types.js';

export const BENCH_FORMAT = 'rmsprop-harness/bench';
export const BENCH_FORMAT_VERSION = 2;

export type EntryStatus = 'ok' | 'skip' | 'unavailable' | 'error';

export interface ThroughputEntry {
  target: string;
  adapter: string;
  device: 'cpu' | 'gpu';
  threads: number;
  n: number;
  dtype: Dtype;
  status: EntryStatus;
  reason?: string;
  kernel?: string;
  notes?: string[];
  /** Bytes per element: the variant's minimum (used for GB/s and the ratio) and what the kernel touches. */
  traffic?: { variantBytesPerElement: number; touchedBytesPerElement: number; reads: string[]; writes: string[] };
  /** Milliseconds per step. */
  stats?: Stats;
  elementsPerSecond?: number;
  /** Effective GB/s: variant bytes per element x elements/s (from the median). */
  gbPerSecond?: number;
  /** GB/s of what the kernel actually touches. */
  touchedGbPerSecond?: number;
  /** The limit this entry is held to (CPU: best bandwidth probe on at most its threads at this size; GPU: the device copy kernel). */
  roofline?: { probe: string; gbPerSecond: number; threads?: number };
  /** The step time that limit allows: n x variant bytes / roofline GB/s. */
  limitMs?: number;
  /** gbPerSecond / roofline (= limitMs / median): the fraction of the limit the median step reaches. */
  ratio?: number;
  /** The same from the fastest sample. */
  bestRatio?: number;
  touchedRatio?: number;
  /** Why a ratio is above 100%, when it is. */
  ratioNote?: string;
  /** One entry per repetition of the run (--repetitions): the spread across repetitions. */
  repetitions?: { medianMs: number; minMs: number; ratio?: number }[];
  /** The fastest PyTorch CPU step at this size / this median: the speed-up over PyTorch. */
  speedupOverPytorch?: number;
  /** This row is PyTorch's own CPU optimizer step. */
  pytorch?: boolean;
  describe?: string;
  gpu?: GpuPhases;
}

export interface ModelEntry {
  model: string;
  target: string;
  adapter: string;
  parameters: number;
  tensors: number;
  /** 1 = the real model; otherwise every tensor scaled by this factor (memory). */
  scale: number;
  paddingElements: number;
  status: EntryStatus;
  reason?: string;
  perTensor?: Stats;
  fused?: Stats;
  /** perTensor median / fused median. */
  speedup?: number;
  fusedGbPerSecond?: number;
  /** Fused step vs the limit of its threads at the model's size (the 1e7 roofline when the model was not probed). */
  fusedRatio?: number;
  /** The fastest PyTorch fused (flat) step of this model / this fused median. */
  speedupOverPytorch?: number;
  pytorch?: boolean;
  notes?: string[];
}

export interface AccuracyEntry {
  adapter: string;
  pass: number;
  fail: number;
  error: number;
  skip: number;
  /** Largest free-running ULP distance over the adapter's compared cells (float32 and float64 together). */
  maxUlp: number | null;
  maxUlpByDtype: Partial<Record<Dtype, number>>;
  verdict: 'pass' | 'fail' | 'no cells';
}

export interface BenchEnvironment extends Environment {
  freeMemoryGiB: number;
  loadAverage: number[];
}

export interface BenchReport {
  format: typeof BENCH_FORMAT;
  formatVersion: number;
  generatedAt: string;
  complete: boolean;
  environment: BenchEnvironment;
  settings: {
    targets: string[];
    sizes: number[];
    dtype: Dtype;
    profile: string;
    timeMs: number;
    models: string[];
    repetitions?: number;
  };
  /** How bytes are counted (the roofline's probes and the step). */
  byteModel?: string;
  /** The variant's minimum traffic, stated once. */
  variantTraffic: Traffic;
  roofline: Roofline[];
  /** Per size, the PyTorch CPU row the speed-up column divides by (the fastest one), when PyTorch ran. */
  pytorchReference?: { n: number; target: string; medianMs: number }[];
  results: ThroughputEntry[];
  models: ModelEntry[];
  accuracy: { source: string; entries: AccuracyEntry[] } | null;
}
