// The RMSprop step, once, as data: the scalar stage (hyperparameters as the framework hands them to
// its kernel, the lr schedule, global-norm clipping with its reduction, bias correction) and the
// element stage (gradient preprocessing, second moment, centered mean, denominator, update and
// momentum), each op in the order and grouping the variant's axes prescribe. The reference
// interprets it (interpret.ts); every kernel is generated from it (adapters/*).

import type { Variant } from '../variant.js';
import { compute, fused, host, madd, match, op, stage, when } from './dsl.js';
import type { ElementBlock, ScalarBlock } from './ops.js';
import type { StepDefinition } from './definition.js';

// ---- scalar stage -------------------------------------------------------------------------------

const cast = (name: string, from = `${name}Host`) => host('cast', name, from);
const heldAndCast = (name: string) => [host('hyperparameter', `${name}Host`, name, 'as-held'), cast(name)];

/** 1/n and 1/c, then g's factor c*min(1/n, 1/c) + (n - n): NaN when the norm is not finite. */
const MIN_RECIPROCAL: ScalarBlock = [
  compute('div', 'normReciprocal', 'one', 'gradNorm'),
  compute('min', 'normMin', 'normReciprocal', 'clipReciprocal'),
  compute('mul', 'normScaleFinite', 'clipNorm', 'normMin'),
  compute('sub', 'normNaN', 'gradNorm', 'gradNorm'),
  compute('add', 'normScale', 'normScaleFinite', 'normNaN'),
  host('constant', 'normDivisor', 1),
];

/**
 * The element stage clips by g = (g*normScale)/normDivisor, or (g/normDivisor)*normScale for optax;
 * a factor of 1 is exact. Sources: tensorflow/python/ops/clip_ops.py (clip_by_norm,
 * clip_by_global_norm), keras/src/optimizers/base_optimizer.py (clip_by_global_norm),
 * optax/_src/clipping.py (clip_by_global_norm), caffe sgd_solver.cpp ClipGradients.
 */
const GLOBAL_NORM: ScalarBlock = [
  // The norm is of the gradient the norm clip receives: elementwise-clipped first only when that clip precedes it.
  when(
    ['coupled', 'weightDecayBeforeClip'],
    host('constant', 'normInputBound', Infinity),
    when(['clipped', '!clipNormBeforeValue', '!clipAfterAccumulator'], cast('normInputBound', 'clipHost'), [
      host('constant', 'normInputBound', Infinity),
    ]),
  ),
  when(
    'fma:norm',
    compute('fma-sum-of-squares', 'gradSquares', 'g', 'rescale', 'normInputBound'),
    compute('sum-of-squares', 'gradSquares', 'g', 'rescale', 'normInputBound'),
  ),
  compute('sqrt', 'gradNorm', 'gradSquares'),
  host('hyperparameter', 'clipNormHost', 'clipNorm', 'exact'),
  cast('clipNorm'),
  host('constant', 'oneHost', 1),
  cast('one', 'oneHost'),
  when(
    'clipNormForm=clip-by-norm',
    [cast('normScale', 'clipNormHost'), compute('max', 'normDivisor', 'gradNorm', 'clipNorm')],
    when(
      'clipNormForm=keras-global',
      [
        host('div', 'clipReciprocalHost', 'oneHost', 'clipNormHost'),
        cast('clipReciprocal', 'clipReciprocalHost'),
        MIN_RECIPROCAL,
      ],
      when(
        'clipNormForm=tf-global',
        [compute('div', 'clipReciprocal', 'one', 'clipNorm'), MIN_RECIPROCAL],
        when(
          'clipNormForm=optax',
          [
            compute('select-below', 'normScale', 'gradNorm', 'clipNorm', 'one', 'clipNorm'),
            compute('select-below', 'normDivisor', 'gradNorm', 'clipNorm', 'one', 'gradNorm'),
          ],
          [compute('factor-above', 'normScale', 'clipNorm', 'gradNorm'), host('constant', 'normDivisor', 1)],
        ),
      ),
    ),
  ),
];

const SCALARS: ScalarBlock = [
  stage('hyperparameters', [
    host('hyperparameter', 'decayHost', 'decay', 'as-held'),
    cast('decay'),
    when(
      'oneMinusDecay=host',
      [host('constant', 'oneHost', 1), host('sub', 'oneMinusDecayHost', 'oneHost', 'decayHost'), cast('oneMinusDecay')],
      when(
        'oneMinusDecay=float32',
        // C `1.f - decay` on a float field: float32 operands, the float32 difference, widened to the dtype.
        [
          host('constant', 'oneHost', 1),
          host('float32', 'decayFloat', 'decayHost'),
          host('sub', 'oneMinusDecayExact', 'oneHost', 'decayFloat'),
          host('float32', 'oneMinusDecayHost', 'oneMinusDecayExact'),
          cast('oneMinusDecay'),
        ],
        when(
          'oneMinusDecay=host-float32',
          // A Python float (1 - decay) that the framework holds as a float32 scalar.
          [
            host('constant', 'oneHost', 1),
            host('hyperparameter', 'decayGiven', 'decay', 'exact'),
            host('sub', 'oneMinusDecayExact', 'oneHost', 'decayGiven'),
            host('float32', 'oneMinusDecayHost', 'oneMinusDecayExact'),
            cast('oneMinusDecay'),
          ],
          [host('constant', 'oneHost', 1), cast('one', 'oneHost'), compute('sub', 'oneMinusDecay', 'one', 'decay')],
        ),
      ),
    ),
    ...heldAndCast('eps'),
    ...heldAndCast('momentum'),
    ...heldAndCast('weightDecay'),
    ...heldAndCast('rescale'),
    when('clipped', [host('hyperparameter', 'clipHost', 'clip', 'as-held'), cast('clip')]),
  ]),
  stage('learning rate (a recorded per-step lr, a named schedule, or lr; inverse-time decay when lrDecay > 0; t = steps taken)', [
    when(
      'lrStreamed',
      host('stream', 'lrHost', 'lrPerStep', 'lr'),
      when('scheduled', host('schedule', 'lrHost', 'schedule', 'lr'), host('hyperparameter', 'lrHost', 'lr', 'as-held')),
    ),
    when(
      'lrDecayed',
      [
        cast('lr0', 'lrHost'),
        host('step', 'tHost'),
        cast('t', 'tHost'),
        ...heldAndCast('lrDecay'),
        host('constant', 'oneHost', 1),
        cast('one', 'oneHost'),
        compute('mul', 'lrDecayT', 'lrDecay', 't'),
        compute('add', 'lrDenominator', 'one', 'lrDecayT'),
        when('lrSchedule=inverse-time', compute('div', 'lr', 'lr0', 'lrDenominator'), [
          compute('div', 'lrFactor', 'one', 'lrDenominator'),
          compute('mul', 'lr', 'lr0', 'lrFactor'),
        ]),
      ],
      cast('lr'),
    ),
  ]),
  stage('global-norm clipping (clipNormForm; the norm of the gradient as the clip receives it)', [
    when('normClipped', GLOBAL_NORM, [host('constant', 'normScale', 1), host('constant', 'normDivisor', 1)]),
  ]),
  stage('weight EMA momentum (Keras: ema_momentum times (iterations != 0), in the variable dtype)', [
    when('useEma', [
      host('step', 'tHost'),
      host('nonzero', 'notFirstStepHost', 'tHost'),
      cast('notFirstStep', 'notFirstStepHost'),
      host('hyperparameter', 'emaMomentumHost', 'emaMomentum', 'exact'),
      cast('emaMomentumHeld', 'emaMomentumHost'),
      compute('mul', 'emaMomentum', 'notFirstStep', 'emaMomentumHeld'),
      host('constant', 'oneHost', 1),
      cast('one', 'oneHost'),
      compute('sub', 'emaOneMinus', 'one', 'emaMomentum'),
      host('constant', 'stepsAfterHost', 1),
      host('add', 'iterationsAfter', 'tHost', 'stepsAfterHost'),
      host('is-multiple', 'emaOverwrite', 'iterationsAfter', 'emaOverwriteFrequency'),
    ]),
  ]),
  stage('bias correction 1 - decay^(t+1) (biasCorrectionForm)', [
    when(
      'biasCorrection',
      when(
        'biasCorrectionForm=reciprocal',
        // optax tree_bias_correction: 1 - decay**count in the dtype; XLA multiplies by its reciprocal.
        [
          host('step', 'tHost'),
          host('constant', 'oneHost', 1),
          host('add', 'stepsAfterHost', 'tHost', 'oneHost'),
          cast('stepsAfter', 'stepsAfterHost'),
          cast('one', 'oneHost'),
          compute('pow', 'decayPower', 'decay', 'stepsAfter'),
          compute('sub', 'biasCorrectionDenominator', 'one', 'decayPower'),
          compute('div', 'biasCorrection', 'one', 'biasCorrectionDenominator'),
        ],
        [
          host('step', 'tHost'),
          host('constant', 'oneHost', 1),
          host('add', 'stepsAfter', 'tHost', 'oneHost'),
          host('pow', 'decayPower', 'decayHost', 'stepsAfter'),
          host('sub', 'biasCorrectionHost', 'oneHost', 'decayPower'),
          cast('biasCorrection'),
        ],
      ),
      host('constant', 'biasCorrection', 1),
    ),
  ]),
];

// ---- element stage ------------------------------------------------------------------------------

/** target = ATen lerp(start, end, w): start + w*(end-start) for |w| < 0.5, else end - (end-start)*(1-w). */
const lerp = (site: string, target: string, start: string, end: string): ElementBlock => [
  fused('lerp', op('sub', `${target}Diff`, end, start)),
  when(
    'smallWeight',
    when(`fma:${site}`, fused('lerp', { ...op('fma', target, '$oneMinusDecay', `${target}Diff`, start), site }, true), [
      fused('lerp', op('mul', `${target}Step`, '$oneMinusDecay', `${target}Diff`)),
      fused('lerp', op('add', target, start, `${target}Step`), true),
    ]),
    when(
      `fma:${site}`,
      [
        fused('lerp', op('sub', `${target}WeightMinusOne`, '$oneMinusDecay', '$one')),
        fused('lerp', { ...op('fma', target, `${target}WeightMinusOne`, `${target}Diff`, end), site }, true),
      ],
      [
        fused('lerp', [
          op('sub', `${target}Complement`, '$one', '$oneMinusDecay'),
          op('mul', `${target}Back`, `${target}Diff`, `${target}Complement`),
        ]),
        fused('lerp', op('sub', target, end, `${target}Back`), true),
      ],
    ),
  ),
];

/** variance = vHat - mHat*mHat (centered; fused as fma(-mHat, mHat, vHat) at site 'centered'), else vHat. */
const VARIANCE: ElementBlock = when(
  'centered',
  when(
    'fma:centered',
    [op('neg', 'negM', 'mHat'), { ...op('fma', 'variance', 'negM', 'mHat', 'vHat'), site: 'centered' }],
    // PyTorch addcmul(v, m, m, value=-1): m*m stays in the compute precision
    [fused('addcmul', op('mul', 'meanSquare', 'mHat', 'mHat')), op('sub', 'variance', 'vHat', 'meanSquare')],
  ),
  op('copy', 'variance', 'vHat'),
);

/** The elementwise clip, exact: g > c ? c : g < -c ? -c : g. */
const CLIP_VALUE: ElementBlock = op('clip', 'g', 'g', '$clip');

/** d = sqrt(inner) and, for the multiplying scale forms, s. */
const INSIDE_SCALE: ElementBlock = [
  op('sqrt', 'd', 'inner'),
  match('scaleForm', { rsqrt: op('rsqrt', 's', 'inner'), reciprocal: op('div', 's', '$one', 'd'), divide: [] }),
];

/** out = x / d, or x * s for the multiplying scale forms. */
const byDenominator = (out: string, x: string): ElementBlock =>
  when('scaleForm=divide', op('div', out, x, 'd'), op('mul', out, x, 's'));

/** vHat and mHat: v and m bias-corrected (the mean too: optax scale_by_stddev corrects both), else v and m. */
const BIAS_CORRECTED: ElementBlock = when(
  'biasCorrection',
  match('biasCorrectionForm', {
    reciprocal: [op('mul', 'vHat', 'v', '$biasCorrection'), when('centered', op('mul', 'mHat', 'm', '$biasCorrection'))],
    divide: [op('div', 'vHat', 'v', '$biasCorrection'), when('centered', op('div', 'mHat', 'm', '$biasCorrection'))],
  }),
  [op('copy', 'vHat', 'v'), when('centered', op('copy', 'mHat', 'm'))],
);

const DENOMINATOR: ElementBlock = [
  BIAS_CORRECTED,
  match('epsPlacement', {
    outside: [
      VARIANCE,
      op('sqrt', 'rms', 'variance'),
      op('add', 'd', 'rms', '$eps'),
      when('!scaleForm=divide', op('div', 's', '$one', 'd')),
    ],
    inside: [
      when(
        'centered',
        when(
          'centeredGrouping=(v+eps)-m2',
          [op('add', 'vEps', 'vHat', '$eps'), op('mul', 'meanSquare', 'mHat', 'mHat'), op('sub', 'inner', 'vEps', 'meanSquare')],
          [VARIANCE, op('add', 'inner', 'variance', '$eps')],
        ),
        op('add', 'inner', 'vHat', '$eps'),
      ),
      INSIDE_SCALE,
    ],
    'inside-subtracted': [
      when(
        'centered',
        [
          op('mul', 'meanSquare', 'mHat', 'mHat'),
          op('add', 'meanSquareEps', 'meanSquare', '$eps'),
          op('sub', 'inner', 'vHat', 'meanSquareEps'),
        ],
        op('add', 'inner', 'vHat', '$eps'),
      ),
      INSIDE_SCALE,
    ],
  }),
];

/**
 * XLA contracts v*r into the add that follows it (optax bias correction, recordings): centered
 * fma(v, r, -(mHat*mHat)), else with eps inside fma(v, r, eps); eps outside keeps v*r for the sqrt.
 */
const fusedBias = (out: string, addend: string): ElementBlock => ({
  ...op('fma', out, 'v', '$biasCorrection', addend),
  site: 'bias-correction',
});
const OUTSIDE_OF_VARIANCE: ElementBlock = [
  op('sqrt', 'rms', 'variance'),
  op('add', 'd', 'rms', '$eps'),
  when('!scaleForm=divide', op('div', 's', '$one', 'd')),
];
const FUSED_BIAS_DENOMINATOR: ElementBlock = when(
  'centered',
  [
    op('mul', 'mHat', 'm', '$biasCorrection'),
    op('mul', 'meanSquare', 'mHat', 'mHat'),
    match('epsPlacement', {
      outside: [op('neg', 'negMeanSquare', 'meanSquare'), fusedBias('variance', 'negMeanSquare'), OUTSIDE_OF_VARIANCE],
      inside: when(
        'centeredGrouping=(v+eps)-m2',
        [fusedBias('vEps', '$eps'), op('sub', 'inner', 'vEps', 'meanSquare'), INSIDE_SCALE],
        [
          op('neg', 'negMeanSquare', 'meanSquare'),
          fusedBias('variance', 'negMeanSquare'),
          op('add', 'inner', 'variance', '$eps'),
          INSIDE_SCALE,
        ],
      ),
      'inside-subtracted': [
        op('add', 'meanSquareEps', 'meanSquare', '$eps'),
        op('neg', 'negMeanSquareEps', 'meanSquareEps'),
        fusedBias('inner', 'negMeanSquareEps'),
        INSIDE_SCALE,
      ],
    }),
  ],
  match('epsPlacement', {
    outside: [op('mul', 'vHat', 'v', '$biasCorrection'), op('copy', 'variance', 'vHat'), OUTSIDE_OF_VARIANCE],
    // inside and inside-subtracted: v + eps
    inside: [fusedBias('inner', '$eps'), INSIDE_SCALE],
  }),
);

const LR_TIMES_GD: ElementBlock = op('mul', 'u', '$lr', 'gd');
const SUBTRACT_U: ElementBlock = op('sub', 'p', 'p', 'u');

/** Coupled (L2) weight decay: g + wd*p. */
const DECAY: ElementBlock = madd('weight-decay', 'g', '$weightDecay', 'p', 'g', 'decayTerm');

/** Global-norm clip with the prepared factors: (g*normScale)/normDivisor, optax (g/normDivisor)*normScale. */
const NORM_CLIP: ElementBlock = when(
  'normClipped',
  when(
    'clipNormForm=optax',
    [op('div', 'g', 'g', '$normDivisor'), op('mul', 'g', 'g', '$normScale')],
    [op('mul', 'g', 'g', '$normScale'), op('div', 'g', 'g', '$normDivisor')],
  ),
);

const ELEMENT: ElementBlock = [
  stage(
    'decoupled weight decay (acts on the parameter before the step, Keras 3 _apply_weight_decay)',
    [
      when(
        'decoupledScaledByLr',
        [op('mul', 'pDecay', 'p', '$weightDecay'), op('mul', 'shrink', 'pDecay', '$lr')],
        op('mul', 'shrink', 'p', '$weightDecay'),
      ),
      op('sub', 'p', 'p', 'shrink'),
    ],
    ['decoupled'],
  ),
  stage('gradient preprocessing', [
    when('maximize', op('neg', 'g', 'g')),
    when('rescaled', op('mul', 'g', '$rescale', 'g')),
    when(
      ['coupled', 'weightDecayBeforeClip'],
      // MXNet: decay, then the elementwise clip; a global-norm clip sees the gradient before the decay.
      [NORM_CLIP, DECAY, when(['clipped', '!clipAfterAccumulator'], CLIP_VALUE)],
      [
        when(['clipped', '!clipNormBeforeValue', '!clipAfterAccumulator'], CLIP_VALUE),
        NORM_CLIP,
        when(['clipped', 'clipNormBeforeValue', '!clipAfterAccumulator'], CLIP_VALUE),
        when('coupled', DECAY),
      ],
    ),
  ]),
  stage('second moment', [
    match('emaForm', {
      increment: [
        op('mul', 'gg', 'g', 'g'),
        op('sub', 'vDelta', 'gg', 'v'),
        madd('ema', 'v', 'vDelta', '$oneMinusDecay', 'v', 'vStep'),
      ],
      lerp: [op('mul', 'gg', 'g', 'g'), lerp('ema', 'v', 'v', 'gg')],
      blend: [
        op('mul', 'vKept', '$decay', 'v'),
        when(
          'squareGrouping=((1-b)*g)*g',
          // PyTorch addcmul_(g, g, value=1-b): (value*g)*g and its product stay in the compute precision
          [
            fused('addcmul', op('mul', 'wg', '$oneMinusDecay', 'g')),
            fused('addcmul', madd('ema', 'v', 'wg', 'g', 'vKept', 'vNew')),
          ],
          [op('mul', 'gg', 'g', 'g'), madd('ema', 'v', '$oneMinusDecay', 'gg', 'vKept', 'vNew')],
        ),
      ],
    }),
  ]),
  stage(
    'centered mean',
    [
      match('meanForm', {
        increment: [op('sub', 'mDelta', 'g', 'm'), madd('mean', 'm', 'mDelta', '$oneMinusDecay', 'm', 'mStep')],
        lerp: lerp('mean', 'm', 'm', 'g'),
        blend: [op('mul', 'mKept', '$decay', 'm'), madd('mean', 'm', '$oneMinusDecay', 'g', 'mKept', 'mNew')],
      }),
    ],
    ['centered'],
  ),
  stage('elementwise clip of the update only (v and m accumulated the unclipped gradient)', CLIP_VALUE, [
    'clipped',
    'clipAfterAccumulator',
  ]),
  stage(
    'denominator (bias correction, eps placement, centered grouping, scale form)',
    when(
      ['biasCorrection', 'biasCorrectionForm=reciprocal'],
      when('fma:bias-correction', FUSED_BIAS_DENOMINATOR, DENOMINATOR),
      DENOMINATOR,
    ),
  ),
  stage('update and momentum', [
    when(
      ['momentum', 'momentumKind=lr-outside'],
      [
        // PyTorch buf.mul_(momentum).addcdiv_(g, d): g/d stays in the compute precision
        fused('addcdiv', byDenominator('gd', 'g')),
        madd('momentum', 'b', '$momentum', 'b', 'gd', 'bKept'),
        when(
          'fma:param',
          [
            { ...op('neg', 'negLr', '$lr'), site: 'param' },
            { ...op('fma', 'p', 'negLr', 'b', 'p'), site: 'param' },
          ],
          [
            { ...op('mul', 'lrB', '$lr', 'b'), site: 'param' },
            { ...op('sub', 'p', 'p', 'lrB'), site: 'param' },
          ],
        ),
      ],
      [
        match('updateOrder', {
          // PyTorch addcdiv_(g, d, value=-lr) without momentum: (lr*g)/d stays in the compute precision
          'lr-first': fused('addcdiv', [op('mul', 'lrG', '$lr', 'g'), byDenominator('u', 'lrG')]),
          // Without momentum the param site contracts lr*gd into the update (below).
          'lr-last': [byDenominator('gd', 'g'), when('fma:param', when('momentum', LR_TIMES_GD), LR_TIMES_GD)],
          'lr-over-d': [byDenominator('lrD', '$lr'), op('mul', 'u', 'g', 'lrD')],
        }),
        when(
          'momentum',
          match('momentumKind', {
            graves: [op('mul', 'bKept', '$momentum', 'b'), op('sub', 'b', 'bKept', 'u'), op('add', 'p', 'p', 'b')],
            nesterov: when(
              'negatedUpdate',
              [
                op('neg', 'uNegated', 'u'),
                madd('momentum', 'b', '$momentum', 'b', 'uNegated', 'bKept'),
                madd('momentum', 'lookahead', '$momentum', 'b', 'uNegated', 'bAhead'),
                op('add', 'p', 'p', 'lookahead'),
              ],
              [
                madd('momentum', 'b', '$momentum', 'b', 'u', 'bKept'),
                madd('momentum', 'lookahead', '$momentum', 'b', 'u', 'bAhead'),
                op('sub', 'p', 'p', 'lookahead'),
              ],
            ),
            // lr-inside (lr-outside took the other branch); optax traces -lr*... and adds it.
            'lr-inside': when(
              'negatedUpdate',
              [
                op('neg', 'uNegated', 'u'),
                madd('momentum', 'b', '$momentum', 'b', 'uNegated', 'bKept'),
                op('add', 'p', 'p', 'b'),
              ],
              [madd('momentum', 'b', '$momentum', 'b', 'u', 'bKept'), op('sub', 'p', 'p', 'b')],
            ),
          }),
          // XLA contracts optax's x + (-lr)*(s*g) (recordings: optax-eps_outside_sqrt).
          when(
            'updateOrder=lr-last',
            when('fma:param', [op('neg', 'negLr', '$lr'), { ...op('fma', 'p', 'negLr', 'gd', 'p'), site: 'param' }], SUBTRACT_U),
            SUBTRACT_U,
          ),
        ),
      ],
    ),
  ]),
];

/** Reference-only (definition.ts): the weight average after the step, in the variable dtype. */
const WEIGHT_EMA: ElementBlock = stage(
  'weight EMA (Keras _update_model_variables_moving_average, after the step: a = momentum*a + (1 - momentum)*p)',
  [op('mul', 'aKept', '$emaMomentum', 'a'), op('mul', 'aNew', '$emaOneMinus', 'p'), op('add', 'a', 'aKept', 'aNew')],
  ['useEma'],
);

export const RMSPROP: StepDefinition<Variant> = {
  name: 'rmsprop',
  scalars: SCALARS,
  element: ELEMENT,
  referenceOnly: WEIGHT_EMA,
  conditions: {
    decoupled: {
      describe: 'decoupled weight decay, weightDecay != 0',
      holds: (v) => v.weightDecayKind === 'decoupled' && v.weightDecay !== 0,
    },
    coupled: {
      describe: 'coupled (L2) weight decay, weightDecay != 0',
      holds: (v) => v.weightDecayKind === 'coupled' && v.weightDecay !== 0,
    },
    rescaled: { describe: 'rescale != 1', holds: (v) => v.rescale !== 1 },
    clipped: { describe: 'elementwise clipping', holds: (v) => v.clip !== null },
    normClipped: { describe: 'global-norm clipping', holds: (v) => v.clipNorm !== null },
    lrDecayed: { describe: 'lrDecay > 0', holds: (v) => v.lrDecay > 0 },
    lrStreamed: { describe: 'an lr per step is given (lrPerStep)', holds: (v) => v.lrPerStep !== null },
    scheduled: { describe: 'a named learning-rate schedule', holds: (v) => v.schedule !== null },
    momentum: {
      describe: 'the momentum path runs (momentum != 0 or momentumAlways)',
      holds: (v) => v.momentumAlways || v.momentum !== 0,
    },
    smallWeight: { describe: '|1 - decay| < 0.5 (ATen lerp branch)', holds: (_v, s) => Math.abs(s.oneMinusDecay!) < 0.5 },
  },
};
