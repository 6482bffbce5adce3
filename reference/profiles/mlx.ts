import type { Profile } from '../profile.js';

export const mlx: Profile = {
  name: 'mlx',
  version: '0',
  isDefaultVersion: true,
  framework: 'Apple MLX mlx.optimizers.RMSprop',
  sources: [
    {
      repo: 'ml-explore/mlx',
      path: 'python/mlx/optimizers/optimizers.py',
      note: 'RMSprop(learning_rate, alpha=0.99, eps=1e-8): lr = self.learning_rate.astype(gradient.dtype); v = alpha * v + (1 - alpha) * mx.square(gradient); parameter - lr * gradient / (mx.sqrt(v) + eps); state v = zeros_like',
    },
    {
      repo: 'ml-explore/mlx',
      path: 'python/mlx/optimizers/optimizers.py',
      note: 'Optimizer._maybe_schedule stores a float learning rate as mx.array(value): a float32 array, cast to the parameter dtype at every step',
    },
  ],
  nativeNames: { learning_rate: 'lr', alpha: 'decay', eps: 'eps' },
  defaults: { lr: 0.01, decay: 0.99, eps: 1e-8 },
  axes: {
    epsPlacement: 'outside',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    weightDecayKind: 'none',
    oneMinusDecay: 'host',
    float32Hyperparameters: ['lr'],
    fma: [],
  },
  notes: [
    'learning_rate has no default; the harness uses 0.01.',
    'No momentum, centering or weight decay in mlx.optimizers.RMSprop.',
    'lr is a float32 mx.array: float64 runs use the float32-rounded value. alpha, eps and (1 - alpha) are Python floats that enter as weakly typed scalars in the array dtype.',
    'fma: none assumed (each op is a separate kernel unless mx.compile fuses the step; not measured).',
  ],
};
