import type { Profile } from '../profile.js';

export const timmTf: Profile = {
  name: 'timm-tf',
  version: '0.9',
  isDefaultVersion: true,
  framework: 'timm RMSpropTF (a PyTorch port of TF1 RMSProp)',
  sources: [{ repo: 'huggingface/pytorch-image-models', path: 'timm/optim/rmsprop_tf.py', note: "square_avg initialised to ones; square_avg.add_(grad.pow(2) - square_avg, alpha=1 - alpha); avg = square_avg.add(eps).sqrt_(); lr_in_momentum: buf.mul_(momentum).addcdiv_(grad, avg, value=lr); param.add_(-buf)" }],
  nativeNames: { lr: 'lr', alpha: 'decay', eps: 'eps', weight_decay: 'weightDecay', momentum: 'momentum', centered: 'centered' },
  nativeFlags: {
    lr_in_momentum: { describe: 'lr inside the momentum buffer (TF style)', default: true, whenTrue: { momentumKind: 'lr-inside' }, whenFalse: { momentumKind: 'lr-outside' } },
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
    fma: ['ema', 'mean', 'weight-decay'],
  },
  notes: ['A TF1 copy in PyTorch: accumulator starts at 1, eps 1e-10 inside the sqrt; add_(x, alpha=) is contracted on x86 like torch.'],
};
