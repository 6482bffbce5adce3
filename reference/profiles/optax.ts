import type { Profile } from '../profile.js';

export const optax: Profile = {
  name: 'optax',
  version: '0.2',
  isDefaultVersion: true,
  framework: 'Optax optax.rmsprop',
  sources: [
    { repo: 'google-deepmind/optax', path: 'optax/_src/alias.py', note: 'rmsprop(learning_rate, decay=0.9, eps=1e-8, initial_scale=0., eps_in_sqrt=True, centered=False, momentum=None, nesterov=False, bias_correction=False): chain(scale_by_rms|scale_by_stddev, scale_by_learning_rate, trace(momentum, nesterov))' },
    { repo: 'google-deepmind/optax', path: 'optax/_src/transform.py', note: 'nu = (1-decay)*g**2 + decay*nu; updates = g * rsqrt(nu + eps) (eps_in_sqrt) or g / (sqrt(nu) + eps); stddev: rsqrt(nu - mu**2 + eps); trace: t = g + decay*t' },
  ],
  nativeNames: {
    learning_rate: 'lr',
    decay: 'decay',
    eps: 'eps',
    initial_scale: 'initialAccumulator',
    centered: 'centered',
    momentum: 'momentum',
    bias_correction: 'biasCorrection',
  },
  nativeFlags: {
    eps_in_sqrt: {
      describe: 'eps inside the rsqrt (True) or added to the sqrt (False)',
      default: true,
      whenTrue: { epsPlacement: 'inside', scaleForm: 'rsqrt' },
      whenFalse: { epsPlacement: 'outside', scaleForm: 'reciprocal' },
    },
    nesterov: {
      describe: 'Nesterov momentum in the trace',
      default: false,
      whenTrue: { momentumKind: 'nesterov' },
      whenFalse: { momentumKind: 'lr-inside' },
    },
  },
  defaults: { lr: 0.001, decay: 0.9, eps: 1e-8, initialAccumulator: 0, centered: false, momentum: 0, biasCorrection: false },
  axes: {
    epsPlacement: 'inside',
    centeredGrouping: '(v-m2)+eps',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    meanForm: 'blend',
    scaleForm: 'rsqrt',
    updateOrder: 'lr-last',
    momentumKind: 'lr-inside',
    momentumAlways: false,
    oneMinusDecay: 'host',
    fma: [],
  },
  notes: [
    'learning_rate has no default; the harness uses 0.001.',
    'Measured: XLA contracts multiply-adds and its rsqrt is not correctly rounded (up to ~1.1 ulp): float32 bit-exactness is not expected.',
    'eps_in_sqrt arrived in optax 0.2.4; earlier versions are eps_in_sqrt=True.',
  ],
};
