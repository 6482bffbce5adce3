// Axes an implementation declares it deviates on (a module's `fixedAxes`, a program's hello
// `fixedAxes`): checked against the axis list and normalised the way --set parses them, so
// `{ fma: 'off' }` and `{ fma: [] }` mean the same and a typo is named with the accepted values.

import type { Dtype } from '../reference/arithmetic.js';
import type { Profile } from '../reference/profile.js';
import { resolveVariant, type Settings } from '../reference/resolve.js';
import { AXES, type Axes } from '../reference/variant.js';

export type DeclaredAxes = Readonly<Record<string, unknown>>;

/**
 * The declared axes as axis values, resolved on top of the claimed profile (fma=on means the
 * profile's own FMA sites). Throws an Error naming the bad axis or value.
 */
export function normaliseDeclaredAxes(
  declared: DeclaredAxes,
  profile: Profile | string,
  dtype: Dtype = 'float32',
): Partial<Axes> {
  const names = AXES.map((a) => a.name as string);
  const settings: Record<string, Settings[string]> = {};
  for (const [name, value] of Object.entries(declared)) {
    if (!names.includes(name)) throw new Error(`fixedAxes: unknown axis '${name}'; axes: ${names.join(', ')}`);
    settings[name] = value as Settings[string];
  }
  const variant = resolveVariant(profile, dtype, {}, settings).variant;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(declared)) out[name] = variant[name as keyof Axes];
  return out;
}
