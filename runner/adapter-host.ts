// The adapters living in one process (the main process or a worker): each is created and probed once,
// on first use, and closed at the end.

import type { Adapter, AdapterInfo, Availability } from '../adapters/adapter.js';
import { createAdapter, parseAdapterSpec } from '../adapters/registry.js';
import type { Cell } from './result.js';
import { faultMessage, runCellJob, unmeasuredCell, type CellJob } from './cell-job.js';
import { observeProbe, type ObserveOutcome, type ObserveRequest } from './identify/observe.js';

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
  private readonly adapters = new Map<string, Promise<{ adapter: Adapter; availability: Availability; threw: string | undefined }>>();

  private load(spec: string) {
    let entry = this.adapters.get(spec);
    if (!entry) {
      entry = (async () => {
        const adapter = createAdapter(parseAdapterSpec(spec));
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
    return { info: infoData(adapter.info), availability, ...(threw ? { threw } : {}) };
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

  async close(): Promise<void> {
    for (const entry of this.adapters.values()) {
      try {
        await (await entry).adapter.close?.();
      } catch {
        // closing is best effort: the process is about to end
      }
    }
    this.adapters.clear();
  }
}
