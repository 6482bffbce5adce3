// Predictions for identify: what each candidate profile computes on a probe, and how far an
// observed run is from it (ULPs per element; NaN and infinities must match exactly).

import type { OptimizerStateView } from '../../adapters/adapter.js';
import type { Dtype } from '../../reference/arithmetic.js';
import type { Profile } from '../../reference/profile.js';
import { profileKey } from '../../reference/profile.js';
import { PROFILES } from '../../reference/profiles/index.js';
import { resolveVariant } from '../../reference/resolve.js';
import { replaySource, runTrajectory, type Trajectory } from '../../reference/trajectory.js';
import { AXES, FMA_SITES, type Axes, type Variant } from '../../reference/variant.js';
import { ulpDistance } from '../ulp.js';
import type { ProbeInstance } from './probes.js';

/** An axis of the variant, or one of the two defaults a probe can leave to the implementation. */
export type AxisName = keyof Axes | 'eps' | 'initialAccumulator';

/** Pseudo-axes: hyperparameters whose default is the implementation's choice. */
export const DEFAULT_AXES: readonly AxisName[] = ['eps', 'initialAccumulator'];

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
  Array.isArray(a) && Array.isArray(b) ? JSON.stringify([...a].sort()) === JSON.stringify([...b].sort()) : JSON.stringify(a) === JSON.stringify(b);

export function formatAxes(axes: Partial<Record<string, unknown>>): string {
  return Object.entries(axes)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(', ');
}

export function candidatesFor(fixedAxes: Partial<Axes> | undefined): { pure: Candidate[]; withFixed: Candidate[] } {
  const pure = PROFILES.map((p) => ({ label: profileKey(p), profile: p }));
  const hasFixed = fixedAxes && Object.keys(fixedAxes).length > 0;
  const withFixed = hasFixed ? PROFILES.map((p) => ({ label: `${profileKey(p)} with ${formatAxes(fixedAxes)}`, profile: p, fixedAxes })) : [];
  return { pure, withFixed };
}

/** Whether the probe instance leaves this pseudo-axis to the implementation. */
function leftToImplementation(axis: AxisName, inst: ProbeInstance): boolean {
  if (axis === 'eps') return !Object.keys(inst.settings).some((k) => k.toLowerCase() === 'eps');
  return true;
}

export function axisValue(variant: Variant, axis: AxisName): AxisValue {
  return variant[axis] as AxisValue;
}

/** Applies changes to a variant of one probe instance (a change applies where the axis has its 'from' value). */
export function applyChanges(variant: Variant, inst: ProbeInstance, changes: readonly AxisChange[]): Variant {
  let out = variant;
  for (const c of changes) {
    if (!sameValue(axisValue(out, c.axis), c.from)) continue;
    if ((DEFAULT_AXES as readonly string[]).includes(c.axis) && !leftToImplementation(c.axis, inst)) continue;
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
  predict(variant: Variant, inst: ProbeInstance): Trajectory {
    const key = `${inst.key}|${JSON.stringify(variant)}`;
    let t = this.cache.get(key);
    if (!t) {
      t = runTrajectory(variant, inst.dtype, inst.x0, inst.grads.length, replaySource(inst.grads));
      this.cache.set(key, t);
    }
    return t;
  }
}

/** What the adapter did on one probe instance. */
export interface Observation {
  params: Float64Array[];
  state: (OptimizerStateView | undefined)[];
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
  const check = (step: number, quantity: Difference['quantity'], observed: ArrayLike<number> | undefined, want: ArrayLike<number>) => {
    if (!observed) return;
    for (let i = 0; i < want.length; i++) {
      const o = observed[i]!;
      const p = want[i]!;
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
    const point = predicted.points[t]!;
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
  const info = AXES.find((a) => a.name === axis)!;
  if (info.values === 'boolean') return [true, false];
  if (Array.isArray(info.values)) return [...info.values];
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

export const ALL_AXES: readonly AxisName[] = [...AXES.map((a) => a.name), ...DEFAULT_AXES];
