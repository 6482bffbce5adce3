import type { Profile } from '../profile.js';

// ml-explore/mlx: the step is python/mlx/optimizers/optimizers.py, RMSprop.apply_single (unchanged since the
// LR schedulers, 818cda16, v0.6). How a Python float meets a float64 array changed in v0.32.1 (3abd0fd6, #4173:
// python/src/utils.cpp to_array casts straight to double for float64; before, through float). float64 exists on
// the CPU since v0.23.0 (1c0c118f, #1843); float32 runs are the same in every version.

export const mlx: Profile = {
  name: 'mlx',
  version: '0.32',
  versionRange: { from: '0.32.1' },
  isDefaultVersion: true,
  framework: 'Apple MLX 0.32.1+ mlx.optimizers.RMSprop',
  sources: [
    {
      repo: 'ml-explore/mlx',
      path: 'python/mlx/optimizers/optimizers.py',
      note: 'RMSprop.__init__(learning_rate, alpha=0.99, eps=1e-8); init_single: state["v"] = mx.zeros_like(parameter); apply_single: lr = self.learning_rate.astype(gradient.dtype); v = alpha * v + (1 - alpha) * mx.square(gradient); return parameter - lr * gradient / (mx.sqrt(v) + eps)',
    },
    {
      repo: 'ml-explore/mlx',
      path: 'python/mlx/optimizers/optimizers.py',
      note: 'Optimizer._maybe_schedule: a float learning rate is stored as mx.array(param), a float32 array, then cast to the gradient dtype at every step',
    },
    {
      repo: 'ml-explore/mlx',
      path: 'python/src/utils.cpp',
      note: 'to_array(ScalarOrArray, dtype): a Python float meeting a float64 array becomes mx.array(nb::cast<double>(v), float64) (v0.32.1+), otherwise mx.array(nb::cast<float>(v), dtype)',
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
    'lr is a float32 mx.array: float64 runs use the float32-rounded value. alpha, eps and (1 - alpha) are Python floats, weakly typed: rounded once to the array dtype (exact in float64 since v0.32.1; see mlx@0.31 for earlier float64 runs).',
    'fma: none assumed (each op is a separate CPU kernel unless mx.compile fuses the step; the Metal backend was not read).',
  ],
};

export const mlx031: Profile = {
  ...mlx,
  version: '0.31',
  versionRange: { until: '0.32.1' },
  isDefaultVersion: false,
  framework: 'Apple MLX up to 0.32.0 mlx.optimizers.RMSprop (float64 on the CPU from 0.23)',
  sources: [
    mlx.sources[0],
    mlx.sources[1],
    {
      repo: 'ml-explore/mlx',
      path: 'python/src/utils.cpp',
      note: 'tag v0.31.0, to_array: a Python float becomes mx.array(nb::cast<float>(v), out_t) for every floating out_t, float64 included: rounded to float32 first',
    },
  ],
  axes: { ...mlx.axes, oneMinusDecay: 'host-float32', float32Hyperparameters: ['lr', 'decay', 'eps'] },
  notes: [
    mlx.notes[0],
    mlx.notes[1],
    'In float64 runs every Python float goes through float: lr (a float32 array), alpha, eps and (1 - alpha), the last computed in Python double then rounded to float32 (oneMinusDecay host-float32). float32 runs are the same as mlx@0.32.',
    mlx.notes[3],
  ],
};
