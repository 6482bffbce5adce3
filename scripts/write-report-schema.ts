// Writes schemas/conformance-report.schema.json from the typebox definition; --check compares instead.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../reports/atomic-write.js';
import { ConformanceReportSchema } from '../reports/report-schema.js';

export const REPORT_SCHEMA_PATH = 'schemas/conformance-report.schema.json';
export const reportSchemaText = () => `${JSON.stringify(ConformanceReportSchema, null, 2)}\n`;

if (process.argv[1]?.endsWith('write-report-schema.ts') || process.argv[1]?.endsWith('write-report-schema.js')) {
  const text = reportSchemaText();
  if (process.argv.includes('--check')) {
    const same = existsSync(REPORT_SCHEMA_PATH) && readFileSync(REPORT_SCHEMA_PATH, 'utf8') === text;
    if (!same) {
      process.stderr.write(`${REPORT_SCHEMA_PATH} is out of date: run npx tsx scripts/write-report-schema.ts\n`);
      process.exit(1);
    }
  } else writeFileAtomic(REPORT_SCHEMA_PATH, text);
}
