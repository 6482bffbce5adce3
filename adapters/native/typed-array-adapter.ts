// ts-f64 and ts-f32: RMSprop as one fused loop per step over Float64Array / Float32Array,
// configurable on every axis. ts-f32 follows the claimed profile's float32 operation order, so it
// can match the reference's emulation bit for bit; both are the speed baseline for other adapters.
// ts-bf16 and ts-f16: the same loop over a Float32Array holding bfloat16/float16 values (Node 20 has
// no Float16Array), computing in float32 and rounding at the profile's op boundaries.

import { HARNESS_VERSION } from '../../reference/version.js';
import { allocate, arithmeticFor, type Dtype } from '../../reference/arithmetic.js';

const ARRAY_NAME: Record<Dtype, string> = {
  float64: 'Float64Array',
  float32: 'Float32Array',
  bfloat16: 'bfloat16 in a Float32Array,',
  float16: 'float16 in a Float32Array,',
};
import { resolveVariant } from '../../reference/resolve.js';
import { prepareScalars, stepProgram } from '../../reference/program/index.js';
import { HYPERPARAMETERS } from '../../reference/variant.js';
import type { Adapter, AdapterCase, AdapterFactory, AdapterOptions, PreparedCase } from '../adapter.js';
import { UnsupportedCaseError, unsupportedReason } from '../adapter.js';
import { compileProgramStep, type Vector } from './kernel-codegen.js';

function makeTypedArrayAdapter(id: string, dtype: Dtype, options: AdapterOptions): Adapter {
  const { profile = 'torch', ...implementationOverrides } = options;
  const overridden = Object.keys(implementationOverrides).length > 0;
  const info: Adapter['info'] = {
    id,
    version: HARNESS_VERSION,
    describe: `${ARRAY_NAME[dtype]} fused loop${overridden ? ` with ${JSON.stringify(implementationOverrides)} on top of ${profile}` : ''}`,
    claims: profile,
    capabilities: {
      dtypes: [dtype],
      devices: ['cpu'],
      hyperparameters: HYPERPARAMETERS.map((h) => h.name),
      configurableAxes: 'all',
      loadState: true,
      readState: true,
    },
  };
  // Validate the options now: a typo in an adapter spec is a usage error, not a failed cell.
  resolveVariant(profile, dtype, implementationOverrides);

  return {
    info,
    async probe() {
      return { available: true, facts: { runtime: `node ${process.version}`, arithmetic: dtype } };
    },
    async prepare(c: AdapterCase): Promise<PreparedCase> {
      const reason = unsupportedReason(info, c);
      if (reason) throw new UnsupportedCaseError(reason);
      // Options other than profile change what the implementation does, not what it claims.
      const variant = overridden
        ? resolveVariant(c.profile, c.dtype, { ...c.settings, ...implementationOverrides }).variant
        : c.variant;
      const A = arithmeticFor(dtype);
      const make = (n: number): Vector => allocate(dtype, n);
      const n = c.x0.length;
      const p = make(n);
      p.set(c.x0);
      const v = make(n).fill(A.round(variant.initialAccumulator));
      const m = make(n);
      const b = make(n);
      const g = make(n);
      const program = stepProgram(variant, dtype);
      const fused = compileProgramStep(program);
      let t = 0;
      return {
        async step(grad) {
          g.set(grad);
          fused(p, g, v, m, b, prepareScalars(program, t, grad));
          t++;
        },
        async read() {
          return {
            params: Float64Array.from(p),
            state: { v: Float64Array.from(v), m: Float64Array.from(m), b: Float64Array.from(b) },
          };
        },
        async load(params, state) {
          p.set(params);
          v.set(state.v);
          m.set(state.m);
          b.set(state.b);
          t = state.step;
        },
        async dispose() {
          return {};
        },
      };
    },
  };
}

export const tsF64: AdapterFactory = {
  id: 'ts-f64',
  describe: 'TypeScript Float64Array fused loop (options: profile=NAME, and any axis or hyperparameter to deviate from it)',
  inDefaultRun: true,
  create: (options) => makeTypedArrayAdapter('ts-f64', 'float64', options),
};

export const tsF32: AdapterFactory = {
  id: 'ts-f32',
  describe: "TypeScript Float32Array fused loop in the profile's float32 operation order (options as ts-f64)",
  inDefaultRun: true,
  create: (options) => makeTypedArrayAdapter('ts-f32', 'float32', options),
};

export const tsBf16: AdapterFactory = {
  id: 'ts-bf16',
  describe:
    "TypeScript fused loop over bfloat16 values in a Float32Array, float32 arithmetic rounded at the profile's op boundaries (options as ts-f64; profiles that describe bfloat16: torch)",
  inDefaultRun: true,
  create: (options) => makeTypedArrayAdapter('ts-bf16', 'bfloat16', options),
};

export const tsF16: AdapterFactory = {
  id: 'ts-f16',
  describe:
    "TypeScript fused loop over float16 values in a Float32Array, float32 arithmetic rounded at the profile's op boundaries (options as ts-f64; profiles that describe float16: torch@2.1)",
  inDefaultRun: true,
  create: (options) => makeTypedArrayAdapter('ts-f16', 'float16', options),
};
