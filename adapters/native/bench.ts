// The TypeScript fused loop (compileFusedStep) on its fast path, for the benchmark: big typed arrays
// stepped in place, one call per tensor per step, no copies and no Promise per step.

import type { AdapterBenchRequest, AdapterBenchResult } from '../adapter.js';
import { arithmeticFor } from '../../reference/arithmetic.js';
import { stepScalars } from '../../reference/step.js';
import { collectSamples, pathSampling } from '../bench-sampling.js';
import { compileFusedStep, type Vector } from './kernel-codegen.js';

/** Deterministic uniform values in [-1, 1) (an LCG: the benchmark needs data, not randomness). */
export function fillUniform(a: Vector, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s / 2 ** 32) * 2 - 1;
  }
}

export function tsStepBench(request: AdapterBenchRequest): AdapterBenchResult[] {
  const { dtype, variant } = request;
  const fused = compileFusedStep(variant, dtype);
  const A = arithmeticFor(dtype);
  const total = request.tensors.reduce((a, b) => a + b, 0);
  const make = (): Vector => (dtype === 'float32' ? new Float32Array(total) : new Float64Array(total));
  const p = make();
  const g = make();
  const v = make();
  const m = make();
  const b = make();
  fillUniform(p, 1);
  fillUniform(g, 2);
  v.fill(A.round(variant.initialAccumulator) || 0.01);
  const S = stepScalars(variant, A, 0, variant.clipNorm === null ? new Float64Array(0) : Float64Array.from(g));
  const views: (readonly [Vector, Vector, Vector, Vector, Vector])[] = [];
  if (request.layout === 'flat' || request.tensors.length === 1) views.push([p, g, v, m, b]);
  else {
    let at = 0;
    for (const size of request.tensors) {
      views.push([
        p.subarray(at, at + size),
        g.subarray(at, at + size),
        v.subarray(at, at + size),
        m.subarray(at, at + size),
        b.subarray(at, at + size),
      ]);
      at += size;
    }
  }
  const { samplesMs, stepsPerSample } = collectSamples(
    {
      sample(batch) {
        const t0 = performance.now();
        for (let r = 0; r < batch; r++) for (const [vp, vg, vv, vm, vb] of views) fused(vp, vg, vv, vm, vb, S);
        return performance.now() - t0;
      },
    },
    pathSampling(request, 'loop', 1),
  );
  const fma = variant.fma.length > 0;
  return [
    {
      path: 'loop',
      describe: `adapters/native compileFusedStep over ${dtype === 'float32' ? 'Float32Array' : 'Float64Array'}, ${views.length} call${views.length === 1 ? '' : 's'} per step, FMA sites ${fma ? `${variant.fma.join(', ')} (software-emulated correctly rounded fma, the bit-exact path)` : 'none (every multiply-add unfused, as the wasm-simd kernel)'}`,
      threads: 1,
      device: 'cpu',
      samplesMs,
      stepsPerSample,
      kernel: fma ? 'compileFusedStep+fma' : 'compileFusedStep',
      notes: [
        'compileFusedStep loads and stores p, g, v, m and b for every variant (36 B/element in float32), whatever the variant uses',
      ],
    },
  ];
}
