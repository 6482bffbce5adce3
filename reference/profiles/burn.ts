import type { Profile } from '../profile.js';

export const burn: Profile = {
  name: 'burn',
  version: '0',
  isDefaultVersion: true,
  framework: 'Burn (Rust) RmsProp optimizer',
  sources: [
    {
      repo: 'tracel-ai/burn',
      path: 'crates/burn-optim/src/optim/rmsprop.rs',
      note: 'formerly crates/burn-core/src/optim/rmsprop.rs. RmsPropConfig: alpha=0.99, momentum=0.9, epsilon=1e-5, centered=false (f32 fields); step: weight decay, square_avg = square_avg*alpha + grad.square()*(1. - alpha) (first step: grad.square()*(1-alpha)); centered: grad_avg = grad_avg*alpha + grad*(1-alpha), avg = square_avg - grad_avg.square(); grad = grad / (avg.sqrt() + epsilon); momentum > 0: buf = buf*momentum + grad; delta = grad.mul_scalar(lr); tensor - delta',
    },
    {
      repo: 'tracel-ai/burn',
      path: 'crates/burn-optim/src/optim/decay.rs',
      note: 'WeightDecay { penalty: f32 }: tensor.mul_scalar(penalty).add(grad) (L2 into the gradient)',
    },
  ],
  nativeNames: {
    learning_rate: 'lr',
    lr: 'lr',
    alpha: 'decay',
    momentum: 'momentum',
    epsilon: 'eps',
    centered: 'centered',
    weight_decay: 'weightDecay',
  },
  defaults: { lr: 0.01, decay: 0.99, momentum: 0.9, eps: 1e-5, centered: false, weightDecay: 0 },
  axes: {
    epsPlacement: 'outside',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    meanForm: 'blend',
    scaleForm: 'divide',
    updateOrder: 'lr-last',
    momentumKind: 'lr-outside',
    momentumAlways: false,
    weightDecayKind: 'coupled',
    oneMinusDecay: 'compute',
    float32Hyperparameters: ['decay', 'momentum', 'eps', 'weightDecay'],
    fma: [],
  },
  notes: [
    'The learning rate is passed to each step (LearningRate = f64); the harness default is 0.01. momentum defaults to 0.9, epsilon to 1e-5.',
    'eps is outside the sqrt also when centered; lr multiplies last: p - (g/d)*lr, or p - buf*lr with momentum.',
    'alpha, momentum, epsilon and the weight-decay penalty are f32 fields; 1. - alpha is an f32 subtraction (exact for alpha >= 0.5).',
    'fma: none (Rust does not contract floating-point expressions).',
  ],
};
