import type { Profile } from '../profile.js';

export const mxnet1: Profile = {
  name: 'mxnet',
  version: '1',
  isDefaultVersion: true,
  framework: 'Apache MXNet 1.x mx.optimizer.RMSProp (rmsprop_update / rmspropalex_update)',
  sources: [
    { repo: 'apache/mxnet', path: 'src/operator/optimizer_op-inl.h', note: 'RMSPropUpdateKernel: g = rescale_grad*g + wd*w, clip; n = (1-gamma1)*g*g + gamma1*n; w - lr*(g/sqrt(n+eps)). RMSPropAlexUpdateKernel: gbar = (1-gamma1)*g + gamma1*gbar; delta = gamma2*delta - lr*(g/sqrt(n - gbar*gbar + eps)); w += delta' },
    { repo: 'apache/mxnet', path: 'python/mxnet/optimizer/optimizer.py', note: 'RMSProp(learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False, clip_weights=None); gamma2 is used only when centered' },
  ],
  nativeNames: {
    learning_rate: 'lr',
    gamma1: 'decay',
    gamma2: 'momentum',
    epsilon: 'eps',
    centered: 'centered',
    wd: 'weightDecay',
    rescale_grad: 'rescale',
    clip_gradient: 'clip',
  },
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
    { when: { centered: true }, set: { squareGrouping: '((1-b)*g)*g' }, because: 'RMSPropAlexUpdateKernel writes (1.f - gamma1) * grad * grad, the uncentered kernel (1 - gamma1) * (grad * grad)' },
  ],
  constraints: [
    { kind: 'force', when: { centered: false }, force: { momentum: 0 }, message: 'MXNet 1.x ignores gamma2 unless centered=True (rmsprop_update has no momentum)' },
  ],
  notes: [
    'Op parameters are float32 fields: float64 runs use float32-rounded hyperparameters and (1.f - gamma1) is computed in float32.',
    "Gluon's Trainer sets rescale_grad = 1/batch_size.",
    'The centered form is Graves (2013): the delta buffer holds the signed step, w += delta.',
  ],
};

export const mxnet2: Profile = {
  ...mxnet1,
  name: 'mxnet2',
  version: '2',
  framework: 'Apache MXNet 2.0 mx.optimizer.RMSProp',
  sources: [
    { repo: 'apache/mxnet', path: 'python/mxnet/optimizer/rmsprop.py', note: 'RMSProp(learning_rate=0.001, rho=0.9, momentum=0.9, epsilon=1e-8, centered=False): uncentered w -= lr * g / (sqrt(var) + epsilon); centered keeps the Graves form with epsilon inside' },
    { repo: 'apache/mxnet', path: 'src/operator/optimizer_op-inl.h', note: 'fused kernels used by use_fused_step=True' },
  ],
  nativeNames: { ...mxnet1.nativeNames, rho: 'decay', momentum: 'momentum', gamma1: 'decay', gamma2: 'momentum' },
  axes: { ...mxnet1.axes, epsPlacement: 'outside', weightDecayBeforeClip: false },
  conditional: [
    ...mxnet1.conditional!,
    { when: { centered: true }, set: { epsPlacement: 'inside' }, because: 'MXNet 2 moved epsilon outside the sqrt only in the uncentered update' },
  ],
  notes: [
    ...mxnet1.notes,
    'MXNet 2 renamed gamma1/gamma2 to rho/momentum (both accepted here). This profile is the Python step (use_fused_step=False): uncentered epsilon outside the sqrt, clipping before weight decay. The default fused step calls the C++ rmsprop_update kernel, whose 2.0 form was not confirmed from source.',
  ],
};
