// Prints elements/s and GB/s of the WASM fused RMSprop step vs a STREAM triad, on one thread and on
// worker threads over a shared memory. Usage: npx tsx scripts/wasm-speed-check.ts [n=1e7] [dtype=float32] [reps=10]

import type { Dtype } from '../reference/arithmetic.js';
import { resolveVariant } from '../reference/resolve.js';
import { benchFusedStep, benchThreaded, benchTriad, type BenchResult } from '../adapters/wasm/kernels.js';
import { availableParallelism } from 'node:os';

const n = Math.round(Number(process.argv[2] ?? 1e7));
const dtype = (process.argv[3] ?? 'float32') as Dtype;
const reps = Number(process.argv[4] ?? 10);

function line(label: string, r: BenchResult): string {
  return `${label.padEnd(34)} ${(r.elementsPerSecond / 1e9).toFixed(3)} G el/s  ${r.gbPerSecond.toFixed(1).padStart(5)} GB/s (best ${r.bestGbPerSecond.toFixed(1)})  ${(r.medianSeconds * 1e3).toFixed(2)} ms/pass  [${r.kernel}, ${r.bytesPerElement} B/el]`;
}

console.log(`n = ${n}, ${dtype}, ${reps} passes (median), ${availableParallelism()} CPUs, node ${process.version}`);
const triad = await benchTriad({ n, dtype, reps });
const step = await benchFusedStep({ n, dtype, reps });
const momentum = await benchFusedStep({ n, dtype, reps, variant: resolveVariant('torch', dtype, { momentum: 0.9 }).variant });
const tf = await benchFusedStep({ n, dtype, reps, variant: resolveVariant('tf-raw', dtype).variant });
const centered = await benchFusedStep({ n, dtype, reps, variant: resolveVariant('torch', dtype, { centered: true }).variant });
console.log(line('triad a=b+s*c, 1 thread', triad));
console.log(line('step torch plain, 1 thread', step));
console.log(line('step torch momentum, 1 thread', momentum));
console.log(line('step tf-raw (momentum path), 1 thr', tf));
console.log(line('step torch centered (general)', centered));
console.log(`step/triad bandwidth ratio (1 thread): ${(step.gbPerSecond / triad.gbPerSecond).toFixed(3)}`);
for (const threads of [1, 2]) {
  const t = await benchThreaded({ what: 'triad', n, dtype, reps, threads });
  const s = await benchThreaded({ what: 'step', n, dtype, reps, threads });
  console.log(line(`triad, ${threads} worker(s), shared mem`, t));
  console.log(line(`step torch plain, ${threads} worker(s)`, s));
  console.log(`step/triad bandwidth ratio (${threads} worker(s)): ${(s.gbPerSecond / t.gbPerSecond).toFixed(3)}`);
}
