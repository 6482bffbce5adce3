// The harness adapter for MyRmsprop: copy this file next to your implementation and run
//   npx rmsprop-harness conform --adapters module:path=examples/my-rmsprop/adapter.ts
// It claims the profile whose arithmetic it follows (numpy-tutorial: the tutorial form, float64),
// says what it supports, and refuses anything else through the harness it is given.

import type { Adapter, AdapterCase, ModuleAdapterHarness } from 'rmsprop-harness';
import { MyRmsprop } from './my-rmsprop.js';

export default function myRmspropAdapter(_options: Record<string, string>, harness: ModuleAdapterHarness): Adapter {
  return {
    info: {
      id: 'my-rmsprop',
      version: '1.0.0',
      describe: 'my own RMSprop (examples/my-rmsprop)',
      claims: 'numpy-tutorial',
      // lr, decay and eps only; float64 only (JavaScript numbers). Cases needing more are skipped with the reason.
      capabilities: {
        dtypes: ['float64'],
        devices: ['cpu'],
        hyperparameters: [],
        configurableAxes: [],
        loadState: false,
        readState: true,
      },
    },
    async probe() {
      return { available: true, facts: { runtime: `node ${process.version}` } };
    },
    async prepare(c: AdapterCase) {
      const { lr, decay, eps, initialAccumulator } = c.variant;
      if (initialAccumulator !== 0) harness.unsupported('MyRmsprop starts its accumulator at 0');
      const optimizer = new MyRmsprop({ lr, decay, eps }, c.x0.length);
      let params = Array.from(c.x0);
      return {
        async step(grad: Float64Array) {
          params = optimizer.step(params, Array.from(grad));
        },
        async read() {
          return { params: Float64Array.from(params), state: { v: Float64Array.from(optimizer.accumulator) } };
        },
        async dispose() {
          return {};
        },
      };
    },
  };
}
