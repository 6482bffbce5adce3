// TensorFlow.js tf.train.rmsprop, shared by the per-backend adapters (cpu, wasm, webgpu, node).
//
// One tfjs engine lives in the process (@tensorflow/tfjs-core is a singleton); each adapter selects
// its backend with tf.setBackend before every operation, so adapters can run one after another (or
// interleaved) in one process. The optimizer is the real RMSPropOptimizer: the adapter feeds it the
// case's gradients through applyGradients and reads the variable and its accumulators back.

import { createRequire } from 'node:module';

import type * as TF from '@tensorflow/tfjs';

import type { Dtype } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import { tfjs as tfjsProfile } from '../../reference/profiles/tfjs.js';
import type { Axes, Variant } from '../../reference/variant.js';
import { PLAIN_OP_AXES } from '../../reference/op-implementations/index.js';
import {
  UnsupportedCaseError,
  unsupportedReason,
  type Adapter,
  type AdapterCase,
  type AdapterFactory,
  type AdapterInfo,
  type AdapterOptions,
  type Availability,
  type EnvironmentFacts,
  type OptimizerStateView,
  type PreparedCase,
} from '../adapter.js';
import { missingPeersReason } from '../optional-peers.js';

export type Tf = typeof TF;

/** What differs between the tfjs adapters: which backend, and how it gets registered. */
export interface TfjsBackendSpec {
  /** Adapter id: 'tfjs-cpu'. */
  id: string;
  /** tfjs backend name passed to tf.setBackend: 'cpu', 'wasm', 'webgpu', 'tensorflow'. */
  backend: string;
  describe: string;
  /** Package whose version is the adapter's version. */
  packageName: string;
  /** Other optional peer packages the backend needs besides @tensorflow/tfjs and packageName. */
  alsoNeeds?: readonly string[];
  inDefaultRun: boolean;
  /**
   * Makes the backend registered in the tfjs engine (imports its package, installs globals). Throws
   * an Error whose message is the reason the backend cannot run on this machine. Called once.
   */
  register(tf: Tf): Promise<void>;
  /** Backend-specific facts, read with the backend active. */
  facts?(tf: Tf, options: AdapterOptions): Promise<EnvironmentFacts>;
  /** Sets the backend's flags for this adapter's options; called whenever the adapter makes its backend active. */
  configure?(tf: Tf, options: AdapterOptions): void;
  /** Options the adapter accepts ('cpuForward'), for refusing unknown ones. */
  options?: readonly string[];
  /** Throws an InputError for a bad option value (at create time). */
  validate?(options: AdapterOptions): void;
}

const require = createRequire(import.meta.url);

/** Installed version of a package, or 'not installed'. */
export function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** Directory holding a package's package.json (for files shipped in it, like .wasm binaries). */
export function packageDir(name: string): string {
  return require.resolve(`${name}/package.json`).replace(/package\.json$/, '');
}

let tfPromise: Promise<Tf> | undefined;

/** The shared @tensorflow/tfjs module (loaded on first use, not at import of the registry). */
export function loadTf(): Promise<Tf> {
  tfPromise ??= import('@tensorflow/tfjs').then((m) => (m as unknown as { default?: Tf }).default ?? m);
  return tfPromise;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The arithmetic axes tfjs always has, whatever the case asks for (tfjs-core's RMSPropOptimizer:
 * ms*decay + square(g)*(1-decay) with 1-decay in float64, (g*lr)/sqrt(...), mom = mom*momentum + ...
 * always, p - mom, one kernel per operation: no FMA). epsPlacement depends on centered, see axesFor.
 */
export const TFJS_FIXED_AXES: Partial<Axes> = {
  emaForm: tfjsProfile.axes.emaForm!,
  squareGrouping: tfjsProfile.axes.squareGrouping!,
  scaleForm: tfjsProfile.axes.scaleForm!,
  updateOrder: tfjsProfile.axes.updateOrder!,
  momentumKind: tfjsProfile.axes.momentumKind!,
  momentumAlways: tfjsProfile.axes.momentumAlways!,
  oneMinusDecay: tfjsProfile.axes.oneMinusDecay!,
  fma: [],
  // Measured (calibration recordings, tfjs 4.22 cpu and wasm): subnormals are kept, each op in float32.
  flushSubnormals: false,
  computePrecision: 'storage',
  ...PLAIN_OP_AXES,
};

/** The axes a case must have for tfjs to run it: the fixed ones plus those that depend on the case. */
export function axesFor(v: Variant): Partial<Axes> {
  const axes: Partial<Axes> = { ...TFJS_FIXED_AXES };
  // sqrt(ms + eps) plain; sqrt(ms - (square(mg) + eps)) centered (eps subtracted).
  axes.epsPlacement = v.centered ? 'inside-subtracted' : 'inside';
  if (v.centered) axes.meanForm = tfjsProfile.axes.meanForm!;
  return axes;
}

/** Reasons beyond the generic check: things tfjs's optimizer cannot be configured for. */
function extraReason(id: string, v: Variant): string | null {
  // tfjs passes `1 - this.decay` (float64 on the host) and the raw JS numbers: a float32-rounded decay
  // before 1 - decay is not something it can do (other hyperparameters are float32 in a float32 run anyway).
  if (v.float32Hyperparameters.includes('decay'))
    return `${id} computes 1 - decay from the unrounded JS number (the case rounds decay to float32 first)`;
  if (!Number.isFinite(v.lr) || !Number.isFinite(v.eps) || !Number.isFinite(v.decay) || !Number.isFinite(v.momentum)) {
    return `${id}: non-finite hyperparameters are not accepted`;
  }
  return null;
}

/** tfjs-core's NamedTensor (not re-exported by @tensorflow/tfjs). */
interface NamedTensor {
  name: string;
  tensor: TF.Tensor;
}

const toF32 = (x: ArrayLike<number>) => Float32Array.from(x);
const toF64 = (x: ArrayLike<number>) => Float64Array.from(x);

let caseCounter = 0;

/**
 * Tensors each live prepared case holds by design (its variable and the optimizer's accumulators),
 * across all tfjs adapters: the engine's tensor count is process-wide, so a case's leak check
 * discounts what the other live cases hold (cases may overlap when adapters are interleaved).
 */
const liveCases = new Map<number, () => number>();
const heldByOthers = (self: number) => [...liveCases].reduce((sum, [id, held]) => (id === self ? sum : sum + held()), 0);

/** The adapter for one tfjs backend. */
export function createTfjsAdapter(spec: TfjsBackendSpec, options: AdapterOptions = {}): Adapter {
  for (const key of Object.keys(options)) {
    if (!(spec.options ?? []).includes(key)) {
      throw new InputError(
        `adapter ${spec.id}: unknown option '${key}'${spec.options?.length ? `; accepted: ${spec.options.join(', ')}` : ' (it takes none)'}`,
      );
    }
  }
  spec.validate?.(options);
  const info: AdapterInfo = {
    id: spec.id,
    version: packageVersion(spec.packageName),
    describe: spec.describe,
    claims: `tfjs@${tfjsProfile.version}`,
    fixedAxes: TFJS_FIXED_AXES,
    capabilities: {
      dtypes: ['float32'] as readonly Dtype[],
      unsupportedDtypes: {
        bfloat16: 'tfjs has no bfloat16 dtype (tf.DataType: float32, int32, bool, complex64, string)',
        float16: 'tfjs has no float16 dtype (tf.DataType: float32, int32, bool, complex64, string)',
      },
      devices: [spec.backend],
      hyperparameters: ['lr', 'decay', 'eps', 'momentum', 'centered'],
      configurableAxes: [],
      loadState: true,
      readState: true,
    },
  };

  let ready: Promise<{ tf: Tf } | { reason: string }> | undefined;
  /** Loads tfjs, registers the backend and checks it initialises; cached (success and failure). */
  const init = () => {
    ready ??= (async () => {
      const missing = missingPeersReason([...new Set(['@tensorflow/tfjs', spec.packageName, ...(spec.alsoNeeds ?? [])])]);
      if (missing) return { reason: missing };
      let tf: Tf;
      try {
        tf = await loadTf();
      } catch (e) {
        return { reason: `cannot load @tensorflow/tfjs: ${message(e)}` };
      }
      try {
        await spec.register(tf);
      } catch (e) {
        return { reason: message(e) };
      }
      try {
        if (!(await tf.setBackend(spec.backend)))
          return { reason: `tfjs backend '${spec.backend}' failed to initialise (tf.setBackend returned false)` };
        await tf.ready();
      } catch (e) {
        return { reason: `tfjs backend '${spec.backend}' failed to initialise: ${message(e)}` };
      }
      return { tf };
    })();
    return ready;
  };

  /** The tfjs module with this adapter's backend active (another adapter may have switched it). */
  const activate = async (): Promise<Tf> => {
    const r = await init();
    if ('reason' in r) throw new Error(`${spec.id} is unavailable: ${r.reason}`);
    const { tf } = r;
    if (tf.getBackend() !== spec.backend) {
      if (!(await tf.setBackend(spec.backend))) throw new Error(`${spec.id}: tf.setBackend('${spec.backend}') failed`);
      await tf.ready();
    }
    spec.configure?.(tf, options);
    return tf;
  };

  const adapter: Adapter = {
    info,

    async probe(): Promise<Availability> {
      try {
        const r = await init();
        if ('reason' in r) return { available: false, reason: r.reason };
        const tf = await activate();
        const backend = tf.backend();
        const facts: EnvironmentFacts = {
          backend: tf.getBackend(),
          floatPrecision: backend.floatPrecision(),
          epsilonWhenNull: backend.epsilon(),
          tfjsVersion: tf.version_core,
          packageVersion: info.version,
          epsilonPassed: 'the variant eps, explicitly (tf.train.rmsprop(lr, decay, momentum, eps, centered))',
        };
        if (spec.facts) Object.assign(facts, await spec.facts(tf, options));
        return { available: true, facts };
      } catch (e) {
        return { available: false, reason: message(e) };
      }
    },

    async prepare(c: AdapterCase): Promise<PreparedCase> {
      const v = c.variant;
      const reason = unsupportedReason(info, c, axesFor(v)) ?? extraReason(info.id, v);
      if (reason !== null) throw new UnsupportedCaseError(reason);
      const tf = await activate();

      const caseId = ++caseCounter;
      const before = tf.memory().numTensors - heldByOthers(caseId);
      const n = c.x0.length;
      const name = `rmsprop-harness/${spec.id}/${caseId}`;
      const initial = tf.tensor1d(toF32(c.x0), 'float32');
      const param = tf.variable(initial, true, name, 'float32');
      initial.dispose();
      // Epsilon is passed explicitly: with null tfjs would take backend.epsilon() (recorded by probe()).
      const optimizer = tf.train.rmsprop(v.lr, v.decay, v.momentum, v.eps, v.centered);

      /** ms, mom, mg (centered) variables: created by the optimizer on its first step, or by load(). */
      let accumulators: { ms: TF.Variable; mom: TF.Variable; mg?: TF.Variable } | undefined;
      const findAccumulators = async () => {
        if (accumulators) return accumulators;
        const weights = await optimizer.getWeights();
        weights[0].tensor.dispose(); // the 'iter' scalar getWeights makes
        if (weights.length < 3) return undefined; // no step yet
        const [ms, mom, mg] = weights.slice(1).map((w) => w.tensor as TF.Variable);
        accumulators = v.centered ? { ms: ms, mom: mom, mg: mg } : { ms: ms, mom: mom };
        return accumulators;
      };
      let disposed = false;
      // The variable, plus ms and mom (and mg) once the first step or load() has created them.
      let accumulatorsExist = false;
      liveCases.set(caseId, () => 1 + (accumulatorsExist ? (v.centered ? 3 : 2) : 0));

      return {
        async step(grad: Float64Array): Promise<void> {
          if (grad.length !== n) throw new RangeError(`${c.key}: gradient has ${grad.length} elements, params have ${n}`);
          await activate();
          const g = tf.tensor1d(toF32(grad), 'float32');
          try {
            optimizer.applyGradients({ [name]: g });
            accumulatorsExist = true;
          } finally {
            g.dispose();
          }
        },

        async read(): Promise<{ params: Float64Array; state?: OptimizerStateView }> {
          await activate();
          const params = toF64(await param.data());
          const acc = await findAccumulators();
          if (!acc) {
            const zeros = new Float64Array(n);
            return { params, state: { v: zeros, b: zeros, ...(v.centered ? { m: zeros } : {}) } };
          }
          const state: OptimizerStateView = { v: toF64(await acc.ms.data()), b: toF64(await acc.mom.data()) };
          if (acc.mg) state.m = toF64(await acc.mg.data());
          return { params, state };
        },

        async load(params, state): Promise<void> {
          await activate();
          const acc = await findAccumulators();
          if (acc) {
            tf.tidy(() => {
              param.assign(tf.tensor1d(toF32(params), 'float32'));
              acc.ms.assign(tf.tensor1d(toF32(state.v), 'float32'));
              acc.mom.assign(tf.tensor1d(toF32(state.b), 'float32'));
              if (acc.mg) acc.mg.assign(tf.tensor1d(toF32(state.m), 'float32'));
            });
            // The iteration counter (unused by RMSprop's arithmetic) the way setWeights sets it.
            const iter = tf.scalar(state.step, 'int32');
            await (optimizer as unknown as { extractIterations(w: NamedTensor[]): Promise<unknown> }).extractIterations([
              { name: 'iter', tensor: iter },
            ]);
            iter.dispose();
          } else {
            // No accumulators yet: hand them to the optimizer in getWeights order (iter, ms, mom, mg).
            tf.tidy(() => param.assign(tf.tensor1d(toF32(params), 'float32')));
            const weights: NamedTensor[] = [
              { name: 'iter', tensor: tf.scalar(state.step, 'int32') },
              { name: `${name}/rms`, tensor: tf.tensor1d(toF32(state.v), 'float32') },
              { name: `${name}/momentum`, tensor: tf.tensor1d(toF32(state.b), 'float32') },
            ];
            if (v.centered) weights.push({ name: `${name}/mg`, tensor: tf.tensor1d(toF32(state.m), 'float32') });
            await optimizer.setWeights(weights);
            accumulatorsExist = true;
            // setWeights made variables sharing the data: the handed tensors are ours to free.
            for (const w of weights) w.tensor.dispose();
          }
        },

        async dispose(): Promise<{ leak?: string }> {
          if (disposed) return {};
          disposed = true;
          await activate();
          optimizer.dispose();
          param.dispose();
          liveCases.delete(caseId);
          const after = tf.memory().numTensors - heldByOthers(caseId);
          if (after > before) {
            return {
              leak: `${spec.id}: ${after - before} tfjs tensor(s) left after disposing ${c.key} (numTensors ${before} before prepare, ${after} after dispose)`,
            };
          }
          return {};
        },
      };
    },
  };
  return adapter;
}

/** The registry entry for one tfjs backend. */
export function tfjsAdapterFactory(spec: TfjsBackendSpec): AdapterFactory {
  return {
    id: spec.id,
    describe: spec.describe,
    inDefaultRun: spec.inDefaultRun,
    create: (options) => createTfjsAdapter(spec, options),
  };
}
