// Writes the published JSON Schemas (conformance report, config file) from their typebox
// definitions; --check compares instead (a test does the same).
import { existsSync, readFileSync } from 'node:fs';
import type { TSchema } from '@sinclair/typebox';
import { writeFileAtomic } from '../reports/atomic-write.js';
import { ConformanceReportSchema } from '../reports/report-schema.js';
import { ConfigSchema } from '../runner/config.js';

export const PUBLISHED_SCHEMAS: readonly { path: string; schema: TSchema }[] = [
  { path: 'schemas/conformance-report.schema.json', schema: ConformanceReportSchema },
  { path: 'schemas/config.schema.json', schema: ConfigSchema },
];

export const schemaText = (schema: TSchema) => `${JSON.stringify(schema, null, 2)}\n`;

if (process.argv[1]?.endsWith('write-schemas.ts') || process.argv[1]?.endsWith('write-schemas.js')) {
  for (const { path, schema } of PUBLISHED_SCHEMAS) {
    const text = schemaText(schema);
    if (!process.argv.includes('--check')) writeFileAtomic(path, text);
    else if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
      process.stderr.write(`${path} is out of date: run npx tsx scripts/write-schemas.ts\n`);
      process.exit(1);
    }
  }
}
