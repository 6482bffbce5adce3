// Short display labels for adapters: a spec with options ('ts-f32:profile=torch,epsPlacement=inside',
// 'external:command=/usr/bin/python3 clients/python/torch_rmsprop.py') is shown as its id plus a
// short hash of the whole spec; the full spec stays in the report, the tables and the tooltips.
import { createHash } from 'node:crypto';

export function shortAdapterLabel(label: string, id: string): string {
  if (label === id) return label;
  return `${id}#${createHash('sha256').update(label).digest('hex').slice(0, 6)}`;
}
