// The calibration recordings' table (per recorded framework: bit-exact, exact up to the declared op
// error, within, outside, refused), in the words every report format shares.

import { CALIBRATION_VERDICT_NAMES, type RecordingsSection } from '../runner/result.js';

export const RECORDINGS_HEADINGS: Readonly<Record<(typeof CALIBRATION_VERDICT_NAMES)[number], string>> = {
  'bit-exact': 'bit-exact',
  'exact-up-to-op-error': 'exact up to op error',
  within: 'within',
  outside: 'outside',
  refused: 'refused',
};

export const RECORDINGS_INTRO =
  'Runs recorded from the real frameworks (suites/recordings/: torch, Keras, TF raw ops, tf.compat.v1, optax, tfjs), replayed through the reference. bit-exact: every parameter of every step has the same bits. exact up to op error: every step, re-anchored on the recorded state, is reproduced bit for bit once the ops the profile declares inexact (torch.sqrt through MKL VML, jax.lax.rsqrt) may be off by their measured bound — neither bit-exact nor a failure. within / outside: the normwise relative error of every step within or beyond the tolerance. refused: the reference cannot replay it yet, with the reason. The run fails only when a file leaves the verdict stated in suites/recordings/expected-verdicts.json.';

/** One row per framework, then 'all': [framework, counts..., files]. */
export function recordingsRows(section: RecordingsSection): string[][] {
  const row = (name: string, c: RecordingsSection['counts']) => [
    name,
    ...CALIBRATION_VERDICT_NAMES.map((v) => String(c[v])),
    String(CALIBRATION_VERDICT_NAMES.reduce((s, v) => s + c[v], 0)),
  ];
  return [
    ...Object.entries(section.byFramework)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([f, c]) => row(f, c)),
    row('all', section.counts),
  ];
}

export function recordingsHeader(): string[] {
  return ['framework', ...CALIBRATION_VERDICT_NAMES.map((v) => RECORDINGS_HEADINGS[v]), 'files'];
}

/** The console lines of a run's recordings replay: the summary line, then each verdict that moved. */
export function recordingsConsoleLines(section: RecordingsSection | undefined): string[] {
  if (!section) return [];
  return [
    `  recordings: ${recordingsLine(section)}`,
    ...section.moved.map((m) => `    moved: ${m.file}: stated ${m.expected}, now ${m.actual}`),
  ];
}

/** "568 replayed in 3.1 s: 339 bit-exact, 121 exact up to op error, ...; every verdict as stated" */
export function recordingsLine(section: RecordingsSection): string {
  const counts = CALIBRATION_VERDICT_NAMES.map((v) => `${section.counts[v]} ${RECORDINGS_HEADINGS[v]}`).join(', ');
  const moved =
    section.moved.length === 0
      ? 'every verdict as stated'
      : `${section.moved.length} verdict${section.moved.length === 1 ? '' : 's'} moved from the stated one (fails the run)`;
  return `${section.total} recorded framework runs replayed in ${(section.durationMs / 1000).toFixed(1)} s: ${counts}; ${moved}`;
}
