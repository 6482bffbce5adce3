// The suites: identical cases for every implementation. Data only; adding a case is adding an entry.

import type { CaseSpec } from './case.js';
import type { StreamKind } from './gradient-streams.js';

type CaseEntry = Omit<CaseSpec, 'suite'>;
type VariantEntry = Omit<CaseSpec, 'suite' | 'source' | 'steps'>;

const problemCases: CaseSpec[] = (
  [
    {
      id: 'xlogx',
      describe: 'x/ln x from 364 at lr 0.3 (the published float32 demo)',
      source: { kind: 'problem', problem: 'xlogx' },
      x0: [364],
      steps: 60,
      settings: { lr: 0.3, rho: 0.9 },
    },
    {
      id: 'quad2d',
      describe: 'd2l quadratic from (-5, -2), lr 0.4, decay 0.9',
      source: { kind: 'problem', problem: 'quad2d' },
      steps: 20,
      settings: { lr: 0.4, rho: 0.9 },
    },
    {
      id: 'rotated2d',
      describe: 'rotated quadratic from (-5, -2), lr 0.1',
      source: { kind: 'problem', problem: 'rotated2d' },
      steps: 40,
      settings: { lr: 0.1, rho: 0.9 },
    },
    {
      id: 'linreg',
      describe: 'least squares from (3, 5), lr 0.01',
      source: { kind: 'problem', problem: 'linreg' },
      steps: 100,
      settings: { lr: 0.01, rho: 0.9 },
    },
    {
      id: 'linreg-mse',
      describe: 'least squares (full MSE) from (3, 5), lr 0.01',
      source: { kind: 'problem', problem: 'linreg-mse' },
      steps: 60,
      settings: { lr: 0.01, rho: 0.9 },
    },
    {
      id: 'linreg-minibatch',
      describe: 'least squares, seeded minibatches of 2, lr 0.01',
      source: { kind: 'problem', problem: 'linreg-minibatch' },
      steps: 60,
      settings: { lr: 0.01, rho: 0.9 },
    },
    {
      id: 'rosenbrock',
      describe: 'Rosenbrock from (-1.5, 2), lr 0.01',
      source: { kind: 'problem', problem: 'rosenbrock' },
      steps: 100,
      settings: { lr: 0.01, rho: 0.9 },
    },
    {
      id: 'quadN',
      describe: '8-D ill-conditioned quadratic, lr 0.01',
      source: { kind: 'problem', problem: 'quadN', dim: 8 },
      steps: 50,
      settings: { lr: 0.01, rho: 0.9 },
    },
  ] as CaseEntry[]
).map((c) => ({ ...c, suite: 'problems' }));

const variantCases: CaseSpec[] = (
  [
    { id: 'centered', describe: 'centered, rotated quadratic', settings: { lr: 0.05, rho: 0.9, centered: true } },
    { id: 'momentum', describe: 'momentum 0.9, rotated quadratic', settings: { lr: 0.01, rho: 0.9, momentum: 0.9 } },
    {
      id: 'centered-momentum',
      describe: 'centered with momentum 0.9',
      settings: { lr: 0.01, rho: 0.9, centered: true, momentum: 0.9 },
    },
    { id: 'weight-decay', describe: 'weight decay 0.1', settings: { lr: 0.05, rho: 0.9, weightDecay: 0.1 } },
    { id: 'clip', describe: 'elementwise clip at 0.5', settings: { lr: 0.05, rho: 0.9, clip: 0.5 } },
    { id: 'lr-decay', describe: 'inverse-time learning-rate decay 0.1', settings: { lr: 0.1, rho: 0.9, lrDecay: 0.1 } },
    {
      id: 'initial-accumulator',
      describe: 'accumulator starting at 0.001 (a tutorial variant)',
      settings: { lr: 0.05, rho: 0.9, initialAccumulator: 0.001 },
    },
  ] as VariantEntry[]
).map((c) => ({ ...c, suite: 'variants', source: { kind: 'problem', problem: 'rotated2d' }, steps: 30 }));

const edgeKinds: [StreamKind, string][] = [
  ['random', 'random gradients'],
  ['zeros-first', 'zero gradient on step 1 (0/0 without eps; NaN in tfjs centered)'],
  ['zeros', 'persistent zero gradient'],
  ['tiny', 'tiny gradients whose square underflows float32'],
  ['subnormal32', 'float32 subnormal gradients'],
  ['subnormal64', 'float64 subnormal gradients'],
  ['overflow32', 'gradients whose square overflows float32'],
  ['overflow64', 'gradients whose square overflows float64'],
  ['nan-at', 'NaN injected at step 3'],
  ['inf-at', '+Infinity injected at step 3'],
  ['neg-inf-at', '-Infinity injected at step 3'],
  ['sign-flip', 'alternating signs'],
  ['sparse', 'sparse coordinates'],
];

const edgeCases: CaseSpec[] = edgeKinds.map(([kind, describe], i) => ({
  id: kind,
  suite: 'edge',
  describe,
  source: { kind: 'stream', stream: { kind, dim: 4, steps: 12, seed: 1000 + i } },
  x0: [1, -0.5, 0.25, -2],
  steps: 12,
  settings: { lr: 0.01, rho: 0.9 },
}));

const edgeCenteredCases: CaseSpec[] = (['zeros-first', 'random', 'inf-at'] as StreamKind[]).map((kind, i) => ({
  id: `centered-${kind}`,
  suite: 'edge',
  describe: `centered with ${kind} gradients`,
  source: { kind: 'stream', stream: { kind, dim: 4, steps: 12, seed: 2000 + i } },
  x0: [1, -0.5, 0.25, -2],
  steps: 12,
  settings: { lr: 0.01, rho: 0.9, centered: true },
}));

export const SUITES: Readonly<Record<string, readonly CaseSpec[]>> = {
  problems: problemCases,
  variants: variantCases,
  edge: [...edgeCases, ...edgeCenteredCases],
};

export const ALL_CASES: readonly CaseSpec[] = Object.values(SUITES).flat();

export function caseKey(c: Pick<CaseSpec, 'suite' | 'id'>): string {
  return `${c.suite}/${c.id}`;
}
