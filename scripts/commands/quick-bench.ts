// The short benchmark `run` adds to its reports so the HTML has throughput next to accuracy:
// small sizes, a short time budget, no model-shaped steps. `rmsprop-harness bench` is the full one.

import { join } from 'node:path';
import { writeFileAtomic } from '../../reports/atomic-write.js';
import { renderBenchMarkdown } from '../../reports/bench-markdown.js';
import type { BenchReport } from '../../runner/bench/report.js';
import { runBench } from '../../runner/bench/run-bench.js';
import { renderBenchJson } from './bench.js';

export const QUICK_BENCH = { sizes: [1e3, 1e4, 1e5, 1e6], timeMs: 100, profile: 'torch', dtype: 'float32' } as const;

export async function quickBench(options: {
  out: string;
  conformanceFile: string | null;
  log: (line: string) => void;
  signal: AbortSignal;
}): Promise<BenchReport | null> {
  if (options.signal.aborted) return null;
  options.log(
    `quick benchmark (sizes ${QUICK_BENCH.sizes.join(', ')}, ${QUICK_BENCH.timeMs} ms each; \`rmsprop-harness bench\` for the full one)`,
  );
  const report = await runBench({
    sizes: QUICK_BENCH.sizes,
    dtype: QUICK_BENCH.dtype,
    profile: QUICK_BENCH.profile,
    timeMs: QUICK_BENCH.timeMs,
    models: [],
    accuracyFile: options.conformanceFile,
    log: options.log,
    signal: options.signal,
  });
  writeFileAtomic(join(options.out, 'bench.json'), renderBenchJson(report));
  writeFileAtomic(join(options.out, 'bench.md'), `${renderBenchMarkdown(report)}\n`);
  return report;
}
