// Ops a framework computes with a known algorithm that is not correctly rounded, as data: which op,
// in which dtypes the algorithm is modelled bit for bit, and where it comes from. A variant names
// the implementation on an axis (rsqrtImpl); the rounding rule puts it in place of the op, so every
// evaluation of the step (reference, JS kernel) computes what the framework computes. Where an op's
// algorithm is not known, the profile declares an op error instead (reference/op-error.ts).

import type { Dtype } from '../arithmetic.js';
import type { SourceCitation } from '../profile.js';
import { xlaCpuRsqrt64 } from './xla-cpu-rsqrt.js';
import { xlaCpuRsqrt32AmdSse } from './xla-cpu-rsqrt32-amd.js';

export const RSQRT_IMPLEMENTATIONS = ['one-over-sqrt', 'xla-cpu-amd-avx512', 'xla-cpu-intel-avx512'] as const;
export type RsqrtImpl = (typeof RSQRT_IMPLEMENTATIONS)[number];

export interface OpImplementation {
  readonly name: string;
  readonly op: 'rsqrt';
  readonly describe: string;
  /** The dtypes it is modelled in, each with its function; other dtypes keep the correctly rounded op. */
  readonly dtypes: Partial<Record<Dtype, (x: number) => number>>;
  readonly source: SourceCitation;
}

const XLA_RSQRT_SOURCE: SourceCitation = {
  repo: 'openxla/xla',
  path: 'xla/codegen/intrinsic/rsqrt.cc',
  note: 'Rsqrt::CreateDefinition: the x86 estimate (rsqrt14_pd for F64; rsqrt_ss/ps/ps_256 for F32 up to 8 lanes, rsqrt14_ps at 16), NewtonRaphsonRsqrtIteration with num_steps = (is_amd && !using_avx512) ? 1 : 2; the estimate kept where x < smallest normal or x == inf (also tensorflow/tensorflow third_party/xla/xla/codegen/intrinsic/rsqrt.cc)',
};

export const OP_IMPLEMENTATIONS: Readonly<Record<Exclude<RsqrtImpl, 'one-over-sqrt'>, OpImplementation>> = {
  'xla-cpu-amd-avx512': {
    name: 'xla-cpu-amd-avx512',
    op: 'rsqrt',
    describe: "XLA CPU's rsqrt intrinsic on AMD Zen 4: float64 VRSQRT14 + 2 Newton steps, float32 RSQRTPS + 1 Newton step, FMA",
    dtypes: { float64: xlaCpuRsqrt64, float32: xlaCpuRsqrt32AmdSse },
    source: XLA_RSQRT_SOURCE,
  },
  'xla-cpu-intel-avx512': {
    name: 'xla-cpu-intel-avx512',
    op: 'rsqrt',
    describe:
      "XLA CPU's rsqrt intrinsic on Intel AVX-512: float64 VRSQRT14 + 2 Newton steps, FMA (float32: Intel's RSQRTPS, not modelled)",
    dtypes: { float64: xlaCpuRsqrt64 },
    source: XLA_RSQRT_SOURCE,
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
