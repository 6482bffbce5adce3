// Running one identify probe on an adapter: the probe's case and gradients as plain data, so the
// observation runs wherever conformance cells run (a worker process of the pool, or this process).

import type { Adapter, AdapterCase, OptimizerStateView } from '../../adapters/adapter.js';
import { UnsupportedCaseError } from '../../adapters/adapter.js';
import type { Dtype } from '../../reference/arithmetic.js';
import { findProfile } from '../../reference/registry.js';
import type { Settings } from '../../reference/resolve.js';
import type { Variant } from '../../reference/variant.js';

/** One probe instance, as data that crosses a process boundary. */
export interface ObserveRequest {
  key: string;
  dtype: Dtype;
  variant: Variant;
  /** 'torch@1.13': the profile the case was resolved from. */
  profile: string;
  native: Record<string, number | boolean | null>;
  settings: Settings;
  x0: Float64Array;
  grads: Float64Array[];
}

/** What the adapter did: params (and state where it reads state) after every step. */
export interface Observation {
  params: Float64Array[];
  state: (OptimizerStateView | undefined)[];
}

export type ObserveOutcome = { observed: Observation } | { unsupported: string } | { failed: string };

export function adapterCaseOf(r: ObserveRequest): AdapterCase {
  return {
    key: r.key,
    dtype: r.dtype,
    variant: r.variant,
    profile: findProfile(r.profile),
    native: r.native,
    settings: r.settings,
    x0: r.x0,
  };
}

/** Steps the adapter through the probe's gradients, reading back after every step. */
export async function observeProbe(adapter: Adapter, r: ObserveRequest): Promise<ObserveOutcome> {
  let prepared;
  try {
    prepared = await adapter.prepare(adapterCaseOf(r));
  } catch (e) {
    if (e instanceof UnsupportedCaseError) return { unsupported: e.message };
    throw e;
  }
  const observed: Observation = { params: [], state: [] };
  try {
    for (const g of r.grads) {
      await prepared.step(g);
      const out = await prepared.read();
      observed.params.push(out.params);
      observed.state.push(out.state);
    }
  } catch (e) {
    if (e instanceof UnsupportedCaseError) return { unsupported: e.message };
    throw e;
  } finally {
    await prepared.dispose();
  }
  return { observed };
}
