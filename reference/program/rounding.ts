// Rounding rules: where an op's result is rounded is stated by the program ('compute', 'storage',
// 'exact'); what that rounding is comes from a rule. float64 and float32 exist today; bfloat16 or
// float16 storage, or "compute in float64, store in float32", are new rules here, not a new step.

import {
  float32Arithmetic,
  float64Arithmetic,
  isLowPrecision,
  roundTo,
  type Arithmetic,
  type Dtype,
  type LowPrecisionDtype,
} from '../arithmetic.js';
import type { ElementOp } from './ops.js';

export interface RoundingRule {
  readonly name: string;
  /** Arithmetic of 'compute' ops: each op rounded once into the compute dtype, fma rounded once. */
  readonly compute: Arithmetic;
  /** Rounding of a value written into a named vector (params, gradient, state). */
  storage(x: number): number;
  /** The dtype tensors are stored in (what an adapter's typed arrays hold). */
  readonly storageDtype: Dtype;
  /**
   * Where the result of a framework op that is not stored is rounded: 'compute' (default: a
   * temporary of the kernel) or 'storage' (a tensor of the storage dtype: bfloat16/float16).
   */
  readonly opResults?: 'compute' | 'storage';
}

export const FLOAT64_RULE: RoundingRule = {
  name: 'float64',
  compute: float64Arithmetic,
  storage: (x) => x,
  storageDtype: 'float64',
};
export const FLOAT32_RULE: RoundingRule = {
  name: 'float32',
  compute: float32Arithmetic,
  storage: Math.fround,
  storageDtype: 'float32',
};

/** The rule of a plain dtype: compute and storage in it. */
export function ruleFor(dtype: Dtype): RoundingRule {
  if (isLowPrecision(dtype)) return dtype === 'bfloat16' ? BFLOAT16_RULE : FLOAT16_RULE;
  return dtype === 'float32' ? FLOAT32_RULE : FLOAT64_RULE;
}

// ---- bfloat16 and float16 (low precision) -------------------------------------------------------

/**
 * A 16-bit storage dtype computed the way PyTorch's CPU kernels (and Eigen's bfloat16/half operators)
 * do it: every op evaluates in float32 ("opmath", at::opmath_type) from the stored values and its
 * result is a tensor of the storage dtype, so it is rounded to it once, at the end of the framework
 * op (`opResults: 'storage'`). Which program ops form one framework op, and how scalars enter, is
 * the variant's (applyOpBoundaries).
 */
export function lowPrecisionRule(dtype: LowPrecisionDtype): RoundingRule {
  return { name: dtype, compute: float32Arithmetic, storage: roundTo(dtype), storageDtype: dtype, opResults: 'storage' };
}

export const BFLOAT16_RULE = lowPrecisionRule('bfloat16');
export const FLOAT16_RULE = lowPrecisionRule('float16');

/** What a variant says about its framework's op boundaries in low precision (variant axes). */
export interface OpBoundaryAxes {
  /** Framework ops computed as one kernel: their intermediates stay in the compute precision (PyTorch addcmul, addcdiv, lerp). */
  readonly fusedOps?: readonly string[];
  /** Tensor-scalar ops (by element kind) whose Python scalar is rounded to the tensor dtype before use. */
  readonly dtypeScalarOps?: readonly string[];
  /** FMA sites computed in the storage dtype's own arithmetic: scalar rounded, every op rounded, never contracted. */
  readonly dtypeArithmeticSites?: readonly string[];
  /** FMA sites whose scalar is rounded to the storage dtype first, contracted or not. */
  readonly dtypeScalarSites?: readonly string[];
}

/** Whether an op belongs to a framework op the variant computes as one kernel. */
function insideFusedOp(op: ElementOp, variant: OpBoundaryAxes): boolean {
  return op.fused !== undefined && (variant.fusedOps ?? []).includes(op.fused.op);
}

/**
 * Places the rounding at the framework's op boundaries, for a rule whose op results are tensors of
 * the storage dtype: an op inside a fused framework op keeps the compute precision unless it ends
 * it; every other op rounds to the storage dtype. A scalar read by a tensor-scalar op the variant
 * lists (or by a dtype-arithmetic site) is first rounded to the storage dtype, as a copy the
 * generators see. Under any other rule each op is returned as it is. Returns the placer, called
 * once per op in program order (it remembers which scalars it has rounded).
 */
export function opBoundaryPlacer(variant: OpBoundaryAxes, rule: RoundingRule): (o: ElementOp) => ElementOp[] {
  if (rule.opResults !== 'storage') return (o) => [o];
  const rounded = new Set<string>();
  return (o) => {
    const out: ElementOp[] = [];
    const inside = insideFusedOp(o, variant);
    const roundsScalar =
      !inside &&
      ((variant.dtypeScalarOps ?? []).includes(o.kind) ||
        (o.site !== undefined &&
          [...(variant.dtypeArithmeticSites ?? []), ...(variant.dtypeScalarSites ?? [])].includes(o.site)));
    const args = o.args.map((a) => {
      if (!roundsScalar || !('scalar' in a) || a.scalar === 'one') return a;
      const temp = `${a.scalar}In${rule.storageDtype}`;
      if (!rounded.has(temp)) {
        rounded.add(temp);
        out.push({ kind: 'copy', out: { temp }, args: [a], rounding: 'storage' });
      }
      return { temp };
    });
    const ends = !inside || o.fused?.last === true;
    const rounding = o.rounding === 'compute' && ends ? 'storage' : o.rounding;
    out.push({ ...o, args, rounding });
    return out;
  };
}

/** The FMA sites a variant contracts under a rule: none of its dtype-arithmetic sites in low precision. */
export function contractedSites(fma: readonly string[], variant: OpBoundaryAxes, rule: RoundingRule): string[] {
  if (rule.opResults !== 'storage') return [...fma];
  return fma.filter((s) => !(variant.dtypeArithmeticSites ?? []).includes(s));
}
