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
    'fma, read in rmsprop_tf.py against the ATen CPU kernels (the torch sites measured in docs/calibration.md): square_avg.add_(grad.pow(2) - square_avg, alpha=1-alpha) is fma(diff, 1-alpha, v) (ema); grad_avg.add_(grad - grad_avg, alpha=1-alpha) (mean); the centered square_avg.addcmul(grad_avg, grad_avg, value=-1) is fma(-m, m, v) (centered); p.add_(buf, alpha=-lr) (lr_in_momentum=False) is fma(buf, -lr, p) (param); grad.add(p, alpha=weight_decay) (weight-decay). Not contracted: buf.mul_(momentum) then addcdiv_ (lr_in_momentum=True, (lr*g)/avg added), p.add_(-buf), and p.addcdiv_(grad, avg, value=-lr) without momentum.',
    'decoupled_decay=True (p.mul_(1 - lr*weight_decay)) and caution=True are not modelled.',
  ],
};
