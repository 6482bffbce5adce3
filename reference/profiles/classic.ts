// Frameworks with one fixed RMSprop form and few options.
import type { Profile } from '../profile.js';

export const caffe: Profile = {
  name: 'caffe',
  version: '1',
  isDefaultVersion: true,
  framework: 'Caffe RMSPropSolver',
  sources: [
    {
      repo: 'BVLC/caffe',
      path: 'src/caffe/solvers/rmsprop_solver.cpp',
      note: 'history = (1-rms_decay)*g^2 + rms_decay*history (caffe_cpu_axpby); update = g / (history^0.5 + delta); diff = local_rate * update',
    },
    {
      repo: 'BVLC/caffe',
      path: 'src/caffe/solvers/sgd_solver.cpp',
      note: 'ApplyUpdate: ClipGradients() first (scale_factor = clip_gradients / l2norm_diff over all params), then per param Normalize, Regularize (L2: caffe_axpy(local_decay, data, diff)), ComputeUpdateValue',
    },
    {
      repo: 'BVLC/caffe',
      path: 'include/caffe/util/mkl_alternate.hpp',
      note: 'without MKL, cblas_saxpby(N, alpha, X, beta, Y) is cblas_sscal(N, beta, Y) then cblas_saxpy(N, alpha, X, Y): history = axpy(1-rms_decay, g^2, rms_decay*history)',
    },
    {
      repo: 'BVLC/caffe',
      path: 'src/caffe/solvers/sgd_solver.cpp',
      note: 'ClipGradients: sumsq_diff = sum over params of Blob::sumsq_diff() (caffe_cpu_dot = cblas_sdot); l2norm_diff = sqrt(sumsq_diff); if (l2norm_diff > clip_gradients) scale_diff(clip_gradients / l2norm_diff) (caffe_scal): clipNormForm scale-above',
    },
    {
      repo: 'OpenMathLib/OpenBLAS',
      path: 'kernel/x86_64/sdot.c',
      note: 'sdot: n & -32 elements by the vfmadd kernel (sdot_microk_haswell-2.c, several accumulators), the tail by dot += y[i]*x[i], contracted to an fma chain in the FMA-enabled build: the norm site covers tensors shorter than 32 elements',
    },
    {
      repo: 'OpenMathLib/OpenBLAS',
      path: 'kernel/x86_64/saxpy_microk_haswell-2.c',
      note: 'Haswell and later saxpy kernels contract y + alpha*x into vfmadd (saxpy.c, saxpy_microk_skylakex-2.c: y + alpha*x on FMA-enabled builds): the history update and the L2 term are fused multiply-adds',
    },
    {
      repo: 'BVLC/caffe',
      path: 'src/caffe/proto/caffe.proto',
      note: 'rms_decay default 0.99, delta default 1e-8; solver fields are float',
    },
  ],
  nativeNames: {
    base_lr: 'lr',
    rms_decay: 'decay',
    delta: 'eps',
    weight_decay: 'weightDecay',
    clip_gradients: 'clipNorm',
    momentum: 'momentum',
  },
  defaults: { lr: 0.01, decay: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0 },
  axes: {
    epsPlacement: 'outside',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    scaleForm: 'divide',
    updateOrder: 'lr-last',
    weightDecayKind: 'coupled',
    weightDecayBeforeClip: false,
    clipNormForm: 'scale-above',
    oneMinusDecay: 'compute',
    float32Hyperparameters: ['lr', 'decay', 'eps', 'weightDecay'],
    fma: ['ema', 'weight-decay', 'norm'],
  },
  constraints: [{ kind: 'reject', when: { momentum: 'nonzero' }, message: 'Caffe: "Momentum cannot be used with RMSProp."' }],
  notes: [
    'base_lr has no default; the harness uses 0.01.',
    'lr is applied after the division: lr*(g/d).',
    'Gradients are clipped (global norm, g*(c/n) when n > c) before the L2 term is added (weightDecayBeforeClip=false): Solver::ApplyUpdate calls ClipGradients() and then Regularize per parameter.',
    "fma (read in the sources, not measured: no Caffe recording): OpenBLAS on Haswell and later fuses the saxpy in the history update (ema) and in Regularize (weight-decay), and the sdot tail of the clip norm (norm, tensors under 32 elements; longer ones sum in the vector kernel's own order, which the reference does not model); the final data -= diff is axpy(-1, ...), an exact negation, so no param site. Set fma=off for a reference BLAS or an MKL (cblas_saxpby) build.",
  ],
};

export const chainer: Profile = {
  name: 'chainer',
  version: '7',
  isDefaultVersion: true,
  framework: 'Chainer chainer.optimizers.RMSprop',
  sources: [
    {
      repo: 'chainer/chainer',
      path: 'chainer/optimizers/rmsprop.py',
      note: 'RMSpropRule.update_core_cpu: eps = grad.dtype.type(hp.eps); ms *= hp.alpha; ms += (1 - hp.alpha) * grad * grad; denom = numpy.sqrt(ms) + eps (numpy.sqrt(ms + eps) with eps_inside_sqrt); param.data -= hp.lr * grad / denom. Defaults lr 0.01, alpha 0.99, eps 1e-8, eps_inside_sqrt False. (update_core_gpu is a CUDA elementwise kernel computing 1 - alpha in T: not this profile)',
    },
  ],
  nativeNames: { lr: 'lr', alpha: 'decay', eps: 'eps' },
  nativeFlags: {
    eps_inside_sqrt: {
      describe: 'eps inside the sqrt',
      default: false,
      whenTrue: { epsPlacement: 'inside' },
      whenFalse: { epsPlacement: 'outside' },
    },
  },
  defaults: { lr: 0.01, decay: 0.99, eps: 1e-8 },
  axes: {
    epsPlacement: 'outside',
    emaForm: 'blend',
    squareGrouping: '((1-b)*g)*g',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    oneMinusDecay: 'host',
    fma: [],
  },
  notes: ['Weight decay in Chainer is a separate hook, not part of the optimizer.'],
};

export const chainerGraves: Profile = {
  name: 'chainer-graves',
  version: '7',
  isDefaultVersion: true,
  framework: 'Chainer chainer.optimizers.RMSpropGraves',
  sources: [
    {
      repo: 'chainer/chainer',
      path: 'chainer/optimizers/rmsprop_graves.py',
      note: 'RMSpropGravesRule.update_core_cpu: n *= alpha; n += (1 - alpha) * grad * grad; g *= alpha; g += (1 - alpha) * grad; delta *= momentum; delta -= lr * grad / numpy.sqrt(n - g * g + eps); param.data += delta. Defaults lr 1e-4, alpha 0.95, momentum 0.9, eps 1e-4 (update_core_gpu uses rsqrt: not this profile)',
    },
  ],
  nativeNames: { lr: 'lr', alpha: 'decay', momentum: 'momentum', eps: 'eps' },
  defaults: { lr: 1e-4, decay: 0.95, momentum: 0.9, eps: 1e-4, centered: true },
  axes: {
    epsPlacement: 'inside',
    centeredGrouping: '(v-m2)+eps',
    emaForm: 'blend',
    squareGrouping: '((1-b)*g)*g',
    meanForm: 'blend',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    momentumKind: 'graves',
    momentumAlways: true,
    oneMinusDecay: 'host',
    fma: [],
  },
  constraints: [
    { kind: 'force', when: { centered: false }, force: { centered: true }, message: 'RMSpropGraves is always centered' },
  ],
  notes: ['Always centered; eps inside; the delta buffer holds the signed step.'],
};

export const flux: Profile = {
  name: 'flux',
  version: '0.3',
  isDefaultVersion: true,
  framework: 'Optimisers.jl (Flux) RMSProp',
  sources: [
    {
      repo: 'FluxML/Optimisers.jl',
      path: 'src/rules.jl',
      note: 'RMSProp(η = 0.001, ρ = 0.9, ϵ = 1e-8; centred = false, centered = false); apply!(o::RMSProp, state, x::AbstractArray{T}, dx): η, ρ, ϵ = T(o.eta), T(o.rho), T(o.epsilon); @.. quad = ρ * quad + (1 - ρ) * abs2(dx); centred: @.. lin = ρ * lin + (1 - ρ) * dx; dx′ = @lazy dx * η / (sqrt(quad - abs2(lin)) + ϵ) (lin = false when not centred)',
    },
  ],
  nativeNames: {
    eta: 'lr',
    η: 'lr',
    rho: 'decay',
    ρ: 'decay',
    epsilon: 'eps',
    ϵ: 'eps',
    centred: 'centered',
    centered: 'centered',
  },
  defaults: { lr: 0.001, decay: 0.9, eps: 1e-8, centered: false },
  axes: {
    epsPlacement: 'outside',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    meanForm: 'blend',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    oneMinusDecay: 'compute',
    fma: [],
  },
  notes: ['eps outside the sqrt; (1 - rho) is computed in the array element type.'],
};

export const lasagne: Profile = {
  name: 'lasagne',
  version: '0.2',
  isDefaultVersion: true,
  framework: 'Lasagne lasagne.updates.rmsprop',
  sources: [
    {
      repo: 'Lasagne/Lasagne',
      path: 'lasagne/updates.py',
      note: 'rmsprop(loss_or_grads, params, learning_rate=1.0, rho=0.9, epsilon=1e-6): one = T.constant(1) ("to prevent upcasting of float32", so one - rho is in floatX); accu_new = rho * accu + (one - rho) * grad ** 2; updates[param] = param - (learning_rate * grad / T.sqrt(accu_new + epsilon))',
    },
  ],
  nativeNames: { learning_rate: 'lr', rho: 'decay', epsilon: 'eps' },
  defaults: { lr: 1.0, decay: 0.9, eps: 1e-6 },
  axes: {
    epsPlacement: 'inside',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    oneMinusDecay: 'compute',
    fma: [],
  },
  notes: [
    'learning_rate defaults to 1.0.',
    'fma: none assumed (Theano compiles fused elementwise graphs to C; whether the compiler contracts them was not measured).',
  ],
};

export const paddle: Profile = {
  name: 'paddle',
  version: '2',
  isDefaultVersion: true,
  framework: 'PaddlePaddle paddle.optimizer.RMSProp',
  sources: [
    {
      repo: 'PaddlePaddle/Paddle',
      path: 'paddle/phi/kernels/impl/rmsprop_kernel_impl.h',
      note: 'ms_out = rho*ms + (1-rho)*g*g; mom_out = momentum*mom + lr*g/sqrt(ms_out + epsilon); param_out = param - mom_out; centered: mg_out = rho*mg + (1-rho)*g, sqrt(ms_out - mg_out*mg_out + epsilon)',
    },
    {
      repo: 'PaddlePaddle/Paddle',
      path: 'python/paddle/optimizer/rmsprop.py',
      note: 'RMSProp(learning_rate, rho=0.95, epsilon=1e-06, momentum=0.0, centered=False); attributes are float',
    },
    {
      repo: 'PaddlePaddle/Paddle',
      path: 'python/paddle/optimizer/optimizer.py',
      note: 'apply_gradients: params_grads = self._grad_clip(params_grads) (or append_gradient_clip_ops), then append_regularization_ops(params_grads, self.regularization): grad_clip runs before L2',
    },
    {
      repo: 'PaddlePaddle/Paddle',
      path: 'python/paddle/nn/clip.py',
      note: 'ClipGradByGlobalNorm(clip_norm): global_norm = sqrt(sum of squares); clip_var = clip_norm / maximum(global_norm, clip_norm); g * clip_var. c/c is exactly 1, so this is g*(c/n) when n > c: clipNormForm scale-above',
    },
  ],
  nativeNames: {
    learning_rate: 'lr',
    rho: 'decay',
    epsilon: 'eps',
    momentum: 'momentum',
    centered: 'centered',
    weight_decay: 'weightDecay',
    clip_norm: 'clipNorm',
  },
  defaults: { lr: 0.001, decay: 0.95, eps: 1e-6, momentum: 0, centered: false, weightDecay: 0 },
  axes: {
    epsPlacement: 'inside',
    centeredGrouping: '(v-m2)+eps',
    emaForm: 'blend',
    squareGrouping: '((1-b)*g)*g',
    meanForm: 'blend',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    momentumKind: 'lr-inside',
    momentumAlways: true,
    weightDecayKind: 'coupled',
    weightDecayBeforeClip: false,
    clipNormForm: 'scale-above',
    oneMinusDecay: 'compute',
    float32Hyperparameters: ['decay', 'eps', 'momentum'],
    fma: [],
  },
  notes: [
    'learning_rate has no default; the harness uses 0.001.',
    'rho, epsilon and momentum are float attributes of the op.',
    "grad_clip (ClipGradByValue / ClipGradByNorm / ClipGradByGlobalNorm objects) runs before the L2 regularization is added (weightDecayBeforeClip=false). clip_norm is the argument of grad_clip=paddle.nn.ClipGradByGlobalNorm(clip_norm); the sum of squares order of its reduction is the reference's index order (exact for small tensors only).",
  ],
};
