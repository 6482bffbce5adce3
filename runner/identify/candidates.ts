// The candidate profiles identify compares an adapter with, and the order of preference among
// equally good ones: the claimed profile first, then profiles with the adapter's declared fixed
// axes on top, then default versions.

import type { Profile } from '../../reference/profile.js';
import type { Candidate } from './predict.js';

export { candidatesFor } from './predict.js';

export function preferenceRank(c: Candidate, claimed: Profile | null): number {
  return (claimed && c.profile === claimed ? 0 : c.profile.isDefaultVersion ? 2 : 4) + (c.fixedAxes ? 0 : 1);
}
