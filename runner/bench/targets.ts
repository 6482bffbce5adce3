// The bench target registry: one entry per benchmarkable implementation. A new target is a factory
// here; the runner reads nothing else.

import { createAdapterTarget } from './adapter-target.js';
import { memorySkip } from './cpu-targets.js';
import { tsStepBench } from '../../adapters/native/bench.js';
import { createWebgpuTarget } from './gpu-target.js';
import { PLAIN_MEMORY_LIMIT, SHARED_MEMORY_LIMIT } from '../../adapters/wasm/bench.js';
import os from 'node:os';
import type { Dtype } from '../../reference/arithmetic.js';
import { elementBytes } from './traffic.js';
import type { BenchTargetFactory } from './types.js';
import { onnxruntimeBench } from '../../adapters/onnx/bench.js';
import { tfjsResidentBench } from '../../adapters/tfjs/bench.js';

/** The largest size the wasm32 memory of a build holds (5 arrays), and the machine's memory. */
function wasmLimit(dtype: Dtype, build: 'plain' | 'shared'): { maxElements: number; limitReason: string } {
  const bytes = build === 'plain' ? PLAIN_MEMORY_LIMIT : SHARED_MEMORY_LIMIT;
  const fit = Math.floor((bytes - 2 ** 20) / 5 / elementBytes(dtype));
  const memory = memorySkip(fit, dtype, 5);
  return {
    maxElements: fit,
    limitReason:
      memory ??
      `5 arrays above ${fit} ${dtype} elements exceed the ${build === 'plain' ? "wasm32 build's 4 GiB" : `threads build's ${bytes / 2 ** 30} GiB`} linear memory`,
  };
}

/** Five typed arrays must fit in 70% of this machine's memory. */
function tsLimit(dtype: Dtype): { maxElements: number; limitReason: string } {
  const fit = Math.floor((os.totalmem() * 0.7) / 5 / elementBytes(dtype));
  return { maxElements: fit, limitReason: memorySkip(fit + 1, dtype, 5) ?? "over 70% of this machine's memory" };
}

/** The shipped Python clients (clients/python/), programs over the external protocol like any other: unavailable, with the reason, where python3 or the framework is missing. */
const PYTORCH_CLIENT = 'external:command=/usr/bin/python3 clients/python/torch_rmsprop.py';
const NUMPY_CLIENT = 'external:command=/usr/bin/python3 clients/python/numpy_rmsprop.py';

/** Rows of a fast path are named '<adapter> <path>' ('onnxruntime bound x2'), beside the conformance path's '<adapter>'. */
const rowIds = (adapter: string) => ({ name: adapter });

export const BENCH_TARGETS: readonly BenchTargetFactory[] = [
  {
    id: 'ts-f32',
    adapter: 'ts-f32',
    describe: 'TypeScript fused loop over Float32Array (compileFusedStep)',
    dtypes: ['float32'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        { spec: `ts-f32:profile=${ctx.profile}`, id: 'ts-f32', fastPath: async (r) => tsStepBench(r), ...tsLimit('float32') },
        ctx,
      ),
  },
  {
    id: 'ts-f32-nofma',
    adapter: 'ts-f32:fma=off',
    describe: 'the same fused loop with every FMA site unfused (fma=off), the operation order wasm-simd runs',
    dtypes: ['float32'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        {
          spec: `ts-f32:profile=${ctx.profile},fma=off`,
          id: 'ts-f32-nofma',
          fastPath: async (r) => tsStepBench({ ...r, variant: { ...r.variant, fma: [] } }),
          ...tsLimit('float32'),
        },
        ctx,
      ),
  },
  {
    id: 'ts-f64',
    adapter: 'ts-f64',
    describe: 'TypeScript fused loop over Float64Array (compileFusedStep)',
    dtypes: ['float64'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        { spec: `ts-f64:profile=${ctx.profile}`, id: 'ts-f64', fastPath: async (r) => tsStepBench(r), ...tsLimit('float64') },
        ctx,
      ),
  },
  {
    id: 'wasm-simd',
    adapter: 'wasm-simd',
    describe: "WASM SIMD kernel, one thread, arrays in linear memory (the wasm-simd adapter's bench capability)",
    dtypes: ['float32', 'float64'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        { spec: `wasm-simd:profile=${ctx.profile}`, id: 'wasm-simd', paths: ['simd'], ...wasmLimit(ctx.dtype, 'plain') },
        ctx,
      ),
  },
  {
    id: 'wasm-simd-mt',
    adapter: 'wasm-simd',
    describe:
      "WASM SIMD kernel on every core over one shared memory: the caller plus warm workers (the wasm-simd adapter's bench capability)",
    dtypes: ['float32', 'float64'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        { spec: `wasm-simd:profile=${ctx.profile}`, id: 'wasm-simd-mt', paths: ['simd-mt'], ...wasmLimit(ctx.dtype, 'shared') },
        ctx,
      ),
    noModelStep:
      'the pool splits one flat range over its threads: a per-tensor step would put a join per tensor in the measurement (wasm-simd times the model per tensor and fused on one thread)',
  },
  {
    id: 'webgpu',
    adapter: 'webgpu',
    describe: 'WGSL fused step on Dawn WebGPU, device-side timing, copy-kernel roofline',
    dtypes: ['float32'],
    inDefault: true,
    create: (ctx) => createWebgpuTarget(ctx),
  },
  {
    id: 'onnxruntime',
    adapter: 'onnxruntime',
    describe: 'onnxruntime-node session per step, through the adapter (conformance path)',
    dtypes: ['float32', 'float64'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        {
          spec: 'onnxruntime',
          id: 'onnxruntime',
          path: 'conformance',
          maxElements: 1e7,
          limitReason: 'onnxruntime through the adapter: sizes above 1e7 skipped to bound run time',
        },
        ctx,
      ),
  },
  {
    id: 'onnxruntime-bound',
    adapter: 'onnxruntime',
    describe: 'onnxruntime-node fast path: preallocated, bound outputs, state ping-ponged, 1 and every intra-op thread',
    dtypes: ['float32', 'float64'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget({ spec: 'onnxruntime', fastPath: (r) => onnxruntimeBench(r), ...rowIds('onnxruntime') }, ctx),
  },
  {
    id: 'tfjs-wasm-resident',
    adapter: 'tfjs-wasm',
    describe: 'tfjs WASM backend fast path: tf.train.rmsprop over variables and gradients kept on the backend',
    dtypes: ['float32'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget({ spec: 'tfjs-wasm', fastPath: (r) => tfjsResidentBench('wasm', r), ...rowIds('tfjs-wasm') }, ctx),
  },
  {
    id: 'tfjs-node-resident',
    adapter: 'tfjs-node',
    describe: 'tfjs-node fast path: tf.train.rmsprop over variables and gradients kept in libtensorflow',
    dtypes: ['float32'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        { spec: 'tfjs-node', fastPath: (r) => tfjsResidentBench('tensorflow', r), ...rowIds('tfjs-node') },
        ctx,
      ),
  },
  {
    id: 'tfjs-cpu-resident',
    adapter: 'tfjs-cpu',
    describe: 'tfjs CPU backend fast path: tf.train.rmsprop over variables and gradients kept on the backend',
    dtypes: ['float32'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        {
          spec: 'tfjs-cpu',
          fastPath: (r) => tfjsResidentBench('cpu', r),
          maxElements: 1e6,
          limitReason: 'tfjs-cpu (plain JS, a tensor per op): sizes above 1e6 skipped to bound run time',
          ...rowIds('tfjs-cpu'),
        },
        ctx,
      ),
  },
  {
    id: 'tfjs-wasm',
    adapter: 'tfjs-wasm',
    describe: 'tfjs WASM backend, through the adapter',
    dtypes: ['float32'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        {
          spec: 'tfjs-wasm',
          id: 'tfjs-wasm',
          path: 'conformance',
          maxElements: 1e7,
          limitReason: 'tfjs-wasm (~5 ms per 1M step): sizes above 1e7 skipped to bound run time',
        },
        ctx,
      ),
  },
  {
    id: 'tfjs-cpu',
    adapter: 'tfjs-cpu',
    describe: 'tfjs CPU backend (plain JS, a tensor per op), through the adapter',
    dtypes: ['float32'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        {
          spec: 'tfjs-cpu',
          id: 'tfjs-cpu',
          path: 'conformance',
          maxElements: 1e6,
          limitReason: 'tfjs-cpu allocates a tensor per op (~155 ms per 1M step): sizes above 1e6 skipped to bound run time',
        },
        ctx,
      ),
  },
  {
    id: 'tfjs-webgpu',
    adapter: 'tfjs-webgpu',
    describe: 'tfjs WebGPU backend on Dawn, through the adapter (readback-free steps)',
    dtypes: ['float32'],
    inDefault: false,
    create: (ctx) =>
      createAdapterTarget(
        {
          spec: 'tfjs-webgpu',
          id: 'tfjs-webgpu',
          path: 'conformance',
          maxElements: 1e6,
          limitReason: 'tfjs-webgpu on llvmpipe: sizes above 1e6 skipped to bound run time',
        },
        ctx,
      ),
  },
  {
    id: 'tfjs-node',
    adapter: 'tfjs-node',
    describe: 'tfjs-node (libtensorflow), through the adapter',
    dtypes: ['float32'],
    inDefault: true,
    create: (ctx) =>
      createAdapterTarget(
        {
          spec: 'tfjs-node',
          id: 'tfjs-node',
          path: 'conformance',
          maxElements: 1e7,
          limitReason: 'tfjs-node: sizes above 1e7 skipped to bound run time',
        },
        ctx,
      ),
  },
  {
    id: 'pytorch',
    adapter: 'external (clients/python/torch_rmsprop.py)',
    describe:
      "PyTorch's own torch.optim.RMSprop step (for-loop and foreach, 1 thread and every core) and torch.add triad, timed by the shipped client in its own loop",
    dtypes: ['float32', 'float64'],
    inDefault: true,
    create: (ctx) => createAdapterTarget({ spec: PYTORCH_CLIENT }, ctx),
  },
  {
    id: 'numpy',
    adapter: 'external (clients/python/numpy_rmsprop.py)',
    describe: 'the NumPy tutorial RMSprop, timed by the shipped client in its own loop',
    dtypes: ['float32', 'float64'],
    inDefault: true,
    create: (ctx) => createAdapterTarget({ spec: NUMPY_CLIENT }, ctx),
  },
];

export const MODEL_TARGETS = [
  'ts-f32',
  'ts-f32-nofma',
  'ts-f64',
  'wasm-simd',
  'onnxruntime-bound',
  'tfjs-wasm-resident',
  'tfjs-node-resident',
];
