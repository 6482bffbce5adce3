// A small MLP (MNIST-shaped): 784 -> 512 -> 256 -> 10 with biases. Many small tensors relative to
// its size is not its point; it is the in-cache end of the model benchmark. 535,818 parameters.

import type { ModelShape, ParameterTensor } from './types.js';

const WIDTHS = [784, 512, 256, 10];

function build(): ParameterTensor[] {
  const t: ParameterTensor[] = [];
  for (let i = 0; i + 1 < WIDTHS.length; i++) {
    t.push({ name: `fc${i + 1}.weight`, shape: [WIDTHS[i + 1], WIDTHS[i]] }, { name: `fc${i + 1}.bias`, shape: [WIDTHS[i + 1]] });
  }
  return t;
}

export const smallMlp: ModelShape = {
  id: 'mlp',
  describe: 'MLP 784-512-256-10 (MNIST-shaped)',
  source: 'defined here (784*512+512 + 512*256+256 + 256*10+10 = 535,818 parameters)',
  publishedParameters: 535_818,
  tensors: build(),
};
