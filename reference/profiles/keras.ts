import type { Profile } from '../profile.js';
import { KERAS_SCHEDULES } from '../schedules/keras.js';

export const keras3: Profile = {
  name: 'keras',
  version: '3',
  isDefaultVersion: true,
  framework: 'Keras 3 keras.optimizers.RMSprop',
  sources: [
    {
      repo: 'keras-team/keras',
      path: 'keras/src/optimizers/rmsprop.py',
      note: 'velocity = rho*velocity + (1-rho)*square(g); average_grad = rho*average_grad + (1-rho)*g; denominator = velocity - square(average_grad); increment = lr*g / sqrt(denominator + epsilon); momentum: mom = momentum*mom + increment; var -= mom',
    },
    {
      repo: 'keras-team/keras',
      path: 'keras/src/optimizers/base_optimizer.py',
      note: '_apply_weight_decay: variable - variable * wd * lr (decoupled, before the step); wd = ops.cast(self.weight_decay, variable.dtype): a Python float becomes a float32 tensor first; _get_current_learning_rate: a schedule is called at self._iterations (0 for the first step)',
    },
    {
      repo: 'keras-team/keras',
      path: 'keras/src/optimizers/schedules/learning_rate_schedule.py',
      note: 'ExponentialDecay lr*rho**(t/steps) (floor when staircase), InverseTimeDecay lr/(1+rate*p), PolynomialDecay (lr-end)*(1-p)**power+end, CosineDecay with alpha and linear warmup, PiecewiseConstantDecay (inclusive boundaries): initial_learning_rate is ops.convert_to_tensor of a Python float (float32 whatever floatx is), every op float32',
    },
  ],
  nativeNames: {
    learning_rate: 'lr',
    rho: 'decay',
    momentum: 'momentum',
    epsilon: 'eps',
    centered: 'centered',
    weight_decay: 'weightDecay',
    clipvalue: 'clip',
    clipnorm: 'clipNorm',
    global_clipnorm: 'clipNorm',
  },
  nativeOptions: {
    floatx: {
      describe:
        "keras.config.floatx(): the dtype of the learning-rate variable (a float64 run with floatx float32 uses a float32-rounded lr); weight_decay stays float32-rounded; a schedule's rate is float32 either way",
      default: 'float32',
      values: {
        float32: { float32Hyperparameters: ['lr', 'weightDecay'] },
        float64: { float32Hyperparameters: ['weightDecay'] },
      },
    },
  },
  schedules: KERAS_SCHEDULES,
  defaults: { lr: 0.001, decay: 0.9, momentum: 0, eps: 1e-7, centered: false, weightDecay: 0 },
  axes: {
    epsPlacement: 'inside',
    centeredGrouping: '(v-m2)+eps',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    meanForm: 'blend',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    momentumKind: 'lr-inside',
    momentumAlways: false,
    weightDecayKind: 'decoupled',
    decoupledScaledByLr: true,
    oneMinusDecay: 'host',
    float32Hyperparameters: ['lr', 'weightDecay'],
    fma: [],
  },
  notes: [
    'epsilon is inside the sqrt (unlike Keras <= 2.3 and tf.keras without momentum).',
    'Measured: the learning-rate variable has dtype floatx, so float64 runs use a float32-rounded lr unless floatx is float64: --set floatx=float64.',
    "A schedule is written as the Keras call: --set 'learning_rate=CosineDecay(initial_learning_rate=0.02, decay_steps=60, alpha=0.1)' (ExponentialDecay, InverseTimeDecay, PolynomialDecay, CosineDecay, PiecewiseConstantDecay). It is evaluated in float32 ops at optimizer.iterations and cast to the variable dtype, also with floatx float64 (measured: the 8 schedule recordings, Keras 3.15.1). cos and pow are float64 results rounded to float32.",
    'Measured (calibration recordings, Keras 3.15.1): weight_decay is float32-rounded in every run, also with floatx float64 (tf.cast of a Python float makes a float32 tensor first).',
    'The torch backend groups (velocity + epsilon) - square(average_grad): set centeredGrouping=(v+eps)-m2.',
    "Keras 3 has no 'decay' argument: Keras 2's decay= was a learning-rate decay (see keras2-legacy).",
    'clipnorm is per-tensor tf.clip_by_norm, (g*c)/max(norm, c); global_clipnorm is g*(c*min(1/norm, 1/c)). For the single parameter tensor of the harness both bound the same norm; the reference scales by g*(c/norm), equal up to rounding (the exact forms need a clip-form axis).',
  ],
};

export const keras2Legacy: Profile = {
  name: 'keras2-legacy',
  version: '2',
  isDefaultVersion: true,
  framework: 'tf.keras (Keras 2.x) OptimizerV2 / tf.keras.optimizers.legacy.RMSprop',
  sources: [
    {
      repo: 'keras-team/keras',
      path: 'keras/optimizers/legacy/rmsprop.py',
      note: 'momentum=0: rms_t = rho*rms + one_minus_rho*square(grad); var - lr_t*grad/(sqrt(denom_t)+epsilon). momentum>0: training_ops.resource_apply_rms_prop (eps inside). epsilon = epsilon or backend_config.epsilon()',
    },
    {
      repo: 'keras-team/keras',
      path: 'keras/optimizers/legacy/optimizer_v2.py',
      note: '_decayed_lr: decay_t = math_ops.cast(self._initial_decay, var_dtype); lr_t / (1. + decay_t * local_step); hyperparameters are float32 variables cast to the variable dtype; one_minus_rho = 1. - rho in the variable dtype. _transform_gradients: clipvalue, then clipnorm, then global_clipnorm',
    },
    { repo: 'tensorflow/tensorflow', path: 'tensorflow/core/kernels/training_ops.cc', note: 'the raw op used when momentum > 0' },
  ],
  nativeNames: {
    learning_rate: 'lr',
    lr: 'lr',
    rho: 'decay',
    momentum: 'momentum',
    epsilon: 'eps',
    centered: 'centered',
    decay: 'lrDecay',
    clipvalue: 'clip',
    clipnorm: 'clipNorm',
    global_clipnorm: 'clipNorm',
  },
  defaults: { lr: 0.001, decay: 0.9, momentum: 0, eps: 1e-7, centered: false, lrDecay: 0 },
  epsZeroBecomes: 1e-7,
  axes: {
    epsPlacement: 'outside',
    centeredGrouping: '(v-m2)+eps',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    meanForm: 'blend',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    momentumKind: 'lr-inside',
    momentumAlways: false,
    lrSchedule: 'inverse-time',
    oneMinusDecay: 'compute',
    float32Hyperparameters: ['lr', 'decay', 'momentum', 'lrDecay'],
    fma: [],
  },
  conditional: [
    {
      when: { momentum: 'nonzero' },
      set: { epsPlacement: 'inside', emaForm: 'increment', meanForm: 'increment', momentumAlways: true },
      because: 'with momentum > 0 the update is the raw ApplyRMSProp / ApplyCenteredRMSProp op (eps inside the sqrt)',
    },
  ],
  notes: [
    "'decay' is an inverse-time LEARNING-RATE decay lr/(1+decay*t), not rho.",
    'epsilon=0 silently becomes 1e-7.',
    'eps is outside the sqrt without momentum and inside with momentum: two different optimizers behind one class.',
    'lrDecay: math_ops.cast(python float, var_dtype) converts the Python float to a float32 tensor before the cast (measured on TF 2.21: tf.cast(0.02, tf.float64) = 0.019999999552965164), so it stays float32-rounded in float64 runs.',
    'clipvalue is applied before the global-norm clip, whose norm is taken of the clipped gradient; the reference takes the norm of the unclipped gradient (needs a clip-order axis), so combining both is not exact.',
  ],
};
