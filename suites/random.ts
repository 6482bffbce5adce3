// Seeded randomness for gradient streams and minibatch shuffles: the same seed gives the same
// numbers on every machine (no Math.random, no transcendental functions).
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface SeededRandom {
  /** Uniform in [0, 1), a multiple of 2^-53. */
  float(): number;
  /** Uniform integer in [from, to]. */
  int(from: number, to: number): number;
  /** Uniform in [-1, 1). */
  signed(): number;
}

export function seededRandom(seed: number): SeededRandom {
  const rng = xoroshiro128plus(seed);
  return {
    float: () => uniformFloat64(rng),
    int: (from, to) => uniformInt(rng, from, to),
    signed: () => 2 * uniformFloat64(rng) - 1,
  };
}

/** Fisher-Yates shuffle of 0..n-1 with a seeded generator. */
export function seededPermutation(n: number, random: SeededRandom): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
