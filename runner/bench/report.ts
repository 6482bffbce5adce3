// The benchmark report: the single source the JSON, the Markdown and the baseline gate read.

import { Type, type Hint, type Kind, type OptionalKind, type ReadonlyKind, type Static } from '@sinclair/typebox';
import { DTYPES, type Dtype } from '../../reference/arithmetic.js';
import type { Environment } from '../result.js';
import { StatsSchema } from './measure.js';
import type { Roofline } from './roofline.js';
import type { Traffic } from './traffic.js';
import type { GpuPhases } from './types.js';

export const BENCH_FORMAT = 'rmsprop-harness/bench';

/** TypeBox's marker symbols, named here so the schemas' declarations (dist/*.d.ts) can refer to them. */
export type SchemaMarkers = typeof Hint | typeof Kind | typeof OptionalKind | typeof ReadonlyKind;
export const BENCH_FORMAT_VERSION = 2;

// The entries the regression gate reads (results, models, their stats) are TypeBox schemas, the
// definition their types are derived from (Static<>), every field described; baseline.ts validates
// a saved report against the part of them it reads.

const DtypeSchema = Type.Unsafe<Dtype>(Type.Union(DTYPES.map((d) => Type.Literal(d))));

export const EntryStatusSchema = Type.Union(
  [Type.Literal('ok'), Type.Literal('skip'), Type.Literal('unavailable'), Type.Literal('error')],
  { description: 'ok: measured; skip: not applicable here; unavailable: cannot run on this machine; error: it failed' },
);
export type EntryStatus = Static<typeof EntryStatusSchema>;

export const ThroughputEntrySchema = Type.Object({
  target: Type.String({ minLength: 1, description: "Row label: the bench target, or an adapter's bench path." }),
  adapter: Type.String({ description: 'The adapter (or implementation) the target runs.' }),
  device: Type.Union([Type.Literal('cpu'), Type.Literal('gpu')], { description: 'Where the step runs.' }),
  threads: Type.Number({ description: 'Threads the step runs on.' }),
  n: Type.Integer({ minimum: 1, description: 'Elements of the parameter tensor.' }),
  dtype: DtypeSchema,
  status: EntryStatusSchema,
  reason: Type.Optional(Type.String({ description: 'Why the entry is not ok.' })),
  kernel: Type.Optional(Type.String({ description: 'The kernel that ran, when the target says.' })),
  notes: Type.Optional(Type.Array(Type.String(), { description: 'Notes for people.' })),
  traffic: Type.Optional(
    Type.Object(
      {
        variantBytesPerElement: Type.Number({ description: "The variant's minimum bytes per element." }),
        touchedBytesPerElement: Type.Number({ description: 'Bytes per element the kernel loads and stores.' }),
        reads: Type.Array(Type.String(), { description: 'Arrays read.' }),
        writes: Type.Array(Type.String(), { description: 'Arrays written.' }),
      },
      {
        description: "Bytes per element: the variant's minimum (used for GB/s and the ratio) and what the kernel touches.",
      },
    ),
  ),
  stats: Type.Optional({ ...StatsSchema, description: 'Milliseconds per step.' }),
  elementsPerSecond: Type.Optional(Type.Number({ description: 'Elements stepped per second (from the median).' })),
  gbPerSecond: Type.Optional(
    Type.Number({ description: 'Effective GB/s: variant bytes per element x elements/s (from the median).' }),
  ),
  touchedGbPerSecond: Type.Optional(Type.Number({ description: 'GB/s of what the kernel actually touches.' })),
  roofline: Type.Optional(
    Type.Object(
      {
        probe: Type.String({ description: 'The probe (or copy kernel) that set the limit.' }),
        gbPerSecond: Type.Number({ description: "The limit, GB/s, from the probes' medians (CPU) or the copy kernel (GPU)." }),
        bestGbPerSecond: Type.Optional(
          Type.Number({ description: "The limit from the probes' fastest samples: what bestRatio is taken against." }),
        ),
        threads: Type.Optional(Type.Number({ description: 'Threads of that probe.' })),
      },
      {
        description:
          'The limit this entry is held to (CPU: best bandwidth probe on at most its threads at this size; GPU: the device copy kernel).',
      },
    ),
  ),
  limitMs: Type.Optional(Type.Number({ description: 'The step time that limit allows: n x variant bytes / roofline GB/s.' })),
  ratio: Type.Optional(
    Type.Number({
      description: 'gbPerSecond / roofline (= limitMs / median): the fraction of the limit the median step reaches.',
    }),
  ),
  bestRatio: Type.Optional(
    Type.Number({ description: "The fastest sample's GB/s over the limit from the probes' fastest samples (like for like)." }),
  ),
  touchedRatio: Type.Optional(Type.Number({ description: 'touchedGbPerSecond / roofline.' })),
  ratioMethod: Type.Optional(
    Type.Union([Type.Literal('paired'), Type.Literal('pooled')], {
      description:
        "How `ratio` was taken. 'paired': the median over the row's samples of each sample against the limit measured right before it (`beside`); 'pooled': the row's median against the roofline's limit from the probes' medians (GPU rows: the device copy kernel).",
    }),
  ),
  pooledRatio: Type.Optional(
    Type.Number({ description: "The row's median against the roofline's limit (the 'pooled' ratio), kept beside a paired one." }),
  ),
  beside: Type.Optional(
    Type.Object(
      {
        samples: Type.Number({ description: 'Samples paired with a limit measured right before each.' }),
        ratioP25: Type.Number({ description: 'First quartile of the paired ratios.' }),
        ratioP75: Type.Number({ description: 'Third quartile of the paired ratios.' }),
        ratioMin: Type.Number({ description: 'Smallest paired ratio.' }),
        ratioMax: Type.Number({ description: 'Largest paired ratio.' }),
        limitGbPerSecond: Type.Number({ description: 'Median of the limits measured beside the samples, GB/s.' }),
        memoryGbPerSecond: Type.Number({ description: 'Median of the best bandwidth probe beside the samples, GB/s.' }),
        computeGbPerSecond: Type.Optional(
          Type.Number({
            description:
              "The step's compute ceiling on the row's threads (the roofline's), GB/s: the cap of every round's limit.",
          }),
        ),
        computeBoundShare: Type.Number({ description: 'Fraction of the rounds in which the compute ceiling was the limit.' }),
      },
      {
        description:
          "The memory limit measured beside each sample (runner/bench/beside-limit.ts): per round, the roofline's bandwidth probes on the row's threads, one sample each; each sample is held to min(its round's best probe, the compute ceiling).",
      },
    ),
  ),
  ratioNote: Type.Optional(Type.String({ description: 'Why a ratio is above 100%, when it is.' })),
  repetitions: Type.Optional(
    Type.Array(
      Type.Object({
        medianMs: Type.Number({ description: 'Median of this repetition, ms per step.' }),
        minMs: Type.Number({ description: 'Fastest sample of this repetition, ms per step.' }),
        ratio: Type.Optional(
          Type.Number({ description: "This repetition's median over the limit measured in the same repetition." }),
        ),
      }),
      { description: 'One entry per repetition of the run (--repetitions): the spread across repetitions.' },
    ),
  ),
  speedupOverPytorch: Type.Optional(
    Type.Number({ description: 'The fastest PyTorch CPU step at this size / this median: the speed-up over PyTorch.' }),
  ),
  pytorch: Type.Optional(Type.Boolean({ description: "This row is PyTorch's own CPU optimizer step." })),
  describe: Type.Optional(Type.String({ description: 'What the target is, for people.' })),
  gpu: Type.Optional(
    Type.Unsafe<GpuPhases>(
      Type.Object({}, { additionalProperties: true, description: "GPU targets: the step's cost split in phases (types.ts)." }),
    ),
  ),
});
export type ThroughputEntry = Static<typeof ThroughputEntrySchema>;

export const ModelEntrySchema = Type.Object({
  model: Type.String({ minLength: 1, description: 'The model whose parameter shapes are stepped.' }),
  target: Type.String({ minLength: 1, description: 'The bench target.' }),
  adapter: Type.String({ description: 'The adapter (or implementation) the target runs.' }),
  parameters: Type.Number({ description: 'Parameters of the model (as stepped).' }),
  tensors: Type.Number({ description: 'Parameter tensors of the model.' }),
  scale: Type.Number({
    exclusiveMinimum: 0,
    description: '1 = the real model; otherwise every tensor scaled by this factor (memory).',
  }),
  paddingElements: Type.Number({ description: 'Elements added to align tensors in the fused (flat) step.' }),
  status: EntryStatusSchema,
  reason: Type.Optional(Type.String({ description: 'Why the entry is not ok.' })),
  perTensor: Type.Optional({ ...StatsSchema, description: 'One step per tensor, ms per model step.' }),
  fused: Type.Optional({ ...StatsSchema, description: 'One step over all tensors together, ms per model step.' }),
  speedup: Type.Optional(Type.Number({ description: 'perTensor median / fused median.' })),
  fusedGbPerSecond: Type.Optional(Type.Number({ description: 'Effective GB/s of the fused step.' })),
  fusedRatio: Type.Optional(
    Type.Number({
      description: "Fused step vs the limit of its threads at the model's size (the 1e7 roofline when the model was not probed).",
    }),
  ),
  speedupOverPytorch: Type.Optional(
    Type.Number({ description: 'The fastest PyTorch fused (flat) step of this model / this fused median.' }),
  ),
  pytorch: Type.Optional(Type.Boolean({ description: "This row is PyTorch's own optimizer step." })),
  notes: Type.Optional(Type.Array(Type.String(), { description: 'Notes for people.' })),
});
export type ModelEntry = Static<typeof ModelEntrySchema>;

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
