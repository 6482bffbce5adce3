// Imports a user's JS or TS file (module adapters, config files) and returns its default export.
// TypeScript goes through tsx; a .ts file outside an ESM package is compiled as CommonJS, whose
// namespace wraps the real default export once more: unwrap it.

import { pathToFileURL } from 'node:url';

export async function importDefault(path: string): Promise<unknown> {
  const url = pathToFileURL(path).href;
  const mod = (
    /\.[cm]?ts$/.test(path) ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url) : await import(url)
  ) as Record<string, unknown>;
  let value = mod.default;
  const inner = value as Record<string, unknown> | undefined;
  if (
    inner &&
    typeof inner === 'object' &&
    'default' in inner &&
    (inner.__esModule === true || Object.keys(inner).every((k) => k === 'default' || k === '__esModule'))
  )
    value = inner.default;
  return value;
}
