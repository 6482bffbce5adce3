import type { Profile } from '../profile.js';
import { TORCH_SCHEDULES } from '../schedules/torch.js';
import { MKL_VML_SQRT } from '../op-error.js';

const nativeNames = {
  lr: 'lr',
  alpha: 'decay',
  eps: 'eps',
  weight_decay: 'weightDecay',
  momentum: 'momentum',
  centered: 'centered',
  maximize: 'maximize',
} as const;

const sources2 = [
  {
    repo: 'pytorch/pytorch',
    path: 'torch/optim/rmsprop.py',
    note: '_single_tensor_rmsprop: square_avg.mul_(alpha).addcmul_(grad, grad, value=1-alpha); grad_avg.lerp_(grad, 1-alpha); avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_() / square_avg.sqrt(); avg.add_(eps); buf.mul_(momentum).addcdiv_(grad, avg); param.add_(buf, alpha=-lr) / param.addcdiv_(grad, avg, value=-lr)',
  },
  {
    repo: 'pytorch/pytorch',
    path: 'aten/src/ATen/native/cpu/PointwiseOpsKernel.cpp',
    note: 'addcmul: self + value*t1*t2 (contracted to fma on AVX2 builds); addcdiv: self + value*t1/t2 (not contracted)',
  },
  {
    repo: 'pytorch/pytorch',
    path: 'aten/src/ATen/native/cpu/LerpKernel.cpp',
    note: 'lerp_vec: fmadd(|w|<0.5 ? w : w-1, end-start, |w|<0.5 ? start : end)',
  },
  {
    repo: 'pytorch/pytorch',
    path: 'aten/src/ATen/native/cpu/BinaryOpsKernel.cpp',
    note: 'add with alpha: vec::fmadd(b, alpha, a)',
  },
  {
    repo: 'pytorch/pytorch',
    path: 'torch/optim/lr_scheduler.py',
    note: 'chainable get_lr in Python floats: StepLR/ExponentialLR group["lr"] * gamma, MultiStepLR lr * gamma ** count, CosineAnnealingLR (1+cos(pi*t/T))/(1+cos(pi*(t-1)/T))*(lr-eta_min)+eta_min, PolynomialLR lr * ((1-t/T)/(1-(t-1)/T))**power',
  },
  {
    repo: 'pytorch/pytorch',
    path: 'torch/optim/optimizer.py',
    note: '_to_scalar: a 0-dim tensor lr is read with .item() where a Python number is needed, so a float32 tensor lr is used at its float32 value',
  },
];

const notes = [
  'Scalars (lr, alpha, eps, momentum, weight_decay) are Python floats cast to the tensor dtype by each kernel; 1-alpha is computed in float64 first.',
  'fma lists the ops that x86 AVX2/AVX-512 builds contract (measured on CPU); set fma=off for ATEN_CPU_CAPABILITY=default or non-x86 builds.',
  'Builds whose sqrt goes through MKL VML (aten/src/ATen/cpu/vml.h) are not correctly rounded: measured 1 ulp off on ~15% of float32 and ~1.3% of float64 inputs on an AMD EPYC; such builds are not bit-exact, by a few ulps.',
  'All state starts at 0.',
  "A scheduler is written as the torch call without its optimizer: --set 'scheduler=StepLR(step_size=20, gamma=0.5)' (StepLR, ExponentialLR, MultiStepLR, CosineAnnealingLR, PolynomialLR), stepped once after every optimizer step. It is evaluated in Python floats in the chainable form: ExponentialLR is the running product lr*gamma*gamma*... (measured: 80/80 recorded steps; the closed form lr*gamma**t matches 19/80). CosineAnnealingLR uses V8's Math.cos for CPython's math.cos: both within an ulp, not always the same (not measured).",
  'lr_tensor_dtype=float32: lr given as a 0-dim float32 tensor is used at its float32 value, also in float64 runs (measured: bowl3_lrtensor_momentum_float64).',
];

export const torch2: Profile = {
  name: 'torch',
  version: '2.1',
  versionRange: { from: '2.1' },
  isDefaultVersion: true,
  framework: 'PyTorch >= 2.1 torch.optim.RMSprop',
  sources: sources2,
  nativeNames,
  nativeOptions: {
    lr_tensor_dtype: {
      describe: 'lr given as a 0-dim tensor of this dtype (none: a Python float)',
      default: 'none',
      values: { none: {}, float32: { float32Hyperparameters: ['lr'] }, float64: {} },
    },
  },
  schedules: TORCH_SCHEDULES,
  defaults: { lr: 1e-2, decay: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
  axes: {
    epsPlacement: 'outside',
    emaForm: 'blend',
    squareGrouping: '((1-b)*g)*g',
    meanForm: 'lerp',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    momentumKind: 'lr-outside',
    momentumAlways: false,
    weightDecayKind: 'coupled',
    oneMinusDecay: 'host',
    fma: ['ema', 'mean', 'centered', 'param', 'weight-decay'],
  },
  opErrors: [MKL_VML_SQRT],
  notes,
};

export const torch113: Profile = {
  ...torch2,
  version: '1.13',
  versionRange: { from: '1.0', until: '2.1' },
  isDefaultVersion: false,
  framework: 'PyTorch 1.x and 2.0 torch.optim.RMSprop',
  sources: [
    {
      repo: 'pytorch/pytorch',
      path: 'torch/optim/rmsprop.py',
      note: 'v1.13 _single_tensor_rmsprop: grad_avg.mul_(alpha).add_(grad, alpha=1-alpha) (no lerp)',
    },
    ...sources2.slice(1),
  ],
  axes: { ...torch2.axes, meanForm: 'blend' },
  notes: [
    ...notes,
    'Centered mean is mul_ then add_(alpha=1-alpha): fma(1-alpha, g, alpha*m) when contracted; lerp_ arrived in 2.1 (pytorch/pytorch#104796), so 2.0 is this form too.',
  ],
};
