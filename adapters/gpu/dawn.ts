// One shared WebGPU (Dawn, `webgpu` package) instance and device for the process.
//
// On CPU-only machines Dawn runs on its OpenGL ES backend over Mesa llvmpipe (EGL surfaceless,
// 'compatibility' feature level: workgroup size <= 128, few storage buffers per stage). On machines
// with a discrete GPU (an NVIDIA device node, or RMSPROP_HARNESS_GPU_BACKEND=vulkan) the default
// backend (Vulkan) is tried first, falling back to OpenGL ES. Nothing here throws: failures come back
// as an 'unavailable' reason that says how to fix the machine.

import { existsSync } from 'node:fs';

import { missingPeersReason } from '../optional-peers.js';

export type DawnBackend = 'opengles' | 'vulkan';

export interface GpuInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Backend Dawn was created with. */
  backend: DawnBackend;
  /** The feature level the adapter was requested with. */
  featureLevel: 'core' | 'compatibility';
}

export interface GpuHandle {
  available: true;
  gpu: GPU;
  adapter: GPUAdapter;
  device: GPUDevice;
  info: GpuInfo;
  /** Whether the shared device was created with 'timestamp-query'. */
  timestampQuery: boolean;
}

export type GpuResult = GpuHandle | { available: false; reason: string };

const SETUP_HINT =
  'run `npx rmsprop-harness setup` (in a checkout: `bash scripts/setup-system.sh`; installs libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri for Mesa llvmpipe)';

/** Which backend to try first: vulkan only where a discrete GPU is detected or asked for. */
export function preferredBackends(): DawnBackend[] {
  const asked = (process.env.RMSPROP_HARNESS_GPU_BACKEND ?? '').toLowerCase();
  if (asked === 'opengles' || asked === 'gl' || asked === 'gles') return ['opengles'];
  if (asked === 'vulkan') return ['vulkan', 'opengles'];
  if (existsSync('/dev/nvidia0') || existsSync('/dev/nvidiactl') || existsSync('/dev/dri/renderD128-nvidia'))
    return ['vulkan', 'opengles'];
  return ['opengles'];
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: object;
}

let modulePromise: Promise<DawnModule | { error: string }> | undefined;

function loadDawn(): Promise<DawnModule | { error: string }> {
  // EGL_PLATFORM must be set before Dawn loads libEGL: with no display server Mesa needs 'surfaceless'.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  const missing = missingPeersReason(['webgpu']);
  if (missing) return Promise.resolve({ error: missing });
  modulePromise ??= import('webgpu').then(
    (m) => m as unknown as DawnModule,
    (e: unknown) => ({
      error: `cannot load the 'webgpu' package (Dawn node bindings): ${e instanceof Error ? e.message : String(e)}`,
    }),
  );
  return modulePromise;
}

const gpuInstances = new Map<DawnBackend, GPU>();

function instanceFor(dawn: DawnModule, backend: DawnBackend): GPU {
  let gpu = gpuInstances.get(backend);
  if (!gpu) {
    gpu = dawn.create(backend === 'opengles' ? ['backend=opengles'] : []);
    gpuInstances.set(backend, gpu);
  }
  return gpu;
}

function featureLevelFor(backend: DawnBackend): 'core' | 'compatibility' {
  return backend === 'opengles' ? 'compatibility' : 'core';
}

function libEglPresent(): boolean {
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'];
  return dirs.some((d) => existsSync(`${d}/libEGL.so.1`));
}

/** The `GPU` object (navigator.gpu) for the chosen backend, and that backend; or why there is none. */
async function chooseInstance(): Promise<{ gpu: GPU; backend: DawnBackend; adapter: GPUAdapter } | { reason: string }> {
  const dawn = await loadDawn();
  if ('error' in dawn) return { reason: dawn.error };
  const tried: string[] = [];
  for (const backend of preferredBackends()) {
    try {
      const gpu = instanceFor(dawn, backend);
      const options: GPURequestAdapterOptions = { featureLevel: featureLevelFor(backend) };
      if (backend === 'vulkan') options.powerPreference = 'high-performance';
      const adapter = await gpu.requestAdapter(options);
      if (adapter) return { gpu, backend, adapter };
      tried.push(`${backend}: no adapter`);
    } catch (e) {
      tried.push(`${backend}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const egl = libEglPresent() ? '' : ' (libEGL.so.1 not found)';
  return { reason: `no WebGPU adapter from Dawn [${tried.join('; ')}]${egl}: ${SETUP_HINT}` };
}

let devicePromise: Promise<GpuResult> | undefined;

/**
 * The process-wide adapter and device (created once, on first call). Never throws. The device gets
 * the adapter's maximum storage-buffer sizes and 'timestamp-query' where the adapter has it.
 */
export function getGpu(): Promise<GpuResult> {
  devicePromise ??= (async (): Promise<GpuResult> => {
    try {
      const chosen = await chooseInstance();
      if ('reason' in chosen) return { available: false, reason: chosen.reason };
      const { gpu, backend, adapter } = chosen;
      const timestampQuery = adapter.features.has('timestamp-query');
      const L = adapter.limits;
      const device = await adapter.requestDevice({
        requiredFeatures: timestampQuery ? ['timestamp-query'] : [],
        requiredLimits: {
          maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
          maxBufferSize: L.maxBufferSize,
          maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage,
          maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
          maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension,
        },
      });
      device.lost.then(
        (lost) => {
          // A lost device cannot be reused: the next getGpu() creates a fresh one.
          if (lost.reason !== 'destroyed') process.emitWarning(`WebGPU device lost: ${lost.message}`);
          devicePromise = undefined;
        },
        () => undefined,
      );
      const i = adapter.info;
      return {
        available: true,
        gpu,
        adapter,
        device,
        timestampQuery,
        info: {
          vendor: i.vendor,
          architecture: i.architecture,
          device: i.device,
          description: i.description,
          backend,
          featureLevel: featureLevelFor(backend),
        },
      };
    } catch (e) {
      return {
        available: false,
        reason: `WebGPU device creation failed: ${e instanceof Error ? e.message : String(e)}; ${SETUP_HINT}`,
      };
    }
  })();
  return devicePromise;
}

/** One line describing the device: 'llvmpipe-... (OpenGL ES 3.2 Mesa 22.3.6) via opengles'. */
export function describeGpu(info: GpuInfo): string {
  const name = [info.vendor, info.architecture, info.device].filter((s) => s !== '').join(' ') || 'unknown device';
  return `${name} (${info.description}) via ${info.backend}`;
}

/** Destroys the shared device (the GPU instance stays for a later getGpu()). */
export async function releaseGpu(): Promise<void> {
  const p = devicePromise;
  devicePromise = undefined;
  if (!p) return;
  const r = await p;
  if (r.available) r.device.destroy();
}

let installed: Promise<{ installed: true; backend: DawnBackend } | { installed: false; reason: string }> | undefined;

/**
 * Installs `globalThis.navigator.gpu` (and the WebGPU globals: GPUBufferUsage, GPUMapMode, ...) for
 * libraries that look for them at import time (@tensorflow/tfjs-backend-webgpu). The installed
 * `requestAdapter` adds the feature level the backend needs ('compatibility' on OpenGL ES), so callers
 * that ask for a plain adapter get one on llvmpipe. Call (and await) before importing such a library.
 * Each requestAdapter() returns a fresh adapter from the shared instance, so the library gets its own
 * device. Never throws.
 */
export function installNavigatorGpu(): Promise<{ installed: true; backend: DawnBackend } | { installed: false; reason: string }> {
  installed ??= (async () => {
    const dawn = await loadDawn();
    if ('error' in dawn) return { installed: false as const, reason: dawn.error };
    const chosen = await chooseInstance();
    if ('reason' in chosen) return { installed: false as const, reason: chosen.reason };
    const { gpu, backend } = chosen;
    const g = globalThis as Record<string, unknown>;
    for (const [k, v] of Object.entries(dawn.globals)) if (!(k in g)) g[k] = v;
    const level = featureLevelFor(backend);
    const wrapped = Object.create(gpu) as GPU;
    Object.defineProperty(wrapped, 'requestAdapter', {
      value: (options?: GPURequestAdapterOptions) => gpu.requestAdapter({ ...options, featureLevel: level }),
    });
    Object.defineProperty(wrapped, 'getPreferredCanvasFormat', { value: () => 'rgba8unorm' as GPUTextureFormat });
    Object.defineProperty(wrapped, 'wgslLanguageFeatures', { get: () => gpu.wgslLanguageFeatures });
    const nav = (g.navigator ?? {}) as Record<string, unknown>;
    Object.defineProperty(nav, 'gpu', { value: wrapped, configurable: true, enumerable: true, writable: true });
    if (g.navigator === undefined) {
      Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true, enumerable: true, writable: true });
    }
    return { installed: true as const, backend };
  })().catch((e: unknown) => ({
    installed: false as const,
    reason: `installing navigator.gpu failed: ${e instanceof Error ? e.message : String(e)}`,
  }));
  return installed;
}
