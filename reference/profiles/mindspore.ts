import type { Profile } from '../profile.js';

export const mindspore: Profile = {
  name: 'mindspore',
  version: '2',
  isDefaultVersion: true,
  framework: 'MindSpore mindspore.nn.RMSProp (ApplyRMSProp / ApplyCenteredRMSProp, x86 CPU)',
  sources: [
    {
      repo: 'mindspore-ai/mindspore',
      path: 'mindspore/python/mindspore/nn/optim/rmsprop.py',
      note: 'RMSProp.__init__(params, learning_rate=0.1, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, centered=False, loss_scale=1.0, weight_decay=0.0): self.ms = clone(init="ones"), moment and mg zeros; construct: decay_weight (L2 into the gradient), gradients_centralization, scale_grad, then _rmsprop_opt -> P.ApplyRMSProp(weight, ms, mom, lr, grad, decay, momentum, epsilon) or _centered_rmsprop_opt -> P.ApplyCenteredRMSProp',
    },
    {
      repo: 'mindspore-ai/mindspore',
      path: 'mindspore/ccsrc/plugin/device/cpu/kernel/rmsprop_cpu_kernel.cc',
      note: 'func_list_: ApplyRMSProp has a float32 kernel only; ApplyCenteredRMSProp float32/float64/float16. LaunchRMSPropUnuseCenter (float32) calls nnacl RMSPropUnuseCenterFp32. LaunchRMSPropUseCenter<T>: mean_square += (g*g - mean_square) * (T)(1.0 - static_cast<double>(decay)); mean_gradients likewise; denom = (mean_square - mean_gradients*mean_gradients) + epsilon; if (denom > 0) { moment = moment*momentum + (g*lr) / (T)sqrt(static_cast<double>(denom)); variable -= moment }',
    },
    {
      repo: 'mindspore-ai/mindspore',
      path: 'mindspore/ccsrc/plugin/device/cpu/kernel/nnacl/fp32/rmsprop_fp32.c',
      note: 'RMSPropUnuseCenterFp32, ENABLE_AVX loop over whole blocks of 8: decay_r = _mm256_set1_ps(1.0 - decay); ms += (g*g - ms) * decay_r; avx_r1 = _mm256_add_ps(_mm256_sqrt_ps(mean_square_r), epsi_r) (eps OUTSIDE the sqrt); moment = moment*momentum + (g*lr) / avx_r1; variable -= moment. The scalar tail (the last n mod 8 elements) writes sqrt(mean_square + epsilon) (eps inside) with the products and sums in double',
    },
    {
      repo: 'mindspore-ai/mindspore',
      path: 'mindspore/ccsrc/plugin/device/cpu/kernel/nnacl/CMakeLists.txt',
      note: 'ENABLE_AVX is defined for X86_64_SIMD avx/avx512 (the x86 Linux default is avx512), and nnacl is compiled with -mavx -mavx2 -mfma',
    },
    {
      repo: 'mindspore-ai/mindspore',
      path: 'mindspore/python/mindspore/nn/optim/optimizer.py',
      note: 'Optimizer.__init__: self.weight_decay = weight_decay * loss_scale; self.weight_decay_tensor = Tensor(self.weight_decay, mstype.float32); decay_weight adds it times the weight to the gradient',
    },
  ],
  nativeNames: {
    learning_rate: 'lr',
    decay: 'decay',
    momentum: 'momentum',
    epsilon: 'eps',
    centered: 'centered',
    weight_decay: 'weightDecay',
  },
  defaults: { lr: 0.1, decay: 0.9, momentum: 0, eps: 1e-10, centered: false, weightDecay: 0, initialAccumulator: 1 },
  axes: {
    epsPlacement: 'inside',
    centeredGrouping: '(v-m2)+eps',
    emaForm: 'increment',
    meanForm: 'increment',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    momentumKind: 'lr-inside',
    momentumAlways: true,
    weightDecayKind: 'coupled',
    oneMinusDecay: 'host',
    float32Hyperparameters: ['lr', 'decay', 'momentum', 'eps', 'weightDecay'],
    fma: [],
  },
  conditional: [
    {
      when: { centered: false },
      set: { epsPlacement: 'outside' },
      because:
        'nnacl RMSPropUnuseCenterFp32 adds epsilon after _mm256_sqrt_ps in its AVX loop, which every whole block of 8 elements takes on the x86 build; the scalar tail (n mod 8 elements) has sqrt(ms + eps): --set epsPlacement=inside for tensors under 8 elements',
    },
  ],
  notes: [
    'The TF1 form: the mean-square accumulator starts at 1, epsilon 1e-10, increment EMA (ms += (g*g - ms) * (1 - decay)), the momentum path always runs, var -= moment.',
    'Uncentered (ApplyRMSProp, float32 only on CPU): the AVX loop puts eps outside the sqrt (sqrt(ms) + eps), the profile default; the scalar tail puts it inside and evaluates the EMA multiply-add and the momentum sum in double (not modelled). A float64 uncentered run has no CPU kernel: the harness evaluates the same form in float64.',
    'Centered (ApplyCenteredRMSProp<T>): eps inside, (ms - mg^2) + eps, all in T; when that denominator is not > 0 the kernel leaves moment and the variable unchanged (not modelled).',
    'decay, momentum and epsilon are float attributes and lr a float32 Parameter: float32-rounded in float64 (centered) runs; (1 - decay) is computed in double from them and rounded to the dtype.',
    'weight_decay is the L2 term added to the gradient before the kernel (Optimizer.decay_weight; Optimizer.__init__ holds it as Tensor(weight_decay, mstype.float32)).',
    'fma: none assumed. nnacl is built with -mfma and GCC contracts mul/add intrinsics under its default -ffp-contract=fast, so a build may fuse the EMA, g*g - ms and the momentum update; not measured.',
    'The GPU kernel (cuda_impl rmsprop_impl.cu) is a different form: blend EMA and lr * rsqrt(ms + eps) * g.',
  ],
};
