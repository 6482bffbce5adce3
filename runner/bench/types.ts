// The benchmark's data model: bench targets (one per benchmarkable implementation, created from a
// factory in the registry, targets.ts) and the results they produce.

import type { Dtype } from '../../reference/arithmetic.js';
import type { Variant } from '../../reference/variant.js';
import type { MeasureOptions, Stats } from './measure.js';
import type { Traffic } from './traffic.js';
import type { BesideRound } from './beside-limit.js';

export interface BenchContext {
  dtype: Dtype;
  profile: string;
  /** The profile's variant in dtype (plain RMSprop with the profile's defaults). */
  variant: Variant;
  measure: MeasureOptions;
  log: (line: string) => void;
  /** Ask programs that can to time their own triad too (shown beside the roofline). */
  nativeTriad?: boolean;
}

/** GPU targets split a step's cost: what a training loop pays around the kernel. */
export interface GpuPhases {
  /** Params + state host -> device (once per run), ms. */
  uploadMs: number;
  /** One gradient host -> device (per step when gradients come from the host), ms. */
  gradientUploadMs: number;
  /** One step on the device (median of the compute stats), ms. */
  computeMs: number;
  /** Params + state device -> host, ms. */
  readbackMs: number;
  /** 'timestamp' (GPU timestamps) or 'wall' (submit to onSubmittedWorkDone). */
  timing: string;
  /** The device copy kernel at this size: the GPU target's roofline. */
  copy: { stats: Stats; gbPerSecond: number; bytesPerElement: number };
  device: string;
}

export interface SizeRun {
  /** Row id when one target yields several rows (an adapter's bench paths: 'torch.optim.RMSprop foreach x2'). */
  label?: string;
  /** Threads of this row (default: the target's). */
  threads?: number;
  describe?: string;
  /** 'triad': not a step but the implementation's own triad, measured for the roofline table. */
  kind?: 'step' | 'triad';
  /** PyTorch's own CPU step: the reference of the speed-up column. */
  pytorch?: boolean;
  stats: Stats;
  /** What the kernel actually loads and stores per element (may exceed the variant's minimum). */
  touched: Traffic;
  kernel?: string;
  notes?: string[];
  gpu?: GpuPhases;
  /** The samples in the order taken, each with the limit measured right before it (beside-limit.ts). */
  beside?: { samplesMs: number[]; rounds: BesideRound[] };
}

/** Measures the limit on `threads` threads now (one round of the probes), for a sample about to be taken. */
export type MeasureBeside = (threads: number) => BesideRound;

/** Elements of each tensor of a model, laid out in one flat array (each tensor's start aligned). */
export interface ModelLayout {
  model: string;
  sizes: number[];
  offsets: number[];
  /** Elements of the flat arrays, alignment padding included. */
  total: number;
  /** Scale factor applied to every tensor (1 = the real model). */
  scale: number;
}

export interface ModelRun {
  /** Row id when one target yields several rows. */
  label?: string;
  pytorch?: boolean;
  /** One call per tensor, in order (a for-each training loop). */
  perTensor: Stats;
  /** One call over the flat concatenation (a multi-tensor / flattened optimizer). */
  fused: Stats;
  notes?: string[];
}

export interface BenchTarget {
  id: string;
  /** The adapter whose implementation this benchmarks (accuracy is joined on it). */
  adapter: string;
  device: 'cpu' | 'gpu';
  threads: number;
  describe: string;
  /** Bytes of memory a size needs (for the memory check), and a reason to skip a size, or null. */
  skipReason(n: number): string | null;
  /** One row, or one per path of an adapter's bench capability; `beside`, when given, before each sample of a loop timed in this process. */
  run(n: number, beside?: MeasureBeside): Promise<SizeRun | SizeRun[]>;
  /** Model-shaped stepping, where the target has it. */
  runModel?(layout: ModelLayout): Promise<ModelRun | ModelRun[]>;
  close?(): Promise<void>;
}

export type TargetCreation = { target: BenchTarget } | { unavailable: string };

export interface BenchTargetFactory {
  id: string;
  adapter: string;
  describe: string;
  dtypes: readonly Dtype[];
  /** In the default `bench` run. */
  inDefault: boolean;
  /** Why the model-shaped step is not run for this target (listed in the report with this reason). */
  noModelStep?: string;
  /** An adapter named by spec on the command line (external:command=..., module:path=...): its model steps run too. */
  fromSpec?: boolean;
  create(ctx: BenchContext): Promise<TargetCreation>;
}
