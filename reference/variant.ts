// Every way RMSprop implementations differ, as named axes. A Variant fixes all of them; a profile
// (reference/profiles) is a named way of filling them in from a framework's own hyperparameters.

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
export type OneMinusDecay = 'host' | 'compute';

/** Operations a framework's kernels contract into a fused multiply-add. */
export type FmaSite =
  | 'ema' // v update: the final multiply-add (PyTorch addcmul)
  | 'mean' // centered mean update (PyTorch lerp / add(alpha=))
  | 'centered' // v - m*m (PyTorch addcmul(value=-1))
  | 'momentum' // mu*b + x
  | 'param' // p - lr*b (PyTorch add(alpha=-lr))
  | 'weight-decay'; // g + wd*p (PyTorch add(alpha=wd))
export const FMA_SITES: readonly FmaSite[] = ['ema', 'mean', 'centered', 'momentum', 'param', 'weight-decay'];

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
  { name: 'oneMinusDecay', values: ['host', 'compute'], describe: '(1-decay) in float64 then rounded | in the tensor dtype' },
  { name: 'float32Hyperparameters', values: 'list', describe: 'hyperparameters rounded to float32 even in float64 runs' },
  {
    name: 'fma',
    values: 'list',
    describe: `contracted multiply-adds: ${FMA_SITES.join(',')} (fma=on|off toggles the profile's set)`,
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
  kind: 'number' | 'boolean' | 'nullable-number';
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
  // A framework without opmath: every op rounds to the dtype and scalars are tensors of the dtype.
  fusedOps: [],
  dtypeScalarOps: ['add', 'sub', 'mul', 'div'],
  dtypeArithmeticSites: [],
  dtypeScalarSites: [],
};
