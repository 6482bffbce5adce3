// tfjs-webgpu: tf.train.rmsprop on @tensorflow/tfjs-backend-webgpu over Dawn (the `webgpu` package).
// The backend registers itself only if globalThis.navigator.gpu exists when it is imported, so
// adapters/gpu/dawn.ts installs navigator.gpu first (OpenGL ES on Mesa llvmpipe on CPU-only
// machines, its requestAdapter adding featureLevel 'compatibility').
import { InputError } from '../../reference/errors.js';
import type { AdapterFactory, AdapterOptions, EnvironmentFacts } from '../adapter.js';
import { installNavigatorGpu } from '../gpu/dawn.js';
import { tfjsAdapterFactory, type Tf } from './tfjs-adapter.js';

const PACKAGE = '@tensorflow/tfjs-backend-webgpu';

interface WebGpuBackendModule {
  WebGPUBackend: new (device: GPUDevice, adapterInfo?: GPUAdapterInfo) => unknown;
}

let dawnBackend = 'unknown';

/**
 * tfjs-webgpu runs an op on its cpu kernels when every input is still on the CPU and smaller than
 * WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD (1000) elements (flag WEBGPU_CPU_FORWARD, default true): the
 * harness's small cases would then never reach the GPU. The adapter turns it off unless asked
 * (option cpuForward=on gives tfjs's default behaviour).
 */
function cpuForward(options: AdapterOptions): boolean {
  const value = (options.cpuForward ?? 'off').toLowerCase();
  if (['on', 'true', '1'].includes(value)) return true;
  if (['off', 'false', '0'].includes(value)) return false;
  throw new InputError(`adapter tfjs-webgpu: cpuForward must be on or off, got '${options.cpuForward}'`);
}

/** navigator.gpu as installed by installNavigatorGpu (Node has no navigator typings here). */
const gpu = () => (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu;

export const tfjsWebgpuAdapterFactory: AdapterFactory = tfjsAdapterFactory({
  id: 'tfjs-webgpu',
  backend: 'webgpu',
  describe:
    'TensorFlow.js tf.train.rmsprop on the WebGPU backend (@tensorflow/tfjs-backend-webgpu on Dawn; OpenGL ES/llvmpipe without a GPU)',
  packageName: PACKAGE,
  alsoNeeds: ['webgpu'],
  inDefaultRun: true,
  async register(tf: Tf) {
    const nav = await installNavigatorGpu();
    if (!nav.installed) throw new Error(nav.reason);
    dawnBackend = nav.backend;
    let mod: WebGpuBackendModule;
    try {
      mod = await import('@tensorflow/tfjs-backend-webgpu');
    } catch (e) {
      throw new Error(`cannot load ${PACKAGE}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (tf.findBackendFactory('webgpu') === null) {
      // Imported earlier, before navigator.gpu existed: register it the way its base.ts does.
      tf.registerBackend(
        'webgpu',
        async () => {
          const adapter = await gpu().requestAdapter({ powerPreference: 'high-performance' });
          if (!adapter) throw new Error('gpu().requestAdapter() returned null');
          const L = adapter.limits;
          const device = await adapter.requestDevice({
            requiredLimits: {
              maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
              maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension,
              maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
              maxBufferSize: L.maxBufferSize,
              maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
              maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
            },
          });
          return new mod.WebGPUBackend(device, adapter.info) as never;
        },
        3,
      );
    }
  },
  options: ['cpuForward'],
  validate: (options) => void cpuForward(options),
  configure(tf: Tf, options: AdapterOptions) {
    tf.env().set('WEBGPU_CPU_FORWARD', cpuForward(options));
  },
  async facts(tf: Tf, options: AdapterOptions): Promise<EnvironmentFacts> {
    const facts: EnvironmentFacts = {
      dawnBackend,
      cpuForward: tf.env().getBool('WEBGPU_CPU_FORWARD'),
      cpuForwardNote: cpuForward(options)
        ? 'ops on tensors under WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD elements still on the CPU run on tfjs cpu kernels (tfjs default)'
        : 'WEBGPU_CPU_FORWARD=false: every op runs as a WebGPU shader',
    };
    try {
      const adapter = await gpu().requestAdapter();
      if (adapter) {
        const i = adapter.info;
        Object.assign(facts, {
          gpuVendor: i.vendor,
          gpuArchitecture: i.architecture,
          gpuDevice: i.device,
          gpuDescription: i.description,
        });
      }
    } catch (e) {
      facts.gpuInfoError = e instanceof Error ? e.message : String(e);
    }
    return facts;
  },
});
