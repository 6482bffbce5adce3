import type { Profile } from '../profile.js';

export const optax: Profile = {
  name: 'optax',
  version: '0.2',
  isDefaultVersion: true,
  framework: 'Optax optax.rmsprop',
  sources: [
    {
      repo: 'google-deepmind/optax',
      path: 'optax/_src/alias.py',
      note: 'rmsprop(learning_rate, decay=0.9, eps=1e-8, initial_scale=0., eps_in_sqrt=True, centered=False, momentum=None, nesterov=False, bias_correction=False): chain(scale_by_rms|scale_by_stddev, scale_by_learning_rate, trace(momentum, nesterov))',
    },
    {
      repo: 'google-deepmind/optax',
      path: 'optax/_src/transform.py',
      note: 'nu = (1-decay)*g**2 + decay*nu; updates = g * rsqrt(nu + eps) (eps_in_sqrt) or g / (sqrt(nu) + eps); stddev: rsqrt(nu - mu**2 + eps); trace: t = g + decay*t',
    },
    {
      repo: 'google-deepmind/optax',
      path: 'optax/_src/clipping.py',
      note: 'clip_by_global_norm(max_norm): trigger = g_norm < max_norm; select(trigger, t, (t / g_norm) * max_norm), used as optax.chain(optax.clip_by_global_norm(max_norm), optax.rmsprop(...))',
    },
    {
      repo: 'openxla/xla',
      path: 'xla/pjrt/cpu/cpu_client.cc',
      note: 'the CPU client runs a computation under tsl::port::ScopedFlushDenormal ("match the default TF ThreadPool behavior"): DAZ + FTZ in float32 and float64',
    },
  ],
  nativeNames: {
    learning_rate: 'lr',
    decay: 'decay',
    eps: 'eps',
    initial_scale: 'initialAccumulator',
    centered: 'centered',
    momentum: 'momentum',
    bias_correction: 'biasCorrection',
    max_norm: 'clipNorm',
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
    fma: ['ema', 'mean', 'centered', 'momentum'],
    flushSubnormals: true,
  },
  notes: [
    'learning_rate has no default; the harness uses 0.001.',
    'Measured (calibration recordings, jax 0.10.2 CPU): XLA contracts nu = fma(1-decay, g*g, decay*nu), mu = fma(1-decay, g, decay*mu), nu - mu^2 = fma(-mu, mu, nu) and trace = fma(momentum, trace, u); without momentum it also contracts x + (-lr)*(s*g), which the reference cannot express yet. jax.lax.rsqrt is not correctly rounded (1 ulp on ~20% of inputs), so eps_in_sqrt=True runs are not bit-exact.',
    'max_norm is the argument of optax.clip_by_global_norm chained before rmsprop; optax scales by (g / norm) * max_norm, the reference by g * (max_norm / norm): equal up to rounding.',
    'XLA CPU flushes subnormal inputs and results to zero of the same sign (flushSubnormals; measured on the subnormal edge streams). On GPU set flushSubnormals as the device does.',
    'eps_in_sqrt arrived in optax 0.2.4; earlier versions are eps_in_sqrt=True.',
  ],
};
