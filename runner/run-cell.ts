// One cell of the matrix: one adapter on one case in one dtype and mode. Measures free-running
// drift (the adapter runs the whole trajectory on its own) and, where the adapter can load state,
// re-anchored error (each step starts from the reference state: is one step right?).

import type { Adapter, AdapterCase, OptimizerStateView, PreparedCase } from '../adapters/adapter.js';
import { roundTo, type Dtype } from '../reference/arithmetic.js';
import type { CaseSpec } from '../suites/case.js';
import { hasBulkReplay } from '../adapters/external/bulk.js';
import { findProblem } from '../suites/case-source.js';
import { caseKey } from '../suites/suites.js';
import type { Expected } from './expected.js';
import { emptySeries, recordStep, type Series } from './metrics.js';
import type { ResolvedTolerance } from './tolerance.js';

export type Mode = 'replay' | 'closed-loop';

export interface CellMeasurement {
  freeRunning: Series;
  /** Optimizer state (v, m, b) along the free-running trajectory, where the adapter reads it. */
  state: Series | null;
  /** null with a reason when the adapter cannot load state. */
  reanchored: Series | null;
  reanchoredUnavailable?: string;
  finalLoss?: { expected: number; actual: number; gap: number };
  leak?: string;
  /** The adapter's params after each step (free-running), for comparisons with other profiles. */
  actual: Float64Array[];
  /** The adapter's optimizer state after each step (free-running), where it reports it every step. */
  actualStates: (OptimizerStateView | undefined)[];
}

export function adapterCase(c: CaseSpec, dtype: Dtype, expected: Expected): AdapterCase {
  return {
    key: caseKey(c),
    dtype,
    variant: expected.resolved.variant,
    profile: expected.resolved.profile,
    native: expected.resolved.native,
    settings: c.settings,
    x0: expected.x0,
  };
}

/** Which state quantities a variant actually uses (others stay zero and are not compared). */
function stateQuantities(e: Expected): ('v' | 'm' | 'b')[] {
  const v = e.resolved.variant;
  const out: ('v' | 'm' | 'b')[] = ['v'];
  if (v.centered) out.push('m');
  if (v.momentum !== 0 || v.momentumAlways) out.push('b');
  return out;
}

async function withPrepared<T>(
  adapter: Adapter,
  ac: AdapterCase,
  body: (p: PreparedCase) => Promise<T>,
): Promise<{ value: T; leak?: string }> {
  const prepared = await adapter.prepare(ac);
  let disposed: { leak?: string };
  let value: T;
  try {
    value = await body(prepared);
  } finally {
    disposed = await prepared.dispose();
  }
  return { value, ...(disposed.leak ? { leak: disposed.leak } : {}) };
}

export async function measureCell(
  adapter: Adapter,
  c: CaseSpec,
  dtype: Dtype,
  mode: Mode,
  expected: Expected,
  tol: ResolvedTolerance,
): Promise<CellMeasurement> {
  const ac = adapterCase(c, dtype, expected);
  const points = expected.trajectory.points;
  const quantities = stateQuantities(expected);
  const canReadState = adapter.info.capabilities.readState;
  const problem = mode === 'closed-loop' && c.source.kind === 'problem' ? findProblem(c.source.problem) : undefined;

  const free = await withPrepared(adapter, ac, async (prepared) => {
    const series = emptySeries();
    const state = canReadState ? emptySeries() : null;
    let last: Float64Array = expected.x0;
    const trace: Float64Array[] = [];
    const states: (OptimizerStateView | undefined)[] = [];
    if (!problem && hasBulkReplay(prepared)) {
      // Programs that answer a whole trajectory per message get every gradient at once.
      const bulk = await prepared.runReplay(points.map((p) => p.grad));
      bulk.trajectory.forEach((params, t) => {
        trace.push(params);
        if (points[t]) recordStep(series, 'params', t + 1, points[t].params, params, dtype, tol);
      });
      if (bulk.trajectory.length !== points.length) {
        recordStep(series, 'params', points.length, [points.length], [bulk.trajectory.length], dtype, tol);
      }
      const lastPoint = points[points.length - 1];
      if (bulk.states) states.push(...bulk.states);
      if (state && bulk.states) {
        // The state after every step, where the program reports it: compared at every step, as for in-process adapters.
        bulk.states.forEach((s, t) => {
          if (points[t]) for (const q of quantities) if (s[q]) recordStep(state, q, t + 1, points[t].state[q], s[q], dtype, tol);
        });
      } else if (state && bulk.state && lastPoint) {
        for (const q of quantities)
          if (bulk.state[q]) recordStep(state, q, points.length, lastPoint.state[q], bulk.state[q], dtype, tol);
      }
      return { series, state, last: trace[trace.length - 1] ?? last, trace, states };
    }
    for (let t = 0; t < points.length; t++) {
      const grad = problem ? toGrad(problem.gradient(last, dtype, t, expected.order), dtype) : points[t].grad;
      await prepared.step(grad);
      const out = await prepared.read();
      last = out.params;
      trace.push(out.params);
      states.push(out.state && copyState(out.state)); // an adapter may hand out its live buffers
      recordStep(series, 'params', t + 1, points[t].params, out.params, dtype, tol);
      if (state && out.state) {
        for (const q of quantities) {
          const actual = out.state[q];
          if (actual) recordStep(state, q, t + 1, points[t].state[q], actual, dtype, tol);
        }
      }
    }
    return { series, state, last, trace, states };
  });

  let reanchored: Series | null = null;
  let reanchoredUnavailable: string | undefined;
  if (!adapter.info.capabilities.loadState) {
    reanchoredUnavailable = `${adapter.info.id} cannot load optimizer state`;
  } else {
    reanchored = (
      await withPrepared(adapter, ac, async (prepared) => {
        const series = emptySeries();
        const anchors = points.map((_, t) =>
          t === 0
            ? { params: expected.x0, state: expected.initial }
            : { params: points[t - 1].params, state: points[t - 1].state },
        );
        if (hasBulkReplay(prepared) && prepared.runReanchored) {
          // Every re-anchored step in one exchange (external programs).
          const bulk = await prepared.runReanchored(
            anchors,
            points.map((p) => p.grad),
          );
          bulk.trajectory.forEach((params, t) => {
            if (points[t]) recordStep(series, 'params', t + 1, points[t].params, params, dtype, tol);
            const s = bulk.states?.[t];
            if (s && points[t])
              for (const q of quantities) if (s[q]) recordStep(series, q, t + 1, points[t].state[q], s[q], dtype, tol);
          });
          if (bulk.trajectory.length !== points.length)
            recordStep(series, 'params', points.length, [points.length], [bulk.trajectory.length], dtype, tol);
          return series;
        }
        for (let t = 0; t < points.length; t++) {
          const before =
            t === 0
              ? { params: expected.x0, state: expected.initial }
              : { params: points[t - 1].params, state: points[t - 1].state };
          await prepared.load!(before.params, before.state);
          await prepared.step(points[t].grad);
          const out = await prepared.read();
          recordStep(series, 'params', t + 1, points[t].params, out.params, dtype, tol);
          if (out.state)
            for (const q of quantities)
              if (out.state[q]) recordStep(series, q, t + 1, points[t].state[q], out.state[q], dtype, tol);
        }
        return series;
      })
    ).value;
  }

  const measurement: CellMeasurement = {
    freeRunning: free.value.series,
    state: free.value.state,
    reanchored,
    actual: free.value.trace,
    actualStates: free.value.states,
    ...(reanchoredUnavailable ? { reanchoredUnavailable } : {}),
    ...(free.leak ? { leak: free.leak } : {}),
  };
  if (expected.loss && points.length > 0) {
    const e = expected.loss(points[points.length - 1].params);
    const a = expected.loss(free.value.last);
    measurement.finalLoss = { expected: e, actual: a, gap: Math.abs(a - e) };
  }
  return measurement;
}

function copyState(s: OptimizerStateView): OptimizerStateView {
  return Object.fromEntries(Object.entries(s).map(([q, x]) => [q, x && Float64Array.from(x as ArrayLike<number>)]));
}

function toGrad(g: Float64Array, dtype: Dtype): Float64Array {
  return dtype === 'float64' ? g : Float64Array.from(g, roundTo(dtype));
}
