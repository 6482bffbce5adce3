// How two RMSprop implementations differ on identical inputs: where they part (the first divergent
// step), by how much (the error over the steps, the final parameter and loss gaps), and why: every
// arithmetic axis and hyperparameter default on which their profiles differ is flipped in A towards
// B, one at a time, and the run repeated; a flip that closes the gap explains it. The converse run
// (B with only that one axis of A's) says whether the axis alone makes them differ.

import type { Dtype } from '../../reference/arithmetic.js';
import type { Profile } from '../../reference/profile.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { runTrajectory, type GradientSource } from '../../reference/trajectory.js';
import { AXES, HYPERPARAMETERS, type Variant } from '../../reference/variant.js';
import type { AutodiffOrder, Problem } from '../../suites/problem.js';
import { autodiffOrderFor } from '../../suites/problems.js';
import { emptySeries, recordStep, SERIES_MAX_POINTS } from '../metrics.js';
import type { Comparison } from '../result.js';
import { nativeNamesOf } from './naming.js';

/** What both sides run on. */
export interface CompareInputs {
  /** In words, for the report: "problem xlogx from x0 [364], 60 steps, lr=0.3". */
  describe: string;
  dtype: Dtype;
  x0: readonly number[];
  steps: number;
  /**
   * The gradient of each step for a side evaluating the chain rule in `order`: closed loop for a
   * problem (each side's gradient at its own params), the same recorded gradients for a stream.
   */
  source(order: AutodiffOrder): GradientSource;
  /** The objective, for the final loss gap (problems only). */
  problem?: Problem;
  /** Settings given to both sides (native, canonical or axis names). */
  settings: Settings;
}

/** A side of a comparison as the reference sees it: a profile with settings, resolved to a variant. */
export interface ReferenceSide {
  label: string;
  profile: Profile;
  /** Settings of this side only (--set-a / --set-b). */
  settings: Settings;
}

/** The params after each step (index 0 is step 1). */
export type Path = Float64Array[];

/** A side that is run by something else than the reference (an adapter): it produces its own path. */
export type PathProducer = () => Promise<Path>;

interface Resolved {
  variant: Variant;
  order: AutodiffOrder;
}

export function resolveSide(side: ReferenceSide, inputs: CompareInputs): Resolved {
  const settings = { ...inputs.settings, ...side.settings };
  return { variant: resolveVariant(side.profile, inputs.dtype, settings).variant, order: autodiffOrderFor(side.profile.name) };
}

/** The reference path of a variant on the inputs; a path that throws (a gradient of the wrong size) is empty. */
export function referencePath(r: Resolved, inputs: CompareInputs): Path {
  return runTrajectory(r.variant, inputs.dtype, inputs.x0, inputs.steps, inputs.source(r.order)).points.map((p) => p.params);
}

export interface Gap {
  /** max over steps and elements of |a - b| (Infinity where one is NaN/Inf and the other not). */
  max: number;
  firstDivergentStep: number | null;
  /** Sum over steps of the largest ULP distance: the finer measure (a one-ULP difference over fewer steps is smaller). */
  totalUlps: number;
  perStep: { step: number; gap: number }[];
}

/** Two implementations "diverge" at the first step where their params differ at all (bitwise, -0 vs +0 included). */
const EXACT = { ulps: 0, absFloor: 0, signedZero: 'strict' } as const;

/** The gap between two paths. */
export function gapOf(a: Path, b: Path, dtype: Dtype): Gap {
  const series = emptySeries();
  const n = Math.max(a.length, b.length);
  for (let t = 0; t < n; t++) recordStep(series, 'params', t + 1, a[t] ?? [], b[t] ?? [], dtype, EXACT);
  const totalUlps = series.steps.reduce((sum, x) => sum + x.maxUlp, 0);
  return {
    max: series.maxAbs === 0 && series.maxUlp === Infinity ? Infinity : series.maxAbs,
    firstDivergentStep: series.firstDivergentStep,
    totalUlps,
    perStep: series.steps.map((s) => ({ step: s.step, gap: s.maxUlp === Infinity && s.maxAbs === 0 ? Infinity : s.maxAbs })),
  };
}

/** Fraction of the gap a flip closes: 1 closes it, 0 changes nothing, negative widens it. */
export function closedFraction(gap: number, flipped: number): number {
  if (gap === 0) return 0;
  if (gap === Infinity) return flipped === Infinity ? 0 : 1;
  if (flipped === Infinity) return -1;
  return Math.max(-1, (gap - flipped) / gap);
}

/** An axis on which A and B differ, with how to move A's variant to B's value on it. */
export interface AxisDifference {
  axis: string;
  a: string;
  b: string;
  apply(target: Resolved, from: Resolved): Resolved;
}

const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(',')}]` : String(v));

/** Every arithmetic axis, hyperparameter (defaults included) and autodiff order on which A and B differ. */
export function axisDifferences(a: Resolved, b: Resolved, shared: Settings): AxisDifference[] {
  const out: AxisDifference[] = [];
  const va = a.variant as unknown as Record<string, unknown>;
  const vb = b.variant as unknown as Record<string, unknown>;
  const setByBoth = new Set(Object.keys(shared));
  for (const h of HYPERPARAMETERS) {
    if (JSON.stringify(va[h.name]) === JSON.stringify(vb[h.name])) continue;
    const name = setByBoth.has(h.name) || h.aliases?.some((x) => setByBoth.has(x)) ? h.name : `${h.name} (default)`;
    out.push({
      axis: name,
      a: show(va[h.name]),
      b: show(vb[h.name]),
      apply: (t, f) => ({ ...t, variant: { ...t.variant, [h.name]: (f.variant as unknown as Record<string, unknown>)[h.name] } }),
    });
  }
  for (const x of AXES) {
    if (JSON.stringify(va[x.name]) === JSON.stringify(vb[x.name])) continue;
    out.push({
      axis: x.name,
      a: show(va[x.name]),
      b: show(vb[x.name]),
      apply: (t, f) => ({ ...t, variant: { ...t.variant, [x.name]: (f.variant as unknown as Record<string, unknown>)[x.name] } }),
    });
  }
  if (a.order !== b.order)
    out.push({ axis: 'autodiff order', a: a.order, b: b.order, apply: (t, f) => ({ ...t, order: f.order }) });
  return out;
}

/** The first-step values and the per-step gap, downsampled to what the chart shows (bucket maxima). */
function sampledGap(perStep: Gap['perStep']): Gap['perStep'] {
  if (perStep.length <= SERIES_MAX_POINTS) return perStep;
  const bucket = Math.ceil(perStep.length / SERIES_MAX_POINTS);
  const out: Gap['perStep'] = [];
  for (let i = 0; i < perStep.length; i += bucket) {
    const slice = perStep.slice(i, i + bucket);
    out.push(slice.reduce((m, s) => (s.gap > m.gap ? s : m), slice[0]));
  }
  return out;
}

export interface AxisVerdict {
  axis: string;
  a: string;
  b: string;
  /** Fraction of the gap closed by flipping this axis alone in A towards B. */
  closes: number;
  /** The gap left when this axis is the only difference (B with A's value on it). */
  alone: number;
  /** Position in the chain of flips that closes the gap (1 = flipped first), or null when not needed. */
  rank: number | null;
  /** The A-B gap left after the flips of the chain up to and including this one. */
  gapAfter: number | null;
  responsible: boolean;
}

export const RESPONSIBLE_RULE =
  'each axis on which A and B differ (arithmetic axes, hyperparameters and their defaults, autodiff order) is flipped in A towards B, one at a time, and the run repeated: "closes" is the fraction of the gap that flip closes alone, "alone" the gap left when it is the only difference. Then, starting from A, the flip that leaves the smallest gap is kept and the others are tried again on top of it, until A and B agree bit for bit or no flip narrows the gap (where no single flip narrows it, pairs are tried: eps and its placement may only matter together): the axes of that chain are the responsible ones, in order';

/** Orders gaps: the largest difference first, then the ULPs summed over steps, then the later first divergence. */
function smaller(x: Gap, y: Gap): boolean {
  if (x.max !== y.max) return x.max < y.max;
  if (x.totalUlps !== y.totalUlps) return x.totalUlps < y.totalUlps;
  return (x.firstDivergentStep ?? Infinity) > (y.firstDivergentStep ?? Infinity);
}

export function judgeAxes(a: Resolved, b: Resolved, inputs: CompareInputs, gap: Gap, cache?: Map<string, Path>): AxisVerdict[] {
  const run = (r: Resolved) => {
    const key = JSON.stringify([r.variant, r.order]);
    let p = cache?.get(key);
    if (!p) {
      p = safePath(r, inputs);
      cache?.set(key, p);
    }
    return p;
  };
  const pathB = run(b);
  const diffs = axisDifferences(a, b, inputs.settings);
  const verdicts: AxisVerdict[] = diffs.map((d) => {
    const flipped = gapOf(run(d.apply(a, b)), pathB, inputs.dtype);
    const alone = gapOf(run(d.apply(b, a)), pathB, inputs.dtype);
    return {
      axis: d.axis,
      a: d.a,
      b: d.b,
      closes: closedFraction(gap.max, flipped.max),
      alone: alone.max,
      rank: null,
      gapAfter: null,
      responsible: false,
    };
  });
  // The chain: only axes that change something on these inputs are candidates.
  let candidates = diffs.map((d, i) => ({ d, v: verdicts[i] })).filter(({ v }) => v.closes !== 0 || v.alone !== 0);
  let current = a;
  let remaining = gap;
  let rank = 0;
  const bestMove = (moves: (typeof candidates)[]) => {
    let best: { move: typeof candidates; next: Resolved; gap: Gap } | null = null;
    for (const move of moves) {
      const next = move.reduce((r, c) => c.d.apply(r, b), current);
      const g = gapOf(run(next), pathB, inputs.dtype);
      if (best === null || smaller(g, best.gap)) best = { move, next, gap: g };
    }
    return best;
  };
  while (remaining.firstDivergentStep !== null && candidates.length > 0) {
    // One flip at a time; where no single flip narrows the gap, two that only do together (eps and its placement).
    const moves: (typeof candidates)[] = candidates.map((c) => [c]);
    let best = bestMove(moves);
    if (!best || !smaller(best.gap, remaining)) {
      const pairs: (typeof candidates)[] = [];
      for (let i = 0; i < candidates.length; i++)
        for (let j = i + 1; j < candidates.length; j++) pairs.push([candidates[i], candidates[j]]);
      best = bestMove(pairs);
      if (!best || !smaller(best.gap, remaining)) break;
    }
    rank++;
    for (const c of best.move) {
      c.v.rank = rank;
      c.v.gapAfter = best.gap.max;
      c.v.responsible = true;
    }
    current = best.next;
    remaining = best.gap;
    candidates = candidates.filter((c) => !best.move.includes(c));
  }
  return verdicts;
}

/** A variant an axis flip made impossible (a NaN-producing combination is still a path) yields an empty path. */
function safePath(r: Resolved, inputs: CompareInputs): Path {
  try {
    return referencePath(r, inputs);
  } catch {
    return [];
  }
}

export interface CompareRequest {
  id: string;
  inputs: CompareInputs;
  a: { label: string; reference: ReferenceSide | null; path?: PathProducer };
  b: { label: string; reference: ReferenceSide | null; path?: PathProducer };
  /** Per-process cache of reference paths (the divergence matrix reuses them). */
  cache?: Map<string, Path>;
}

/** Names of the same hyperparameter on each side (native names; null where a side has none). */
function namesOf(a: Profile | undefined, b: Profile | undefined): Comparison['names'] {
  return HYPERPARAMETERS.map((h) => ({
    hyperparameter: h.name,
    a: a ? nativeNamesOf(a, h.name) || null : null,
    b: b ? nativeNamesOf(b, h.name) || null : null,
  })).filter((n) => n.a !== null || n.b !== null);
}

export async function compare(req: CompareRequest): Promise<Comparison> {
  const { inputs } = req;
  const ra = req.a.reference ? resolveSide(req.a.reference, inputs) : null;
  const rb = req.b.reference ? resolveSide(req.b.reference, inputs) : null;
  const pathOf = async (side: CompareRequest['a'], r: Resolved | null): Promise<Path> => {
    if (side.path) return side.path();
    const key = JSON.stringify([r!.variant, r!.order]);
    let p = req.cache?.get(key);
    if (!p) {
      p = referencePath(r!, inputs);
      req.cache?.set(key, p);
    }
    return p;
  };
  const pa = await pathOf(req.a, ra);
  const pb = await pathOf(req.b, rb);
  const gap = gapOf(pa, pb, inputs.dtype);
  const last = Math.min(pa.length, pb.length) - 1;
  let finalParamGap = 0;
  if (last >= 0)
    for (let i = 0; i < pa[last].length; i++) finalParamGap = Math.max(finalParamGap, elementGap(pa[last][i], pb[last][i]));
  const loss = inputs.problem;
  const finalLossGap =
    loss && last >= 0 ? elementGap(loss.loss(pa[last], inputs.dtype), loss.loss(pb[last], inputs.dtype)) : null;
  const axes = ra && rb ? judgeAxes(ra, rb, inputs, gap, req.cache) : [];
  return {
    id: req.id,
    a: req.a.label,
    b: req.b.label,
    dtype: inputs.dtype,
    inputs: inputs.describe,
    firstDivergentStep: gap.firstDivergentStep,
    finalParamGap,
    finalLossGap,
    firstStep: { a: Array.from(pa[0] ?? []), b: Array.from(pb[0] ?? []) },
    gapOverSteps: sampledGap(gap.perStep),
    axes,
    responsible: axes
      .filter((x) => x.rank !== null)
      .sort((x, y) => x.rank! - y.rank!)
      .map((x) => x.axis),
    names: namesOf(req.a.reference?.profile, req.b.reference?.profile),
  };
}

function elementGap(a: number, b: number): number {
  if (Number.isFinite(a) && Number.isFinite(b)) return Math.abs(a - b);
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) ? 0 : Infinity;
}
