// What each framework calls each hyperparameter, and the traps: one word meaning different things
// in different frameworks (Keras 2 `decay` is a learning-rate decay, TF1's `decay` is rho), or a
// word that reads as something else (torch's `alpha` is rho, not a step size).
import type { Profile } from '../../reference/profile.js';
import { HYPERPARAMETERS, type Hyperparameters } from '../../reference/variant.js';

export interface NamingRow {
  hyperparameter: string;
  /** profile label -> its native name(s) for the hyperparameter, '' when it has none. */
  names: Record<string, string>;
  traps: string[];
}

/**
 * Words that read as something else than what they are, wherever a framework uses them for this
 * canonical hyperparameter. (Cross-framework conflicts are found from the profiles' data.)
 */
const MISLEADING: readonly { word: string; canonical: keyof Hyperparameters; why: string }[] = [
  {
    word: 'alpha',
    canonical: 'decay',
    why: "'alpha' is the decay rho here, not a step size (alpha is the learning rate in the Adam paper and most textbooks)",
  },
  {
    word: 'gamma1',
    canonical: 'decay',
    why: "'gamma1' is the decay rho (Graves 2013 numbering), not a learning rate or a momentum",
  },
  {
    word: 'gamma2',
    canonical: 'momentum',
    why: "'gamma2' is the momentum (Graves 2013 numbering), used only by the centered update",
  },
];

const label = (p: Profile) => `${p.name}@${p.version}`;

/** The native names of a canonical hyperparameter in a profile ('lr, learning_rate'), '' when none. */
export function nativeNamesOf(profile: Profile, canonical: string): string {
  return Object.entries(profile.nativeNames)
    .filter(([, c]) => c === canonical)
    .map(([n]) => n)
    .join(', ');
}

/** Traps among the given profiles: each is one sentence naming the profiles and the meanings. */
export function namingTraps(profiles: readonly Profile[]): { canonical: string; text: string }[] {
  const traps: { canonical: string; text: string }[] = [];
  const meanings = new Map<string, Map<string, string[]>>();
  for (const p of profiles) {
    for (const [word, canonical] of Object.entries(p.nativeNames)) {
      const m = meanings.get(word) ?? new Map<string, string[]>();
      m.set(canonical, [...(m.get(canonical) ?? []), p.name]);
      meanings.set(word, m);
    }
  }
  for (const [word, m] of meanings) {
    if (m.size < 2) continue;
    const parts = [...m].map(([canonical, names]) => `${canonical} in ${names.join(', ')}`);
    for (const canonical of m.keys()) traps.push({ canonical, text: `'${word}' means ${parts.join('; ')}` });
  }
  for (const t of MISLEADING) {
    const users = profiles.filter((p) => p.nativeNames[t.word] === t.canonical).map((p) => p.name);
    if (users.length > 0) traps.push({ canonical: t.canonical, text: `${users.join(', ')}: ${t.why}` });
  }
  return traps;
}

/** One row per canonical hyperparameter that at least one profile names. */
export function namingTable(profiles: readonly Profile[]): NamingRow[] {
  const traps = namingTraps(profiles);
  return HYPERPARAMETERS.map((h) => ({
    hyperparameter: h.name,
    names: Object.fromEntries(profiles.map((p) => [label(p), nativeNamesOf(p, h.name)])),
    traps: traps.filter((t) => t.canonical === h.name).map((t) => t.text),
  })).filter((row) => Object.values(row.names).some((n) => n !== ''));
}
