// Forms from lectures, textbooks and tutorials, which many hand-written implementations copy.
import type { Profile } from '../profile.js';

export const d2l: Profile = {
  name: 'd2l',
  version: '1',
  isDefaultVersion: true,
  framework: 'Dive into Deep Learning, chapter RMSProp (from-scratch implementation)',
  sources: [
    {
      repo: 'd2l-ai/d2l-en',
      path: 'chapter_optimization/rmsprop.md',
      note: '#@tab pytorch def rmsprop(params, states, hyperparams): gamma, eps = hyperparams["gamma"], 1e-6; s[:] = gamma * s + (1 - gamma) * torch.square(p.grad); p[:] -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps); trained with {"lr": 0.01, "gamma": 0.9}',
    },
  ],
  nativeNames: { lr: 'lr', gamma: 'decay', eta: 'lr' },
  defaults: { lr: 0.01, decay: 0.9, eps: 1e-6 },
  axes: {
    epsPlacement: 'inside',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    oneMinusDecay: 'host',
    fma: [],
  },
  notes: ['eps = 1e-6 is hard-coded inside the sqrt; gamma = 0.9 in the examples.'],
};

export const hinton: Profile = {
  name: 'hinton',
  version: '2012',
  isDefaultVersion: true,
  framework: 'Hinton, Neural Networks for Machine Learning, lecture 6e',
  sources: [
    {
      repo: 'lecture',
      path: 'http://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf (Tieleman & Hinton, lecture 6e; cited by apache/mxnet src/operator/optimizer_op-inl.h and mindspore nn/optim/rmsprop.py)',
      note: 'MeanSquare(w,t) = 0.9 MeanSquare(w,t-1) + 0.1 (dE/dw)^2; divide the gradient by sqrt(MeanSquare(w,t))',
    },
  ],
  nativeNames: { lr: 'lr', decay: 'decay' },
  defaults: { lr: 0.001, decay: 0.9, eps: 0 },
  axes: {
    epsPlacement: 'outside',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    oneMinusDecay: 'host',
    fma: [],
  },
  notes: [
    'No epsilon and no learning rate in the lecture: eps = 0 (a zero gradient on step 1 gives 0/0 = NaN); the harness uses lr = 0.001.',
  ],
};

export const numpyTutorial: Profile = {
  name: 'numpy-tutorial',
  version: '1',
  isDefaultVersion: true,
  framework: 'The common NumPy tutorial form (CS231n notes)',
  sources: [
    {
      repo: 'cs231n/cs231n.github.io',
      path: 'neural-networks-3.md',
      note: 'section RMSprop: cache = decay_rate * cache + (1 - decay_rate) * dx ** 2; x += - learning_rate * dx / (np.sqrt(cache) + eps), "typical values are [0.9, 0.99, 0.999]"; -learning_rate * dx / d is -((lr*g)/d) exactly. cache starts at 0; float64 NumPy arrays',
    },
  ],
  nativeNames: { lr: 'lr', learning_rate: 'lr', decay: 'decay', decay_rate: 'decay', eps: 'eps', epsilon: 'eps' },
  defaults: { lr: 0.001, decay: 0.9, eps: 1e-8, initialAccumulator: 0 },
  axes: {
    epsPlacement: 'outside',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    oneMinusDecay: 'host',
    fma: [],
  },
  notes: ['Some tutorials start the accumulator at 0.001: set initial_accumulator=0.001.'],
};
