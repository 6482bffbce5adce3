import type { Profile } from '../profile.js';

export const mindspore: Profile = {
  name: 'mindspore',
  version: '2',
  isDefaultVersion: true,
  framework: 'MindSpore mindspore.nn.RMSProp (ApplyRMSProp / ApplyCenteredRMSProp, CPU)',
  sources: [
    {
      repo: 'mindspore-ai/mindspore',
      path: 'mindspore/python/mindspore/nn/optim/rmsprop.py',
      note: 'RMSProp(params, learning_rate=0.1, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, centered=False, loss_scale=1.0, weight_decay=0.0); ms = clone(init=ones), moment and mg zeros; construct: decay_weight (L2 into the gradient), then P.ApplyRMSProp / P.ApplyCenteredRMSProp',
    },
    {
      repo: 'mindspore-ai/mindspore',
      path: 'mindspore/ccsrc/plugin/device/cpu/kernel/rmsprop_cpu_kernel.cc',
      note: 'non-float32: mean_square += (g*g - mean_square) * (1.0 - decay); moment = moment*momentum + (g*lr) / sqrt(mean_square + epsilon); variable -= moment; decay, momentum, epsilon, lr are float',
    },
    {
      repo: 'mindspore-ai/mindspore',
      path: 'mindspore/ccsrc/plugin/device/cpu/kernel/nnacl/fp32/rmsprop_fp32.c',
      note: 'float32: decay_v = 1.0 - decay (double, then float); AVX: tmp = g*g - ms; ms += decay_v*tmp; mom = mom*momentum + (g*lr)/sqrt(ms + eps); var -= mom, separate mul/add intrinsics',
    },
  ],
  nativeNames: {
    learning_rate: 'lr',
    decay: 'decay',
    momentum: 'momentum',
    epsilon: 'eps',
    centered: 'centered',
    weight_decay: 'weightDecay',
  },
  defaults: { lr: 0.1, decay: 0.9, momentum: 0, eps: 1e-10, centered: false, weightDecay: 0, initialAccumulator: 1 },
  axes: {
    epsPlacement: 'inside',
    centeredGrouping: '(v-m2)+eps',
    emaForm: 'increment',
    meanForm: 'increment',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    momentumKind: 'lr-inside',
    momentumAlways: true,
    weightDecayKind: 'coupled',
    oneMinusDecay: 'host',
    float32Hyperparameters: ['lr', 'decay', 'momentum', 'eps', 'weightDecay'],
    fma: [],
  },
  notes: [
    'The TF1 form: the mean-square accumulator starts at 1, epsilon 1e-10 inside the sqrt, the momentum path always runs.',
    'decay, momentum and epsilon are float kernel attributes and lr a float32 tensor: float64 runs use float32-rounded values; 1 - decay is computed in double from the float32 decay.',
    'weight_decay is the L2 term added to the gradient before the kernel (Optimizer.decay_weight).',
    'fma: none assumed on CPU (the AVX path uses separate _mm256_mul_ps/_mm256_add_ps; the scalar tail depends on the compiler flags, not measured).',
  ],
};
