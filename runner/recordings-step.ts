// The calibration recordings as a suite of the default run: every run recorded from a real framework
// (suites/recordings/) replayed through the reference and classified (bit-exact, exact up to the
// declared op error, within, outside, refused), then compared with the verdict stated for each file
// in expected-verdicts.json. Only a verdict that moved fails the run: the stated non-exact verdicts are
// what the reference is known to reproduce, each with its reason.

import { compareVerdicts, readExpectedVerdicts } from '../suites/recordings-expected.js';
import { calibrate } from '../suites/recordings-replay.js';
import type { RecordingsSection } from './result.js';

/** The name under which the run selects it (`--suites recordings`). */
export const RECORDINGS_SUITE = 'recordings';

/** Replays the shipped recordings, or a folder of one's own (with its expected-verdicts.json). */
export function replayRecordings(dir?: string): RecordingsSection {
  const started = performance.now();
  const report = calibrate(dir !== undefined ? { dir } : {});
  const stated = readExpectedVerdicts(dir);
  const moved = compareVerdicts(report, stated);
  return {
    total: report.summary.total,
    counts: report.summary.counts,
    byFramework: report.summary.byFramework,
    tolerance: { ...report.tolerance },
    moved,
    files: report.results.map((r) => ({
      file: r.file,
      framework: r.framework,
      dtype: r.dtype,
      verdict: r.verdict,
      stated: stated.verdicts[r.file]?.verdict ?? 'missing',
      ...(r.opErrors && r.verdict === 'exact-up-to-op-error' ? { opErrors: r.opErrors } : {}),
      command: r.command,
    })),
    durationMs: performance.now() - started,
  };
}
