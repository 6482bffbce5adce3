// Ops a framework computes with a known algorithm that is not correctly rounded, as data: which op,
// in which dtypes the algorithm is modelled bit for bit, and where it comes from. A variant names
// the implementation on an axis (rsqrtImpl); the rounding rule puts it in place of the op, so every
// evaluation of the step (reference, JS kernel) computes what the framework computes. Where an op's
// algorithm is not known, the profile declares an op error instead (reference/op-error.ts).

import type { Dtype } from '../arithmetic.js';
import type { SourceCitation } from '../profile.js';
import { xlaCpuRsqrt64 } from './xla-cpu-rsqrt.js';

export const RSQRT_IMPLEMENTATIONS = ['one-over-sqrt', 'xla-cpu-avx512'] as const;
export type RsqrtImpl = (typeof RSQRT_IMPLEMENTATIONS)[number];

export interface OpImplementation {
  readonly name: string;
  readonly op: 'rsqrt';
  readonly describe: string;
  /** The dtypes it is modelled in, each with its function; other dtypes keep the correctly rounded op. */
  readonly dtypes: Partial<Record<Dtype, (x: number) => number>>;
  readonly source: SourceCitation;
}

export const OP_IMPLEMENTATIONS: Readonly<Record<Exclude<RsqrtImpl, 'one-over-sqrt'>, OpImplementation>> = {
  'xla-cpu-avx512': {
    name: 'xla-cpu-avx512',
    op: 'rsqrt',
    describe: "XLA CPU's rsqrt intrinsic on AVX-512: VRSQRT14 estimate + 2 Newton-Raphson steps with FMA (float64)",
    dtypes: { float64: xlaCpuRsqrt64 },
    source: {
      repo: 'tensorflow/tensorflow',
      path: 'third_party/xla/xla/codegen/intrinsic/rsqrt.cc',
      note: 'Rsqrt::CreateDefinition: x86_avx512_rsqrt14_pd estimate for F64, NewtonRaphsonRsqrtIteration num_steps = 2; estimate kept where x < smallest normal or x == inf',
    },
  },
};

/** The rsqrt a variant's implementation computes in a dtype, or undefined where it is the plain 1/sqrt. */
export function rsqrtImplementation(name: RsqrtImpl | undefined, dtype: Dtype): ((x: number) => number) | undefined {
  if (name === undefined || name === 'one-over-sqrt') return undefined;
  return OP_IMPLEMENTATIONS[name].dtypes[dtype];
}

/** Why a kernel that computes rsqrt as 1/sqrt cannot run a variant in a dtype, or null (the framework's rsqrt is not its op there). */
export function rsqrtImplUnsupported(
  variant: { readonly scaleForm: string; readonly rsqrtImpl: RsqrtImpl },
  dtype: Dtype,
  kernel: string,
): string | null {
  if (variant.scaleForm !== 'rsqrt' || !rsqrtImplementation(variant.rsqrtImpl, dtype)) return null;
  const impl = OP_IMPLEMENTATIONS[variant.rsqrtImpl as Exclude<RsqrtImpl, 'one-over-sqrt'>];
  return `${kernel} computes rsqrt as 1/sqrt; rsqrtImpl=${impl.name} (${impl.describe}) runs in the reference and the JS kernel only`;
}
