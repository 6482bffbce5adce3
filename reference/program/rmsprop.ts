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

const SCALARS: ScalarBlock = [
  stage('hyperparameters', [
    host('hyperparameter', 'decayHost', 'decay', 'as-held'),
    cast('decay'),
    when(
      'oneMinusDecay=host',
      [host('constant', 'oneHost', 1), host('sub', 'oneMinusDecayHost', 'oneHost', 'decayHost'), cast('oneMinusDecay')],
      [host('constant', 'oneHost', 1), cast('one', 'oneHost'), compute('sub', 'oneMinusDecay', 'one', 'decay')],
    ),
    ...heldAndCast('eps'),
    ...heldAndCast('momentum'),
    ...heldAndCast('weightDecay'),
    ...heldAndCast('rescale'),
    when('clipped', [host('hyperparameter', 'clipHost', 'clip', 'exact'), cast('clip')]),
  ]),
  stage('learning rate (inverse-time schedule when lrDecay > 0; t = steps taken)', [
    host('hyperparameter', 'lrHost', 'lr', 'as-held'),
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
  stage('global-norm clipping factor', [
    when(
      'normClipped',
      [
        compute('sum-of-squares', 'gradSquares', 'g'),
        compute('sqrt', 'gradNorm', 'gradSquares'),
        host('hyperparameter', 'clipNormHost', 'clipNorm', 'exact'),
        cast('clipNorm'),
        compute('factor-above', 'normScale', 'clipNorm', 'gradNorm'),
      ],
      host('constant', 'normScale', 1),
    ),
  ]),
  stage('bias correction 1 - decay^(t+1)', [
    when(
      'biasCorrection',
      [
        host('step', 'tHost'),
        host('constant', 'oneHost', 1),
        host('add', 'stepsAfter', 'tHost', 'oneHost'),
        host('pow', 'decayPower', 'decayHost', 'stepsAfter'),
        host('sub', 'biasCorrectionHost', 'oneHost', 'decayPower'),
        cast('biasCorrection'),
      ],
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

/** variance = vHat - m*m (centered; fused as fma(-m, m, vHat) at site 'centered'), else vHat. */
const VARIANCE: ElementBlock = when(
  'centered',
  when(
    'fma:centered',
    [op('neg', 'negM', 'm'), { ...op('fma', 'variance', 'negM', 'm', 'vHat'), site: 'centered' }],
    // PyTorch addcmul(v, m, m, value=-1): m*m stays in the compute precision
    [fused('addcmul', op('mul', 'meanSquare', 'm', 'm')), op('sub', 'variance', 'vHat', 'meanSquare')],
  ),
  op('copy', 'variance', 'vHat'),
);

/** d = sqrt(inner) and, for the multiplying scale forms, s. */
const INSIDE_SCALE: ElementBlock = [
  op('sqrt', 'd', 'inner'),
  match('scaleForm', { rsqrt: op('rsqrt', 's', 'inner'), reciprocal: op('div', 's', '$one', 'd'), divide: [] }),
];

/** out = x / d, or x * s for the multiplying scale forms. */
const byDenominator = (out: string, x: string): ElementBlock =>
  when('scaleForm=divide', op('div', out, x, 'd'), op('mul', out, x, 's'));

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
    when(['coupled', 'weightDecayBeforeClip'], madd('weight-decay', 'g', '$weightDecay', 'p', 'g', 'decayTerm')),
    when('clipped', op('clip', 'g', 'g', '$clip')),
    when('normClipped', op('mul', 'g', 'g', '$normScale')),
    when(['coupled', '!weightDecayBeforeClip'], madd('weight-decay', 'g', '$weightDecay', 'p', 'g', 'decayTerm')),
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
  stage('denominator (eps placement, centered grouping, scale form)', [
    when('biasCorrection', op('div', 'vHat', 'v', '$biasCorrection'), op('copy', 'vHat', 'v')),
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
            [op('add', 'vEps', 'vHat', '$eps'), op('mul', 'meanSquare', 'm', 'm'), op('sub', 'inner', 'vEps', 'meanSquare')],
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
            op('mul', 'meanSquare', 'm', 'm'),
            op('add', 'meanSquareEps', 'meanSquare', '$eps'),
            op('sub', 'inner', 'vHat', 'meanSquareEps'),
          ],
          op('add', 'inner', 'vHat', '$eps'),
        ),
        INSIDE_SCALE,
      ],
    }),
  ]),
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
          'lr-last': [byDenominator('gd', 'g'), op('mul', 'u', '$lr', 'gd')],
          'lr-over-d': [byDenominator('lrD', '$lr'), op('mul', 'u', 'g', 'lrD')],
        }),
        when(
          'momentum',
          match('momentumKind', {
            graves: [op('mul', 'bKept', '$momentum', 'b'), op('sub', 'b', 'bKept', 'u'), op('add', 'p', 'p', 'b')],
            nesterov: [
              madd('momentum', 'b', '$momentum', 'b', 'u', 'bKept'),
              madd('momentum', 'lookahead', '$momentum', 'b', 'u', 'bAhead'),
              op('sub', 'p', 'p', 'lookahead'),
            ],
            // lr-inside (lr-outside took the other branch)
            'lr-inside': [madd('momentum', 'b', '$momentum', 'b', 'u', 'bKept'), op('sub', 'p', 'p', 'b')],
          }),
          op('sub', 'p', 'p', 'u'),
        ),
      ],
    ),
  ]),
];

export const RMSPROP: StepDefinition<Variant> = {
  name: 'rmsprop',
  scalars: SCALARS,
  element: ELEMENT,
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
    momentum: {
      describe: 'the momentum path runs (momentum != 0 or momentumAlways)',
      holds: (v) => v.momentumAlways || v.momentum !== 0,
    },
    smallWeight: { describe: '|1 - decay| < 0.5 (ATen lerp branch)', holds: (_v, s) => Math.abs(s.oneMinusDecay!) < 0.5 },
  },
};
