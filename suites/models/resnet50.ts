// ResNet-50 (He et al. 2015, "Deep Residual Learning", Table 1) as torchvision builds it
// (torchvision.models.resnet50, v1.5: stride on the 3x3 conv): every conv without bias, every
// BatchNorm with weight and bias (running statistics are buffers, not parameters), fc 2048 -> 1000.
// Published count: 25,557,032 parameters.

import type { ModelShape, ParameterTensor } from './types.js';

function conv(name: string, out: number, inp: number, k: number): ParameterTensor {
  return { name: `${name}.weight`, shape: [out, inp, k, k] };
}

function bn(name: string, c: number): ParameterTensor[] {
  return [
    { name: `${name}.weight`, shape: [c] },
    { name: `${name}.bias`, shape: [c] },
  ];
}

/** Stages: [blocks, bottleneck width]; the output of each block is 4 x width. */
const STAGES: readonly [number, number][] = [
  [3, 64],
  [4, 128],
  [6, 256],
  [3, 512],
];
const EXPANSION = 4;

function build(): ParameterTensor[] {
  const t: ParameterTensor[] = [conv('conv1', 64, 3, 7), ...bn('bn1', 64)];
  let inplanes = 64;
  STAGES.forEach(([blocks, width], s) => {
    for (let b = 0; b < blocks; b++) {
      const p = `layer${s + 1}.${b}`;
      t.push(conv(`${p}.conv1`, width, inplanes, 1), ...bn(`${p}.bn1`, width));
      t.push(conv(`${p}.conv2`, width, width, 3), ...bn(`${p}.bn2`, width));
      t.push(conv(`${p}.conv3`, width * EXPANSION, width, 1), ...bn(`${p}.bn3`, width * EXPANSION));
      if (b === 0)
        t.push(conv(`${p}.downsample.0`, width * EXPANSION, inplanes, 1), ...bn(`${p}.downsample.1`, width * EXPANSION));
      inplanes = width * EXPANSION;
    }
  });
  t.push({ name: 'fc.weight', shape: [1000, 2048] }, { name: 'fc.bias', shape: [1000] });
  return t;
}

export const resnet50: ModelShape = {
  id: 'resnet50',
  describe: 'ResNet-50 (torchvision v1.5), ImageNet 1000 classes',
  source: 'He et al. 2015 Table 1; torchvision.models.resnet50 (25,557,032 parameters)',
  publishedParameters: 25_557_032,
  tensors: build(),
};
