// Predictions for identify: what each candidate profile computes on a probe, and how far an
// observed run is from it (ULPs per element; NaN and infinities must match exactly). Besides the
// variant's axes, three pseudo-axes: the defaults a probe leaves to the implementation (eps, the
// initial accumulator) and the compute precision of float32 storage (computed in float64 and
// rounded to float32 after every step, as a C loop with double temporaries does).

import type { Dtype } from '../../reference/arithmetic.js';
import type { Profile } from '../../reference/profile.js';
import { profileKey } from '../../reference/profile.js';
import { PROFILES } from '../../reference/profiles/index.js';
import { resolveVariant } from '../../reference/resolve.js';
import { initialState, step } from '../../reference/step.js';
import { replaySource, runTrajectory, type Trajectory } from '../../reference/trajectory.js';
import { AXES, FMA_SITES, type Axes, type Variant } from '../../reference/variant.js';
import { ulpDistance } from '../ulp.js';
import type { Observation } from './observe.js';
import type { ProbeInstance } from './probes.js';

export type { Observation } from './observe.js';

/** An axis of the variant, one of the two defaults a probe can leave to the implementation, or the compute precision. */
export type AxisName = keyof Axes | 'eps' | 'initialAccumulator' | 'computeDtype';

/** Pseudo-axes: hyperparameters whose default is the implementation's choice. */
export const DEFAULT_AXES: readonly AxisName[] = ['eps', 'initialAccumulator'];

/** A variant as identify predicts it: the reference's, plus where float32 storage is computed. */
export type PredictedVariant = Variant & { computeDtype?: 'storage' | 'float64' };

export type AxisValue = string | number | boolean | readonly string[];

/** Change one axis from a value to another, in every probe instance where it has that value. */
export interface AxisChange {
  axis: AxisName;
  from: AxisValue;
  to: AxisValue;
}

export interface Candidate {
  /** 'torch@2.1', or 'torch@2.1 with fma=[]' */
  label: string;
  profile: Profile;
  /** Axes applied on top of the profile (the adapter's declared fixed axes), if any. */
  fixedAxes?: Partial<Axes>;
}

export const sameValue = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b)
    ? JSON.stringify([...(a as unknown[])].sort()) === JSON.stringify([...(b as unknown[])].sort())
    : JSON.stringify(a) === JSON.stringify(b);

export function formatAxes(axes: Partial<Record<string, unknown>>): string {
  return Object.entries(axes)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(', ');
}

export function candidatesFor(fixedAxes: Partial<Axes> | undefined): { pure: Candidate[]; withFixed: Candidate[] } {
  const pure = PROFILES.map((p) => ({ label: profileKey(p), profile: p }));
  const hasFixed = fixedAxes && Object.keys(fixedAxes).length > 0;
  const withFixed = hasFixed
    ? PROFILES.map((p) => ({ label: `${profileKey(p)} with ${formatAxes(fixedAxes)}`, profile: p, fixedAxes }))
    : [];
  return { pure, withFixed };
}

/** Whether the probe instance leaves this pseudo-axis to the implementation. */
function leftToImplementation(axis: AxisName, inst: ProbeInstance): boolean {
  if (axis === 'eps') return !Object.keys(inst.settings).some((k) => k.toLowerCase() === 'eps');
  return true;
}

export function axisValue(variant: PredictedVariant, axis: AxisName): AxisValue {
  if (axis === 'computeDtype') return variant.computeDtype ?? 'storage';
  return variant[axis];
}

/** Applies changes to a variant of one probe instance (a change applies where the axis has its 'from' value). */
export function applyChanges(variant: PredictedVariant, inst: ProbeInstance, changes: readonly AxisChange[]): PredictedVariant {
  let out = variant;
  for (const c of changes) {
    if (!sameValue(axisValue(out, c.axis), c.from)) continue;
    if ((DEFAULT_AXES as readonly string[]).includes(c.axis) && !leftToImplementation(c.axis, inst)) continue;
    if (c.axis === 'computeDtype' && inst.dtype !== 'float32') continue; // nothing wider than float64 is modelled
    out = { ...out, [c.axis]: c.to };
  }
  return out;
}

/** The candidate's variant on a probe instance, or the reason the framework refuses the probe's settings. */
export function baseVariant(c: Candidate, inst: ProbeInstance): Variant | { refused: string } {
  try {
    const v = resolveVariant(c.profile, inst.dtype, {}, inst.settings).variant;
    return c.fixedAxes ? { ...v, ...c.fixedAxes } : v;
  } catch (e) {
    return { refused: e instanceof Error ? e.message : String(e) };
  }
}

/** Trajectories, memoised per (variant, instance) within one identification. */
export class Predictor {
  private cache = new Map<string, Trajectory>();
  predict(variant: PredictedVariant, inst: ProbeInstance): Trajectory {
    const key = `${inst.key}|${JSON.stringify(variant)}`;
    let t = this.cache.get(key);
    if (!t) {
      t =
        variant.computeDtype === 'float64' && inst.dtype === 'float32'
          ? float64ComputeTrajectory(variant, inst)
          : runTrajectory(variant, inst.dtype, inst.x0, inst.grads.length, replaySource(inst.grads));
      this.cache.set(key, t);
    }
    return t;
  }
}

/** float32 storage, float64 arithmetic: each step in float64 from the stored values, then stored as float32. */
function float64ComputeTrajectory(variant: Variant, inst: ProbeInstance): Trajectory {
  const f32 = (x: Float64Array) => Float64Array.from(x, Math.fround);
  let params = f32(inst.x0);
  let state = initialState(variant, 'float32', params.length);
  const points: Trajectory['points'] = [];
  for (const grad of inst.grads) {
    const next = step(variant, 'float64', state, params, grad);
    params = f32(next.params);
    state = { step: next.state.step, v: f32(next.state.v), m: f32(next.state.m), b: f32(next.state.b) };
    points.push({ grad, params, state });
  }
  return { dtype: 'float32', x0: f32(inst.x0), points };
}

export interface Difference {
  step: number;
  quantity: 'p' | 'v' | 'm' | 'b';
  index: number;
  observed: number;
  predicted: number;
  ulp: number;
}

export interface Comparison {
  agree: boolean;
  /** Largest distance over every compared value (Infinity where a NaN or infinity is not matched). */
  maxUlp: number;
  /** Values beyond the tolerance. */
  mismatches: number;
  /** First value beyond the tolerance (step order, then p, v, m, b, then element). */
  first?: Difference;
  /** The framework refuses the probe's settings (Caffe with momentum): counts as a disagreement. */
  refused?: string;
}

/** Compares an observation with a prediction: params always; v where read; m when centered; b with momentum. */
export function compare(obs: Observation, variant: Variant, predicted: Trajectory, dtype: Dtype, tolUlps: number): Comparison {
  let maxUlp = 0;
  let mismatches = 0;
  let first: Difference | undefined;
  const check = (
    step: number,
    quantity: Difference['quantity'],
    observed: ArrayLike<number> | undefined,
    want: ArrayLike<number>,
  ) => {
    if (!observed) return;
    for (let i = 0; i < want.length; i++) {
      const o = observed[i];
      const p = want[i];
      const ulp = ulpDistance(o, p, dtype);
      if (ulp > maxUlp) maxUlp = ulp;
      if (ulp > tolUlps) {
        mismatches++;
        first ??= { step, quantity, index: i, observed: o, predicted: p, ulp };
      }
    }
  };
  const steps = Math.min(obs.params.length, predicted.points.length);
  for (let t = 0; t < steps; t++) {
    const point = predicted.points[t];
    check(t + 1, 'p', obs.params[t], point.params);
    const state = obs.state[t];
    if (!state) continue;
    check(t + 1, 'v', state.v, point.state.v);
    if (variant.centered) check(t + 1, 'm', state.m, point.state.m);
    if (variant.momentum !== 0) check(t + 1, 'b', state.b, point.state.b);
  }
  return { agree: mismatches === 0, maxUlp, mismatches, ...(first ? { first } : {}) };
}

/** Alternative values to try for an axis (every value the axis takes, every list some profile uses). */
export function alternativesFor(axis: AxisName, dtype: Dtype): AxisValue[] {
  if (axis === 'eps') {
    const values = new Set<number>([0]);
    for (const p of PROFILES) {
      try {
        values.add(resolveVariant(p, dtype).variant.eps);
      } catch {
        // not resolvable without settings: skip
      }
    }
    return [...values];
  }
  if (axis === 'initialAccumulator') return [0, 1, 0.001];
  if (axis === 'computeDtype') return dtype === 'float32' ? ['storage', 'float64'] : ['storage'];
  const info = AXES.find((a) => a.name === axis)!;
  if (info.values === 'boolean') return [true, false];
  if (info.values !== 'list') return [...info.values];
  const lists: (readonly string[])[] = [[]];
  if (axis === 'fma') lists.push([...FMA_SITES]);
  for (const p of PROFILES) {
    const own = p.axes[axis as 'fma' | 'float32Hyperparameters'];
    if (own) lists.push(own);
  }
  const out: (readonly string[])[] = [];
  for (const l of lists) if (!out.some((o) => sameValue(o, l))) out.push(l);
  return out;
}

export const ALL_AXES: readonly AxisName[] = [...AXES.map((a) => a.name), ...DEFAULT_AXES, 'computeDtype'];
