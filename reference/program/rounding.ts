// Rounding rules: where an op's result is rounded is stated by the program ('compute', 'storage',
// 'exact'); what that rounding is comes from a rule. A plain dtype computes and stores in itself;
// the variant's computePrecision and flushSubnormals axes make other rules of the same step
// ("compute in float64, store in float32"; x86 DAZ + FTZ), never another step.

import {
  arithmeticFor,
  float32Arithmetic,
  float64Arithmetic,
  isLowPrecision,
  roundTo,
  type Arithmetic,
  type Dtype,
  type LowPrecisionDtype,
} from '../arithmetic.js';
import { opImplementation, type OpImplementationAxes, type RsqrtImpl, type SqrtImpl } from '../op-implementations/index.js';
import type { ComputePrecision } from '../variant.js';
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
   * A stored value as the compute dtype reads it, where that is not the value itself: rounded where
   * compute is narrower than storage (float64 storage computed in float32), flushed where a wider
   * compute dtype converts it under DAZ (a float32 subnormal widened to float64 reads as 0).
   */
  readonly load?: (x: number) => number;
  /**
   * Subnormals are flushed (DAZ + FTZ): every op of `compute` already reads subnormal arguments as
   * zero of the same sign and writes a subnormal result as zero of the same sign; a narrowing store
   * flushes in the storage dtype. neg, copy and loads are moves and keep them (`tf.identity` keeps
   * a subnormal, `x*1` flushes it: suites/recordings/README.md).
   */
  readonly flushSubnormals?: boolean;
  /**
   * Where the result of a framework op that is not stored is rounded: 'compute' (default: a
   * temporary of the kernel) or 'storage' (a tensor of the storage dtype: bfloat16/float16).
   */
  readonly opResults?: 'compute' | 'storage';
  /** sqrt is a framework's algorithm (reference/op-implementations), not the correctly rounded op: `compute.sqrt` computes it. */
  readonly sqrtImpl?: SqrtImpl;
  /** rsqrt is a framework's algorithm, not 1/sqrt: `compute.rsqrt` computes it. */
  readonly rsqrtImpl?: RsqrtImpl;
  /**
   * The arithmetic of the scalar stage where it differs from `compute`: a framework's algorithm for
   * an element op is its elementwise kernel's, not that of its reductions (the global norm's sqrt).
   */
  readonly scalarCompute?: Arithmetic;
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

/** The smallest positive normal number of each dtype: below it a value is subnormal. */
export const MIN_NORMAL: Readonly<Record<string, number>> = {
  float64: 2 ** -1022,
  float32: 2 ** -126,
  bfloat16: 2 ** -126,
  float16: 2 ** -14,
};

/** x, or zero of its sign when x is subnormal in the dtype (NaN and infinities pass). */
export function flushFor(dtype: Dtype): (x: number) => number {
  const min = MIN_NORMAL[dtype];
  // x * 0 is a zero of x's sign for every finite x.
  return (x) => (Math.abs(x) < min ? x * 0 : x);
}

/** The arithmetic of x86 with DAZ and FTZ set: subnormal arguments and results become zeros of their sign. */
export function flushingArithmetic(A: Arithmetic): Arithmetic {
  const z = flushFor(A.dtype);
  return {
    dtype: A.dtype,
    // A host value becoming a tensor is a conversion outside the kernels: it keeps a subnormal (the ops then read it as 0).
    round: (x) => A.round(x),
    add: (a, b) => z(A.add(z(a), z(b))),
    sub: (a, b) => z(A.sub(z(a), z(b))),
    mul: (a, b) => z(A.mul(z(a), z(b))),
    div: (a, b) => z(A.div(z(a), z(b))),
    sqrt: (a) => z(A.sqrt(z(a))),
    rsqrt: (a) => z(A.rsqrt(z(a))),
    fma: (a, b, c) => z(A.fma(z(a), z(b), z(c))),
  };
}

/** The axes of a variant that choose its rounding rule. */
export interface RuleAxes extends OpImplementationAxes {
  readonly computePrecision?: ComputePrecision;
  readonly flushSubnormals?: boolean;
}

/** The rule of a dtype under the variant's computePrecision and flushSubnormals (defaults: the dtype itself, no flushing). */
export function ruleFor(dtype: Dtype, axes: RuleAxes = {}): RoundingRule {
  // bfloat16/float16: PyTorch's opmath rule (compute float32, round each framework op); flushing and
  // another compute precision are not modelled for them (no framework recorded does either).
  if (isLowPrecision(dtype)) return dtype === 'bfloat16' ? BFLOAT16_RULE : FLOAT16_RULE;
  const base = dtype === 'float32' ? FLOAT32_RULE : FLOAT64_RULE;
  const precision = axes.computePrecision ?? 'storage';
  const computeDtype: Dtype = precision === 'storage' ? dtype : precision;
  const flush = axes.flushSubnormals === true;
  const sqrt = opImplementation('sqrt', axes, computeDtype);
  const rsqrt = opImplementation('rsqrt', axes, computeDtype);
  if (computeDtype === dtype && !flush && !sqrt && !rsqrt) return base;
  const plain = arithmeticFor(computeDtype);
  // The framework's algorithms replace the ops before DAZ/FTZ wrap them (they act on argument and result).
  const framework = sqrt || rsqrt ? { ...plain, ...(sqrt ? { sqrt } : {}), ...(rsqrt ? { rsqrt } : {}) } : plain;
  const narrower = computeDtype === 'float32' && dtype === 'float64';
  const widerCompute = computeDtype === 'float64' && dtype === 'float32';
  const flushStored = flushFor(dtype);
  return {
    name: `${dtype}${computeDtype === dtype ? '' : ` computed in ${computeDtype}`}${flush ? ', subnormals flushed' : ''}${sqrt ? `, sqrt ${axes.sqrtImpl}` : ''}${rsqrt ? `, rsqrt ${axes.rsqrtImpl}` : ''}`,
    compute: flush ? flushingArithmetic(framework) : framework,
    // A narrowing store is a conversion op: under FTZ its subnormal result is flushed too.
    storage: widerCompute && flush ? (x) => flushStored(Math.fround(x)) : (x) => base.storage(x),
    storageDtype: dtype,
    ...(narrower ? { load: Math.fround } : widerCompute && flush ? { load: flushStored } : {}),
    ...(flush ? { flushSubnormals: true } : {}),
    ...(sqrt ? { sqrtImpl: axes.sqrtImpl } : {}),
    ...(rsqrt ? { rsqrtImpl: axes.rsqrtImpl } : {}),
    ...(sqrt || rsqrt ? { scalarCompute: flush ? flushingArithmetic(plain) : plain } : {}),
  };
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
