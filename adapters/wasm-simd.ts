// wasm-simd: RMSprop as an AssemblyScript kernel generated from the step program (adapters/wasm/kernel-source.ts),
// f32x4 / f64x2 SIMD with a scalar tail, params and state resident in WASM linear memory across
// steps. Only the incoming gradient is copied in per step. WASM has no deterministic FMA, so the
// adapter fixes fma = [] and otherwise follows the claimed profile's operation order on every axis:
// float32 results are bit-exact against the reference's float32 emulation.

import { HARNESS_VERSION } from '../reference/version.js';
import { arithmeticFor, type Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { resolveVariant } from '../reference/resolve.js';
import { prepareScalars, stepProgram } from '../reference/program/index.js';
import { PLAIN_OP_AXES } from '../reference/op-implementations/index.js';
import { plainOpsUnsupported } from './codegen/op-implementations.js';
import { HYPERPARAMETERS, type Axes } from '../reference/variant.js';
import type { Adapter, AdapterCase, AdapterFactory, AdapterInfo, AdapterOptions, PreparedCase } from './adapter.js';
import { UnsupportedCaseError, unsupportedReason } from './adapter.js';
import { stepFlags, fastKernelFor } from './wasm/flags.js';
import { KernelInstance, layoutArrays } from './wasm/kernels.js';
import { wasmStepBench } from './wasm/bench.js';
import { loadKernelModule } from './wasm/loader.js';
import { simdSupported, threadsSupported } from './wasm/webassembly.js';

// No FMA in WebAssembly SIMD; sqrt and division are the lanes' correctly rounded ops.
export const WASM_FIXED_AXES: Partial<Axes> = { fma: [], ...PLAIN_OP_AXES };
const DTYPES: readonly Dtype[] = ['float32', 'float64'];

export function createWasmSimdAdapter(options: AdapterOptions = {}): Adapter {
  const { profile = 'torch', ...rest } = options;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw new InputError(
      `adapter wasm-simd: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; accepted: profile=NAME`,
    );
  // Validate the profile now: a typo in an adapter spec is a usage error, not a failed cell.
  resolveVariant(profile, 'float32');

  const info: AdapterInfo = {
    id: 'wasm-simd',
    version: HARNESS_VERSION,
    describe: 'AssemblyScript WASM SIMD fused step (f32x4 / f64x2), state in linear memory',
    claims: profile,
    fixedAxes: WASM_FIXED_AXES,
    capabilities: {
      dtypes: DTYPES,
      unsupportedDtypes: {
        bfloat16:
          'the AssemblyScript kernel computes in f32x4/f64x2 lanes and has no 16-bit rounding; WebAssembly has no bfloat16 type, and rounding at the profile op boundaries would need an integer rounding step per op that the kernel generator does not emit',
        float16:
          'the AssemblyScript kernel computes in f32x4/f64x2 lanes and has no 16-bit rounding; WebAssembly has no float16 type, and rounding at the profile op boundaries would need an integer rounding step per op that the kernel generator does not emit',
      },
      devices: ['cpu'],
      hyperparameters: HYPERPARAMETERS.map((h) => h.name),
      configurableAxes: 'all',
      loadState: true,
      readState: true,
    },
  };

  return {
    info,
    async probe() {
      try {
        if (!simdSupported()) return { available: false, reason: 'this WebAssembly engine does not support SIMD (v128)' };
        const loaded = await loadKernelModule('plain');
        const k = await KernelInstance.create();
        return {
          available: true,
          facts: {
            runtime: `node ${process.version}`,
            simd: true,
            threads: threadsSupported(),
            fma: false,
            module: loaded.origin,
            build: loaded.hash,
            memoryPages: k.pages,
            maxMemoryPages: 65536,
            heapBase: k.heapBase,
          },
        };
      } catch (e) {
        return { available: false, reason: `wasm-simd: ${(e as Error).message}` };
      }
    },
    async prepare(c: AdapterCase): Promise<PreparedCase> {
      // The kernel runs the case in its fixed axes (no FMA, plain sqrt and division).
      const variant = { ...c.variant, ...WASM_FIXED_AXES };
      const reason = unsupportedReason(info, c) ?? wasmUnsupportedReason(variant, c.dtype);
      if (reason) throw new UnsupportedCaseError(reason);
      return prepareWasmCase(c.dtype, variant, c.x0);
    },
    // The bench capability: paths 'simd' (one thread) and 'simd-mt' (every core), arrays in place.
    bench: (request) => wasmStepBench({ ...request, variant: { ...request.variant, ...WASM_FIXED_AXES } }),
  };
}

/** What the kernel cannot run, as data: it computes in its lane type (flushSubnormals it emulates). */
export function wasmUnsupportedReason(variant: AdapterCase['variant'], dtype: Dtype): string | null {
  const program = stepProgram(variant, dtype);
  const compute = program.rule.compute.dtype;
  const plain = plainOpsUnsupported(program, 'the WASM kernel');
  if (plain) return plain;
  return compute === dtype
    ? null
    : `the WASM kernel computes in its lane type (${dtype}); computePrecision=${variant.computePrecision} needs ${compute} arithmetic on ${dtype} storage`;
}

/** A case on its own kernel instance: p, g, v, m, b laid out in that instance's memory. */
export async function prepareWasmCase(
  dtype: Dtype,
  variant: AdapterCase['variant'],
  x0: Float64Array,
): Promise<PreparedCase & { kernelFor(grad: Float64Array): string }> {
  const A = arithmeticFor(dtype);
  const program = stepProgram(variant, dtype);
  const n = x0.length;
  let k: KernelInstance | null = await KernelInstance.create();
  const { offsets, end } = layoutArrays(k.heapBase, n, dtype, 5);
  k.ensure(end);
  const [pP, pG, pV, pM, pB] = offsets as [number, number, number, number, number];
  const view = (at: number) => live().view(dtype, at, n);
  const live = () => {
    if (!k) throw new Error('wasm-simd: case used after dispose()');
    return k;
  };
  view(pP).set(x0);
  view(pV).fill(A.round(variant.initialAccumulator));
  view(pM).fill(0);
  view(pB).fill(0);
  let t = 0;
  return {
    kernelFor(grad) {
      const word = stepFlags(variant, prepareScalars(program, t, grad));
      return fastKernelFor(word) ?? 'general';
    },
    async step(grad) {
      const kernel = live();
      if (grad.length !== n) throw new RangeError(`wasm-simd: gradient has ${grad.length} elements, params ${n}`);
      view(pG).set(grad);
      const S = prepareScalars(program, t, grad);
      kernel.step(dtype, offsets, 0, n, stepFlags(variant, S), S);
      t++;
    },
    async read() {
      return {
        params: Float64Array.from(view(pP)),
        state: { v: Float64Array.from(view(pV)), m: Float64Array.from(view(pM)), b: Float64Array.from(view(pB)) },
      };
    },
    async load(params, state) {
      view(pP).set(params);
      view(pV).set(state.v);
      view(pM).set(state.m);
      view(pB).set(state.b);
      t = state.step;
    },
    async dispose() {
      k = null;
      return {};
    },
  };
}

export const wasmSimd: AdapterFactory = {
  id: 'wasm-simd',
  describe: 'AssemblyScript WASM SIMD fused step, float32 and float64 (options: profile=NAME, default torch)',
  inDefaultRun: true,
  create: (options) => createWasmSimdAdapter(options),
};
