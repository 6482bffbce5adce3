// Every way RMSprop implementations differ, as named axes. A Variant fixes all of them; a profile
// (reference/profiles) is a named way of filling them in from a framework's own hyperparameters.

import type { LrScheduleSpec } from './schedules/schedule.js';
import { RSQRT_IMPLEMENTATIONS, SQRT_IMPLEMENTATIONS, type RsqrtImpl, type SqrtImpl } from './op-implementations/index.js';

/** Where epsilon enters the denominator. */
export type EpsPlacement =
  | 'outside' // sqrt(var) + eps            (PyTorch, Caffe, Chainer, Flux, Keras<=2.3 and tf.keras without momentum)
  | 'inside' // sqrt(var + eps)            (TF raw ops, Keras 3, tfjs, MXNet 1.x, d2l, Lasagne, Paddle)
  | 'inside-subtracted'; // sqrt(v - (m^2 + eps))  (tfjs centered: eps is subtracted)

/** Grouping of the centered variance when eps is inside the sqrt. */
export type CenteredGrouping =
  | '(v-m2)+eps' // TF raw ApplyCenteredRMSProp, Keras 3 (tf/jax backends)
  | '(v+eps)-m2'; // Keras 3 torch backend

/** Second-moment (and mean) update form. */
export type EmaForm =
  | 'blend' // b*v + (1-b)*x          (most)
  | 'increment' // v + (x - v)*(1-b)      (TF raw ops)
  | 'lerp'; // ATen lerp(v, x, 1-b)   (PyTorch 2.x centered mean)

/** How the gradient is squared and weighted in the blend form. */
export type SquareGrouping =
  | '(1-b)*(g*g)' // square first                      (Keras 3, tfjs, optax, TF)
  | '((1-b)*g)*g'; // weight then multiply (addcmul)    (PyTorch, Chainer, Paddle)

/** How the denominator is applied to the gradient. */
export type ScaleForm =
  | 'divide' // g / d
  | 'rsqrt' // g * rsqrt(var + eps)        (optax, Keras 2.11+ tf path)
  | 'reciprocal'; // g * (1 / (sqrt(var) + eps)) (optax eps_in_sqrt=False)

/** Where lr enters the update u. */
export type UpdateOrder =
  | 'lr-first' // (lr*g)/d                   (TF raw, tfjs, Keras, PyTorch without momentum, d2l, tutorials)
  | 'lr-last' // lr*(g/d)                    (MXNet 1.x, Caffe)
  | 'lr-over-d'; // g*(lr/d)

/** Momentum form. */
export type MomentumKind =
  | 'lr-inside' // b = mu*b + lr*g/d; p -= b       (TF raw, tfjs, Keras, Paddle)
  | 'lr-outside' // b = mu*b + g/d;    p -= lr*b    (PyTorch)
  | 'graves' // D = mu*D - lr*g/d;  p += D        (MXNet rmspropalex; buffer has the opposite sign)
  | 'nesterov'; // optax trace(nesterov=True) after scaling by -lr

export type WeightDecayKind = 'none' | 'coupled' | 'decoupled';
/** Form of the inverse-time learning-rate decay, used when lrDecay > 0. */
export type LrSchedule =
  | 'inverse-time' // lr / (1 + lrDecay*t)       (tf.keras OptimizerV2 _decayed_lr)
  | 'inverse-time-reciprocal'; // lr * (1 / (1 + lrDecay*t)) (Keras <= 2.3)
/** Where (1 - decay) is computed: in float64 on the host (Python/JS number) or in the tensor dtype. */
export type OneMinusDecay =
  | 'host'
  | 'compute'
  | 'float32' // C `1.f - decay` on a float field, then widened (MXNet <= 1.5 scalar<DType>(1.f - gamma1), Burn's f32 `1. - alpha`)
  | 'host-float32'; // (1 - decay) from the decay as given, in float64, then held as float32 (MLX < 0.32.1 float64 runs)
/** The op sequence of global-norm clipping (n = the gradient's L2 norm, c = clipNorm). */
export type ClipNormForm =
  | 'scale-above' // g*(c/n) when n > c              (Caffe ClipGradients, Paddle ClipGradByGlobalNorm: c/max(n,c))
  | 'clip-by-norm' // (g*c)/max(n, c), always         (tf.clip_by_norm: Keras clipnorm, tf.keras 2 clipnorm)
  | 'keras-global' // g*(c*min(1/n, 1/c) + (n-n)), 1/c on the host   (Keras 3 clip_by_global_norm)
  | 'tf-global' // g*(c*min(1/n, 1/c) + (n-n)), 1/c in the dtype    (tf.clip_by_global_norm: tf.keras 2 global_clipnorm)
  | 'optax'; // n < c ? g : (g/n)*c                  (optax clip_by_global_norm)
/** How v (and the centered mean) are bias-corrected. */
export type BiasCorrectionForm =
  | 'divide' // v / (1 - decay^t), 1 - decay^t in float64 on the host
  | 'reciprocal'; // v * (1/(1 - decay^t)), each op in the compute dtype (optax tree_bias_correction under XLA)

/**
 * The arithmetic of every op against the dtype tensors are stored in: 'storage' computes in the
 * run dtype itself; 'float64' computes in doubles and rounds only what is written into a vector
 * (plain JS on a Float32Array, such as brain.js); 'float32' computes in float32 and stores the
 * float32 values (a float32 kernel behind float64 storage).
 */
export type ComputePrecision = 'storage' | 'float64' | 'float32';

/** Operations a framework's kernels contract into a fused multiply-add. */
export type FmaSite =
  | 'ema' // v update: the final multiply-add (PyTorch addcmul)
  | 'mean' // centered mean update (PyTorch lerp / add(alpha=))
  | 'centered' // v - m*m (PyTorch addcmul(value=-1))
  | 'momentum' // mu*b + x
  | 'param' // p - lr*b (PyTorch add(alpha=-lr))
  | 'weight-decay' // g + wd*p (PyTorch add(alpha=wd))
  | 'norm' // the global norm's sum of squares as a chain s = fma(g, g, s) (XLA reduce, OpenBLAS sdot)
  | 'bias-correction'; // v*r contracted into the add that follows: fma(v, r, eps) or fma(v, r, -mHat^2) (XLA)
export const FMA_SITES: readonly FmaSite[] = [
  'ema',
  'mean',
  'centered',
  'momentum',
  'param',
  'weight-decay',
  'norm',
  'bias-correction',
];

/** Hyperparameters, by canonical name. */
export interface Hyperparameters {
  lr: number;
  decay: number;
  eps: number;
  momentum: number;
  centered: boolean;
  weightDecay: number;
  maximize: boolean;
  /** Multiplies the gradient first (MXNet rescale_grad, 1/batch). */
  rescale: number;
  /** Elementwise clip bound, or null. */
  clip: number | null;
  /** Global-norm clip bound, or null: g <- g / ||g|| * clipNorm when ||g|| > clipNorm. */
  clipNorm: number | null;
  /** Inverse-time learning-rate decay (Keras legacy `decay=`): lr / (1 + lrDecay * t). */
  lrDecay: number;
  initialAccumulator: number;
  biasCorrection: boolean;
  /** A named learning-rate schedule evaluated in its framework's arithmetic (reference/schedules), or null. */
  schedule: LrScheduleSpec | null;
  /** The learning rate of every step, as recorded (step t uses lrPerStep[t]); overrides lr and schedule. */
  lrPerStep: readonly number[] | null;
  /** Keep an exponential moving average of the parameters after every step (Keras use_ema). */
  useEma: boolean;
  /** Weight of the old average (Keras ema_momentum). */
  emaMomentum: number;
  /** Every this many steps the parameters are overwritten with the average (Keras ema_overwrite_frequency), or null. */
  emaOverwriteFrequency: number | null;
}

/** Arithmetic axes: how the hyperparameters are combined. */
export interface Axes {
  epsPlacement: EpsPlacement;
  centeredGrouping: CenteredGrouping;
  emaForm: EmaForm;
  squareGrouping: SquareGrouping;
  meanForm: EmaForm;
  scaleForm: ScaleForm;
  updateOrder: UpdateOrder;
  momentumKind: MomentumKind;
  /** The momentum path runs even when momentum = 0 (TF raw ops, tfjs): matters for Inf/NaN. */
  momentumAlways: boolean;
  weightDecayKind: WeightDecayKind;
  /** Coupled decay is added before (MXNet) or after elementwise clipping. */
  weightDecayBeforeClip: boolean;
  /** Decoupled decay p -= p*wd*lr (Keras 3) or p -= p*wd. */
  decoupledScaledByLr: boolean;
  lrSchedule: LrSchedule;
  oneMinusDecay: OneMinusDecay;
  /** Hyperparameters rounded to float32 before use, even in float64 runs (TF1 tensors, Keras variables, MXNet op fields). */
  float32Hyperparameters: readonly (keyof Hyperparameters)[];
  fma: readonly FmaSite[];
  clipNormForm: ClipNormForm;
  /**
   * With both clips: the global-norm clip comes before the elementwise one. Off (tf.keras 2): the
   * elementwise clip first, and the global norm is of the clipped gradient. A global-norm clip always
   * sees the gradient before coupled decay: with weightDecayBeforeClip (MXNet) the order is norm
   * clip, decay, elementwise clip.
   */
  clipNormBeforeValue: boolean;
  /** The elementwise clip acts after v (and m) accumulated the unclipped gradient (recurrentjs-style solvers). */
  clipAfterAccumulator: boolean;
  /**
   * The momentum buffer accumulates the negated update and is added to the parameter (optax:
   * scale_by_learning_rate multiplies by -lr, trace accumulates that, apply_updates adds it). The
   * same values as subtracting a buffer of +lr·…, except the sign of zeros.
   */
  negatedUpdate: boolean;
  biasCorrectionForm: BiasCorrectionForm;
  /** Subnormal inputs and results of every float op read and written as zero of the same sign (x86 DAZ + FTZ). */
  flushSubnormals: boolean;
  computePrecision: ComputePrecision;
  /** The algorithm of the element sqrt: correctly rounded, or a framework build's (reference/op-implementations). */
  sqrtImpl: SqrtImpl;
  /** The algorithm of rsqrt (scaleForm rsqrt): 1/sqrt(x) as the dtype computes it, or a framework's approximation. */
  rsqrtImpl: RsqrtImpl;
  /** bfloat16/float16: framework ops computed as one kernel, intermediates in float32 (PyTorch addcmul, addcdiv, lerp). */
  fusedOps: readonly FusedOp[];
  /** bfloat16/float16: tensor-scalar ops whose scalar is rounded to the tensor dtype first (by kind: mul, add, ...). */
  dtypeScalarOps: readonly string[];
  /** bfloat16/float16: FMA sites computed in the dtype's own arithmetic (scalar and every op rounded, no FMA). */
  dtypeArithmeticSites: readonly FmaSite[];
  /** bfloat16/float16: FMA sites whose scalar is rounded to the dtype first, contracted or not (PyTorch add(alpha=)). */
  dtypeScalarSites: readonly FmaSite[];
}

/** Framework ops that some frameworks compute as one kernel (ElementOp.fused in reference/program). */
export type FusedOp = 'addcmul' | 'addcdiv' | 'lerp';

export type Variant = Hyperparameters & Axes;

export interface AxisInfo {
  name: keyof Axes;
  values: readonly string[] | 'boolean' | 'list';
  describe: string;
  /** For a list axis: the items it may hold (default: hyperparameter names). */
  items?: readonly string[];
}

/** Axes as data: for listing, validation and --set parsing. */
export const AXES: readonly AxisInfo[] = [
  {
    name: 'epsPlacement',
    values: ['outside', 'inside', 'inside-subtracted'],
    describe: 'sqrt(var)+eps | sqrt(var+eps) | sqrt(v-(m^2+eps))',
  },
  {
    name: 'centeredGrouping',
    values: ['(v-m2)+eps', '(v+eps)-m2'],
    describe: 'grouping of the centered variance with eps inside',
  },
  {
    name: 'emaForm',
    values: ['blend', 'increment', 'lerp'],
    describe: 'second-moment update: b*v+(1-b)*g^2 | v+(g^2-v)*(1-b) | lerp',
  },
  { name: 'squareGrouping', values: ['(1-b)*(g*g)', '((1-b)*g)*g'], describe: 'how (1-b) and g^2 are grouped' },
  { name: 'meanForm', values: ['blend', 'increment', 'lerp'], describe: 'centered mean update form' },
  { name: 'scaleForm', values: ['divide', 'rsqrt', 'reciprocal'], describe: 'g/d | g*rsqrt(var+eps) | g*(1/(sqrt(var)+eps))' },
  { name: 'updateOrder', values: ['lr-first', 'lr-last', 'lr-over-d'], describe: '(lr*g)/d | lr*(g/d) | g*(lr/d)' },
  { name: 'momentumKind', values: ['lr-inside', 'lr-outside', 'graves', 'nesterov'], describe: 'momentum buffer form' },
  { name: 'momentumAlways', values: 'boolean', describe: 'momentum path runs even when momentum = 0' },
  { name: 'weightDecayKind', values: ['none', 'coupled', 'decoupled'], describe: 'L2 into the gradient | decoupled from it' },
  { name: 'weightDecayBeforeClip', values: 'boolean', describe: 'coupled decay added before elementwise clipping' },
  { name: 'decoupledScaledByLr', values: 'boolean', describe: 'decoupled decay p -= p*wd*lr (true) or p -= p*wd' },
  {
    name: 'lrSchedule',
    values: ['inverse-time', 'inverse-time-reciprocal'],
    describe: 'when lrDecay > 0: lr/(1+lrDecay*t) | lr*(1/(1+lrDecay*t)), t = steps taken',
  },
  {
    name: 'oneMinusDecay',
    values: ['host', 'compute', 'float32', 'host-float32'],
    describe:
      '(1-decay) in float64 then rounded | in the tensor dtype | in float32 from the float32 decay | in float64 from the exact decay, held as float32',
  },
  { name: 'float32Hyperparameters', values: 'list', describe: 'hyperparameters rounded to float32 even in float64 runs' },
  {
    name: 'fma',
    values: 'list',
    describe: `contracted multiply-adds: ${FMA_SITES.join(',')} (fma=on|off toggles the profile's set)`,
  },
  {
    name: 'clipNormForm',
    values: ['scale-above', 'clip-by-norm', 'keras-global', 'tf-global', 'optax'],
    describe:
      'global-norm clip: g*(c/n) if n>c | (g*c)/max(n,c) | g*(c*min(1/n,1/c)+(n-n)) (1/c host | dtype) | n<c ? g : (g/n)*c',
  },
  {
    name: 'clipNormBeforeValue',
    values: 'boolean',
    describe:
      'with clip and clipNorm: global-norm clip first (false: elementwise clip first, the norm is of the clipped gradient)',
  },
  {
    name: 'negatedUpdate',
    values: 'boolean',
    describe: 'the momentum buffer holds -lr*... and is added to the parameter (optax trace): changes only signed zeros',
  },
  {
    name: 'clipAfterAccumulator',
    values: 'boolean',
    describe: 'elementwise clip after v (and m) accumulated the unclipped gradient',
  },
  {
    name: 'biasCorrectionForm',
    values: ['divide', 'reciprocal'],
    describe: 'v/(1-decay^t) with 1-decay^t on the host | v*(1/(1-decay^t)) in the compute dtype',
  },
  {
    name: 'flushSubnormals',
    values: 'boolean',
    describe: 'subnormal inputs and results of every float op read/written as zero of the same sign (DAZ+FTZ)',
  },
  {
    name: 'computePrecision',
    values: ['storage', 'float64', 'float32'],
    describe: 'arithmetic of every op: the run dtype | float64, rounded when stored | float32, stored as is',
  },
  {
    name: 'sqrtImpl',
    values: SQRT_IMPLEMENTATIONS,
    describe:
      "element sqrt: correctly rounded | MKL VML's on AMD CPUs (PyTorch's x86 wheels: RSQRTPS estimate refined without FMA)",
  },
  {
    name: 'rsqrtImpl',
    values: RSQRT_IMPLEMENTATIONS,
    describe:
      "rsqrt: 1/sqrt(x) in the dtype | XLA CPU's intrinsic on AMD Zen 4 (float64 rsqrt14 + 2 Newton steps, float32 rsqrtps + 1) | on Intel AVX-512 (float64 only)",
  },
  {
    name: 'fusedOps',
    values: 'list',
    items: ['addcmul', 'addcdiv', 'lerp'],
    describe: 'bfloat16/float16: framework ops whose intermediates stay float32 (addcmul,addcdiv,lerp)',
  },
  {
    name: 'dtypeScalarOps',
    values: 'list',
    items: ['add', 'sub', 'mul', 'div'],
    describe: 'bfloat16/float16: tensor-scalar ops (mul,add,sub,div) that round their scalar to the dtype',
  },
  {
    name: 'dtypeArithmeticSites',
    values: 'list',
    items: FMA_SITES,
    describe: 'bfloat16/float16: FMA sites computed in the dtype itself (scalar and each op rounded, no FMA)',
  },
  {
    name: 'dtypeScalarSites',
    values: 'list',
    items: FMA_SITES,
    describe: 'bfloat16/float16: FMA sites whose scalar is rounded to the dtype (PyTorch add(alpha=))',
  },
];

export interface HyperparameterInfo {
  name: keyof Hyperparameters;
  /** Other canonical spellings that mean the same everywhere ('rho' for decay: no framework uses rho for anything else). */
  aliases?: readonly string[];
  kind: 'number' | 'boolean' | 'nullable-number' | 'schedule' | 'number-list';
  describe: string;
}

export const HYPERPARAMETERS: readonly HyperparameterInfo[] = [
  { name: 'lr', kind: 'number', describe: 'learning rate' },
  { name: 'decay', aliases: ['rho'], kind: 'number', describe: 'second-moment decay (rho / alpha / gamma / decay / beta)' },
  { name: 'eps', kind: 'number', describe: 'epsilon' },
  { name: 'momentum', kind: 'number', describe: 'momentum coefficient' },
  { name: 'centered', kind: 'boolean', describe: 'normalise by the variance estimate v - m^2' },
  { name: 'weightDecay', kind: 'number', describe: 'weight decay coefficient' },
  { name: 'maximize', kind: 'boolean', describe: 'ascend instead of descend' },
  { name: 'rescale', kind: 'number', describe: 'gradient rescale factor' },
  { name: 'clip', kind: 'nullable-number', describe: 'elementwise gradient clip bound' },
  { name: 'clipNorm', kind: 'nullable-number', describe: 'global-norm gradient clip bound' },
  { name: 'lrDecay', kind: 'number', describe: 'inverse-time learning-rate decay' },
  { name: 'initialAccumulator', kind: 'number', describe: 'initial value of the second-moment accumulator' },
  { name: 'biasCorrection', kind: 'boolean', describe: 'divide v by 1 - decay^t' },
  {
    name: 'schedule',
    kind: 'schedule',
    describe:
      "learning-rate schedule, written as the framework's call (keras learning_rate=CosineDecay(...), torch scheduler=StepLR(...))",
  },
  { name: 'lrPerStep', kind: 'number-list', describe: 'learning rate of every step (a recorded schedule), comma list' },
  { name: 'useEma', kind: 'boolean', describe: 'keep a moving average of the parameters (weight EMA) after every step' },
  { name: 'emaMomentum', kind: 'number', describe: 'weight of the old average in the weight EMA' },
  {
    name: 'emaOverwriteFrequency',
    kind: 'nullable-number',
    describe: 'overwrite the parameters with their average every this many steps (null: never)',
  },
];

export const BASE_HYPERPARAMETERS: Hyperparameters = {
  lr: 0.01,
  decay: 0.9,
  eps: 1e-8,
  momentum: 0,
  centered: false,
  weightDecay: 0,
  maximize: false,
  rescale: 1,
  clip: null,
  clipNorm: null,
  lrDecay: 0,
  initialAccumulator: 0,
  biasCorrection: false,
  schedule: null,
  lrPerStep: null,
  useEma: false,
  emaMomentum: 0.99,
  emaOverwriteFrequency: null,
};

export const BASE_AXES: Axes = {
  epsPlacement: 'outside',
  centeredGrouping: '(v-m2)+eps',
  emaForm: 'blend',
  squareGrouping: '(1-b)*(g*g)',
  meanForm: 'blend',
  scaleForm: 'divide',
  updateOrder: 'lr-first',
  momentumKind: 'lr-inside',
  momentumAlways: false,
  weightDecayKind: 'coupled',
  weightDecayBeforeClip: true,
  decoupledScaledByLr: true,
  lrSchedule: 'inverse-time',
  oneMinusDecay: 'host',
  float32Hyperparameters: [],
  fma: [],
  clipNormForm: 'scale-above',
  clipNormBeforeValue: false,
  clipAfterAccumulator: false,
  negatedUpdate: false,
  biasCorrectionForm: 'divide',
  flushSubnormals: false,
  computePrecision: 'storage',
  sqrtImpl: 'correctly-rounded',
  rsqrtImpl: 'one-over-sqrt',
  // A framework without opmath: every op rounds to the dtype and scalars are tensors of the dtype.
  fusedOps: [],
  dtypeScalarOps: ['add', 'sub', 'mul', 'div'],
  dtypeArithmeticSites: [],
  dtypeScalarSites: [],
};
