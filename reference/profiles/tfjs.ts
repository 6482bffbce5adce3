import type { Profile } from '../profile.js';

export const tfjs: Profile = {
  name: 'tfjs',
  version: '4',
  isDefaultVersion: true,
  framework: 'TensorFlow.js tf.train.rmsprop (RMSPropOptimizer)',
  sources: [
    {
      repo: 'tensorflow/tfjs',
      path: 'tfjs-core/src/optimizers/rmsprop_optimizer.ts',
      note: 'ms = ms.mul(decay).add(square(g).mul(1-decay)); centered: mg = mg.mul(decay).add(g.mul(1-decay)); mom = mom.mul(momentum).add(div(mul(g, lr), sqrt(ms.sub(square(mg).add(epsilon))))) ; value.sub(mom). epsilon == null -> ENGINE.backend.epsilon()',
    },
    {
      repo: 'tensorflow/tfjs',
      path: 'tfjs-core/src/backends/backend.ts',
      note: 'epsilon(): 1e-7 for 32-bit float backends, 1e-4 for 16-bit WebGL',
    },
  ],
  nativeNames: { learningRate: 'lr', decay: 'decay', momentum: 'momentum', epsilon: 'eps', centered: 'centered' },
  defaults: { lr: 0.001, decay: 0.9, momentum: 0, centered: false },
  epsByDtype: { float32: 1e-7, float64: 1e-7 },
  axes: {
    epsPlacement: 'inside',
    emaForm: 'blend',
    squareGrouping: '(1-b)*(g*g)',
    meanForm: 'blend',
    scaleForm: 'divide',
    updateOrder: 'lr-first',
    momentumKind: 'lr-inside',
    momentumAlways: true,
    weightDecayKind: 'coupled',
    oneMinusDecay: 'host',
    fma: [],
  },
  conditional: [
    {
      when: { centered: true },
      set: { epsPlacement: 'inside-subtracted' },
      because:
        'the centered path computes sqrt(ms - (square(mg) + epsilon)): epsilon is subtracted (a zero first gradient gives sqrt(-eps) = NaN)',
    },
  ],
  notes: [
    'learningRate has no default; the harness uses 0.001.',
    'epsilon=null takes the backend epsilon: 1e-7 on float32 backends (1e-4 on 16-bit WebGL).',
    'The momentum path always runs, also with momentum=0.',
    'tfjs computes in float32 only; float64 runs show the same arithmetic in float64.',
  ],
};
