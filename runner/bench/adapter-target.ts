// Bench targets that go through an adapter (adapters/adapter.ts), on one of two paths:
//   - its bench capability, when it has one: the implementation times its own step loop on its
//     natural fast path(s) and reports ms per step per sample (external programs through the
//     protocol's bench request, module adapters that export bench(), wasm-simd);
//   - otherwise its conformance path: PreparedCase.step, one Promise per step, the gradient handed
//     over as a Float64Array and converted by the adapter each step (what the conformance run pays),
//     labelled as such.
// Sizes above a per-adapter limit are skipped with the reason.

import type { Adapter, AdapterBenchRequest, AdapterBenchResult, AdapterCase } from '../../adapters/adapter.js';
import { createAdapter, parseAdapterSpec } from '../../adapters/registry.js';
import { resolveVariant } from '../../reference/resolve.js';
import { measureAsync, statsFromSamples } from './measure.js';
import { variantTraffic } from './traffic.js';
import type { BenchContext, MeasureBeside, ModelLayout, ModelRun, SizeRun, TargetCreation } from './types.js';
import type { BesideRound } from './beside-limit.js';
import { ROUND_SAMPLE_MS } from './beside-limit.js';

export interface AdapterTargetOptions {
  /** Adapter spec ('onnxruntime', 'external:command=...', 'module:path=...'). */
  spec: string;
  /** Row id; default: `name` (else the implementation's name, else the spec) plus the path. */
  id?: string;
  name?: string;
  /** Only these bench paths (the wasm-simd targets pick 'simd' or 'simd-mt'). */
  paths?: readonly string[];
  /** 'bench' (default: the capability when present, else the conformance path) or 'conformance' (always PreparedCase.step). */
  path?: 'bench' | 'conformance';
  /** The framework's fast path, when the adapter itself has no bench capability (adapters/onnx/bench.ts, adapters/tfjs/bench.ts). */
  fastPath?: (request: AdapterBenchRequest) => Promise<AdapterBenchResult[]>;
  /** Largest size worth timing, and why. */
  maxElements?: number;
  limitReason?: string;
}

function uniform(n: number, seed: number): Float64Array {
  const a = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = Math.fround((s / 2 ** 32) * 2 - 1);
  }
  return a;
}

/** PyTorch's own optimizer, as the torch client announces itself (the speed-up column's reference). */
function isPytorch(adapter: Adapter, facts: Record<string, unknown>): boolean {
  return facts.implementation === 'torch.optim.RMSprop' || adapter.info.describe.startsWith('torch.optim.RMSprop');
}

export async function createAdapterTarget(options: AdapterTargetOptions, ctx: BenchContext): Promise<TargetCreation> {
  const spec = parseAdapterSpec(options.spec);
  const adapter = createAdapter(spec);
  const availability = await adapter.probe();
  if (!availability.available) {
    await adapter.close?.();
    return { unavailable: availability.reason };
  }
  if (!adapter.info.capabilities.dtypes.includes(ctx.dtype)) {
    await adapter.close?.();
    return { unavailable: `${options.spec} does not run ${ctx.dtype}` };
  }
  // The adapter runs its claimed profile (tfjs claims tfjs@4 whatever --profile says), with its fixed axes.
  const profile = adapter.info.claims === 'unknown' ? ctx.profile : adapter.info.claims;
  const resolved = resolveVariant(profile, ctx.dtype, {});
  const variant = { ...resolved.variant, ...(adapter.info.fixedAxes ?? {}) };
  const touched = variantTraffic(variant, ctx.dtype);
  const facts = availability.facts;
  const name = options.name ?? (typeof facts.implementation === 'string' ? facts.implementation : spec.label);
  const pytorch = isPytorch(adapter, facts);
  const maxElements = options.maxElements ?? Infinity;
  const skipReason = (n: number) => (n > maxElements ? (options.limitReason ?? `sizes above ${maxElements} skipped`) : null);
  const close = async () => {
    await adapter.close?.();
  };
  const device = adapter.info.capabilities.devices.some((d) => d !== 'cpu' && d !== 'external')
    ? ('gpu' as const)
    : ('cpu' as const);

  const benchFn = options.fastPath ?? (typeof adapter.bench === 'function' ? adapter.bench.bind(adapter) : undefined);
  if (options.path !== 'conformance' && benchFn) {
    const bench = benchFn;
    const request = (
      tensors: readonly number[],
      layout: 'tensors' | 'flat',
      triad: boolean,
      rounds?: { measure: MeasureBeside; byPath: Map<string, BesideRound[]> },
    ): AdapterBenchRequest => ({
      dtype: ctx.dtype,
      variant,
      profile: resolved.profile,
      native: resolved.native,
      tensors,
      layout,
      ...(options.paths ? { paths: options.paths } : {}),
      timeMs: ctx.measure.timeMs,
      minSamples: ctx.measure.minSamples ?? 10,
      sampleMs: rounds ? Math.max(ctx.measure.sampleMs ?? 1, ROUND_SAMPLE_MS) : (ctx.measure.sampleMs ?? 1),
      ...(triad ? { triad: true } : {}),
      ...(rounds
        ? {
            beside(path: string, threads: number) {
              const list = rounds.byPath.get(path) ?? [];
              list.push(rounds.measure(threads));
              rounds.byPath.set(path, list);
            },
          }
        : {}),
    });
    const rowId = (r: AdapterBenchResult) => options.id ?? `${name} ${r.path}`;
    const toRun = async (r: AdapterBenchResult): Promise<SizeRun | { unavailable: string; label: string }> => {
      if (r.unavailable || r.samplesMs.length === 0) return { unavailable: r.unavailable ?? 'no samples', label: rowId(r) };
      const stats = await statsFromSamples(r.samplesMs, Math.max(1, r.stepsPerSample));
      return {
        label: rowId(r),
        threads: r.threads,
        describe: r.describe,
        kind: r.kind ?? 'step',
        pytorch: pytorch && (r.kind ?? 'step') === 'step',
        stats,
        touched:
          r.kind === 'triad'
            ? { ...touched, bytesPerElement: r.touchedBytesPerElement ?? 16 }
            : { ...touched, bytesPerElement: r.touchedBytesPerElement ?? touched.bytesPerElement },
        kernel: r.kernel ?? `${r.path} (own step loop)`,
        notes: [`timed by the implementation's own loop (bench capability): ${r.describe}`, ...(r.notes ?? [])],
      };
    };
    return {
      target: {
        id: options.id ?? name,
        adapter: spec.label,
        device,
        threads: 1,
        describe: `${adapter.info.describe} (bench capability: its own step loop)`,
        skipReason,
        async run(n, beside): Promise<SizeRun[]> {
          const byPath = new Map<string, BesideRound[]>();
          const results = await bench(
            request([n], 'flat', ctx.nativeTriad === true, beside ? { measure: beside, byPath } : undefined),
          );
          const runs: SizeRun[] = [];
          for (const r of results) {
            const x = await toRun(r);
            if ('unavailable' in x) throw new Error(`${x.label}: ${x.unavailable}`);
            // paired only when the implementation measured a round before every sample it kept, in order
            const rounds = byPath.get(r.path);
            if (rounds && rounds.length === r.samplesMs.length && (r.kind ?? 'step') === 'step')
              x.beside = { samplesMs: [...r.samplesMs], rounds };
            runs.push(x);
          }
          return runs;
        },
        async runModel(layout: ModelLayout): Promise<ModelRun[]> {
          const perTensor = await bench(request(layout.sizes, 'tensors', false));
          const flat = await bench(request(layout.sizes, 'flat', false));
          const out: ModelRun[] = [];
          for (const p of perTensor) {
            if ((p.kind ?? 'step') !== 'step') continue;
            const f = flat.find((x) => x.path === p.path);
            if (p.unavailable || !f || f.unavailable || p.samplesMs.length === 0 || f.samplesMs.length === 0) {
              if (p.unavailable || f?.unavailable) throw new Error(`${rowId(p)}: ${p.unavailable ?? f?.unavailable}`);
              continue;
            }
            out.push({
              label: rowId(p),
              pytorch,
              perTensor: await statsFromSamples(p.samplesMs, Math.max(1, p.stepsPerSample)),
              fused: await statsFromSamples(f.samplesMs, Math.max(1, f.stepsPerSample)),
              notes: [p.describe, f.describe],
            });
          }
          return out;
        },
        close,
      },
    };
  }

  return {
    target: {
      id: options.id ?? `${name} (conformance path)`,
      adapter: spec.label,
      device,
      threads: 1,
      describe: `${adapter.info.describe} (conformance path: PreparedCase.step, ${profile})`,
      skipReason,
      async run(n): Promise<SizeRun> {
        const c: AdapterCase = {
          key: `bench/${n}`,
          dtype: ctx.dtype,
          variant,
          profile: resolved.profile,
          native: resolved.native,
          settings: {},
          x0: uniform(n, 1),
        };
        const prepared = await adapter.prepare(c);
        const grad = uniform(n, 2);
        try {
          const stats = await measureAsync(() => prepared.step(grad), {
            ...ctx.measure,
            minSamples: Math.min(ctx.measure.minSamples ?? 10, 5),
          });
          return {
            stats,
            touched,
            kernel: 'PreparedCase.step',
            pytorch,
            notes: [
              `conformance path: one Promise per step; the Float64Array gradient is converted by the adapter each step; profile ${profile}`,
            ],
          };
        } finally {
          await prepared.dispose();
        }
      },
      close,
    },
  };
}
