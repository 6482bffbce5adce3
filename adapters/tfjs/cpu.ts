// tfjs-cpu: tf.train.rmsprop on @tensorflow/tfjs's plain-JavaScript cpu backend.
import type { AdapterFactory } from '../adapter.js';
import { tfjsAdapterFactory } from './tfjs-adapter.js';

export const tfjsCpuAdapterFactory: AdapterFactory = tfjsAdapterFactory({
  id: 'tfjs-cpu',
  backend: 'cpu',
  describe: 'TensorFlow.js tf.train.rmsprop on the cpu backend (@tensorflow/tfjs, typed arrays in JS)',
  packageName: '@tensorflow/tfjs',
  inDefaultRun: true,
  // @tensorflow/tfjs registers the cpu backend when it loads.
  async register() {},
});
