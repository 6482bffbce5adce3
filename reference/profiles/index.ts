// The profile registry: a new profile is one entry here.
import type { Profile } from '../profile.js';
import { caffe, chainer, chainerGraves, flux, lasagne, paddle } from './classic.js';
import { keras2Legacy, keras3 } from './keras.js';
import { brainjs } from './brainjs.js';
import { burn } from './burn.js';
import { mindspore } from './mindspore.js';
import { mlx, mlx031 } from './mlx.js';
import { mxnet09, mxnet1, mxnet15, mxnet2 } from './mxnet.js';
import { optax } from './optax.js';
import { d2l, hinton, numpyTutorial } from './teaching.js';
import { tf1, tfRaw } from './tensorflow.js';
import { tfjs } from './tfjs.js';
import { timmTf } from './timm.js';
import { torch113, torch2 } from './torch.js';

export const PROFILES: readonly Profile[] = [
  torch2,
  torch113,
  keras3,
  keras2Legacy,
  tfRaw,
  tf1,
  tfjs,
  optax,
  mxnet1,
  mxnet15,
  mxnet09,
  mxnet2,
  caffe,
  chainer,
  chainerGraves,
  flux,
  lasagne,
  paddle,
  timmTf,
  d2l,
  hinton,
  numpyTutorial,
  mlx,
  mlx031,
  mindspore,
  burn,
  brainjs,
];

/** The default version of each profile name, in registry order: the canonical profiles. */
export const CANONICAL_PROFILES: readonly Profile[] = PROFILES.filter((p) => p.isDefaultVersion);
