// Rounding rules: where an op's result is rounded is stated by the program ('compute', 'storage',
// 'exact'); what that rounding is comes from a rule. float64 and float32 exist today; bfloat16 or
// float16 storage, or "compute in float64, store in float32", are new rules here, not a new step.

import { float32Arithmetic, float64Arithmetic, type Arithmetic, type Dtype } from '../arithmetic.js';

export interface RoundingRule {
  readonly name: string;
  /** Arithmetic of 'compute' ops: each op rounded once into the compute dtype, fma rounded once. */
  readonly compute: Arithmetic;
  /** Rounding of a value written into a named vector (params, gradient, state). */
  storage(x: number): number;
  /** The dtype tensors are stored in (what an adapter's typed arrays hold). */
  readonly storageDtype: Dtype;
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
  return dtype === 'float32' ? FLOAT32_RULE : FLOAT64_RULE;
}
