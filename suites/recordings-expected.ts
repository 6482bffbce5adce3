// The stated verdict of every calibration recording (suites/recordings/expected-verdicts.json), with
// the reason for each one that is not bit-exact. Comparing a calibration run against it shows
// improvements and regressions alike: any file whose verdict moved is listed.
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { InputError } from '../reference/errors.js';
import { readJsonFile } from './json-file.js';
import { defaultRecordingsDir } from './recordings-file.js';
import { CALIBRATION_VERDICTS, type CalibrationReport, type CalibrationVerdict } from './recordings-replay.js';

const Verdict = Type.Union(CALIBRATION_VERDICTS.map((v) => Type.Literal(v)));

export const ExpectedVerdictsSchema = Type.Object(
  {
    description: Type.String(),
    counts: Type.Object(
      Object.fromEntries(CALIBRATION_VERDICTS.map((v) => [v, Type.Integer()])) as Record<
        CalibrationVerdict,
        ReturnType<typeof Type.Integer>
      >,
      { additionalProperties: false },
    ),
    verdicts: Type.Record(
      Type.String(),
      Type.Object(
        { framework: Type.String({ minLength: 1 }), verdict: Verdict, reason: Type.Optional(Type.String({ minLength: 1 })) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ExpectedVerdicts = Static<typeof ExpectedVerdictsSchema>;

export const EXPECTED_VERDICTS_FILE = 'expected-verdicts.json';

/** The stated verdicts; every non-exact one must carry its reason. */
export function readExpectedVerdicts(dir = defaultRecordingsDir()): ExpectedVerdicts {
  const path = join(dir, EXPECTED_VERDICTS_FILE);
  const doc = readJsonFile(path, 'expected verdicts', ExpectedVerdictsSchema) as ExpectedVerdicts;
  for (const [file, entry] of Object.entries(doc.verdicts)) {
    if (entry.verdict !== 'bit-exact' && entry.reason === undefined)
      throw new InputError(`expected verdicts ${path}: /verdicts/${file}: verdict '${entry.verdict}' needs a reason`);
  }
  return doc;
}

export interface VerdictChange {
  file: string;
  expected: CalibrationVerdict | 'missing';
  actual: CalibrationVerdict | 'missing';
}

const RANK: Record<CalibrationVerdict, number> = { 'bit-exact': 0, 'exact-up-to-op-error': 1, within: 2, outside: 3, refused: 4 };

/** Files whose verdict differs from the stated one, improvements first; `framework` limits the comparison to one framework's files. */
export function compareVerdicts(report: CalibrationReport, expected: ExpectedVerdicts, framework?: string): VerdictChange[] {
  const changes: VerdictChange[] = [];
  const seen = new Set<string>();
  for (const r of report.results) {
    seen.add(r.file);
    const stated = expected.verdicts[r.file]?.verdict ?? 'missing';
    if (stated !== r.verdict) changes.push({ file: r.file, expected: stated, actual: r.verdict });
  }
  for (const [file, entry] of Object.entries(expected.verdicts)) {
    if (!seen.has(file) && (framework === undefined || entry.framework === framework))
      changes.push({ file, expected: entry.verdict, actual: 'missing' });
  }
  const rank = (v: CalibrationVerdict | 'missing') => (v === 'missing' ? 5 : RANK[v]);
  return changes.sort(
    (a, b) => rank(a.actual) - rank(a.expected) - (rank(b.actual) - rank(b.expected)) || a.file.localeCompare(b.file),
  );
}
