// onnxruntime: RMSprop as an ONNX model (adapters/onnx/rmsprop-graph.ts) run by onnxruntime-node,
// one session per graph shape, one run per step; outputs are fed back as the next step's inputs.
// Options: profile=NAME (claimed profile, default torch), ep=cpu|cuda (execution provider).
//
// ONNX has no FMA: fixedAxes { fma: [] } makes the runner compare against the reference in the
// graph's own order. The per-step scalars (lr with its schedule, 1-decay, bias correction...) are
// prepared on the host by the step program's scalar stage, as a framework computes them before
// calling its kernel, and fed as 0-d tensors.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { arithmeticFor, wideDtype, type Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { profileKey } from '../reference/profile.js';
import { findProfile } from '../reference/registry.js';
import { prepareScalars } from '../reference/program/index.js';
import { BASE_AXES, BASE_HYPERPARAMETERS, type Axes, type Variant } from '../reference/variant.js';
import type { Adapter, AdapterCase, AdapterFactory, AdapterInfo, AdapterOptions, Availability, PreparedCase } from './adapter.js';
import { UnsupportedCaseError, unsupportedReason } from './adapter.js';
import { missingPeersReason } from './optional-peers.js';
import { PLAIN_OP_AXES } from '../reference/op-implementations/index.js';
import {
  buildRmspropGraph,
  graphUnsupportedReason,
  RMSPROP_IR_VERSION,
  RMSPROP_OPSET,
  RSQRT_FORM,
  STATE_OUTPUTS,
  type RmspropGraph,
} from './onnx/rmsprop-graph.js';

type Ort = typeof import('onnxruntime-node');
type Session = import('onnxruntime-node').InferenceSession;
type OrtTensor = import('onnxruntime-node').Tensor;

export type OnnxExecutionProvider = 'cpu' | 'cuda';
const EXECUTION_PROVIDERS: readonly OnnxExecutionProvider[] = ['cpu', 'cuda'];
const KNOWN_OPTIONS = ['profile', 'ep'];

/** What the adapter fixes whatever it claims: an ONNX graph has no fused multiply-add. */
export const ONNX_FIXED_AXES: Partial<Axes> = { fma: [], ...PLAIN_OP_AXES };

let ortPromise: Promise<Ort> | undefined;
/** onnxruntime-node, loaded on first use so a missing native binding is a probe result, not an import failure. */
function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').then((m) => {
    const ort = (m as unknown as { default?: Ort }).default ?? m;
    // The process-wide logger prints provider load failures to stderr before the session call throws
    // them: keep only fatal messages (errors come back as exceptions, with their text, anyway).
    ort.env.logLevel = 'fatal';
    return ort;
  });
  return ortPromise;
}

function onnxruntimeVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The directory the native binding loads its provider libraries from. */
function bindingDirectory(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('onnxruntime-node/package.json'));
    return join(root, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

function sessionOptions(ep: OnnxExecutionProvider): import('onnxruntime-node').InferenceSession.SessionOptions {
  // Severity 3 (error): keeps ORT's own warnings out of the harness output; failures still throw.
  return { executionProviders: [ep], logSeverityLevel: 3, graphOptimizationLevel: 'all' };
}

/** The CUDA provider libraries come only from onnxruntime-node's postinstall download (denied here). */
async function probeCuda(ort: Ort): Promise<string | null> {
  const listed = ort.listSupportedBackends().find((backend) => backend.name === 'cuda');
  if (!listed)
    return `onnxruntime-node ${onnxruntimeVersion()} on ${process.platform}-${process.arch} has no CUDA execution provider`;
  const dir = bindingDirectory();
  const missing = dir
    ? ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'].filter((f) => !existsSync(join(dir, f)))
    : [];
  try {
    // A one-op session is the real test: the provider loads its libraries when a session asks for it.
    const graph = buildRmspropGraph({ ...probeVariant }, 'float32');
    const session = await ort.InferenceSession.create(graph.bytes, { ...sessionOptions('cuda'), logSeverityLevel: 4 });
    await session.release();
    return null;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
    const files = missing.length > 0 ? `; missing ${missing.join(', ')} in ${dir}` : '';
    return (
      `CUDA execution provider cannot load: ${message}${files} (onnxruntime-node ships only the CPU library; its CUDA ` +
      `provider libraries come from the postinstall NuGet download, which package.json allowScripts denies)`
    );
  }
}

// A minimal variant for the provider probe (any graph will do).
const probeVariant: Variant = { ...BASE_HYPERPARAMETERS, ...BASE_AXES };

type Vector = Float32Array | Float64Array;

function makeOnnxruntimeAdapter(options: AdapterOptions): Adapter {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(key))
      throw new InputError(`onnxruntime: unknown option '${key}'; accepted: ${KNOWN_OPTIONS.join(', ')}`);
  }
  const claims = options.profile ?? 'torch';
  const profile = findProfile(claims); // a typo in the spec is a usage error now, not a failed cell
  const ep = (options.ep ?? 'cpu') as OnnxExecutionProvider;
  if (!EXECUTION_PROVIDERS.includes(ep))
    throw new InputError(`onnxruntime: ep must be one of ${EXECUTION_PROVIDERS.join(', ')}, got '${options.ep}'`);

  const info: AdapterInfo = {
    id: 'onnxruntime',
    version: onnxruntimeVersion(),
    describe: `ONNX model of one step for ${profileKey(profile)} (opset ${RMSPROP_OPSET}, elementwise ops in the reference order, no FMA) on onnxruntime-node, ${ep} execution provider`,
    claims,
    fixedAxes: ONNX_FIXED_AXES,
    capabilities: {
      dtypes: ['float32', 'float64'],
      unsupportedDtypes: {
        bfloat16:
          'the graph is generated in FLOAT/DOUBLE only: a bfloat16 ONNX graph rounds every node to bfloat16, while the profiles round at the framework op boundaries (PyTorch keeps addcmul/addcdiv/lerp intermediates in float32)',
        float16:
          'the graph is generated in FLOAT/DOUBLE only: a float16 ONNX graph rounds every node to float16, while the profiles round at the framework op boundaries (PyTorch keeps addcmul/addcdiv/lerp intermediates in float32)',
      },
      devices: [ep],
      hyperparameters: [
        'momentum',
        'centered',
        'weightDecay',
        'maximize',
        'rescale',
        'clip',
        'lrDecay',
        'initialAccumulator',
        'biasCorrection',
      ],
      configurableAxes: 'all',
      loadState: true,
      readState: true,
    },
  };

  // One session per encoded model: the scalars are inputs, so cases differing only in values share it.
  const sessions = new Map<string, Promise<Session>>();
  let availability: Promise<Availability> | undefined;

  async function probe(): Promise<Availability> {
    const missing = missingPeersReason(['onnxruntime-node']);
    if (missing) return { available: false, reason: missing };
    try {
      const ort = await loadOrt();
      if (ep === 'cuda') {
        const reason = await probeCuda(ort);
        if (reason) return { available: false, reason };
      }
      return {
        available: true,
        facts: {
          onnxruntime: onnxruntimeVersion(),
          executionProvider: ep,
          opset: RMSPROP_OPSET,
          irVersion: RMSPROP_IR_VERSION,
          graphOptimizationLevel: 'all',
          fma: 'none (Mul then Add)',
          rsqrtFloat32: RSQRT_FORM.float32,
          rsqrtFloat64: RSQRT_FORM.float64,
          backends: ort
            .listSupportedBackends()
            .map((b) => `${b.name}${b.bundled ? '' : ' (not bundled)'}`)
            .join(', '),
        },
      };
    } catch (error) {
      return {
        available: false,
        reason: `onnxruntime-node does not load: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async function sessionFor(graph: RmspropGraph): Promise<Session> {
    const key = Buffer.from(graph.bytes).toString('base64');
    let session = sessions.get(key);
    if (!session) {
      session = loadOrt().then((ort) => ort.InferenceSession.create(graph.bytes, sessionOptions(ep)));
      sessions.set(key, session);
      session.catch(() => sessions.delete(key));
    }
    return session;
  }

  return {
    info,
    probe() {
      availability ??= probe();
      return availability;
    },
    async prepare(c: AdapterCase): Promise<PreparedCase> {
      const reason = unsupportedReason(info, c, ONNX_FIXED_AXES) ?? graphUnsupportedReason(c.variant, c.dtype);
      if (reason) throw new UnsupportedCaseError(reason);
      const available = await this.probe();
      if (!available.available) throw new Error(`onnxruntime is unavailable: ${available.reason}`);
      return prepareCase(await loadOrt(), c.variant, c.dtype, c.x0, sessionFor);
    },
    async close() {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map(async (s) => (await s.catch(() => null))?.release()));
    },
  };
}

/** A case on a session: state lives in ORT tensors that each run replaces with its outputs. */
async function prepareCase(
  ort: Ort,
  variant: Variant,
  dtype: Dtype,
  x0: Float64Array,
  sessionFor: (graph: RmspropGraph) => Promise<Session>,
): Promise<PreparedCase> {
  const graph = buildRmspropGraph(variant, dtype);
  const session = await sessionFor(graph);
  const A = arithmeticFor(dtype);
  const n = x0.length;
  const vector = (values: ArrayLike<number>): OrtTensor => {
    const data: Vector = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    data.set(values);
    return new ort.Tensor(wideDtype(dtype, 'onnxruntime'), data, [n]);
  };
  const scalarTensor = (x: number): OrtTensor =>
    new ort.Tensor(wideDtype(dtype, 'onnxruntime'), dtype === 'float32' ? Float32Array.of(x) : Float64Array.of(x), []);
  let state = {
    params: vector(x0),
    v: vector(new Float64Array(n).fill(A.round(variant.initialAccumulator))),
    m: vector(new Float64Array(n)),
    b: vector(new Float64Array(n)),
  };
  let t = 0;
  const read = (tensor: OrtTensor) => Float64Array.from(tensor.data as Vector);

  return {
    async step(grad) {
      if (grad.length !== n) throw new RangeError(`gradient has ${grad.length} elements, params ${n}`);
      const S = prepareScalars(graph.program, t, grad);
      const feeds: Record<string, OrtTensor> = { params: state.params, grad: vector(grad), v: state.v, m: state.m, b: state.b };
      for (const name of graph.scalars) {
        const value = S[name];
        if (typeof value !== 'number') throw new Error(`scalar ${name} has no value for this step`);
        feeds[name] = scalarTensor(value);
      }
      const out = await session.run(feeds, [...STATE_OUTPUTS]);
      state = { params: out.params_out, v: out.v_out, m: out.m_out, b: out.b_out };
      t++;
    },
    async read() {
      return { params: read(state.params), state: { v: read(state.v), m: read(state.m), b: read(state.b) } };
    },
    async load(params, loaded) {
      state = { params: vector(params), v: vector(loaded.v), m: vector(loaded.m), b: vector(loaded.b) };
      t = loaded.step;
    },
    async dispose() {
      for (const tensor of Object.values(state)) tensor.dispose();
      return {};
    },
  };
}

export const onnxruntimeAdapter: AdapterFactory = {
  id: 'onnxruntime',
  describe: 'ONNX Runtime (onnxruntime-node) running an ONNX model of one step (options: profile=NAME, ep=cpu|cuda)',
  inDefaultRun: true,
  create: makeOnnxruntimeAdapter,
};
