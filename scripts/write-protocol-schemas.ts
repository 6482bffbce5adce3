// Writes the JSON Schema files of protocol v2 (schemas/protocol/*.schema.json) from the typebox
// definitions in adapters/external/protocol.ts. `--check` compares instead of writing (exit 1 when stale).
//   npx tsx scripts/write-protocol-schemas.ts [--check]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_SCHEMAS, SCHEMA_ID_BASE } from '../adapters/external/protocol.js';

export const PROTOCOL_SCHEMA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'schemas', 'protocol');

/** File name -> file text, as written. */
export function protocolSchemaFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, schema] of Object.entries(PROTOCOL_SCHEMAS)) {
    const doc = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: `${SCHEMA_ID_BASE}/${file}`,
      ...(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>),
    };
    out[file] = `${JSON.stringify(doc, null, 2)}\n`;
  }
  return out;
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  mkdirSync(PROTOCOL_SCHEMA_DIR, { recursive: true });
  for (const [file, text] of Object.entries(protocolSchemaFiles())) {
    const path = join(PROTOCOL_SCHEMA_DIR, file);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        // missing counts as stale
      }
      if (current !== text) stale.push(file);
    } else {
      writeFileSync(path, text);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(
      `schemas/protocol is out of date (${stale.join(', ')}): run npx tsx scripts/write-protocol-schemas.ts\n`,
    );
    process.exit(1);
  }
  if (!check) process.stdout.write(`wrote ${Object.keys(PROTOCOL_SCHEMAS).length} schema files to ${PROTOCOL_SCHEMA_DIR}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
