// Runs the benchmark: for each size, the triad roofline then every selected target; then the
// model-shaped steps; returns the report (writing it is the caller's business).

import os from 'node:os';
import type { Dtype } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import { resolveVariant } from '../../reference/resolve.js';
import { suggest } from '../../reference/suggest.js';
import { MODELS, parameterCount } from '../../suites/models/index.js';
import { environment } from '../run-conformance.js';
import { formatFixed, formatMs, formatPercent } from '../number-format.js';
import { loadAccuracy } from './accuracy.js';
import { quantileOfSorted, statsFromSamples, type MeasureOptions } from './measure.js';
import { modelLayout, modelScale } from './models.js';
import { BENCH_FORMAT, BENCH_FORMAT_VERSION, type BenchReport, type ModelEntry, type ThroughputEntry } from './report.js';
import {
  BYTE_MODEL,
  limitFor,
  limitsOf,
  measureRoofline,
  type BandwidthProbe,
  type NativeTriad,
  type Roofline,
} from './roofline.js';
import { BENCH_TARGETS, MODEL_TARGETS } from './targets.js';
import { createAdapterTarget } from './adapter-target.js';
import { parseAdapterSpec } from '../../adapters/registry.js';
import { variantTraffic } from './traffic.js';
import type { BenchContext, BenchTarget, BenchTargetFactory, SizeRun } from './types.js';
import { BesideLimit, CACHE_RESIDENT_BYTES } from './beside-limit.js';
import { ratioText } from './ratio-text.js';
import { defaultThreads } from '../../adapters/wasm/bench.js';

export interface BenchOptions {
  /** Bench target ids; default: every target in the default run that supports the dtype. */
  targets?: readonly string[];
  sizes: readonly number[];
  dtype: Dtype;
  profile: string;
  /** Time budget per measurement, ms. */
  timeMs: number;
  /** Model ids to step (suites/models); [] for none. */
  models: readonly string[];
  /** Scale every model by this factor; default: 1 where it fits in memory, else a stated power-of-two fraction. */
  modelScale?: number;
  /** Conformance JSON for the accuracy table (null: none). */
  accuracyFile?: string | null;
  minSamples?: number;
  sampleMs?: number;
  log?: (line: string) => void;
  /** Aborting stops after the measurement in progress; the report is marked incomplete. */
  signal?: AbortSignal;
  /** Run every size this many times (roofline and targets, interleaved): the spread across repetitions. */
  repetitions?: number;
  /** false: hold rows to the roofline only, without measuring the limit beside each sample (beside-limit.ts). */
  beside?: boolean;
}

/** The probes kept open beside the rows of one repetition at n, or null (said once per size) where they cannot be. */
async function openBeside(
  n: number,
  dtype: Dtype,
  stepBytes: number,
  log: (line: string) => void,
  say: boolean,
): Promise<BesideLimit | null> {
  const threads = defaultThreads();
  const b = await BesideLimit.open(n, dtype, stepBytes, threads > 1 ? [1, threads] : [1]);
  if (b instanceof BesideLimit) return b;
  if (say) log(`  no limit beside the samples (rows are held to the roofline alone): ${b.unavailable}`);
  return null;
}

export function benchEnvironment(): BenchReport['environment'] {
  return {
    ...environment(),
    freeMemoryGiB: Math.round((os.freemem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function selectTargets(
  ids: readonly string[] | undefined,
  dtype: Dtype,
): { factory: BenchTargetFactory; explicit: boolean }[] {
  if (!ids || ids.length === 0)
    return BENCH_TARGETS.filter((f) => f.inDefault && f.dtypes.includes(dtype)).map((factory) => ({ factory, explicit: false }));
  return ids.map((id) => {
    const factory = BENCH_TARGETS.find((f) => f.id === id) ?? adapterSpecTarget(id);
    if (!factory) {
      const known = BENCH_TARGETS.map((f) => f.id);
      throw new InputError(
        `unknown bench target '${id}'${suggest(id, known)}; known: ${known.join(', ')}, or an adapter spec such as external:command=... or module:path=...`,
      );
    }
    return { factory, explicit: true };
  });
}

/** A bench target for an adapter spec with options (external:command=..., module:path=..., onnxruntime:...), or null. */
function adapterSpecTarget(spec: string): BenchTargetFactory | null {
  if (!spec.includes(':')) return null;
  const parsed = parseAdapterSpec(spec); // unknown adapter id: InputError naming the known ones
  return {
    id: parsed.label,
    adapter: parsed.label,
    describe: `adapter ${parsed.label}: its bench capability (own step loop) when it has one, else its conformance path`,
    dtypes: ['float32', 'float64'],
    inDefault: false,
    fromSpec: true,
    create: (ctx) => createAdapterTarget({ spec: parsed.label }, ctx),
  };
}

export function validateSizes(sizes: readonly number[]): number[] {
  return sizes.map((s) => {
    if (!Number.isInteger(s) || s < 1 || s > 2 ** 31)
      throw new InputError(`--sizes: ${s} is not a whole number of elements between 1 and 2^31`);
    return s;
  });
}

/** Fills in the derived numbers of a throughput entry from a run and the limit of its threads at its size. */
export function throughputEntry(
  base: Omit<ThroughputEntry, 'status'>,
  run: SizeRun,
  variantBytes: number,
  roofline: Pick<Roofline, 'limits' | 'best' | 'gbPerSecond'> | null,
): ThroughputEntry {
  const { n } = base;
  const seconds = run.stats.medianMs / 1e3;
  const eps = n / seconds;
  const gb = (eps * variantBytes) / 1e9;
  const touchedGb = (eps * run.touched.bytesPerElement) / 1e9;
  const limit = roofline
    ? (limitFor(roofline, base.threads) ?? { probe: roofline.best, gbPerSecond: roofline.gbPerSecond, threads: base.threads })
    : undefined;
  const roof: { probe: string; gbPerSecond: number; threads?: number; bestGbPerSecond?: number } | undefined = run.gpu
    ? { probe: 'webgpu-copy', gbPerSecond: run.gpu.copy.gbPerSecond }
    : limit
      ? {
          probe: limit.probe,
          gbPerSecond: limit.gbPerSecond,
          threads: limit.threads,
          ...(limit.bestGbPerSecond !== undefined ? { bestGbPerSecond: limit.bestGbPerSecond } : {}),
        }
      : undefined;
  // Like for like: the median against the probes' median, the fastest sample against their fastest;
  // where each sample had the limit measured beside it, the median of the paired ratios.
  const pooledRatio = roof ? gb / roof.gbPerSecond : undefined;
  const beside = run.gpu || !limit ? undefined : besideSummary(n, variantBytes, run, limit.computeGbPerSecond);
  const ratio = beside ? beside.median : pooledRatio;
  const bestRatio = roof
    ? (n * variantBytes) / (run.stats.minMs / 1e3) / 1e9 / (roof.bestGbPerSecond ?? roof.gbPerSecond)
    : undefined;
  return {
    ...base,
    status: 'ok',
    ...(run.kernel ? { kernel: run.kernel } : {}),
    ...(run.notes ? { notes: run.notes } : {}),
    ...(run.describe ? { describe: run.describe } : {}),
    ...(run.pytorch ? { pytorch: true } : {}),
    traffic: {
      variantBytesPerElement: variantBytes,
      touchedBytesPerElement: run.touched.bytesPerElement,
      reads: run.touched.reads,
      writes: run.touched.writes,
    },
    stats: run.stats,
    elementsPerSecond: eps,
    gbPerSecond: gb,
    touchedGbPerSecond: touchedGb,
    ...(roof
      ? {
          roofline: roof,
          limitMs: ((n * variantBytes) / ((beside?.entry.limitGbPerSecond ?? roof.gbPerSecond) * 1e9)) * 1e3,
          ratio,
          ratioMethod: beside ? ('paired' as const) : ('pooled' as const),
          ...(beside ? { pooledRatio, beside: beside.entry } : {}),
          bestRatio,
          touchedRatio: touchedGb / roof.gbPerSecond,
        }
      : {}),
    ...(ratio !== undefined && ratio > 1 ? { ratioNote: aboveLimitNote(n, variantBytes, run) } : {}),
    ...(run.gpu ? { gpu: run.gpu } : {}),
  };
}

const middle = (xs: readonly number[]) =>
  quantileOfSorted(
    [...xs].sort((x, y) => x - y),
    0.5,
  );

/**
 * The paired ratios of a run whose samples each had the memory limit measured beside them: each
 * sample's GB/s over min(its round's best bandwidth probe, the step's compute ceiling on its threads
 * from the roofline), as the roofline's limit is min(memory, compute) (beside-limit.ts).
 */
export function besideSummary(
  n: number,
  variantBytes: number,
  run: Pick<SizeRun, 'beside'>,
  computeGbPerSecond: number | undefined,
): { median: number; entry: NonNullable<ThroughputEntry['beside']> } | undefined {
  const b = run.beside;
  if (!b || b.samplesMs.length === 0 || b.samplesMs.length !== b.rounds.length) return undefined;
  const compute = computeGbPerSecond ?? Infinity;
  const limits = b.rounds.map((r) => Math.min(r.memoryGbPerSecond, compute));
  const ratios = b.samplesMs.map((ms, i) => (n * variantBytes) / (ms / 1e3) / 1e9 / limits[i]).sort((x, y) => x - y);
  return {
    median: quantileOfSorted(ratios, 0.5),
    entry: {
      samples: ratios.length,
      ratioP25: quantileOfSorted(ratios, 0.25),
      ratioP75: quantileOfSorted(ratios, 0.75),
      ratioMin: ratios[0],
      ratioMax: ratios[ratios.length - 1],
      limitGbPerSecond: middle(limits),
      memoryGbPerSecond: middle(b.rounds.map((r) => r.memoryGbPerSecond)),
      ...(computeGbPerSecond !== undefined ? { computeGbPerSecond } : {}),
      computeBoundShare: b.rounds.filter((r) => compute < r.memoryGbPerSecond).length / b.rounds.length,
    },
  };
}

/** Why a median step can beat the limit: said in the report next to the ratio, never left unexplained. */
function aboveLimitNote(n: number, bytes: number, run: SizeRun): string {
  const footprint = n * bytes;
  if (run.gpu)
    return "above the device copy kernel: the step moves fewer bytes than the variant minimum assumes, or the copy kernel is not the device's best";
  if (footprint <= CACHE_RESIDENT_BYTES)
    return `the step's ${(footprint / 2 ** 20).toFixed(1)} MiB of arrays stay in cache between steps, and the step's access pattern (in-place updates of p and v) uses the caches better than the probes at this size; ratios above 100% at cache-resident sizes measure cache, not memory`;
  return run.beside
    ? "the step beat the probes measured beside its samples: memory throughput depends on the mix of reads and writes, and the step's (3 reads to 2 in-place writes, no write-allocate read) is none of the probes' (triad 3:1 counting its write-allocate read, copy 2:1, sum read-only), so the best probe is not an upper bound for it"
    : "the step's median beat the probes' median at this size: the probes were slowed by other load on the machine while they ran (see their spread)";
}

/** Pools the samples of several runs of one row (repetitions) into one run with the spread kept per repetition. */
async function pooled(runs: SizeRun[]): Promise<SizeRun> {
  if (runs.length === 1) return runs[0];
  const samples = runs.flatMap((r) => r.stats.samplesMs ?? [r.stats.medianMs]);
  const stats = await statsFromSamples(samples, runs[0].stats.batch);
  const beside = runs.every((r) => r.beside)
    ? { samplesMs: runs.flatMap((r) => r.beside!.samplesMs), rounds: runs.flatMap((r) => r.beside!.rounds) }
    : undefined;
  return { ...runs[0], stats: { ...stats, minMs: Math.min(...runs.map((r) => r.stats.minMs)) }, beside };
}

/** Merges the rooflines of several repetitions at one size: probe samples pooled, each probe's best over all. */
async function mergeRooflines(reps: Roofline[]): Promise<Roofline> {
  if (reps.length === 1) return reps[0];
  const first = reps[0];
  const probes: BandwidthProbe[] = [];
  for (const p of first.probes) {
    const same = reps
      .map((r) => r.probes.find((x) => x.probe === p.probe && x.threads === p.threads))
      .filter((x): x is BandwidthProbe => x !== undefined && x.stats !== undefined);
    if (same.length === 0) {
      probes.push(p);
      continue;
    }
    const stats = await statsFromSamples(
      same.flatMap((x) => x.stats!.samplesMs ?? [x.stats!.medianMs]),
      same[0].stats!.batch,
    );
    const minMs = Math.min(...same.map((x) => x.stats!.minMs));
    probes.push({
      ...p,
      stats: { ...stats, minMs },
      gbPerSecond: (first.n * p.bytesPerElement) / (minMs / 1e3) / 1e9,
      medianGbPerSecond: (first.n * p.bytesPerElement) / (stats.medianMs / 1e3) / 1e9,
      error: undefined,
    });
  }
  const compute = await Promise.all(
    (first.compute ?? []).map(async (c) => {
      const all = reps.flatMap((r) => (r.compute ?? []).filter((x) => x.threads === c.threads && x.stats !== undefined));
      if (all.length === 0) return c;
      // samples pooled like the probes'; ms per pass scale to GB/s through the first repetition's rate
      const stats = await statsFromSamples(
        all.flatMap((x) => x.stats!.samplesMs ?? [x.stats!.medianMs]),
        all[0].stats!.batch,
      );
      const minMs = Math.min(...all.map((x) => x.stats!.minMs));
      const k = all[0].gbPerSecond! * all[0].stats!.minMs;
      return { ...all[0], stats: { ...stats, minMs }, gbPerSecond: k / minMs, medianGbPerSecond: k / stats.medianMs };
    }),
  );
  const limits = limitsOf(probes, compute);
  const top = limits[limits.length - 1];
  return {
    ...first,
    probes,
    compute,
    limits,
    best: top.probe,
    gbPerSecond: top.gbPerSecond,
    native: await mergeNative(
      first.n,
      reps.flatMap((r) => r.native ?? []),
    ),
  };
}

/** One native triad per source over the repetitions: samples pooled, the fastest sample kept. */
async function mergeNative(n: number, all: NativeTriad[]): Promise<NativeTriad[]> {
  const out: NativeTriad[] = [];
  for (const source of [...new Set(all.map((t) => t.source))]) {
    const same = all.filter((t) => t.source === source);
    if (same.length === 1) {
      out.push(same[0]);
      continue;
    }
    const stats = await statsFromSamples(
      same.flatMap((t) => t.stats.samplesMs ?? [t.stats.medianMs]),
      same[0].stats.batch,
    );
    const minMs = Math.min(...same.map((t) => t.stats.minMs));
    const bytes = same[0].bytesPerElement;
    out.push({
      ...same[0],
      stats: { ...stats, minMs },
      gbPerSecond: (n * bytes) / (minMs / 1e3) / 1e9,
      medianGbPerSecond: (n * bytes) / (stats.medianMs / 1e3) / 1e9,
    });
  }
  return out;
}

function nativeTriad(n: number, run: SizeRun, source: string): NativeTriad {
  const bytes = run.touched.bytesPerElement;
  return {
    source,
    describe: run.describe ?? source,
    threads: run.threads ?? 1,
    bytesPerElement: bytes,
    stats: run.stats,
    gbPerSecond: (n * bytes) / (run.stats.minMs / 1e3) / 1e9,
    medianGbPerSecond: (n * bytes) / (run.stats.medianMs / 1e3) / 1e9,
  };
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const sizes = validateSizes(options.sizes);
  const repetitions = options.repetitions ?? 1;
  if (!Number.isInteger(repetitions) || repetitions < 1)
    throw new InputError(`--repetitions: expected a whole number of at least 1, got '${repetitions}'`);
  const { dtype, profile } = options;
  const { variant } = resolveVariant(profile, dtype, {});
  const measure: MeasureOptions = {
    timeMs: options.timeMs,
    minSamples: options.minSamples ?? 10,
    sampleMs: options.sampleMs ?? 1,
  };
  const ctx: BenchContext = { dtype, profile, variant, measure, log, nativeTriad: true };
  const vt = variantTraffic(variant, dtype);
  const modelIds = options.models.map((id) => {
    if (!MODELS.some((m) => m.id === id))
      throw new InputError(
        `unknown model '${id}'${suggest(
          id,
          MODELS.map((m) => m.id),
        )}; known: ${MODELS.map((m) => m.id).join(', ')}`,
      );
    return id;
  });
  const selected = selectTargets(options.targets, dtype);
  const generatedAt = new Date().toISOString();
  const results: ThroughputEntry[] = [];
  const roofline: Roofline[] = [];
  const models: ModelEntry[] = [];
  const pytorchReference: { n: number; target: string; medianMs: number }[] = [];

  const created: { factory: BenchTargetFactory; target?: BenchTarget; unavailable?: string }[] = [];
  for (const { factory } of selected) {
    if (!factory.dtypes.includes(dtype)) {
      created.push({ factory, unavailable: `${factory.id} does not run ${dtype}` });
      continue;
    }
    try {
      const c = await factory.create(ctx);
      created.push('target' in c ? { factory, target: c.target } : { factory, unavailable: c.unavailable });
    } catch (e) {
      created.push({ factory, unavailable: `failed to start: ${(e as Error).message}` });
    }
    const last = created[created.length - 1];
    if (last.unavailable) log(`${factory.id}: unavailable: ${last.unavailable}`);
  }

  try {
    for (const n of sizes) {
      if (options.signal?.aborted) break;
      const roofs: Roofline[] = [];
      // Rows in first-seen order; each row's runs, one per repetition.
      const rows = new Map<string, { base: Omit<ThroughputEntry, 'status'>; runs: SizeRun[] }>();
      const failures: ThroughputEntry[] = [];
      for (let rep = 0; rep < repetitions; rep++) {
        if (options.signal?.aborted) break;
        const tag = repetitions > 1 ? ` (repetition ${rep + 1}/${repetitions})` : '';
        log(`n=${n}: bandwidth roofline${tag}`);
        try {
          const roof = await measureRoofline(n, dtype, measure, undefined, {
            variant: { ...variant, fma: [] },
            bytesPerElement: vt.bytesPerElement,
          });
          roofs.push(roof);
          log(
            `  limits (${BYTE_MODEL}): ${(roof.limits ?? []).map((l) => `${l.threads} thread${l.threads > 1 ? 's' : ''} ${formatFixed(l.gbPerSecond, 1)} GB/s (${l.probe}${l.bound === 'compute' ? `; memory ${formatFixed(l.memoryGbPerSecond, 1)}` : ''})`).join(', ')}`,
          );
        } catch (e) {
          log(`  roofline failed: ${(e as Error).message}`);
        }
        const besideLimit = options.beside === false ? null : await openBeside(n, dtype, vt.bytesPerElement, log, rep === 0);
        try {
          for (const { factory, target, unavailable } of created) {
            if (options.signal?.aborted) break;
            const base = {
              target: factory.id,
              adapter: target?.adapter ?? factory.adapter,
              device: target?.device ?? ('cpu' as const),
              threads: target?.threads ?? 1,
              n,
              dtype,
            };
            if (rep === 0 && !target) {
              failures.push({ ...base, status: 'unavailable', reason: unavailable ?? 'unavailable' });
              continue;
            }
            if (!target) continue;
            const skip = target.skipReason(n);
            if (skip) {
              if (rep === 0) {
                failures.push({ ...base, status: 'skip', reason: skip });
                log(`  ${factory.id}: skip: ${skip}`);
              }
              continue;
            }
            try {
              const out = await target.run(n, besideLimit ? (t) => besideLimit.round(t) : undefined);
              for (const run of Array.isArray(out) ? out : [out]) {
                const id = run.label ?? factory.id;
                if (run.kind === 'triad') {
                  roofs[roofs.length - 1]?.native?.push(nativeTriad(n, run, id));
                  log(
                    `  ${id}: native triad ${formatFixed((n * run.touched.bytesPerElement) / (run.stats.minMs / 1e3) / 1e9, 1)} GB/s (${BYTE_MODEL}, fastest sample)`,
                  );
                  continue;
                }
                const row = rows.get(id) ?? { base: { ...base, target: id, threads: run.threads ?? base.threads }, runs: [] };
                row.runs.push(run);
                rows.set(id, row);
                log(
                  `  ${id}: median ${formatMs(run.stats.medianMs)}/step (${formatFixed(((n / run.stats.medianMs) * 1e3) / 1e9, 3)} G elem/s)`,
                );
              }
            } catch (e) {
              if (rep === 0) failures.push({ ...base, status: 'error', reason: (e as Error).message });
              log(`  ${factory.id}: error: ${(e as Error).message}`);
            }
          }
        } finally {
          await besideLimit?.close();
        }
      }
      const roof = roofs.length > 0 ? await mergeRooflines(roofs) : null;
      if (roof) roofline.push(roof);
      const entries: ThroughputEntry[] = [];
      for (const { base, runs } of rows.values()) {
        const entry = throughputEntry(base, await pooled(runs), vt.bytesPerElement, roof);
        if (runs.length > 1 && entry.roofline)
          // each repetition against the limit measured in that repetition, just before it (the machine's
          // load drifts between repetitions; the pooled limit would mix one repetition's probes with another's rows)
          entry.repetitions = runs.map((r, i) => {
            const own = !r.gpu && roofs[i] ? limitFor(roofs[i], base.threads) : undefined;
            const paired = own ? besideSummary(n, vt.bytesPerElement, r, own.computeGbPerSecond) : undefined;
            if (paired) return { medianMs: r.stats.medianMs, minMs: r.stats.minMs, ratio: paired.median };
            const limitMs = own ? ((n * vt.bytesPerElement) / (own.gbPerSecond * 1e9)) * 1e3 : entry.limitMs!;
            return { medianMs: r.stats.medianMs, minMs: r.stats.minMs, ratio: limitMs / r.stats.medianMs };
          });
        else if (runs.length > 1) entry.repetitions = runs.map((r) => ({ medianMs: r.stats.medianMs, minMs: r.stats.minMs }));
        entries.push(entry);
        const spread = entry.repetitions
          ? ` [repetitions ${entry.repetitions.map((r) => (r.ratio !== undefined ? formatPercent(r.ratio) : formatMs(r.medianMs))).join(' ')}]`
          : '';
        log(
          `  ${entry.target}: ${formatFixed(entry.gbPerSecond, 1)} GB/s${entry.ratio !== undefined ? `, ${ratioText(entry)}` : ''}${spread}${entry.ratioNote ? ` (* ${entry.ratioNote})` : ''}`,
        );
      }
      const torch = entries.filter((e) => e.pytorch && e.device === 'cpu');
      if (torch.length > 0) {
        const ref = torch.reduce((a, b) => (b.stats!.medianMs < a.stats!.medianMs ? b : a));
        pytorchReference.push({ n, target: ref.target, medianMs: ref.stats!.medianMs });
        for (const e of entries) e.speedupOverPytorch = ref.stats!.medianMs / e.stats!.medianMs;
      }
      results.push(...entries, ...failures);
    }

    for (const id of modelIds) {
      const model = MODELS.find((m) => m.id === id)!;
      const modelRows: ModelEntry[] = [];
      for (const { factory, target, unavailable } of created) {
        if (options.signal?.aborted) break;
        if (!MODEL_TARGETS.includes(factory.id) && !factory.fromSpec && !factory.noModelStep) continue;
        const scale = options.modelScale ?? modelScale(model, dtype, 5);
        const layout = modelLayout(model, scale);
        const parameters = layout.sizes.reduce((a, b) => a + b, 0);
        const base = {
          model: id,
          target: factory.id,
          adapter: target?.adapter ?? factory.adapter,
          parameters,
          tensors: layout.sizes.length,
          scale,
          paddingElements: layout.total - parameters,
        };
        if (factory.noModelStep) {
          modelRows.push({ ...base, status: 'unavailable', reason: factory.noModelStep });
          continue;
        }
        if (!target || !target.runModel) {
          modelRows.push({ ...base, status: 'unavailable', reason: unavailable ?? `${factory.id} has no model step` });
          continue;
        }
        const skip = target.skipReason(layout.total);
        if (skip) {
          modelRows.push({ ...base, status: 'skip', reason: skip });
          continue;
        }
        log(`model ${id} (${parameters} parameters${scale !== 1 ? `, scale ${scale}` : ''}): ${factory.id}`);
        try {
          const out = await target.runModel(layout);
          for (const r of Array.isArray(out) ? out : [out]) {
            const fusedGb = (layout.total * vt.bytesPerElement) / (r.fused.medianMs / 1e3) / 1e9;
            const roof = nearestRoofline(roofline, layout.total);
            const threads = created.find((c) => c.target === target)?.target?.threads ?? 1;
            const limit = roof
              ? limitFor(roof, r.label?.includes(' x') ? Number(/ x(\d+)/.exec(r.label)?.[1] ?? threads) : threads)
              : undefined;
            modelRows.push({
              ...base,
              target: r.label ?? factory.id,
              status: 'ok',
              perTensor: r.perTensor,
              fused: r.fused,
              speedup: r.perTensor.medianMs / r.fused.medianMs,
              fusedGbPerSecond: fusedGb,
              ...(limit ? { fusedRatio: fusedGb / limit.gbPerSecond } : {}),
              ...(r.pytorch ? { pytorch: true } : {}),
              ...(r.notes ? { notes: r.notes } : {}),
            });
            log(`  ${r.label ?? factory.id}: per tensor ${formatMs(r.perTensor.medianMs)}, fused ${formatMs(r.fused.medianMs)}`);
          }
        } catch (e) {
          modelRows.push({ ...base, status: 'error', reason: (e as Error).message });
          log(`  error: ${(e as Error).message}`);
        }
      }
      const torch = modelRows.filter((m) => m.pytorch && m.fused);
      if (torch.length > 0) {
        const ref = Math.min(...torch.map((m) => m.fused!.medianMs));
        for (const m of modelRows) if (m.fused) m.speedupOverPytorch = ref / m.fused.medianMs;
      }
      models.push(...modelRows);
    }
  } finally {
    for (const c of created) await c.target?.close?.().catch(() => {});
  }

  let accuracy: BenchReport['accuracy'] = null;
  if (options.accuracyFile) {
    const a = loadAccuracy(options.accuracyFile);
    if ('entries' in a) accuracy = { source: options.accuracyFile, entries: a.entries };
    else log(`accuracy: ${a.error}`);
  }

  return {
    format: BENCH_FORMAT,
    formatVersion: BENCH_FORMAT_VERSION,
    generatedAt,
    complete: !options.signal?.aborted,
    environment: benchEnvironment(),
    settings: {
      targets: created.map((c) => c.factory.id),
      sizes,
      dtype,
      profile,
      timeMs: options.timeMs,
      models: modelIds,
      repetitions,
    },
    byteModel: BYTE_MODEL,
    variantTraffic: vt,
    roofline,
    ...(pytorchReference.length > 0 ? { pytorchReference } : {}),
    results,
    models,
    accuracy,
  };
}

/** The roofline measured at the size closest (in log scale) to n, for model-shaped steps. */
function nearestRoofline(roofs: readonly Roofline[], n: number): Roofline | undefined {
  let best: Roofline | undefined;
  for (const r of roofs) if (!best || Math.abs(Math.log(r.n / n)) < Math.abs(Math.log(best.n / n))) best = r;
  return best;
}

export { parameterCount };
