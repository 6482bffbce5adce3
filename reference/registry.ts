// Looking profiles up by name, with '@version', and with suggestions for typos.
import type { Profile } from './profile.js';
import { PROFILES } from './profiles/index.js';
import { suggest } from './suggest.js';

export class UnknownProfileError extends Error {}

/** 'torch' (default version), 'torch@1.13', or 'torch@2'. */
export function findProfile(spec: string): Profile {
  const [name, version] = spec.split('@', 2) as [string, string | undefined];
  const named = PROFILES.filter((p) => p.name === name);
  if (named.length === 0) {
    const names = [...new Set(PROFILES.map((p) => p.name))];
    throw new UnknownProfileError(`unknown profile '${spec}'${suggest(name, names)}; known: ${names.join(', ')}`);
  }
  if (version === undefined) return named.find((p) => p.isDefaultVersion) ?? named[0]!;
  // Exact, or a more precise version of a known one: '2.1' is '2', '1.13.1' is '1.13'.
  const match = named.find((p) => p.version === version) ?? named.find((p) => version.startsWith(`${p.version}.`));
  if (match) return match;
  throw new UnknownProfileError(`unknown version '${version}' of profile '${name}'; known: ${named.map((p) => `${p.name}@${p.version}`).join(', ')}`);
}

export function listProfiles(): readonly Profile[] {
  return PROFILES;
}
