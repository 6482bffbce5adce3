// ONNX Runtime on its natural fast path, for the benchmark: the same one-step graph the onnxruntime
// adapter runs (rmsprop-graph.ts), but with every tensor allocated once, outputs preallocated and
// bound (session.run(feeds, fetches) writes into them), and two state sets swapped each step so a
// step's outputs are the next step's inputs without a copy. The scalars are fixed 0-d tensors (the
// plain variant's are constant). Paths: 'bound x1' (intraOpNumThreads 1) and 'bound xT' (every core).
// What this leaves out, and the conformance path pays: a new gradient tensor per step, new output
// tensors per step, reading results back.

import os from 'node:os';
import type { AdapterBenchRequest, AdapterBenchResult } from '../adapter.js';
import { arithmeticFor, wideDtype } from '../../reference/arithmetic.js';
import { stepScalars } from '../../reference/step.js';
import { buildRmspropGraph } from './rmsprop-graph.js';
import { collectSamplesAsync, pathSampling } from '../bench-sampling.js';

type Ort = typeof import('onnxruntime-node');
type OrtTensor = import('onnxruntime-node').Tensor;

async function loadOrt(): Promise<Ort> {
  const m = await import('onnxruntime-node');
  return (m as unknown as { default?: Ort }).default ?? m;
}

export async function onnxruntimeBench(
  request: AdapterBenchRequest,
  cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
): Promise<AdapterBenchResult[]> {
  const ort = await loadOrt();
  const { dtype, variant } = request;
  const graph = buildRmspropGraph({ ...variant, fma: [] }, dtype);
  const A = arithmeticFor(dtype);
  const S = stepScalars({ ...variant, fma: [] }, A, 0, new Float64Array(0));
  const sizes = request.layout === 'flat' ? [request.tensors.reduce((a, b) => a + b, 0)] : [...request.tensors];
  const vec = (n: number, x: number): OrtTensor =>
    new ort.Tensor(
      wideDtype(dtype, 'onnxruntime'),
      dtype === 'float32' ? new Float32Array(n).fill(x) : new Float64Array(n).fill(x),
      [n],
    );
  const scalars: Record<string, OrtTensor> = {};
  for (const name of graph.scalars) {
    const value = S[name];
    if (typeof value !== 'number') throw new Error(`onnxruntime bench: scalar ${name} has no value`);
    scalars[name] = new ort.Tensor(
      wideDtype(dtype, 'onnxruntime'),
      dtype === 'float32' ? Float32Array.of(value) : Float64Array.of(value),
      [],
    );
  }
  const out: AdapterBenchResult[] = [];
  for (const threads of cores > 1 ? [1, cores] : [1]) {
    const path = `bound x${threads}`;
    if (request.paths && !request.paths.includes(path)) continue;
    const session = await ort.InferenceSession.create(graph.bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
    try {
      // Per tensor: two state sets (ping-pong) and one gradient, all allocated here, once.
      const tensors = sizes.map((n) => {
        const a = { params: vec(n, 1), v: vec(n, 0.01), m: vec(n, 0), b: vec(n, 0) };
        const b = { params: vec(n, 0), v: vec(n, 0), m: vec(n, 0), b: vec(n, 0) };
        const grad = vec(n, 0.5);
        const bind = (from: typeof a, to: typeof a) => ({
          feeds: { params: from.params, grad, v: from.v, m: from.m, b: from.b, ...scalars },
          fetches: { params_out: to.params, v_out: to.v, m_out: to.m, b_out: to.b },
        });
        return { runs: [bind(a, b), bind(b, a)], flip: 0 };
      });
      const step = async () => {
        for (const t of tensors) {
          const r = t.runs[t.flip];
          await session.run(r.feeds, r.fetches as unknown as Parameters<typeof session.run>[1]);
          t.flip ^= 1;
        }
      };
      const { samplesMs, stepsPerSample } = await collectSamplesAsync(
        step,
        // paired only on one thread: ORT's intra-op threads spin after each run by default, and would share
        // the cores with the probes measured beside the samples
        pathSampling(request, path, threads, threads === 1),
      );
      out.push({
        path,
        describe: `onnxruntime-node session.run with preallocated, bound outputs, state ping-ponged between two tensor sets, intraOpNumThreads ${threads}, ${sizes.length} run${sizes.length === 1 ? '' : 's'} per step`,
        threads,
        device: 'cpu',
        samplesMs,
        stepsPerSample,
        kernel: 'ONNX graph (Mul, Add, Sqrt, Div)',
        notes: ['fast path: no tensor allocated, converted or read back per step (the conformance path does all three)'],
      });
    } finally {
      await session.release();
    }
  }
  return out;
}
