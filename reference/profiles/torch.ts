import type { NativeFlag, Profile, SourceCitation } from '../profile.js';
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
  "x86 wheels compute sqrt through MKL VML (aten/src/ATen/cpu/vml.h), not correctly rounded: 1 ulp off on 16.8% of float32 and 1.2% of float64 inputs on an AMD EPYC. On AMD, MKL's generic kernel is modelled bit for bit (sqrtImpl=mkl-vml-amd, torch 2.x's default: all 176 torch float32/float64 recordings bit-exact). On Intel CPUs MKL runs other kernels (AVX2 / AVX-512 with FMA), not modelled: set sqrtImpl=correctly-rounded and the declared 1-ulp op error applies; so for Debian's build without MKL and ARM, which round correctly.",
  'All state starts at 0.',
  "A scheduler is written as the torch call without its optimizer: --set 'scheduler=StepLR(step_size=20, gamma=0.5)' (StepLR, ExponentialLR, MultiStepLR, CosineAnnealingLR, PolynomialLR), stepped once after every optimizer step. It is evaluated in Python floats in the chainable form: ExponentialLR is the running product lr*gamma*gamma*... (measured: 80/80 recorded steps; the closed form lr*gamma**t matches 19/80). CosineAnnealingLR uses V8's Math.cos for CPython's math.cos: both within an ulp, not always the same (not measured).",
  'lr_tensor_dtype=float32: lr given as a 0-dim float32 tensor is used at its float32 value, also in float64 runs (measured: bowl3_lrtensor_momentum_float64).',
];

// ---- bfloat16 / float16 on CPU: where the kernels round and how the Python scalars enter ----

const lowPrecisionSources: SourceCitation[] = [
  {
    repo: 'pytorch/pytorch',
    path: 'aten/src/ATen/native/cpu/PointwiseOpsKernel.cpp',
    note: 'addcmul/addcdiv for reduced floating types: float_val = value.to<float>(); self + float_val*t1*t2 (addcdiv: self + float_val*t1/t2) in float (opmath), converted back once (convert_from_float)',
  },
  {
    repo: 'pytorch/pytorch',
    path: 'aten/src/ATen/native/cpu/LerpKernel.cpp',
    note: 'lerp_kernel_scalar_weight: weight as opmath_t (float), lerp evaluated in float from the converted inputs, rounded once',
  },
  {
    repo: 'pytorch/pytorch',
    path: 'aten/src/ATen/native/ufunc/add.h',
    note: 'add(a, b, alpha): a + alpha * b in scalar_t; BinaryOpsKernel/ufunc add_kernel passes alpha_scalar.to<scalar_t>(), so alpha is rounded to bfloat16/float16; the non-vectorised loop (tensors shorter than 2*Vectorized::size(), and the tail of longer ones) does the product and the sum in c10::BFloat16/c10::Half arithmetic, each rounded; the vectorised loop is vec::fmadd on float lanes, rounded once',
  },
  {
    repo: 'pytorch/pytorch',
    path: 'aten/src/ATen/native/cpu/BinaryOpsKernel.cpp',
    note: 'mul_kernel: for reduced floating types with a CPU scalar operand, opmath_t b = iter.original_scalar_value<opmath_t>(2) (the scalar in float32, torch >= 2.1); torch 1.13 has no such branch and the wrapped scalar is cast to the tensor dtype first (measured: 100% of 64000 bfloat16 elements)',
  },
  {
    repo: 'pytorch/pytorch',
    path: 'aten/src/ATen/native/ForeachOpsKernels.cpp',
    note: 'CPU foreach ops are the slow path only: FOREACH_BINARY_OP_SCALAR loops t.mul_(scalar) per tensor, FOREACH_POINTWISE_OP_SCALAR t.addcmul_/addcdiv_, _foreach_add_(..., alpha) t.add_(other, alpha); measured on torch 2.13: _foreach_mul_ rounds its scalar to the tensor dtype (for-loop and foreach part at steps 3-12 of the bfloat16/float16 recordings only through it); where 2.13 loses the float32 opmath of the foreach scalar was not pinned down in source',
  },
];

const lowPrecisionNotes = [
  'bfloat16/float16 on CPU: every ATen op computes in float32 from the stored values and rounds once to the tensor dtype; addcmul, addcdiv and lerp keep their inner products in float32 (fusedOps).',
  'Scalars: addcmul value, addcdiv value and the lerp weight stay float32 (opmath); add(alpha=) rounds alpha to the dtype (dtypeScalarSites param, weight-decay; 1.13 also mean); add_(eps) rounds eps to the dtype (dtypeScalarOps add: the ufunc add kernel gets the wrapped scalar cast to the common dtype; measured on torch 1.13 with eps=1e-3 and gradients of 2e-3, indistinguishable in the 2.13 recordings); Tensor.mul_(float) keeps a float32 scalar in torch >= 2.1 (mul_kernel original_scalar_value<opmath_t>) and rounds it in 1.13, torch._foreach_mul_ rounds it (native flag foreach).',
  'add(alpha=) runs in c10::BFloat16/Half arithmetic in the non-vectorised loop (alpha, the product and the sum each rounded: dtypeArithmeticSites) and as one float32 fmadd in the vectorised loop. cpu_kernel_vec vectorises blocks of 2*Vectorized<scalar_t>::size() elements (32 on AVX2, 64 on AVX-512 for bfloat16) and runs the rest in the scalar loop: the profile is exact for tensors shorter than one block; for tensors made of whole blocks set dtypeArithmeticSites= (empty). Live check on Debian torch 1.13.1 (AVX2), 30 steps, plain/momentum/centered/all with weight decay, for-loop and foreach: n=3 and n=31 16/16 bit-exact; n=96 and n=128 with dtypeArithmeticSites= 16/16; a tensor with a partial block (n=100) mixes both and is not bit-exact on its last 4 elements.',
  'Debian torch 1.13 has no float16 addcmul CPU kernel ("addcmul_cpu_out" not implemented for \'Half\'); float16 is described from the torch 2.13 recordings.',
];

/** torch 2.x: Tensor.mul_(float) keeps its scalar in float32 (opmath), torch._foreach_mul_ rounds it to the dtype. */
const foreach2: NativeFlag = {
  describe:
    'foreach=True (_multi_tensor_rmsprop): identical to the for-loop in float32/float64; in bfloat16/float16 _foreach_mul_ rounds its scalar to the dtype',
  default: false,
  whenTrue: { dtypeScalarOps: ['mul', 'add'] },
  whenFalse: { dtypeScalarOps: ['add'] },
};

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
    fusedOps: ['addcmul', 'addcdiv', 'lerp'],
    dtypeScalarOps: ['add'],
    dtypeArithmeticSites: ['param', 'weight-decay'],
    dtypeScalarSites: ['param', 'weight-decay'],
    // The x86 wheels' torch.sqrt is MKL VML's; on AMD CPUs (where the calibration runs were recorded)
    // its generic kernel, modelled bit for bit. Elsewhere set sqrtImpl=correctly-rounded: the
    // declared op error below then bounds it.
    sqrtImpl: 'mkl-vml-amd',
  },
  opErrors: [MKL_VML_SQRT],
  nativeFlags: { foreach: foreach2 },
  notes,
  lowPrecision: { dtypes: ['bfloat16', 'float16'], sources: lowPrecisionSources, notes: lowPrecisionNotes },
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
  // 1.13: the centered mean is mul_ then add_(alpha=1-alpha), an add with alpha (dtype arithmetic in bfloat16);
  // Tensor.mul_ and _foreach_mul_ both round their scalar to the dtype.
  axes: {
    ...torch2.axes,
    meanForm: 'blend',
    dtypeScalarOps: ['mul', 'add'],
    dtypeArithmeticSites: ['param', 'weight-decay', 'mean'],
    dtypeScalarSites: ['param', 'weight-decay', 'mean'],
    // Measured live on Debian's python3-torch 1.13 (no MKL): sqrt correctly rounded. A 1.13 x86
    // wheel on AMD: --set sqrtImpl=mkl-vml-amd.
    sqrtImpl: 'correctly-rounded',
  },
  nativeFlags: {
    foreach: {
      describe:
        'foreach=True (_multi_tensor_rmsprop): the same arithmetic as the for-loop in torch 1.13 (both round the mul_ scalar)',
      default: false,
      whenTrue: {},
      whenFalse: {},
    },
  },
  lowPrecision: {
    dtypes: ['bfloat16'],
    sources: lowPrecisionSources,
    notes: [
      ...lowPrecisionNotes,
      'torch 1.13 float16: addcmul has no CPU kernel for Half, so torch.optim.RMSprop raises; refused.',
    ],
  },
  notes: [
    ...notes,
    'Centered mean is mul_ then add_(alpha=1-alpha): fma(1-alpha, g, alpha*m) when contracted; lerp_ arrived in 2.1 (pytorch/pytorch#104796), so 2.0 is this form too.',
  ],
};
