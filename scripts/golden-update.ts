// npm run golden:update regenerates goldens/; --check compares instead and exits 1 on any change.
// --check first verifies the stored goldens (manifest schema, each file's sha256 against the
// manifest, each file's schema and dimensions): a corrupt or hand-edited store is bad input, one
// line on stderr and exit 2, before anything is regenerated.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../reference/errors.js';
import { writeFileAtomic } from '../reports/atomic-write.js';
import { verifyGoldenStore } from '../suites/golden-store.js';
import { renderAllGoldens } from '../suites/goldens.js';
import { EXIT_DIVERGED, EXIT_OK, runCommand } from './cli-support.js';

function goldenUpdate(args: readonly string[]): number {
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0)
    throw new InputError(
      `golden-update: unknown argument '${unknown[0]}'; accepted: --check (directory from RMSPROP_GOLDENS_DIR, default goldens)`,
    );
  const dir = process.env.RMSPROP_GOLDENS_DIR ?? 'goldens';
  const check = args.includes('--check');
  if (check) verifyGoldenStore(dir);
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
      process.stderr.write(
        `goldens out of date: ${[...changed, ...stale.map((s) => `${s} (stale)`)].join(', ')}; run npm run golden:update and review the diff\n`,
      );
      return EXIT_DIVERGED;
    }
    process.stdout.write(`goldens up to date (${files.size - 1} files)\n`);
  } else {
    process.stdout.write(
      `goldens: ${changed.length} written, ${stale.length} removed, ${files.size - changed.length} unchanged\n`,
    );
  }
  return EXIT_OK;
}

await runCommand(() => goldenUpdate(process.argv.slice(2)));
