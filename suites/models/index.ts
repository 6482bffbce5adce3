// The model shapes the benchmark knows, by id.
import { gpt2Small } from './gpt2.js';
import { smallMlp } from './mlp.js';
import { resnet50 } from './resnet50.js';
import type { ModelShape } from './types.js';

export { parameterCount, tensorSize, type ModelShape, type ParameterTensor } from './types.js';
export { gpt2Small, resnet50, smallMlp };

export const MODELS: readonly ModelShape[] = [smallMlp, resnet50, gpt2Small];
