// When is an implementation's value close enough to the reference's? Per dtype, in ULPs of that
// dtype, with an absolute floor near zero (where ULPs of tiny values are meaningless), plus
// per adapter x case overrides that must say why.

import type { Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';

export interface Tolerance {
  /** Largest accepted distance in ULPs of the dtype. */
  ulps: number;
  /** Differences at or below this absolute value are accepted whatever their ULP distance. */
  absFloor: number;
  /** Whether +0 vs -0 counts as a divergence. */
  signedZero: 'strict' | 'ignore';
  /**
   * The torch.testing.assert_close mode, for approximate implementations (GPU, fast-math, third
   * party): an element is also accepted when |got - expected| <= atol + rtol * |expected|.
   */
  rtol?: number;
  atol?: number;
}

/** torch.testing.assert_close's defaults per dtype (torch/testing/_comparison.py), for overrides that want "what PyTorch users accept". */
export const ASSERT_CLOSE_DEFAULTS: Readonly<Record<Dtype, { rtol: number; atol: number }>> = {
  float32: { rtol: 1.3e-6, atol: 1e-5 },
  float64: { rtol: 1e-7, atol: 1e-7 },
  bfloat16: { rtol: 1.6e-2, atol: 1e-5 },
  float16: { rtol: 1e-3, atol: 1e-5 },
};

/**
 * The reference is evaluated in the adapter's dtype and operation order, so a conforming CPU
 * implementation is expected to be bit-exact; a couple of ULPs absorb library sqrt/rsqrt that are
 * faithfully but not correctly rounded. The floors are a few ULPs of 1e-30-sized values.
 */
export const DEFAULT_TOLERANCES: Readonly<Record<Dtype, Tolerance>> = {
  float32: { ulps: 2, absFloor: 1e-37, signedZero: 'strict' },
  float64: { ulps: 2, absFloor: 1e-300, signedZero: 'strict' },
  // bfloat16 has float32's range; float16's smallest subnormal is 2^-24 (5.96e-8): the floor is two of them.
  bfloat16: { ulps: 2, absFloor: 1e-37, signedZero: 'strict' },
  float16: { ulps: 2, absFloor: 1.2e-7, signedZero: 'strict' },
};

export interface ToleranceOverride {
  /** Adapter id or label pattern ('webgpu', 'tfjs-*'). */
  adapter: string;
  /** Case key pattern ('edge/*', 'problems/xlogx'); default all. */
  case?: string;
  dtype?: Dtype;
  ulps?: number;
  absFloor?: number;
  signedZero?: 'strict' | 'ignore';
  /** Relative tolerance of the assert_close mode (needs a reason like every override). */
  rtol?: number;
  /** Absolute tolerance of the assert_close mode. */
  atol?: number;
  /** Why this adapter needs a different tolerance: required. */
  reason: string;
}

/** Glob with '*' only: the shape used for adapter and case patterns everywhere. */
export function matchesPattern(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

export function validateOverride(o: ToleranceOverride, where: string): void {
  if (typeof o.reason !== 'string' || o.reason.trim().length < 10) {
    throw new InputError(
      `${where}: a tolerance override needs a written reason (at least a sentence), got ${JSON.stringify(o.reason)}`,
    );
  }
  if (o.ulps !== undefined && (!Number.isFinite(o.ulps) || o.ulps < 0))
    throw new InputError(`${where}: ulps must be a number >= 0`);
  if (o.absFloor !== undefined && (!Number.isFinite(o.absFloor) || o.absFloor < 0))
    throw new InputError(`${where}: absFloor must be a number >= 0`);
  if (o.rtol !== undefined && (!Number.isFinite(o.rtol) || o.rtol < 0))
    throw new InputError(`${where}: rtol must be a number >= 0`);
  if (o.atol !== undefined && (!Number.isFinite(o.atol) || o.atol < 0))
    throw new InputError(`${where}: atol must be a number >= 0`);
}

export interface ResolvedTolerance extends Tolerance {
  /** The reasons of the overrides applied, empty for the default. */
  reasons: string[];
}

export function toleranceFor(
  dtype: Dtype,
  adapter: string,
  caseKey: string,
  overrides: readonly ToleranceOverride[],
): ResolvedTolerance {
  const t: ResolvedTolerance = { ...DEFAULT_TOLERANCES[dtype], reasons: [] };
  for (const o of overrides) {
    if (!matchesPattern(o.adapter, adapter)) continue;
    if (o.case !== undefined && !matchesPattern(o.case, caseKey)) continue;
    if (o.dtype !== undefined && o.dtype !== dtype) continue;
    if (o.ulps !== undefined) t.ulps = o.ulps;
    if (o.absFloor !== undefined) t.absFloor = o.absFloor;
    if (o.signedZero !== undefined) t.signedZero = o.signedZero;
    if (o.rtol !== undefined) t.rtol = o.rtol;
    if (o.atol !== undefined) t.atol = o.atol;
    t.reasons.push(o.reason);
  }
  return t;
}
