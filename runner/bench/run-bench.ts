// Runs the benchmark: for each size, the triad roofline then every selected target; then the
// model-shaped steps; returns the report (writing it is the caller's business).

import os from 'node:os';
import type { Dtype } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import { resolveVariant } from '../../reference/resolve.js';
import { suggest } from '../../reference/suggest.js';
import { MODELS, parameterCount } from '../../suites/models/index.js';
import { environment } from '../run-conformance.js';
import { loadAccuracy } from './accuracy.js';
import type { MeasureOptions } from './measure.js';
import { modelLayout, modelScale } from './models.js';
import { BENCH_FORMAT, BENCH_FORMAT_VERSION, type BenchReport, type ModelEntry, type ThroughputEntry } from './report.js';
import { measureRoofline, type Roofline } from './roofline.js';
import { BENCH_TARGETS, MODEL_TARGETS } from './targets.js';
import { variantTraffic } from './traffic.js';
import type { BenchContext, BenchTarget, BenchTargetFactory, SizeRun } from './types.js';

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
}

export function benchEnvironment(): BenchReport['environment'] {
  return { ...environment(), freeMemoryGiB: Math.round((os.freemem() / 2 ** 30) * 10) / 10, loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100) };
}

export function selectTargets(ids: readonly string[] | undefined, dtype: Dtype): { factory: BenchTargetFactory; explicit: boolean }[] {
  if (!ids || ids.length === 0) return BENCH_TARGETS.filter((f) => f.inDefault && f.dtypes.includes(dtype)).map((factory) => ({ factory, explicit: false }));
  return ids.map((id) => {
    const factory = BENCH_TARGETS.find((f) => f.id === id);
    if (!factory) {
      const known = BENCH_TARGETS.map((f) => f.id);
      throw new InputError(`unknown bench target '${id}'${suggest(id, known)}; known: ${known.join(', ')}`);
    }
    return { factory, explicit: true };
  });
}

export function validateSizes(sizes: readonly number[]): number[] {
  return sizes.map((s) => {
    if (!Number.isInteger(s) || s < 1 || s > 2 ** 31) throw new InputError(`--sizes: ${s} is not a whole number of elements between 1 and 2^31`);
    return s;
  });
}

/** Fills in the derived numbers of a throughput entry from a run and the roofline at its size. */
export function throughputEntry(base: Omit<ThroughputEntry, 'status'>, run: SizeRun, variantBytes: number, roofline: Roofline | null): ThroughputEntry {
  const { n } = base;
  const seconds = run.stats.medianMs / 1e3;
  const eps = n / seconds;
  const gb = (eps * variantBytes) / 1e9;
  const touchedGb = (eps * run.touched.bytesPerElement) / 1e9;
  const roof = run.gpu ? { probe: 'webgpu-copy', gbPerSecond: run.gpu.copy.gbPerSecond } : roofline ? { probe: roofline.best, gbPerSecond: roofline.gbPerSecond } : undefined;
  return {
    ...base,
    status: 'ok',
    ...(run.kernel ? { kernel: run.kernel } : {}),
    ...(run.notes ? { notes: run.notes } : {}),
    traffic: { variantBytesPerElement: variantBytes, touchedBytesPerElement: run.touched.bytesPerElement, reads: run.touched.reads, writes: run.touched.writes },
    stats: run.stats,
    elementsPerSecond: eps,
    gbPerSecond: gb,
    touchedGbPerSecond: touchedGb,
    ...(roof ? { roofline: roof, ratio: gb / roof.gbPerSecond, touchedRatio: touchedGb / roof.gbPerSecond } : {}),
    ...(run.gpu ? { gpu: run.gpu } : {}),
  };
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const sizes = validateSizes(options.sizes);
  const { dtype, profile } = options;
  const { variant } = resolveVariant(profile, dtype, {});
  const measure: MeasureOptions = { timeMs: options.timeMs, minSamples: options.minSamples ?? 10, sampleMs: options.sampleMs ?? 1 };
  const ctx: BenchContext = { dtype, profile, variant, measure, log };
  const vt = variantTraffic(variant, dtype);
  const modelIds = options.models.map((id) => {
    if (!MODELS.some((m) => m.id === id)) throw new InputError(`unknown model '${id}'${suggest(id, MODELS.map((m) => m.id))}; known: ${MODELS.map((m) => m.id).join(', ')}`);
    return id;
  });
  const selected = selectTargets(options.targets, dtype);
  const generatedAt = new Date().toISOString();
  const results: ThroughputEntry[] = [];
  const roofline: Roofline[] = [];
  const models: ModelEntry[] = [];

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
    const last = created[created.length - 1]!;
    if (last.unavailable) log(`${factory.id}: unavailable: ${last.unavailable}`);
  }

  try {
    for (const n of sizes) {
      if (options.signal?.aborted) break;
      log(`n=${n}: triad roofline`);
      let roof: Roofline | null = null;
      try {
        roof = await measureRoofline(n, dtype, measure);
        roofline.push(roof);
        log(`  roofline ${roof.gbPerSecond.toFixed(1)} GB/s (${roof.best})`);
      } catch (e) {
        log(`  roofline failed: ${(e as Error).message}`);
      }
      for (const { factory, target, unavailable } of created) {
        if (options.signal?.aborted) break;
        const base = { target: factory.id, adapter: factory.adapter, device: target?.device ?? ('cpu' as const), threads: target?.threads ?? 1, n, dtype };
        if (!target) {
          results.push({ ...base, status: 'unavailable', reason: unavailable ?? 'unavailable' });
          continue;
        }
        const skip = target.skipReason(n);
        if (skip) {
          results.push({ ...base, status: 'skip', reason: skip });
          log(`  ${factory.id}: skip: ${skip}`);
          continue;
        }
        try {
          const run = await target.run(n);
          const entry = throughputEntry(base, run, vt.bytesPerElement, roof);
          results.push(entry);
          log(`  ${factory.id}: ${(entry.elementsPerSecond! / 1e9).toFixed(3)} G elem/s, ${entry.gbPerSecond!.toFixed(1)} GB/s${entry.ratio !== undefined ? `, ${(entry.ratio * 100).toFixed(0)}% of ${entry.roofline!.probe}` : ''}`);
        } catch (e) {
          results.push({ ...base, status: 'error', reason: (e as Error).message });
          log(`  ${factory.id}: error: ${(e as Error).message}`);
        }
      }
    }

    for (const id of modelIds) {
      const model = MODELS.find((m) => m.id === id)!;
      for (const { factory, target, unavailable } of created) {
        if (options.signal?.aborted) break;
        if (!MODEL_TARGETS.includes(factory.id)) continue;
        const scale = options.modelScale ?? modelScale(model, dtype, 5);
        const layout = modelLayout(model, scale);
        const parameters = layout.sizes.reduce((a, b) => a + b, 0);
        const base = { model: id, target: factory.id, adapter: factory.adapter, parameters, tensors: layout.sizes.length, scale, paddingElements: layout.total - parameters };
        if (!target || !target.runModel) {
          models.push({ ...base, status: 'unavailable', reason: unavailable ?? `${factory.id} has no model step` });
          continue;
        }
        const skip = target.skipReason(layout.total);
        if (skip) {
          models.push({ ...base, status: 'skip', reason: skip });
          continue;
        }
        log(`model ${id} (${parameters} parameters${scale !== 1 ? `, scale ${scale}` : ''}): ${factory.id}`);
        try {
          const r = await target.runModel(layout);
          const entry: ModelEntry = {
            ...base,
            status: 'ok',
            perTensor: r.perTensor,
            fused: r.fused,
            speedup: r.perTensor.medianMs / r.fused.medianMs,
            fusedGbPerSecond: (layout.total * vt.bytesPerElement) / (r.fused.medianMs / 1e3) / 1e9,
          };
          models.push(entry);
          log(`  per tensor ${r.perTensor.medianMs.toFixed(3)} ms, fused ${r.fused.medianMs.toFixed(3)} ms`);
        } catch (e) {
          models.push({ ...base, status: 'error', reason: (e as Error).message });
          log(`  error: ${(e as Error).message}`);
        }
      }
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
    settings: { targets: created.map((c) => c.factory.id), sizes, dtype, profile, timeMs: options.timeMs, models: modelIds },
    variantTraffic: vt,
    roofline,
    results,
    models,
    accuracy,
  };
}

export { parameterCount };
