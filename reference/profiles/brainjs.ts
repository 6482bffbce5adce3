import type { Profile } from '../profile.js';

/**
 * brain.js recurrent nets: a plain-JS RMSprop whose arithmetic is JS numbers (float64) and whose
 * weights, gradients and step cache are Float32Arrays, so each value is rounded once, when stored.
 */
export const brainjs: Profile = {
  name: 'brainjs',
  version: '2',
  isDefaultVersion: true,
  framework: 'brain.js recurrent nets (RNN, LSTM, GRU): RNN.adjustWeights',
  sources: [
    {
      repo: 'BrainJS/brain.js',
      path: 'src/recurrent/rnn.ts',
      note: 'adjustWeights: cache[i] = cache[i] * decayRate + (1 - decayRate) * r * r; r clipped to +-clipval after that; weights[i] = w + (-learningRate * r) / Math.sqrt(cache[i] + smoothEps) - regc * w. defaults(): decayRate 0.999, smoothEps 1e-8, regc 0.000001, clipval 5; trainDefaults.learningRate 0.01; stepCache is zeros() per matrix',
    },
    {
      repo: 'BrainJS/brain.js',
      path: 'src/recurrent/matrix/index.ts',
      note: 'Matrix weights and deltas are zeros(rows * columns); src/utilities/zeros.ts returns a Float32Array',
    },
  ],
  nativeNames: { learningRate: 'lr', decayRate: 'decay', smoothEps: 'eps' },
  defaults: { lr: 0.01, decay: 0.999, eps: 1e-8, initialAccumulator: 0 },
  axes: {
    epsPlacement: 'inside',
    emaForm: 'blend',
    // (1 - decayRate) * r * r evaluates left to right: ((1 - decay) * g) * g.
    squareGrouping: '((1-b)*g)*g',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    oneMinusDecay: 'host',
    fma: [],
    // JS arithmetic is float64; a write into a Float32Array rounds (the update then reads the rounded cache).
    computePrecision: 'float64',
  },
  notes: [
    'Compare float32 runs: the arrays are Float32Array. --dtype float64 describes the same code on Float64Arrays.',
    "regc (default 1e-6) subtracts regc*w after the update, (w + u) - regc*w; the step's decoupled decay acts before it, so regc is not a setting here: the profile is brain.js with regc: 0 (which still subtracts 0*w: a parameter -0 with a zero update ends +0 there, -0 here).",
    'clipval (default 5) clips r after the cache update (the cache accumulates the unclipped gradient): not a setting here; the profile holds while |gradient| <= clipval.',
    'brain.js 1.x (src/recurrent/rnn.js) has the same expressions.',
  ],
};
