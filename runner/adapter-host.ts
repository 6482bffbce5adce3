// The adapters living in one process (the main process or a worker): each is created and probed once,
// on first use, and closed at the end. Every adapter is reached through its guard (copies in and out,
// faults as plain errors, built-ins it replaced put back): runner/guarded-adapter.ts.

import type { Adapter, AdapterInfo, Availability } from '../adapters/adapter.js';
import { createAdapter, parseAdapterSpec } from '../adapters/registry.js';
import type { Cell } from './result.js';
import { faultMessage, runCellJob, unmeasuredCell, type CellJob } from './cell-job.js';
import { observeProbe, type ObserveOutcome, type ObserveRequest } from './identify/observe.js';
import { guardAdapter } from './guarded-adapter.js';
import { IntrinsicsGuard } from './intrinsics-guard.js';

/** Taken when the host is first imported: before any adapter module of this process is loaded. */
const INTRINSICS = new IntrinsicsGuard();

export interface ProbeResult {
  info: AdapterInfo;
  availability: Availability;
  /** probe() threw (the contract says it never does): an adapter fault, not an unavailable adapter. */
  threw?: string;
}

/** The adapter's description as plain data (what crosses a process boundary). */
export function infoData(info: AdapterInfo): AdapterInfo {
  return JSON.parse(JSON.stringify(info)) as AdapterInfo;
}

export class AdapterHost {
  private readonly adapters = new Map<
    string,
    Promise<{ adapter: Adapter; availability: Availability; threw: string | undefined }>
  >();

  private load(spec: string) {
    let entry = this.adapters.get(spec);
    if (!entry) {
      entry = (async () => {
        const adapter = guardAdapter(createAdapter(parseAdapterSpec(spec)), INTRINSICS);
        let availability: Availability;
        let threw: string | undefined;
        try {
          availability = await adapter.probe();
        } catch (e) {
          threw = faultMessage(e);
          availability = { available: false, reason: `probe failed: ${threw}` };
        }
        return { adapter, availability, threw };
      })();
      this.adapters.set(spec, entry);
    }
    return entry;
  }

  async probe(spec: string): Promise<ProbeResult> {
    const { adapter, availability, threw } = await this.load(spec);
    let info: AdapterInfo;
    try {
      info = infoData(adapter.info);
    } catch (e) {
      // A description that cannot be read or copied: the adapter is broken.
      return {
        info: infoData(createAdapter(parseAdapterSpec(spec)).info),
        availability: { available: false, reason: `probe failed: ${faultMessage(e)}` },
        threw: faultMessage(e),
      };
    }
    return { info, availability, ...(threw ? { threw } : {}) };
  }

  async run(job: CellJob): Promise<Cell> {
    const { adapter, availability } = await this.load(job.adapter);
    // Another process found it available; this one may not (a device lost in between): say so.
    if (!availability.available) return unmeasuredCell(job, 'unavailable', availability.reason);
    return runCellJob(adapter, job);
  }

  /** One identify probe; adapter faults come back as { failed } with the reason. */
  async observe(spec: string, request: ObserveRequest): Promise<ObserveOutcome> {
    const { adapter, availability } = await this.load(spec);
    if (!availability.available) return { failed: `unavailable: ${availability.reason}` };
    try {
      return await observeProbe(adapter, request);
    } catch (e) {
      return { failed: faultMessage(e) };
    }
  }

  /**
   * Forgets an adapter stuck in a call that timed out (in-process, it cannot be stopped): its next cell
   * gets a fresh instance, and close() does not wait for it. Its processes are killed by the caller.
   */
  discard(spec: string): void {
    this.adapters.delete(spec);
  }

  /** Closes every adapter; one that takes longer than graceMs is left behind (the process is about to end). */
  async close(graceMs = 10_000): Promise<void> {
    for (const entry of this.adapters.values()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const closing = (async () => (await entry).adapter.close?.())();
        await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      } catch {
        // closing is best effort: the process is about to end
      } finally {
        clearTimeout(timer);
      }
    }
    this.adapters.clear();
  }
}
