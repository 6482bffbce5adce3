// npm run golden:update regenerates goldens/; --check compares instead and exits 1 on any change.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../reports/atomic-write.js';
import { renderAllGoldens } from '../suites/goldens.js';

const dir = process.env.RMSPROP_GOLDENS_DIR ?? 'goldens';
const check = process.argv.includes('--check');
const files = renderAllGoldens();
const changed: string[] = [];
for (const [name, text] of files) {
  const path = join(dir, name);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (current === text) continue;
  changed.push(name);
  if (!check) writeFileAtomic(path, text);
}
const stale = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json') && !files.has(f)) : [];
if (!check) for (const f of stale) rmSync(join(dir, f));
if (check) {
  if (changed.length + stale.length > 0) {
    process.stderr.write(`goldens out of date: ${[...changed, ...stale.map((s) => `${s} (stale)`)].join(', ')}; run npm run golden:update and review the diff\n`);
    process.exit(1);
  }
  process.stdout.write(`goldens up to date (${files.size - 1} files)\n`);
} else {
  process.stdout.write(`goldens: ${changed.length} written, ${stale.length} removed, ${files.size - changed.length} unchanged\n`);
}
