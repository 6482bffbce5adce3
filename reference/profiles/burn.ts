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
      note: 'formerly crates/burn-core/src/optim/rmsprop.rs. RmsPropConfig: alpha 0.99, momentum 0.9, epsilon 1e-5, centered false (f32 fields). RmsProp::step: weight_decay.transform, then SquareAvgState::transform: square_avg.mul_scalar(alpha).add(grad.square().mul_scalar(1. - alpha)) (first step grad.square().mul_scalar(1. - alpha)); CenteredState::transform: grad_avg.mul_scalar(alpha).add(grad.mul_scalar(1. - alpha)), avg = square_avg.sub(grad_avg.square()); RmsPropMomentum::transform: grad.div(avg.sqrt().add_scalar(epsilon)), if momentum > 0 buf = buf.mul_scalar(momentum).add(grad) (first step buf = grad); delta = grad.mul_scalar(lr); tensor - delta',
    },
    {
      repo: 'tracel-ai/burn',
      path: 'crates/burn-optim/src/optim/decay.rs',
      note: 'WeightDecayConfig { penalty: f32 }; WeightDecay::transform: tensor.mul_scalar(penalty).add(grad) (L2 into the gradient)',
    },
    {
      repo: 'tracel-ai/burn',
      path: 'crates/burn-optim/src/grad_clipping/base.rs',
      note: 'GradientClipping::Value(f32): mask_fill above threshold and below -threshold (elementwise clip); Norm(f32): grad * min(threshold / (norm + min_positive), 1) per tensor. ModuleOptimizer clips the gradient before RmsProp::step, so before the weight decay',
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
    weightDecayBeforeClip: false,
    oneMinusDecay: 'float32',
    float32Hyperparameters: ['decay', 'momentum', 'eps', 'weightDecay', 'clip'],
    fma: [],
  },
  notes: [
    'The learning rate is passed to each step (LearningRate = f64); the harness default is 0.01. momentum defaults to 0.9, epsilon to 1e-5.',
    'eps is outside the sqrt also when centered; lr multiplies last: p - (g/d)*lr, or p - buf*lr with momentum.',
    'alpha, momentum, epsilon, the weight-decay penalty and the clip threshold are f32 fields; 1. - alpha is an f32 subtraction widened to the tensor element type (oneMinusDecay float32).',
    'GradientClippingConfig::Value is the canonical clip (before the weight decay); GradientClippingConfig::Norm (per tensor, threshold / (norm + min_positive)) is not modelled.',
    'fma: none (Rust does not contract floating-point expressions).',
  ],
};
