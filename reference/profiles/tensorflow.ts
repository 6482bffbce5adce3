import type { Profile } from '../profile.js';

const rawOpSources = [
  {
    repo: 'tensorflow/tensorflow',
    path: 'tensorflow/core/kernels/training_ops.cc',
    note: 'ApplyRMSProp CPU functor: ms += (grad.square() - ms) * (1 - rho); mom = mom * momentum + (grad * lr) / (ms + epsilon).sqrt(); var -= mom. ApplyCenteredRMSProp: mg += (grad - mg) * (1 - rho); denominator (ms - mg.square()) + epsilon',
  },
  ...tfFlushSources(),
];

/** Where TensorFlow's CPU kernels run with subnormals flushed (also cited by the Keras profiles). */
export function tfFlushSources(): { repo: string; path: string; note: string }[] {
  return [
    {
      repo: 'tensorflow/tensorflow',
      path: 'tensorflow/core/platform/denormal.h',
      note: 'ScopedFlushDenormal: while active, denormals are flushed to zero; tsl/platform/denormal.cc sets both flush-to-zero and denormals-are-zero (MXCSR FTZ + DAZ on x86)',
    },
    {
      repo: 'tensorflow/tensorflow',
      path: 'tensorflow/core/common_runtime/eager/kernel_and_device.cc',
      note: 'KernelAndDeviceOp::Run computes every eager kernel under port::ScopedFlushDenormal (graph mode: the executor and the thread pools do the same)',
    },
  ];
}

const rawOpAxes = {
  epsPlacement: 'inside',
  centeredGrouping: '(v-m2)+eps',
  emaForm: 'increment',
  meanForm: 'increment',
  scaleForm: 'divide',
  updateOrder: 'lr-first',
  momentumKind: 'lr-inside',
  momentumAlways: true,
  weightDecayKind: 'coupled',
  oneMinusDecay: 'compute',
  fma: [],
  // denormal.h: TF's CPU kernels run with DAZ + FTZ, in float32 and float64 (calibration recordings: 72/72 raw-op files).
  flushSubnormals: true,
} as const;

export const tfRaw: Profile = {
  name: 'tf-raw',
  version: '2',
  isDefaultVersion: true,
  framework: 'TensorFlow raw ops ApplyRMSProp / ApplyCenteredRMSProp (dense CPU kernels)',
  sources: rawOpSources,
  nativeNames: { lr: 'lr', rho: 'decay', momentum: 'momentum', epsilon: 'eps', centered: 'centered' },
  defaults: { lr: 0.001, decay: 0.9, momentum: 0, eps: 1e-7, centered: false, initialAccumulator: 0 },
  axes: rawOpAxes,
  notes: [
    'The raw ops have no defaults: the harness uses lr=0.001, rho=0.9, epsilon=1e-7 and state starting at 0 (the caller owns the slots).',
    '(1 - rho) is computed inside the kernel in the tensor dtype; the momentum path always runs (momentum=0 still computes mom*0).',
    'Measured: TF 2.x CPU float64 is bit-exact with these formulas, no FMA.',
    'Measured (calibration recordings, TF 2.21 CPU): subnormal inputs and results are flushed to zero of the same sign in float32 and float64 (flushSubnormals); tf.identity keeps a subnormal, x*1 flushes it.',
  ],
};

export const tf1: Profile = {
  name: 'tf1',
  version: '1',
  isDefaultVersion: true,
  framework: 'TensorFlow 1.x tf.compat.v1.train.RMSPropOptimizer',
  sources: [
    {
      repo: 'tensorflow/tensorflow',
      path: 'tensorflow/python/training/rmsprop.py',
      note: 'decay=0.9, momentum=0.0, epsilon=1e-10; rms slot initialised with ones; calls training_ops.apply_rms_prop / apply_centered_rms_prop with hyperparameters cast from float32 tensors',
    },
    ...rawOpSources,
  ],
  nativeNames: { learning_rate: 'lr', decay: 'decay', momentum: 'momentum', epsilon: 'eps', centered: 'centered' },
  defaults: { lr: 0.001, decay: 0.9, momentum: 0, eps: 1e-10, centered: false, initialAccumulator: 1 },
  axes: { ...rawOpAxes, float32Hyperparameters: ['lr', 'decay', 'momentum', 'eps'] },
  notes: [
    'learning_rate has no default in TF1; the harness uses 0.001.',
    'The rms accumulator starts at 1.0, not 0: the first steps are far smaller than in other frameworks.',
    'Python floats become float32 tensors and are cast to the variable dtype: float64 runs use float32-rounded hyperparameters.',
  ],
};
