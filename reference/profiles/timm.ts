import type { Profile } from '../profile.js';

export const timmTf: Profile = {
  name: 'timm-tf',
  version: '0.9',
  isDefaultVersion: true,
  framework: 'timm RMSpropTF (a PyTorch port of TF1 RMSProp)',
  sources: [
    {
      repo: 'huggingface/pytorch-image-models',
      path: 'timm/optim/rmsprop_tf.py',
      note: 'square_avg initialised to ones; square_avg.add_(grad.pow(2) - square_avg, alpha=one_minus_alpha); centered: grad_avg.add_(grad - grad_avg, alpha=one_minus_alpha), avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).add(eps).sqrt_(); else avg = square_avg.add(eps).sqrt_(); lr_in_momentum: buf.mul_(momentum).addcdiv_(grad, avg, value=lr); p.add_(-buf); else buf.mul_(momentum).addcdiv_(grad, avg); p.add_(buf, alpha=-lr)',
    },
    {
      repo: 'pytorch/pytorch',
      path: 'aten/src/ATen/native/cpu/PointwiseOpsKernel.cpp',
      note: 'addcmul: self + value*t1*t2, contracted to fma(value*t1, t2, self) on AVX2 builds; add with alpha: vec::fmadd(other, alpha, self) (aten/src/ATen/native/ufunc/add.h)',
    },
  ],
  nativeNames: { lr: 'lr', alpha: 'decay', eps: 'eps', weight_decay: 'weightDecay', momentum: 'momentum', centered: 'centered' },
  nativeFlags: {
    lr_in_momentum: {
      describe: 'lr inside the momentum buffer (TF style)',
      default: true,
      whenTrue: { momentumKind: 'lr-inside' },
      whenFalse: { momentumKind: 'lr-outside' },
    },
  },
  defaults: { lr: 0.01, decay: 0.9, eps: 1e-10, weightDecay: 0, momentum: 0, centered: false, initialAccumulator: 1 },
  axes: {
    epsPlacement: 'inside',
    centeredGrouping: '(v-m2)+eps',
    emaForm: 'increment',
    meanForm: 'increment',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    momentumKind: 'lr-inside',
    weightDecayKind: 'coupled',
    oneMinusDecay: 'host',
    fma: ['ema', 'mean', 'centered', 'param', 'weight-decay'],
  },
  notes: [
    'A TF1 copy in PyTorch: accumulator starts at 1, eps 1e-10 inside the sqrt; add_(x, alpha=) is contracted on x86 like torch.',
    'fma: the centered addcmul(value=-1) is fma(-m, m, v) and p.add_(buf, alpha=-lr) (lr_in_momentum=False) is fma(buf, -lr, p), as in torch; p.add_(-buf) (lr_in_momentum=True) has no alpha and stays a plain subtraction.',
  ],
};
