// TensorFlow.js on its natural fast path, for the benchmark: tf.train.rmsprop over variables that
// stay on the backend, with gradient tensors created once and kept there, so a step is
// optimizer.applyGradients and nothing else (the conformance path also uploads a converted
// Float64Array gradient every step). Model-shaped requests hand the optimizer the whole parameter
// list in one applyGradients call, as a training loop does. The adapter (tfjs-adapter.ts) must have
// been probed first: that registers and initialises its backend.

import os from 'node:os';
import type { AdapterBenchRequest, AdapterBenchResult } from '../adapter.js';
import { collectSamplesAsync, pathSampling } from '../bench-sampling.js';
import { loadTf } from './tfjs-adapter.js';

export async function tfjsResidentBench(backend: string, request: AdapterBenchRequest): Promise<AdapterBenchResult[]> {
  const path = 'resident x1';
  if (request.paths && !request.paths.includes(path)) return [];
  if (request.dtype !== 'float32')
    return [
      {
        path,
        describe: 'tfjs',
        threads: 1,
        device: 'cpu',
        samplesMs: [],
        stepsPerSample: 0,
        unavailable: 'tfjs runs float32 only',
      },
    ];
  const tf = await loadTf();
  if (tf.getBackend() !== backend) {
    if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
    await tf.ready();
  }
  const v = request.variant;
  const sizes = request.layout === 'flat' ? [request.tensors.reduce((a, b) => a + b, 0)] : [...request.tensors];
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const vars = sizes.map((n, i) => {
    const init = tf.fill([n], 1, 'float32');
    const x = tf.variable(init, true, `rmsprop-harness/bench/${stamp}/${i}`, 'float32');
    init.dispose();
    return x;
  });
  const grads = sizes.map((n) => tf.fill([n], 0.5, 'float32'));
  const named = Object.fromEntries(vars.map((x, i) => [x.name, grads[i]]));
  const optimizer = tf.train.rmsprop(v.lr, v.decay, v.momentum, v.eps, v.centered);
  try {
    // Synchronous backends (cpu, wasm, tensorflow) finish the kernels inside applyGradients; dataSync on
    // one element at the end of each step would add a read-back, so only the last step of a sample waits.
    const step = async () => {
      optimizer.applyGradients(named);
    };
    const threads = backend === 'tensorflow' ? Math.max(1, os.availableParallelism?.() ?? os.cpus().length) : 1;
    // paired only on the single-threaded CPU backends: a GPU backend is held to the device, and
    // libtensorflow's own thread pool may still be running when the probes beside a sample start
    const paired = backend !== 'webgpu' && threads === 1;
    const { samplesMs, stepsPerSample } = await collectSamplesAsync(step, pathSampling(request, path, threads, paired));
    await vars[0].data();
    return [
      {
        path,
        describe: `tf.train.rmsprop(...).applyGradients on the ${backend} backend, variables and gradients resident on the backend, ${sizes.length} variable${sizes.length === 1 ? '' : 's'}`,
        threads,
        device: backend === 'webgpu' ? 'gpu' : 'cpu',
        samplesMs,
        stepsPerSample,
        kernel: 'tfjs RMSPropOptimizer (one kernel per op)',
        notes: [
          'fast path: no gradient upload or conversion per step (the conformance path converts and uploads one)',
          ...(backend === 'tensorflow' ? ['libtensorflow uses its own intra-op thread pool (every core by default)'] : []),
        ],
      },
    ];
  } finally {
    optimizer.dispose();
    for (const x of vars) x.dispose();
    for (const g of grads) g.dispose();
  }
}
