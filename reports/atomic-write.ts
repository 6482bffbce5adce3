// Files appear whole or not at all: write to a temporary file beside the target, then rename.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/**
 * Creates a directory and its missing parents one at a time: Node's recursive mkdir loops forever
 * where the kernel answers ENOENT for a parent that exists (under /proc); this fails instead.
 */
export function makeDirectories(path: string): void {
  const missing: string[] = [];
  for (let p = path; !existsSync(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const dir of missing.reverse()) mkdirSync(dir);
}

export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  makeDirectories(dirname(path));
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
