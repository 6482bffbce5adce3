import type { Profile } from '../profile.js';

// Read at the release tags of apache/mxnet (git log -p src/operator/optimizer_op-inl.h). The RMSProp
// kernels changed four times: v0.9.5 (first NNVM ops, eps outside the sqrt); v0.10.0 (commit 38f7c558
// "Fix RMSProp update rule": eps inside, same mshadow expressions up to 1.5.1); 1.6.0 (d60be31d, #15768:
// per-element kernels, the centered step becomes (lr*g)/d); 2.0.0.alpha (f70c7b7b, #17400: rho/momentum,
// eps outside in the uncentered step, clip before weight decay).

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

/** Every op parameter is a float field of the op (RMSPropParam / RMSPropAlexParam), cast to DType in the kernel. */
const OP_FIELDS = ['lr', 'decay', 'momentum', 'eps', 'weightDecay', 'rescale', 'clip'] as const;

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
      note: 'tags 1.6.0 to 1.9.1, RMSPropUpdateKernel::Map: grad_rescaled = rescale_grad * grad + wd * weight, then clip; state_n = (1.f - gamma1) * (grad_rescaled * grad_rescaled) + gamma1 * state_n; weight - lr * (grad_rescaled / square_root::Map(state_n + epsilon)). RMSPropAlexUpdateKernel::Map: state_n = (1.f - gamma1) * grad_rescaled * grad_rescaled + gamma1 * state_n; state_g = (1.f - gamma1) * grad_rescaled + gamma1 * state_g; delta = gamma2 * delta - (lr * (grad_rescaled) / square_root::Map(state_n - state_g * state_g + epsilon)); weight + delta. RMSPropUpdate / RMSPropAlexUpdate pass static_cast<DType>(param.x) of float fields, so 1.f - gamma1 is computed in DType',
    },
    {
      repo: 'apache/mxnet',
      path: 'python/mxnet/optimizer/optimizer.py',
      note: 'tag 1.9.1, class RMSProp: __init__(learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False, clip_weights=None); update() passes gamma2 only when centered, clip_gradient only when set',
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
    float32Hyperparameters: [...OP_FIELDS],
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
    'Op parameters are float32 fields (clip_gradient included): float64 runs use float32-rounded hyperparameters and (1.f - gamma1) is computed in the tensor dtype.',
    "Gluon's Trainer sets rescale_grad = 1/batch_size.",
    'The centered form is Graves (2013): the delta buffer holds the signed step, w += delta.',
    'Weight decay is added before clipping (grad_rescaled = rescale_grad*grad + wd*weight, then clip).',
    'Releases 0.10 to 1.5.x compute the centered step as lr * (g / d) and 1.f - gamma1 in float: see mxnet@1.5; v0.9.5 puts eps outside the sqrt: mxnet@0.9.',
    'fma: none assumed (the kernels are plain C++; whether the build contracts them was not measured).',
  ],
};

export const mxnet15: Profile = {
  ...mxnet1,
  version: '1.5',
  versionRange: { from: '0.10', until: '1.6' },
  isDefaultVersion: false,
  framework: 'Apache MXNet 0.10 - 1.5 mx.optimizer.RMSProp (mshadow-expression rmsprop_update / rmspropalex_update)',
  sources: [
    {
      repo: 'apache/mxnet',
      path: 'src/operator/optimizer_op-inl.h',
      note: 'tags v0.10.0 to 1.5.1 (identical RMSPropUpdate / RMSPropAlexUpdate), mshadow expressions: grad = scalar<DType>(rescale_grad) * grad + scalar<DType>(wd) * weight; without clip_gradient state_n = scalar<DType>(1.f - gamma1) * (grad * grad) + scalar<DType>(gamma1) * state_n, weight - scalar<DType>(lr) * (grad / F<square_root>(state_n + scalar<DType>(epsilon))); RMSPropAlexUpdate: delta = scalar<DType>(gamma2) * delta - scalar<DType>(lr) * (grad / F<square_root>(state_n - state_g * state_g + scalar<DType>(epsilon))). With clip_gradient both write scalar<DType>(1.f - gamma1) * F<clip>(grad) * F<clip>(grad). 1.f - param.gamma1 is float arithmetic on the float field',
    },
    {
      repo: 'apache/mxnet',
      path: 'python/mxnet/optimizer/optimizer.py',
      note: 'tag 1.5.1 (python/mxnet/optimizer.py up to 1.0): RMSProp(learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False, clip_weights=None)',
    },
  ],
  axes: { ...mxnet1.axes, oneMinusDecay: 'float32' },
  conditional: [
    {
      when: { clipped: true },
      set: { squareGrouping: '((1-b)*g)*g' },
      because:
        'with clip_gradient set both mshadow kernels write scalar<DType>(1.f - gamma1) * F<clip>(grad) * F<clip>(grad): ((1-b)*g)*g',
    },
  ],
  notes: [
    'Op parameters are float32 fields (clip_gradient included): float64 runs use float32-rounded hyperparameters, and 1.f - gamma1 is a float subtraction widened to the tensor dtype (oneMinusDecay float32; the same as in the dtype for gamma1 >= 0.5).',
    ...mxnet1.notes.slice(1, 4),
    'Centered: lr * (g / d) with (1-gamma1)*(g*g), unlike 1.6+ ((lr*g)/d with ((1-gamma1)*g)*g). With clip_gradient set, the square groups as ((1-gamma1)*clip(g))*clip(g) in both kernels.',
    mxnet1.notes[5],
  ],
};

export const mxnet09: Profile = {
  ...mxnet15,
  version: '0.9',
  versionRange: { from: '0.9.5', until: '0.10' },
  framework: 'Apache MXNet 0.9.5 mx.optimizer.RMSProp (the first rmsprop_update / rmspropalex_update ops)',
  sources: [
    {
      repo: 'apache/mxnet',
      path: 'src/operator/optimizer_op-inl.h',
      note: 'tag v0.9.5, RMSPropUpdate: weight - scalar<DType>(lr) * (grad / (F<square_root>(state_n) + scalar<DType>(epsilon))); RMSPropAlexUpdate: delta = scalar<DType>(gamma2) * delta - scalar<DType>(lr) * (grad / (F<square_root>(state_n - state_g * state_g) + scalar<DType>(epsilon))). Otherwise as 1.5 (eps moved inside the sqrt by commit 38f7c558, first in v0.10.0)',
    },
    {
      repo: 'apache/mxnet',
      path: 'python/mxnet/optimizer.py',
      note: 'tag v0.9.5: RMSProp(learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False, clip_weights=None)',
    },
  ],
  axes: { ...mxnet15.axes, epsPlacement: 'outside' },
  notes: [
    mxnet15.notes[0],
    'eps outside the sqrt in both kernels: sqrt(n) + eps and sqrt(n - g^2) + eps.',
    ...mxnet15.notes.slice(1),
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
      note: "tags 2.0.0.alpha to master, class RMSProp: __init__(learning_rate=0.001, rho=0.9, momentum=0.9, epsilon=1e-8, centered=False, clip_weights=None, use_fused_step=True) raises DeprecationWarning(\"parameter 'gamma1' is deprecated. Please use 'rho' instead...\") and likewise gamma2 -> momentum. fused_step passes momentum only when centered. step (use_fused_step=False): grad *= rescale_grad; clip; grad += wd * weight; var[:] *= rho; var[:] += (1 - rho) * square(grad); d = grad / (sqrt(var) + epsilon); weight[:] -= lr * d; centered: mean and var likewise, mom[:] *= momentum; mom[:] -= lr * grad / sqrt(var - square(mean) + epsilon); weight[:] += mom",
    },
    {
      repo: 'apache/mxnet',
      path: 'src/operator/optimizer_op-inl.h',
      note: 'tags 2.0.0.alpha to master, RMSPropUpdateKernel::Map: grad_rescaled = rescale_grad * grad; clip; grad_rescaled += wd * weight; state_n = (1.f - rho) * square::Map(grad_rescaled) + rho * state_n; weight - lr * (grad_rescaled) / (square_root::Map(state_n) + epsilon). RMSPropAlexUpdateKernel::Map: same order and square, delta = momentum * delta - (lr * (grad_rescaled) / square_root::Map(state_n - square::Map(state_g) + epsilon)); float fields cast to DType',
    },
    {
      repo: 'apache/mxnet',
      path: 'src/operator/tensor/elemwise_binary_scalar_op.h',
      note: 'NumpyBinaryScalarParam { double scalar; }: the NDArray scalar ops of the Python step use DType(alpha), the Python float rounded once to the tensor dtype',
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
  refusedNames: {
    gamma1: "MXNet 2 raises DeprecationWarning: parameter 'gamma1' is deprecated. Please use 'rho' instead...",
    gamma2: "MXNet 2 raises DeprecationWarning: parameter 'gamma2' is deprecated. Please use 'momentum' instead...",
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
        'MXNet 2 moved epsilon outside the sqrt only in the uncentered update; both centered steps compute lr * grad / sqrt(var - square(mean) + epsilon), and both square as (1 - rho) * square(grad)',
    },
  ],
  constraints: [
    {
      kind: 'force',
      when: { centered: false },
      force: { momentum: 0 },
      message: 'MXNet 2 uses momentum only when centered=True (fused_step passes it only then; the uncentered step has none)',
    },
  ],
  notes: [
    'Op parameters are float32 fields of the fused kernels (clip_gradient included): float64 runs use float32-rounded hyperparameters and (1.f - rho) is computed in the tensor dtype.',
    "Gluon's Trainer sets rescale_grad = 1/batch_size.",
    'The centered form is Graves (2013): the delta buffer holds the signed step, w += delta.',
    'gamma1/gamma2 are refused: MXNet 2 raises DeprecationWarning for them (use rho and momentum).',
    'Clipping comes before weight decay (grad_rescaled += wd * weight after clip).',
    'use_fused_step=False is the Python step: lr * (g / d) uncentered, (1 - rho) computed on the host, each Python float rounded once to the tensor dtype (NumpyBinaryScalarParam.scalar is a double). It adds wd * weight even when wd = 0 (0 * Inf = NaN reaches the gradient; not modelled).',
    'fma: none assumed (the kernels are plain C++; whether the build contracts them was not measured).',
  ],
};
