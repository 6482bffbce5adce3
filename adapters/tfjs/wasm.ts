// tfjs-wasm: tf.train.rmsprop on @tensorflow/tfjs-backend-wasm, its .wasm binaries read from node_modules.
import type { AdapterFactory } from '../adapter.js';
import { packageDir, tfjsAdapterFactory, type Tf } from './tfjs-adapter.js';

const PACKAGE = '@tensorflow/tfjs-backend-wasm';

export const tfjsWasmAdapterFactory: AdapterFactory = tfjsAdapterFactory({
  id: 'tfjs-wasm',
  backend: 'wasm',
  describe:
    'TensorFlow.js tf.train.rmsprop on the WebAssembly backend (@tensorflow/tfjs-backend-wasm, offline .wasm from node_modules)',
  packageName: PACKAGE,
  inDefaultRun: true,
  async register() {
    let wasm: { setWasmPaths(prefix: string): void };
    try {
      wasm = await import('@tensorflow/tfjs-backend-wasm');
    } catch (e) {
      throw new Error(`cannot load ${PACKAGE}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    // Offline: the binaries (tfjs-backend-wasm{,-simd,-threaded-simd}.wasm) ship in the package's dist/.
    wasm.setWasmPaths(`${packageDir(PACKAGE)}dist/`);
  },
  async facts(tf: Tf) {
    return {
      wasmSimd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
      wasmThreads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    };
  },
});
