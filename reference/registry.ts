// Looking profiles up by name, with '@version', and with suggestions for typos.
import { InputError } from './errors.js';
import type { Profile } from './profile.js';
import { PROFILES } from './profiles/index.js';
import { suggest } from './suggest.js';

export class UnknownProfileError extends InputError {}

/** Compares dotted versions numerically: '2.10' > '2.9'. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function inRange(version: string, range: Profile['versionRange']): boolean {
  if (!range || !/^\d+(\.\d+)*$/.test(version)) return false;
  return (
    (range.from === undefined || compareVersions(version, range.from) >= 0) &&
    (range.until === undefined || compareVersions(version, range.until) < 0)
  );
}

/** 'torch' (default version), 'torch@1.13', or 'torch@2'. */
export function findProfile(spec: string): Profile {
  const [name, version] = spec.split('@', 2) as [string, string | undefined];
  const named = PROFILES.filter((p) => p.name === name);
  if (named.length === 0) {
    const names = [...new Set(PROFILES.map((p) => p.name))];
    throw new UnknownProfileError(`unknown profile '${spec}'${suggest(name, names)}; known: ${names.join(', ')}`);
  }
  if (version === undefined) return named.find((p) => p.isDefaultVersion) ?? named[0];
  // The exact label, else the profile whose version range holds the requested version.
  const match = named.find((p) => p.version === version) ?? named.find((p) => inRange(version, p.versionRange));
  if (match) return match;
  throw new UnknownProfileError(
    `unknown version '${version}' of profile '${name}'; known: ${named.map((p) => `${p.name}@${p.version}`).join(', ')}`,
  );
}

export function listProfiles(): readonly Profile[] {
  return PROFILES;
}
