import type { Profile } from '../profile.js';
import { OPTAX_SCHEDULES } from '../schedules/optax.js';
import { XLA_CPU_RSQRT } from '../op-error.js';

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
      note: 'clip_by_global_norm(max_norm): g_norm = sqrt(sum of squares); trigger = g_norm < max_norm; select(trigger, t, (t / g_norm) * max_norm), used as optax.chain(optax.clip_by_global_norm(max_norm), optax.rmsprop(...))',
    },
    {
      repo: 'google-deepmind/optax',
      path: 'optax/tree_utils/_tree_math.py',
      note: 'tree_bias_correction(moment, decay, count): bias_correction_ = 1 - decay**count; t / bias_correction_.astype(t.dtype). scale_by_stddev (transform.py) corrects mu and nu alike (mu_hat, nu_hat), then rsqrt(nu_hat - abs_sq(mu_hat) + eps)',
    },
    {
      repo: 'google-deepmind/optax',
      path: 'optax/_src/transform.py',
      note: 'trace(decay, nesterov): f = lambda g, t: g + decay * t; new_trace = f(updates, trace); updates = f(updates, new_trace) if nesterov else new_trace',
    },
    {
      repo: 'google-deepmind/optax',
      path: 'optax/schedules/_schedule.py',
      note: "exponential_decay, cosine_decay_schedule, polynomial_schedule, piecewise_constant_schedule, called by scale_by_schedule with the int32 count and cast to the update dtype (--set 'learning_rate=exponential_decay(init_value=0.1, transition_steps=10, decay_rate=0.9)'); evaluated op by op in the run's dtype, not measured against XLA (no recording uses a schedule)",
    },
    {
      repo: 'tensorflow/tensorflow',
      path: 'third_party/xla/xla/codegen/intrinsic/rsqrt.cc',
      note: "jax.lax.rsqrt on CPU is XLA's rsqrt intrinsic: VRSQRT14PD estimate for F64 (AVX-512), two Newton-Raphson steps h = (x*y)*y - 1, y = (-0.5*y)*h + y (contracted to FMA), the estimate kept where x < smallest normal or x == inf; without AVX-512 (or disable_platform_dependent_math) it is 1 / sqrt(x) (rsqrtImpl=one-over-sqrt)",
    },
    {
      repo: 'openxla/xla',
      path: 'xla/codegen/intrinsic/rsqrt.cc',
      note: "the newer intrinsic: F32 up to 8 lanes takes the RSQRTSS/RSQRTPS estimate, and num_steps = (is_amd && !using_avx512) ? 1 : 2 (AMD's 12-bit estimate is more accurate): one Newton step in float32 on AMD",
    },
    {
      repo: 'openxla/xla',
      path: 'xla/pjrt/cpu/cpu_client.cc',
      note: 'the CPU client runs a computation under tsl::port::ScopedFlushDenormal ("match the default TF ThreadPool behavior"): DAZ + FTZ in float32 and float64',
    },
  ],
  schedules: OPTAX_SCHEDULES,
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
    clipNormForm: 'optax',
    biasCorrectionForm: 'reciprocal',
    fma: ['ema', 'mean', 'centered', 'momentum', 'param', 'norm', 'bias-correction'],
    flushSubnormals: true,
    rsqrtImpl: 'xla-cpu-amd-avx512',
    negatedUpdate: true,
  },
  opErrors: [XLA_CPU_RSQRT],
  notes: [
    'learning_rate has no default; the harness uses 0.001.',
    'Measured (calibration recordings, jax 0.10.2 CPU), every contraction in the fma set: nu = fma(1-decay, g*g, decay*nu) (ema), mu = fma(1-decay, g, decay*mu) (mean), nu - mu^2 = fma(-mu, mu, nu) (centered), trace = fma(momentum, trace, u) and nesterov u + momentum*new_trace (momentum), without momentum x + (-lr)*(s*g) = fma(-lr, s*g, x) (param), the global norm as s = fma(g, g, s) (norm), and the bias correction nu*r + eps or nu*r - mu_hat^2 with r = 1/(1 - decay^count) (bias-correction).',
    'Bias correction: 1 - decay**count and its reciprocal in the dtype (biasCorrectionForm=reciprocal); XLA turns the division by the broadcast scalar into a multiplication by its reciprocal (measured). With centered=True the mean is corrected too.',
    "jax.lax.rsqrt is XLA's CPU intrinsic, not a correctly rounded 1/sqrt. float64 is modelled bit for bit (rsqrtImpl=xla-cpu-amd-avx512: Intel's VRSQRT14 algorithm and the intrinsic's two Newton steps; 41 of the 43 eps_in_sqrt float64 recordings bit-exact, without the FMA contraction 9). float32 takes the 12-bit RSQRTPS estimate at the vector widths XLA uses, whose exact result is the vendor's: AMD Zen's is modelled from a table measured on a Zen 3 (reference/op-implementations/x86-rsqrtps.ts) with XLA's one Newton step on AMD, and reproduces every rsqrt of the 43 eps_in_sqrt float32 recordings (AMD EPYC Zen 4). On Intel (rsqrtImpl=xla-cpu-intel-avx512) float32 keeps the declared 1-ulp op error: Intel's RSQRTPS table is not modelled. XLA pow is not modelled either, so bias-corrected runs are not all bit-exact.",
    'max_norm is the argument of optax.clip_by_global_norm chained before rmsprop: n < max_norm ? g : (g / n) * max_norm (clipNormForm=optax).',
    'XLA CPU flushes subnormal inputs and results to zero of the same sign (flushSubnormals; measured on the subnormal edge streams). On GPU set flushSubnormals as the device does.',
    'eps_in_sqrt arrived in optax 0.2.4; earlier versions are eps_in_sqrt=True.',
  ],
};
