// Ops a framework computes with a known algorithm that is not correctly rounded, as data: which op,
// in which dtypes the algorithm is modelled bit for bit, and where it comes from. A variant names
// the implementation on an axis (sqrtImpl, rsqrtImpl); the rounding rule puts it in place of the op
// in the element stage, so every evaluation of the step (reference, JS kernel) computes what the
// framework computes. Where an op's algorithm is not known, the profile declares an op error
// instead (reference/op-error.ts).

import type { Dtype } from '../arithmetic.js';
import type { SourceCitation } from '../profile.js';
import { mklVmlSqrt32, mklVmlSqrt64 } from './mkl-vml-sqrt.js';
import { xlaCpuRsqrt64 } from './xla-cpu-rsqrt.js';
import { xlaCpuRsqrt32AmdSse } from './xla-cpu-rsqrt32-amd.js';

export const SQRT_IMPLEMENTATIONS = ['correctly-rounded', 'mkl-vml-amd'] as const;
export type SqrtImpl = (typeof SQRT_IMPLEMENTATIONS)[number];
export const RSQRT_IMPLEMENTATIONS = ['one-over-sqrt', 'xla-cpu-amd-avx512', 'xla-cpu-intel-avx512'] as const;
export type RsqrtImpl = (typeof RSQRT_IMPLEMENTATIONS)[number];

/** The ops that may have a framework's algorithm (the program's element op kinds). */
export type ImplementedOp = 'sqrt' | 'rsqrt';

export interface OpImplementation {
  readonly name: string;
  readonly op: ImplementedOp;
  readonly describe: string;
  /** The dtypes it is modelled in, each with its function; other dtypes keep the plain op. */
  readonly dtypes: Partial<Record<Dtype, (x: number) => number>>;
  readonly source: SourceCitation;
}

const XLA_RSQRT_SOURCE: SourceCitation = {
  repo: 'openxla/xla',
  path: 'xla/codegen/intrinsic/rsqrt.cc',
  note: 'Rsqrt::CreateDefinition: the x86 estimate (rsqrt14_pd for F64; rsqrt_ss/ps/ps_256 for F32 up to 8 lanes, rsqrt14_ps at 16), NewtonRaphsonRsqrtIteration with num_steps = (is_amd && !using_avx512) ? 1 : 2; the estimate kept where x < smallest normal or x == inf (also tensorflow/tensorflow third_party/xla/xla/codegen/intrinsic/rsqrt.cc)',
};

/** Every modelled implementation, by the axis value that names it (the plain values have none). */
export const OP_IMPLEMENTATIONS: Readonly<Record<string, OpImplementation>> = {
  'mkl-vml-amd': {
    name: 'mkl-vml-amd',
    op: 'sqrt',
    describe: "MKL VML's vsSqrt/vdSqrt (VML_HA) on AMD CPUs: the generic kernel, RSQRTPS estimate refined without FMA",
    dtypes: { float32: mklVmlSqrt32, float64: mklVmlSqrt64 },
    source: {
      repo: 'pytorch/pytorch',
      path: 'aten/src/ATen/cpu/vml.h',
      note: 'IMPLEMENT_VML_MKL(sqrt, Sqrt): torch.sqrt on x86 wheels calls vsSqrt/vdSqrt; on AMD, MKL (libmkl_vml_def, mkl_vml_kernel_sSqrt_EXHAynn / dSqrt_EXHAynn) runs its generic kernel, read from MKL 2020.4 and checked against it on 25M float32 / 12.6M float64 inputs (reference/op-implementations/mkl-vml-sqrt.ts)',
    },
  },
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

/** The axes that name an op's implementation. */
export interface OpImplementationAxes {
  readonly sqrtImpl?: SqrtImpl;
  readonly rsqrtImpl?: RsqrtImpl;
}

/** The implementation an op has under the axes, where it is modelled in the dtype. */
function modelled(op: ImplementedOp, axes: OpImplementationAxes, dtype: Dtype): OpImplementation | undefined {
  const name = op === 'sqrt' ? axes.sqrtImpl : axes.rsqrtImpl;
  const impl = name === undefined ? undefined : OP_IMPLEMENTATIONS[name];
  return impl?.dtypes[dtype] ? impl : undefined;
}

/** The op a variant's implementation computes in a dtype, or undefined where it is the plain op. */
export function opImplementation(
  op: ImplementedOp,
  axes: OpImplementationAxes,
  dtype: Dtype,
): ((x: number) => number) | undefined {
  return modelled(op, axes, dtype)?.dtypes[dtype];
}

/**
 * Why a kernel whose sqrt and rsqrt are the plain ops cannot run a step, or null. `ops` are the op
 * kinds of the step's element stage in the compute dtype `dtype`; an implementation of an op the
 * step does not use changes nothing.
 */
export function opImplementationUnsupported(
  axes: OpImplementationAxes,
  ops: ReadonlySet<string>,
  dtype: Dtype,
  kernel: string,
): string | null {
  for (const op of ['sqrt', 'rsqrt'] as const) {
    const impl = ops.has(op) ? modelled(op, axes, dtype) : undefined;
    if (impl)
      return `${kernel} computes ${op} as the plain op; ${op}Impl=${impl.name} (${impl.describe}) runs in the reference and the JS kernel only`;
  }
  return null;
}

/** The axes of a kernel whose sqrt and rsqrt are the plain ops: adapters put them in their fixedAxes. */
export const PLAIN_OP_AXES: { readonly sqrtImpl: SqrtImpl; readonly rsqrtImpl: RsqrtImpl } = {
  sqrtImpl: 'correctly-rounded',
  rsqrtImpl: 'one-over-sqrt',
};
