// Seeded synthetic gradient sequences, including the edge cases that break implementations:
// zeros (first step and persistent), tiny and subnormal values, squares that overflow float32 or
// float64, NaN and +-Inf injected at a step, sign flips, sparse coordinates.

import { seededRandom, type SeededRandom } from './random.js';

export interface StreamSpec {
  kind: StreamKind;
  dim: number;
  steps: number;
  seed: number;
  /** Magnitude of the random part (default 1). */
  scale?: number;
  /** 0-based step at which a non-finite value is injected (default 2). */
  at?: number;
}

interface StreamKindInfo {
  describe: string;
  /** Value of coordinate i at step t. */
  value(r: SeededRandom, t: number, i: number, spec: StreamSpec): number;
}

const scaleOf = (s: StreamSpec) => s.scale ?? 1;
const injectAt = (s: StreamSpec) => s.at ?? 2;
const random = (r: SeededRandom, s: StreamSpec) => r.signed() * scaleOf(s);

const KINDS = {
  random: { describe: 'uniform in [-scale, scale)', value: (r, _t, _i, s) => random(r, s) },
  'zeros-first': {
    describe: 'zero gradient on the first step, then random',
    value: (r, t, _i, s) => (t === 0 ? (r.float(), 0) : random(r, s)),
  },
  zeros: { describe: 'zero gradient on every step', value: (r) => (r.float(), 0) },
  tiny: { describe: 'random times 1e-30 (g^2 underflows float32)', value: (r, _t, _i, s) => random(r, s) * 1e-30 },
  subnormal32: { describe: 'random times 1e-40 (float32 subnormals)', value: (r, _t, _i, s) => random(r, s) * 1e-40 },
  subnormal64: {
    describe: 'random times 1e-310 (float64 subnormals; zero in float32)',
    value: (r, _t, _i, s) => random(r, s) * 1e-310,
  },
  overflow32: { describe: '+-1e20 (g^2 overflows float32, not float64)', value: (r) => (r.float() < 0.5 ? -1e20 : 1e20) },
  overflow64: { describe: '+-1e160 (g^2 overflows float64)', value: (r) => (r.float() < 0.5 ? -1e160 : 1e160) },
  'nan-at': {
    describe: 'random, NaN in coordinate 0 at step `at`',
    value: (r, t, i, s) => {
      const v = random(r, s);
      return t === injectAt(s) && i === 0 ? NaN : v;
    },
  },
  'inf-at': {
    describe: 'random, +Infinity in coordinate 0 at step `at`',
    value: (r, t, i, s) => {
      const v = random(r, s);
      return t === injectAt(s) && i === 0 ? Infinity : v;
    },
  },
  'neg-inf-at': {
    describe: 'random, -Infinity in coordinate 0 at step `at`',
    value: (r, t, i, s) => {
      const v = random(r, s);
      return t === injectAt(s) && i === 0 ? -Infinity : v;
    },
  },
  'sign-flip': {
    describe: 'alternating sign, magnitude scale*(1 + u/10)',
    value: (r, t, _i, s) => (t % 2 === 0 ? 1 : -1) * scaleOf(s) * (1 + r.float() / 10),
  },
  sparse: {
    describe: 'each coordinate nonzero with probability 0.1',
    value: (r, _t, _i, s) => {
      const keep = r.float() < 0.1;
      const v = random(r, s);
      return keep ? v : 0;
    },
  },
} satisfies Record<string, StreamKindInfo>;

export type StreamKind = keyof typeof KINDS;
export const STREAM_KINDS = Object.keys(KINDS) as StreamKind[];

export function describeStreamKind(kind: StreamKind): string {
  return KINDS[kind].describe;
}

/** The stream as one gradient vector per step. Same spec, same numbers, on every machine. */
export function generateStream(spec: StreamSpec): Float64Array[] {
  const info: StreamKindInfo = KINDS[spec.kind];
  const r = seededRandom(spec.seed);
  const out: Float64Array[] = [];
  for (let t = 0; t < spec.steps; t++) {
    const g = new Float64Array(spec.dim);
    for (let i = 0; i < spec.dim; i++) g[i] = info.value(r, t, i, spec);
    out.push(g);
  }
  return out;
}
