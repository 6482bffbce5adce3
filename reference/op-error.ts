// Ops a framework build does not round correctly, declared with the bound that was measured. The
// reference computes every op correctly rounded; a declaration says the framework's result of that
// op may be any value within `ulps` units in the last place of the correctly rounded one (in the
// op's dtype), and nothing more. A dtype with no measured bound gets no declaration: a bound is
// never claimed where none was measured.
//
// The comparison (reference/op-error-step.ts) re-anchors each step on the framework's recorded state
// and enumerates every result the declared ops can take, so a framework run is "exact up to the
// declared op error" only when every step lands exactly on one of them.

import type { Dtype } from './arithmetic.js';
import type { SourceCitation } from './profile.js';
import { ruleFor, type RoundingRule, type RuleAxes } from './program/rounding.js';

/** Element ops a build may compute inexactly (the program's op kinds). */
export type InexactOp = 'sqrt' | 'rsqrt';

export interface OpErrorDeclaration {
  /** Short name, e.g. 'mkl-vml-sqrt'. */
  name: string;
  op: InexactOp;
  /** Largest distance from the correctly rounded result, in ULPs of the op's dtype, per measured dtype. */
  ulps: Partial<Record<Dtype, number>>;
  /** Which builds do this. */
  builds: string;
  /** What was measured, where. */
  measured: string;
  source: SourceCitation;
}

/**
 * PyTorch's CPU wheels (x86, built with MKL) compute sqrt with MKL VML (vsSqrt/vdSqrt): not
 * correctly rounded. Measured on torch 2.13.0+cpu, AVX-512 (suites/recordings/probes_output.md §1):
 * float32 5049/30000 results 1 ulp off, float64 368/30000, never more than 1 ulp. A build without
 * MKL (Debian's python3-torch, ARM) rounds correctly and simply comes out bit-exact. On AMD the
 * algorithm itself is modelled (sqrtImpl=mkl-vml-amd, reference/op-implementations/mkl-vml-sqrt.ts),
 * and this declaration applies only where it is not (sqrtImpl=correctly-rounded).
 */
export const MKL_VML_SQRT: OpErrorDeclaration = {
  name: 'mkl-vml-sqrt',
  op: 'sqrt',
  ulps: { float32: 1, float64: 1 },
  builds: 'PyTorch CPU builds with MKL (x86 wheels): torch.sqrt through MKL VML',
  measured: 'torch 2.13.0+cpu, AVX-512: float32 16.8% and float64 1.2% of 30000 inputs 1 ulp off, none more',
  source: {
    repo: 'pytorch/pytorch',
    path: 'aten/src/ATen/cpu/vml.h',
    note: 'IMPLEMENT_VML_MKL(sqrt, Sqrt): vml::vsqrt calls vsSqrt/vdSqrt when AT_MKL_ENABLED()',
  },
};

/**
 * jax.lax.rsqrt on XLA's CPU backend is a hardware estimate refined by two Newton steps, not
 * correctly rounded. Measured on jax 0.10.2 (probes_output.md §2): float32 3960/20000 results 1 ulp
 * off, float64 3036/20000, never more than 1 ulp. float64 is modelled exactly (the profile's
 * rsqrtImpl, reference/op-implementations/xla-cpu-rsqrt.ts), so only float32 is declared here.
 */
export const XLA_CPU_RSQRT: OpErrorDeclaration = {
  name: 'xla-cpu-rsqrt',
  op: 'rsqrt',
  ulps: { float32: 1 },
  builds: 'JAX/XLA on CPU: jax.lax.rsqrt (float32: RSQRTPS estimate + 2 Newton steps)',
  measured: 'jax 0.10.2 (jit, CPU): float32 19.8% of 20000 inputs 1 ulp off, none more (float64 15.2%, modelled exactly)',
  source: {
    repo: 'google-deepmind/optax',
    path: 'optax/_src/transform.py',
    note: 'scale_by_rms / scale_by_stddev: updates * jax.lax.rsqrt(nu + eps) (eps_in_sqrt=True)',
  },
};

/**
 * The declarations that still apply to a variant in a dtype: an op the variant computes by the
 * framework's own algorithm there (rsqrtImpl, reference/op-implementations) is exact, not bounded.
 */
export function opErrorsInEffect(
  declarations: readonly OpErrorDeclaration[] | undefined,
  variant: RuleAxes,
  dtype: Dtype,
): readonly OpErrorDeclaration[] | undefined {
  return unmodelled(declarations, ruleFor(dtype, variant));
}

/** The declarations whose op a rule does not compute by the framework's own algorithm. */
export function unmodelled(
  declarations: readonly OpErrorDeclaration[] | undefined,
  rule: Pick<RoundingRule, 'sqrtImpl' | 'rsqrtImpl'>,
): readonly OpErrorDeclaration[] | undefined {
  return declarations?.filter((d) => !(d.op === 'sqrt' ? rule.sqrtImpl : rule.rsqrtImpl));
}

/** The declarations that hold in a dtype (those with a measured bound there), as op -> ulps. */
export function opErrorBounds(declarations: readonly OpErrorDeclaration[] | undefined, dtype: Dtype): Map<InexactOp, number> {
  const bounds = new Map<InexactOp, number>();
  for (const d of declarations ?? []) {
    const ulps = d.ulps[dtype];
    if (ulps !== undefined && ulps > 0) bounds.set(d.op, Math.max(ulps, bounds.get(d.op) ?? 0));
  }
  return bounds;
}

/** "torch.sqrt ... <= 1 ulp" for reports: the declarations that apply in a dtype. */
export function describeOpErrors(declarations: readonly OpErrorDeclaration[] | undefined, dtype: Dtype): string {
  return (declarations ?? [])
    .filter((d) => d.ulps[dtype] !== undefined)
    .map((d) => `${d.op} within ${d.ulps[dtype]} ulp (${d.name})`)
    .join(', ');
}
