// The bench request of protocol v1 as the external adapter sends it, and the program's answer as
// the adapter contract's bench results (adapters/adapter.ts AdapterBenchRequest / AdapterBenchResult).

import type { AdapterBenchRequest, AdapterBenchResult } from '../adapter.js';
import { profileKey } from '../../reference/profile.js';
import type { BenchRequest, BenchResult } from './protocol.js';

export function benchMessage(request: AdapterBenchRequest, id: string): BenchRequest {
  return {
    type: 'bench',
    id,
    dtype: request.dtype,
    profile: profileKey(request.profile),
    hyperparameters: request.native,
    canonical: request.variant as unknown as BenchRequest['canonical'],
    tensors: [...request.tensors],
    layout: request.layout,
    ...(request.paths ? { paths: [...request.paths] } : {}),
    timeMs: request.timeMs,
    minSamples: request.minSamples,
    sampleMs: request.sampleMs,
    ...(request.triad ? { triad: true } : {}),
  };
}

/** One adapter bench result per path; a program's triad paths keep kind 'triad' (the roofline reads them). */
export function benchResults(reply: BenchResult): AdapterBenchResult[] {
  return reply.results.map((r) => ({
    path: r.path,
    describe: r.describe,
    threads: r.threads,
    device: r.device ?? 'cpu',
    samplesMs: r.samplesMs,
    stepsPerSample: r.stepsPerSample,
    ...(r.kind ? { kind: r.kind } : {}),
    ...(r.bytesPerElement !== undefined ? { touchedBytesPerElement: r.bytesPerElement } : {}),
    ...(r.notes ? { notes: r.notes } : {}),
    ...(r.unavailable ? { unavailable: r.unavailable } : {}),
  }));
}
