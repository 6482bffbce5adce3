// tfjs-node: tf.train.rmsprop on @tensorflow/tfjs-node (libtensorflow's C kernels). Its install step
// downloads libtensorflow from storage.googleapis.com; where that did not happen, probe() says so.
import type { AdapterFactory } from '../adapter.js';
import { packageVersion, tfjsAdapterFactory } from './tfjs-adapter.js';

const PACKAGE = '@tensorflow/tfjs-node';
const DOWNLOAD = 'its install step downloads libtensorflow from storage.googleapis.com, which this machine cannot reach';

/** Why importing @tensorflow/tfjs-node failed, in words. */
export function tfjsNodeUnavailableReason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string } | null)?.code;
  const firstLine = text.split('\n')[0].trim();
  if (packageVersion(PACKAGE) === 'not installed' || (code === 'ERR_MODULE_NOT_FOUND' && text.includes(PACKAGE))) {
    return `${PACKAGE} is not installed: ${DOWNLOAD} (npm drops the optionalDependency when that fails)`;
  }
  if (/tfjs_binding\.node|native addon|libtensorflow/i.test(text)) {
    return `${PACKAGE} ${packageVersion(PACKAGE)} is present but has no native addon: ${DOWNLOAD}, so it was not run (package.json allowScripts denies it). ${firstLine}`;
  }
  return `${PACKAGE} failed to load: ${firstLine}`;
}

let imported: Promise<void> | undefined;

export const tfjsNodeAdapterFactory: AdapterFactory = tfjsAdapterFactory({
  id: 'tfjs-node',
  backend: 'tensorflow',
  describe: 'TensorFlow.js tf.train.rmsprop on @tensorflow/tfjs-node (libtensorflow CPU kernels)',
  packageName: PACKAGE,
  inDefaultRun: true,
  register() {
    // Once per process: a failed CommonJS load is not cached by Node, and a second attempt would
    // re-register tfjs-node's kernels (warnings). The name is a variable so TypeScript does not need the package.
    const name: string = PACKAGE;
    imported ??= import(name).then(
      () => undefined,
      (e: unknown) => {
        throw new Error(tfjsNodeUnavailableReason(e));
      },
    );
    return imported;
  },
});
