// webgpu: RMSprop as one fused WGSL compute dispatch per step, run through Dawn (the `webgpu`
// package): Vulkan on a machine with a discrete GPU, OpenGL ES over Mesa llvmpipe elsewhere. The
// kernel is generated from the claimed profile's float32 step program (reference/program); per-step
// scalars come from the program's scalar stage on the host. Params and state stay on the device.

import { HARNESS_VERSION } from '../reference/version.js';
import { InputError } from '../reference/errors.js';
import { resolveVariant } from '../reference/resolve.js';
import { HYPERPARAMETERS } from '../reference/variant.js';
import { PLAIN_OP_AXES } from '../reference/op-implementations/index.js';
import type { Adapter, AdapterCase, AdapterFactory, AdapterOptions, PreparedCase } from './adapter.js';
import { UnsupportedCaseError, unsupportedReason } from './adapter.js';
import { describeGpu, getGpu } from './gpu/dawn.js';
import { GpuRmsprop, liveGpuBuffers, measureDeviceArithmetic } from './gpu/rmsprop-gpu.js';
import { WORKGROUP_SIZE, wgslUnsupported } from './gpu/rmsprop-wgsl.js';

export {
  benchmarkCopy,
  benchmarkRmspropSteps,
  GpuRmsprop,
  measureDeviceArithmetic,
  type DeviceArithmetic,
  type CopyBenchmarkResult,
  type StepBenchmarkOptions,
  type StepBenchmarkResult,
} from './gpu/rmsprop-gpu.js';
export { describeGpu, getGpu, installNavigatorGpu, releaseGpu } from './gpu/dawn.js';

const KNOWN_OPTIONS = ['profile'];

function makeWebgpuAdapter(options: AdapterOptions): Adapter {
  const unknown = Object.keys(options).filter((k) => !KNOWN_OPTIONS.includes(k));
  if (unknown.length > 0) throw new InputError(`webgpu: unknown option(s) ${unknown.join(', ')}; accepted: profile=NAME`);
  const profile = options.profile ?? 'torch';
  // Validate the profile now: a typo in an adapter spec is a usage error, not a failed cell.
  resolveVariant(profile, 'float32', {});
  const info: Adapter['info'] = {
    id: 'webgpu',
    version: HARNESS_VERSION,
    describe: `WGSL fused RMSprop kernel (one dispatch per step) on Dawn WebGPU, ${profile} float32 operation order`,
    claims: profile,
    capabilities: {
      dtypes: ['float32'],
      unsupportedDtypes: {
        bfloat16: 'WGSL has no bfloat16 type',
        float16:
          "the WGSL kernel is generated in f32; f16 needs the optional 'shader-f16' feature and rounding at the profile op boundaries, which the generator does not emit",
      },
      devices: ['webgpu'],
      hyperparameters: HYPERPARAMETERS.map((h) => h.name).filter((h) => h !== 'clipNorm'),
      configurableAxes: 'all',
      loadState: true,
      readState: true,
    },
    fixedAxes: { ...PLAIN_OP_AXES },
  };

  return {
    info,
    async probe() {
      const gpu = await getGpu();
      if (!gpu.available) return { available: false, reason: gpu.reason };
      const L = gpu.device.limits;
      const arith = await measureDeviceArithmetic(gpu);
      // A device whose fma() rounds twice runs every FMA site unfused, whatever the profile says:
      // declared as a fixed axis so the expected trajectory is computed in the device's own order.
      // sqrt and rsqrt are the device's own, never a CPU framework's algorithm.
      info.fixedAxes = arith.fma === 'unfused' ? { fma: [], ...PLAIN_OP_AXES } : { ...PLAIN_OP_AXES };
      return {
        available: true,
        facts: {
          adapter: describeGpu(gpu.info),
          vendor: gpu.info.vendor,
          architecture: gpu.info.architecture,
          device: gpu.info.device,
          description: gpu.info.description,
          backend: gpu.info.backend,
          featureLevel: gpu.info.featureLevel,
          timestampQuery: gpu.timestampQuery,
          workgroupSize: WORKGROUP_SIZE,
          maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
          maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage,
          maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
          maxBufferSize: L.maxBufferSize,
          arithmetic: 'float32',
          fma: arith.fma,
          multiplyAddContracted: arith.multiplyAddContracted,
          divisionMaxUlp: arith.divisionMaxUlp,
          sqrtMaxUlp: arith.sqrtMaxUlp,
          inverseSqrtMaxUlp: arith.inverseSqrtMaxUlp,
        },
      };
    },
    async prepare(c: AdapterCase): Promise<PreparedCase> {
      // The kernel's sqrt is the device's: the case is computed with the plain ops (fixedAxes).
      const variant = { ...c.variant, ...PLAIN_OP_AXES };
      const reason = unsupportedReason(info, c) ?? wgslUnsupported(variant);
      if (reason) throw new UnsupportedCaseError(reason);
      const gpu = await getGpu();
      if (!gpu.available) throw new Error(`webgpu unavailable: ${gpu.reason}`);
      const run = await GpuRmsprop.create(gpu, variant, c.x0.length);
      run.upload(c.x0);
      return {
        async step(grad) {
          run.step(grad, grad);
        },
        async read() {
          const r = await run.read();
          return {
            params: Float64Array.from(r.params),
            state: { v: Float64Array.from(r.v), m: Float64Array.from(r.m), b: Float64Array.from(r.b) },
          };
        },
        async load(params, state) {
          run.upload(params, state);
        },
        async dispose() {
          const before = liveGpuBuffers();
          run.destroy();
          const after = liveGpuBuffers();
          return before - after === 4 ? {} : { leak: `webgpu: ${after} GPU buffers still live after dispose` };
        },
      };
    },
    async close() {
      // The device is shared by the process (gpu/dawn.ts); it is not destroyed per adapter.
    },
  };
}

export const webgpu: AdapterFactory = {
  id: 'webgpu',
  describe:
    'WGSL fused RMSprop kernel on Dawn WebGPU (Vulkan on a GPU, OpenGL ES on Mesa llvmpipe); options: profile=NAME (default torch)',
  inDefaultRun: true,
  create: (options) => makeWebgpuAdapter(options),
};
