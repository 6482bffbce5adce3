// How a row's fraction of its limit is said, in the console and the run's log: one phrase, so the
// paired and the pooled ratio are never printed without saying which they are.

import { formatFixed, formatPercent } from '../number-format.js';
import type { ThroughputEntry } from './report.js';

/** The limit a row is held to: the t-thread CPU limit, or the device's copy bandwidth (GPU rows have no thread count). */
const limitName = (threads: number | undefined): string => (threads === undefined ? 'device limit' : `${threads}-thread limit`);

/** '97% of the 1-thread limit measured beside its samples (…)' or '97% of the 1-thread limit 16.5 GB/s'; '' when the row has no limit. */
export function ratioText(e: ThroughputEntry): string {
  if (e.ratio === undefined || !e.roofline) return '';
  const star = e.ratioNote ? '*' : '';
  const name = limitName(e.roofline.threads);
  const b = e.beside;
  if (e.ratioMethod === 'paired' && b)
    return (
      `${formatPercent(e.ratio)}${star} of the ${name} measured beside its samples ` +
      `(median ${formatFixed(b.limitGbPerSecond, 1)} GB/s; paired ratios p25-p75 ${formatPercent(b.ratioP25)}-${formatPercent(b.ratioP75)} over ${b.samples} samples; ` +
      `${formatPercent(e.pooledRatio)} against the roofline's ${formatFixed(e.roofline.gbPerSecond, 1)} GB/s)`
    );
  return `${formatPercent(e.ratio)}${star} of the ${name} ${formatFixed(e.roofline.gbPerSecond, 1)} GB/s`;
}
