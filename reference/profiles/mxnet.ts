import type { Profile } from '../profile.js';

// Read at the release tags of apache/mxnet: src/operator/optimizer_op-inl.h changed its RMSProp
// kernels from mshadow expressions (<= 1.5.x) to per-element kernels (1.6.0), and again in 2.0.

const mxnetNativeNames = {
  learning_rate: 'lr',
  gamma1: 'decay',
  gamma2: 'momentum',
  epsilon: 'eps',
  centered: 'centered',
  wd: 'weightDecay',
  rescale_grad: 'rescale',
  clip_gradient: 'clip',
} as const;

export const mxnet1: Profile = {
  name: 'mxnet',
  version: '1',
  versionRange: { from: '1.6', until: '2' },
  isDefaultVersion: true,
  framework: 'Apache MXNet 1.6 - 1.9 mx.optimizer.RMSProp (rmsprop_update / rmspropalex_update)',
  sources: [
    {
      repo: 'apache/mxnet',
      path: 'src/operator/optimizer_op-inl.h',
      note: 'tags 1.6.0 and 1.9.1, RMSPropUpdateKernel: grad_rescaled = rescale_grad*g + wd*w, then clip; n = (1.f - gamma1) * (grad_rescaled * grad_rescaled) + gamma1*n; w - lr * (grad_rescaled / sqrt(n + epsilon)). RMSPropAlexUpdateKernel: n = (1.f - gamma1) * grad_rescaled * grad_rescaled + gamma1*n; g = (1.f - gamma1) * grad_rescaled + gamma1*g; delta = gamma2*delta - (lr * (grad_rescaled) / sqrt(n - g*g + epsilon)); w + delta',
    },
    {
      repo: 'apache/mxnet',
      path: 'python/mxnet/optimizer/optimizer.py',
      note: 'RMSProp(learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False, clip_weights=None); gamma2 is used only when centered',
    },
  ],
  nativeNames: mxnetNativeNames,
  defaults: { lr: 0.001, decay: 0.9, momentum: 0.9, eps: 1e-8, centered: false, weightDecay: 0, rescale: 1 },
  axes: {
    epsPlacement: 'inside',
    centeredGrouping: '(v-m2)+eps',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    meanForm: 'blend',
    scaleForm: 'divide',
    updateOrder: 'lr-last',
    momentumKind: 'graves',
    momentumAlways: true,
    weightDecayKind: 'coupled',
    weightDecayBeforeClip: true,
    oneMinusDecay: 'compute',
    float32Hyperparameters: ['lr', 'decay', 'momentum', 'eps', 'weightDecay', 'rescale'],
    fma: [],
  },
  conditional: [
    {
      when: { centered: true },
      set: { squareGrouping: '((1-b)*g)*g', updateOrder: 'lr-first' },
      because:
        'RMSPropAlexUpdateKernel (1.6+) writes (1.f - gamma1) * grad_rescaled * grad_rescaled and lr * (grad_rescaled) / sqrt(...): (lr*g)/d, while the uncentered kernel keeps lr * (g / d)',
    },
  ],
  constraints: [
    {
      kind: 'force',
      when: { centered: false },
      force: { momentum: 0 },
      message: 'MXNet 1.x ignores gamma2 unless centered=True (rmsprop_update has no momentum)',
    },
  ],
  notes: [
    'Op parameters are float32 fields: float64 runs use float32-rounded hyperparameters and (1.f - gamma1) is computed in the tensor dtype.',
    "Gluon's Trainer sets rescale_grad = 1/batch_size.",
    'The centered form is Graves (2013): the delta buffer holds the signed step, w += delta.',
    'Releases up to 1.5.x compute the centered step as lr * (g / d): see mxnet@1.5.',
  ],
};

export const mxnet15: Profile = {
  ...mxnet1,
  version: '1.5',
  versionRange: { from: '1.0', until: '1.6' },
  isDefaultVersion: false,
  framework: 'Apache MXNet 1.0 - 1.5 mx.optimizer.RMSProp (mshadow-expression rmsprop_update / rmspropalex_update)',
  sources: [
    {
      repo: 'apache/mxnet',
      path: 'src/operator/optimizer_op-inl.h',
      note: 'tag 1.5.0, RMSPropAlexUpdate without clip_gradient: state_n = (1.f - gamma1) * (grad * grad) + gamma1 * state_n; delta = gamma2 * delta - lr * (grad / sqrt(state_n - state_g * state_g + epsilon)). With clip_gradient both kernels write (1.f - gamma1) * clip(grad) * clip(grad)',
    },
    mxnet1.sources[1],
  ],
  conditional: [],
  notes: [
    ...mxnet1.notes.slice(0, 3),
    'Centered: lr * (g / d) and (1-gamma1)*(g*g), unlike 1.6+. With clip_gradient set, the square groups as ((1-gamma1)*clip(g))*clip(g) in both kernels: set squareGrouping=((1-b)*g)*g.',
  ],
};

export const mxnet2: Profile = {
  ...mxnet1,
  name: 'mxnet2',
  version: '2',
  versionRange: { from: '2' },
  framework: 'Apache MXNet 2.0 mx.optimizer.RMSProp (default use_fused_step=True)',
  sources: [
    {
      repo: 'apache/mxnet',
      path: 'python/mxnet/optimizer/rmsprop.py',
      note: 'master: RMSProp(learning_rate=0.001, rho=0.9, momentum=0.9, epsilon=1e-8, centered=False, clip_weights=None, use_fused_step=True); gamma1/gamma2 raise DeprecationWarning. fused_step calls rmsprop_update / rmspropalex_update; step (use_fused_step=False): grad *= rescale_grad; clip; grad += wd*weight; var = rho*var + (1 - rho)*square(grad); d = grad / (sqrt(var) + epsilon); weight -= lr * d; centered: mom = mom*momentum - lr * grad / sqrt(var - square(mean) + epsilon); weight += mom',
    },
    {
      repo: 'apache/mxnet',
      path: 'src/operator/optimizer_op-inl.h',
      note: 'master, RMSPropUpdateKernel: grad_rescaled = rescale_grad*g; clip; grad_rescaled += wd*w; n = (1.f - rho) * square(grad_rescaled) + rho*n; w - lr * (grad_rescaled) / (sqrt(n) + epsilon). RMSPropAlexUpdateKernel: same order, delta = momentum*delta - (lr * (grad_rescaled) / sqrt(n - square(g) + epsilon))',
    },
  ],
  nativeNames: {
    learning_rate: 'lr',
    rho: 'decay',
    momentum: 'momentum',
    epsilon: 'eps',
    centered: 'centered',
    wd: 'weightDecay',
    rescale_grad: 'rescale',
    clip_gradient: 'clip',
  },
  nativeFlags: {
    use_fused_step: {
      describe: 'the C++ kernels (True, default) or the NDArray Python step (False)',
      default: true,
      whenTrue: {},
      whenFalse: { updateOrder: 'lr-last', oneMinusDecay: 'host', float32Hyperparameters: [] },
    },
  },
  axes: { ...mxnet1.axes, epsPlacement: 'outside', updateOrder: 'lr-first', weightDecayBeforeClip: false },
  conditional: [
    {
      when: { centered: true },
      set: { epsPlacement: 'inside', updateOrder: 'lr-first' },
      because:
        'MXNet 2 moved epsilon outside the sqrt only in the uncentered update; both centered steps compute lr * grad / sqrt(var - square(mean) + epsilon)',
    },
  ],
  notes: [
    'Op parameters are float32 fields of the fused kernels: float64 runs use float32-rounded hyperparameters and (1.f - rho) is computed in the tensor dtype.',
    "Gluon's Trainer sets rescale_grad = 1/batch_size.",
    'The centered form is Graves (2013): the delta buffer holds the signed step, w += delta.',
    'gamma1/gamma2 are refused: MXNet 2 raises DeprecationWarning for them (use rho and momentum).',
    'Clipping comes before weight decay (grad_rescaled += wd * weight after clip).',
    'use_fused_step=False is the Python step: lr * (g / d) uncentered and (1 - rho) computed on the host; NDArray scalar operands assumed double (UNCONFIRMED for float64 runs).',
  ],
};
