// The boundary between the harness and an adapter's code. The reference arrays behind a cell (x0,
// gradients, re-anchoring state) are shared by every cell of a process, so the adapter gets copies and
// what it returns is copied before the next call (an adapter that reuses one buffer for every read() is
// measured step by step, not as its last value). Whatever it throws becomes a plain Error with a
// readable message, even a Proxy whose every trap throws. Built-ins it replaced are put back
// (runner/intrinsics-guard.ts) and its call fails.

import {
  UnsupportedCaseError,
  type Adapter,
  type AdapterCase,
  type AdapterInfo,
  type OptimizerStateView,
  type PreparedCase,
} from '../adapters/adapter.js';
import type { Anchor, BulkPreparedCase, BulkTrajectory } from '../adapters/external/bulk.js';
import type { IntrinsicsGuard } from './intrinsics-guard.js';

/** What an adapter threw, as one line, without trusting it: getters, prototypes and toString may throw. */
export function describeThrown(e: unknown): string {
  try {
    if (e instanceof Error) {
      const name = String(e.name);
      const text = `${name !== 'Error' ? `${name}: ` : ''}${String(e.message)}`;
      return text.replace(/\s*\n\s*/g, ' ').slice(0, 2000);
    }
    const text = typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e));
    return `threw ${text}`.replace(/\s*\n\s*/g, ' ').slice(0, 2000);
  } catch {
    let kind = 'a value';
    try {
      kind = typeof e === 'object' && e !== null ? 'an object' : `a ${typeof e}`;
    } catch {
      // typeof cannot throw; kept for symmetry
    }
    return `threw ${kind} that cannot be inspected (its properties throw when read)`;
  }
}

function isUnsupported(e: unknown): boolean {
  try {
    return e instanceof UnsupportedCaseError;
  } catch {
    return false;
  }
}

/** The fault of an adapter, safe to handle anywhere in the harness (a plain Error: the message says it all). */
export class AdapterCallError extends Error {}

const copy = (a: Float64Array | undefined): Float64Array | undefined => (a === undefined ? undefined : Float64Array.from(a));

function copyState(s: OptimizerStateView | undefined): OptimizerStateView | undefined {
  if (!s) return undefined;
  const out: OptimizerStateView = {};
  for (const q of ['v', 'm', 'b'] as const) if (s[q] !== undefined) out[q] = Float64Array.from(s[q]);
  return out;
}

function copyAnchor(a: Anchor): Anchor {
  return {
    params: Float64Array.from(a.params),
    state: {
      v: Float64Array.from(a.state.v),
      m: Float64Array.from(a.state.m),
      b: Float64Array.from(a.state.b),
      step: a.state.step,
    },
  };
}

function copyTrajectory(t: BulkTrajectory): BulkTrajectory {
  const out: BulkTrajectory = { trajectory: t.trajectory.map((p) => Float64Array.from(p)) };
  const state = copyState(t.state);
  if (state) out.state = state;
  if (t.states) out.states = t.states.map((st) => copyState(st)!);
  if (t.grads) out.grads = t.grads.map((g) => Float64Array.from(g));
  return out;
}

/** A deep copy of plain data (variant, settings, native names): functions and class instances are kept as they are. */
function clonePlain<T>(value: T): T {
  if (value instanceof Float64Array) return Float64Array.from(value) as T;
  if (Array.isArray(value)) return value.map(clonePlain) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clonePlain(v);
    return out as T;
  }
  return value;
}

export function guardAdapter(adapter: Adapter, guard: IntrinsicsGuard): Adapter {
  /** Runs adapter code; faults come back as AdapterCallError (or UnsupportedCaseError), tampering too. */
  const call = async <T>(body: () => T | Promise<T>): Promise<T> => {
    let value: T;
    try {
      value = await body();
    } catch (e) {
      const replaced = guard.restore();
      if (replaced.length > 0) throw tampered(replaced);
      if (isUnsupported(e)) throw new UnsupportedCaseError(describeThrown(e).replace(/^UnsupportedCaseError: /, ''));
      throw new AdapterCallError(describeThrown(e));
    }
    const replaced = guard.restore();
    if (replaced.length > 0) throw tampered(replaced);
    return value;
  };
  const tampered = (names: string[]) =>
    new AdapterCallError(
      `the adapter replaced the built-in ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}; the harness computes the expected values with them, so they were put back and the adapter's cells are not measured`,
    );

  let info: AdapterInfo | null = null;
  const readInfo = (): AdapterInfo => {
    try {
      return adapter.info;
    } catch (e) {
      throw new AdapterCallError(`adapter info: ${describeThrown(e)}`);
    }
  };

  const guardCase = (prepared: PreparedCase): PreparedCase => {
    // Copies of what the adapter returns are made inside call(): reading a hostile result may throw too.
    const out: PreparedCase = {
      step: (grad) => call(() => prepared.step(Float64Array.from(grad))),
      read: () =>
        call(async () => {
          const r = await prepared.read();
          const params = copy(r?.params);
          if (!params) throw new Error('read() returned no params');
          const state = copyState(r.state);
          return state ? { params, state } : { params };
        }),
      dispose: () =>
        call(async () => {
          const leak = (await prepared.dispose())?.leak;
          return leak === undefined ? {} : { leak: String(leak) };
        }),
    };
    if (typeof prepared.load === 'function') {
      out.load = (params, state) =>
        call(() =>
          prepared.load!(Float64Array.from(params), {
            v: Float64Array.from(state.v),
            m: Float64Array.from(state.m),
            b: Float64Array.from(state.b),
            step: state.step,
          }),
        );
    }
    const bulk = prepared as Partial<BulkPreparedCase>;
    if (typeof bulk.runReplay === 'function') {
      (out as BulkPreparedCase).runReplay = (grads) =>
        call(async () => copyTrajectory(await bulk.runReplay!(grads.map((g) => Float64Array.from(g)))));
    }
    if (typeof bulk.runProblem === 'function') {
      (out as BulkPreparedCase).runProblem = (problem, steps) =>
        call(async () => copyTrajectory(await bulk.runProblem!(problem, steps)));
      if (bulk.problems) (out as BulkPreparedCase).problems = [...bulk.problems];
    }
    if (typeof bulk.runReanchored === 'function') {
      (out as BulkPreparedCase).runReanchored = (anchors, grads) =>
        call(async () =>
          copyTrajectory(
            await bulk.runReanchored!(
              anchors.map(copyAnchor),
              grads.map((g) => Float64Array.from(g)),
            ),
          ),
        );
    }
    return out;
  };

  return {
    get info() {
      return info ?? readInfo();
    },
    async probe() {
      const availability = await call(async () => clonePlain(await adapter.probe()));
      // After the probe the description is final (external programs fill it in from their hello).
      info = readInfo();
      return availability;
    },
    async prepare(c: AdapterCase) {
      // The profile too: it is the registry's object, shared by every cell of the process.
      const own: AdapterCase = {
        ...c,
        x0: Float64Array.from(c.x0),
        variant: clonePlain(c.variant),
        profile: clonePlain(c.profile),
        native: clonePlain(c.native),
        settings: clonePlain(c.settings),
      };
      const prepared = await call(() => adapter.prepare(own));
      return guardCase(prepared);
    },
    async close() {
      if (typeof adapter.close === 'function') await call(() => adapter.close!());
    },
  };
}
