// The webgpu bench target: the WGSL fused step timed on the device with no readback
// (adapters/gpu benchmarkRmspropSteps), its roofline the device copy kernel at the same size
// (benchmarkCopy), and the host <-> device transfers a training loop pays around it timed apart.

import { benchmarkCopy, benchmarkRmspropSteps, describeGpu, getGpu, GpuRmsprop } from '../../adapters/webgpu.js';
import { wgslUnsupported } from '../../adapters/gpu/rmsprop-wgsl.js';
import { fillUniform } from '../../adapters/native/bench.js';
import { statsFromSamples, type Stats } from './measure.js';
import { variantTraffic } from './traffic.js';
import type { BenchContext, GpuPhases, SizeRun, TargetCreation } from './types.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

/** Batch and repeat counts so a batch lasts ~sampleMs and the repeats fit the time budget. */
function plan(msPerUnit: number, ctx: BenchContext, maxBatch: number): { batch: number; repeats: number } {
  const sampleMs = Math.max(ctx.measure.sampleMs ?? 1, 5);
  const batch = Math.max(1, Math.min(maxBatch, Math.ceil(sampleMs / Math.max(msPerUnit, 1e-3))));
  const repeats = Math.max(5, Math.min(60, Math.floor(ctx.measure.timeMs / Math.max(batch * msPerUnit, 1e-3))));
  return { batch, repeats };
}

export async function createWebgpuTarget(ctx: BenchContext): Promise<TargetCreation> {
  if (ctx.dtype !== 'float32') return { unavailable: `webgpu runs float32 only (asked for ${ctx.dtype})` };
  const unsupported = wgslUnsupported(ctx.variant);
  if (unsupported) return { unavailable: unsupported };
  const gpu = await getGpu();
  if (!gpu.available) return { unavailable: gpu.reason };
  const device = describeGpu(gpu.info);
  const maxBinding = gpu.device.limits.maxStorageBufferBindingSize;
  const touched = variantTraffic(ctx.variant, 'float32');
  const stateSlots = touched.reads.length - 2;
  return {
    target: {
      id: 'webgpu',
      adapter: 'webgpu',
      device: 'gpu',
      threads: 1,
      describe: `WGSL fused step on ${device}; compute timed on the device without readback`,
      skipReason: (n) =>
        4 * n * stateSlots > maxBinding
          ? `${n} elements x ${stateSlots} state slots exceed this device's ${maxBinding}-byte storage binding limit`
          : null,
      async run(n): Promise<SizeRun> {
        // Compute: batches of K dispatches, one submit each.
        const probe = await benchmarkRmspropSteps({ n, steps: 1, repeats: 2, profile: ctx.profile });
        const p = plan(probe.msPerStep, ctx, 256);
        const steps = await benchmarkRmspropSteps({ n, steps: p.batch, repeats: p.repeats, profile: ctx.profile });
        const stats: Stats = await statsFromSamples(
          steps.samplesMs.map((ms) => ms / p.batch),
          p.batch,
        );
        // Roofline: the device copy kernel at this size.
        const copyProbe = await benchmarkCopy({ n, copies: 1, repeats: 2 });
        const c = plan(copyProbe.medianMs, ctx, 256);
        const copy = await benchmarkCopy({ n, copies: c.batch, repeats: c.repeats });
        const copyStats = await statsFromSamples(
          copy.samplesMs.map((ms) => ms / c.batch),
          c.batch,
        );
        // Transfers.
        const run = await GpuRmsprop.create(gpu, ctx.variant, n);
        const params = new Float32Array(n);
        fillUniform(params, 1);
        const grad = new Float32Array(n);
        fillUniform(grad, 2);
        const upload: number[] = [];
        const gradient: number[] = [];
        const readback: number[] = [];
        try {
          for (let r = 0; r < 5; r++) {
            let t0 = performance.now();
            run.upload(params);
            await gpu.device.queue.onSubmittedWorkDone();
            upload.push(performance.now() - t0);
            t0 = performance.now();
            run.uploadGradient(grad);
            await gpu.device.queue.onSubmittedWorkDone();
            gradient.push(performance.now() - t0);
            t0 = performance.now();
            await run.read();
            readback.push(performance.now() - t0);
          }
        } finally {
          run.destroy();
        }
        const gpuPhases: GpuPhases = {
          uploadMs: median(upload),
          gradientUploadMs: median(gradient),
          computeMs: stats.medianMs,
          readbackMs: median(readback),
          timing: steps.method,
          copy: { stats: copyStats, gbPerSecond: (8 * n) / (copyStats.medianMs / 1e3) / 1e9, bytesPerElement: 8 },
          device,
        };
        return {
          stats,
          touched,
          kernel: 'wgsl',
          gpu: gpuPhases,
          notes: [
            `compute: ${p.batch} dispatches per submit, ${steps.method} timing; upload = params + state, readback = params + state`,
          ],
        };
      },
    },
  };
}
