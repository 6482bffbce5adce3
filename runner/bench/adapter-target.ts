// Bench targets that step through the adapter contract (PreparedCase.step, one Promise per step,
// the gradient handed over as a Float64Array each step): the framework adapters (onnxruntime,
// tfjs-*), whose per-step cost includes converting and uploading the gradient, as a training loop
// that calls them would pay. Sizes above a per-adapter limit are skipped with the reason.

import type { AdapterCase } from '../../adapters/adapter.js';
import { createAdapter, parseAdapterSpec } from '../../adapters/registry.js';
import { resolveVariant } from '../../reference/resolve.js';
import { measureAsync } from './measure.js';
import { variantTraffic } from './traffic.js';
import type { BenchContext, SizeRun, TargetCreation } from './types.js';

export interface AdapterTargetOptions {
  id: string;
  /** Largest size worth timing, and why. */
  maxElements: number;
  limitReason: string;
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

export async function createAdapterTarget(options: AdapterTargetOptions, ctx: BenchContext): Promise<TargetCreation> {
  const adapter = createAdapter(parseAdapterSpec(options.id));
  const availability = await adapter.probe();
  if (!availability.available) {
    await adapter.close?.();
    return { unavailable: availability.reason };
  }
  if (!adapter.info.capabilities.dtypes.includes(ctx.dtype)) {
    await adapter.close?.();
    return { unavailable: `${options.id} does not run ${ctx.dtype}` };
  }
  // The adapter runs its claimed profile (tfjs claims tfjs@4 whatever --profile says), with its fixed axes.
  const profile = adapter.info.claims === 'unknown' ? ctx.profile : adapter.info.claims;
  const resolved = resolveVariant(profile, ctx.dtype, {});
  const variant = { ...resolved.variant, ...(adapter.info.fixedAxes ?? {}) };
  const touched = variantTraffic(variant, ctx.dtype);
  return {
    target: {
      id: options.id,
      adapter: options.id,
      device: adapter.info.capabilities.devices.some((d) => d !== 'cpu') ? 'gpu' : 'cpu',
      threads: 1,
      describe: `${adapter.info.describe} (through PreparedCase.step, ${profile})`,
      skipReason: (n) => (n > options.maxElements ? options.limitReason : null),
      async run(n): Promise<SizeRun> {
        const c: AdapterCase = { key: `bench/${n}`, dtype: ctx.dtype, variant, profile: resolved.profile, native: resolved.native, settings: {}, x0: uniform(n, 1) };
        const prepared = await adapter.prepare(c);
        const grad = uniform(n, 2);
        try {
          const stats = await measureAsync(() => prepared.step(grad), { ...ctx.measure, minSamples: Math.min(ctx.measure.minSamples ?? 10, 5) });
          return { stats, touched, kernel: 'PreparedCase.step', notes: [`one Promise per step; the Float64Array gradient is converted by the adapter each step; profile ${profile}`] };
        } finally {
          await prepared.dispose();
        }
      },
      async close() {
        await adapter.close?.();
      },
    },
  };
}
