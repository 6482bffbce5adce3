// The `external` adapter: any program, in any language, that speaks protocol v1 (docs/protocol.md)
// on stdin/stdout. Faults are contained: a crash, a hang, garbage or an answer out of order fails the
// case with the reason and the program's stderr tail, and the next case starts the program again.

import {
  UnsupportedCaseError,
  unsupportedReason,
  type Adapter,
  type AdapterBenchRequest,
  type AdapterBenchResult,
  type AdapterCase,
  type AdapterCapabilities,
  type AdapterFactory,
  type AdapterInfo,
  type AdapterOptions,
  type Availability,
  type EnvironmentFacts,
  type OptimizerStateView,
} from '../adapter.js';
import { InputError } from '../../reference/errors.js';
import type { Dtype } from '../../reference/arithmetic.js';
import { isFloat32 } from '../../reference/float-bits.js';
import { encodeVector } from '../../reference/number-encoding.js';
import { profileKey } from '../../reference/profile.js';
import { toDtype } from '../../reference/trajectory.js';
import { AXES, HYPERPARAMETERS, type Axes, type Hyperparameters } from '../../reference/variant.js';
import { findProfile } from '../../reference/registry.js';
import { suggest } from '../../reference/suggest.js';
import { benchMessage, benchResults } from './bench-exchange.js';
import { normaliseDeclaredAxes } from '../declared-axes.js';
import type { Anchor, BulkPreparedCase, BulkTrajectory } from './bulk.js';
import { withBundledClients } from './bundled-clients.js';
import { ExternalProgram, ProgramFault } from './program.js';
import {
  PROTOCOL_VERSION,
  ProtocolViolation,
  checkBenchReply,
  checkProgramHello,
  checkProgramMessage,
  decodeResult,
  type CaseMessage,
  type DecodedResult,
  type ErrorMessage,
  type Implementation,
  type ProgramHello,
  type ResultMessage,
} from './protocol.js';

export const DEFAULT_TIMEOUT_S = 30;

export interface ExternalAdapterOptions {
  /** Shell command line that starts the program (run by /bin/sh -c). */
  command: string;
  /** Profile spec to use instead of what the program claims. */
  claims?: string;
  /** Seconds allowed per case (and for the hello handshake). */
  timeoutS?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const CANONICAL_HPS = new Set<string>(HYPERPARAMETERS.map((h) => h.name));
const AXIS_NAMES = new Set<string>(AXES.map((a) => a.name));

/** Hint appended when a Python client cannot import its framework. */
const SETUP_HINT =
  'run npx rmsprop-harness setup (in a checkout: bash scripts/setup-system.sh; Debian python3-torch, python3-numpy) and use /usr/bin/python3';

const MISSING_HERE = /No module named|ModuleNotFoundError|ImportError|\(command not found\)/;

function withSetupHint(text: string): string {
  if (/No module named|ModuleNotFoundError|ImportError/.test(text) && !text.includes('setup-system.sh'))
    return `${text}\n(${SETUP_HINT})`;
  return text;
}

/** Why a claimed profile spec names no known profile ("unknown profile 'torchh' (did you mean 'torch'?); ..."), or null. */
export function profileProblem(claims: string): string | null {
  try {
    findProfile(claims);
    return null;
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
}

export function parseExternalOptions(options: AdapterOptions): ExternalAdapterOptions {
  const known = ['command', 'claims', 'timeout'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key))
      throw new InputError(`adapter external: unknown option '${key}'${suggest(key, known)}; accepted: ${known.join(', ')}`);
  }
  const claims = options.claims?.trim();
  if (options.claims !== undefined && !claims)
    throw new InputError(
      'adapter external: option claims: expected a profile name such as torch or torch@1.13, got an empty value',
    );
  if (claims && claims !== 'unknown') {
    const problem = profileProblem(claims);
    if (problem) throw new InputError(`adapter external: option claims: ${problem}`);
  }
  const command = options.command?.trim();
  if (!command)
    throw new InputError(
      "adapter external: option 'command' is required, e.g. external:command=/usr/bin/python3 clients/python/torch_rmsprop.py",
    );
  let timeoutS = DEFAULT_TIMEOUT_S;
  if (options.timeout !== undefined) {
    timeoutS = Number(options.timeout);
    if (!Number.isFinite(timeoutS) || timeoutS <= 0)
      throw new InputError(`adapter external: timeout must be a positive number of seconds, got '${options.timeout}'`);
    // setTimeout takes at most 2^31 - 1 ms; beyond that Node fires after 1 ms.
    if (timeoutS * 1000 > 2 ** 31 - 1)
      throw new InputError(
        `adapter external: timeout must be at most ${Math.floor((2 ** 31 - 1) / 1000)} seconds, got '${options.timeout}'`,
      );
  }
  return { command, timeoutS, ...(claims ? { claims } : {}) };
}

function capabilitiesOf(impl: Implementation | null): AdapterCapabilities {
  if (!impl)
    return { dtypes: [], devices: ['external'], hyperparameters: [], configurableAxes: [], loadState: false, readState: false };
  return {
    dtypes: impl.dtypes,
    devices: ['external'],
    hyperparameters: impl.hyperparameters.filter((h) => CANONICAL_HPS.has(h)) as (keyof Hyperparameters)[],
    configurableAxes: impl.axes === 'all' ? 'all' : ((impl.axes ?? []).filter((a) => AXIS_NAMES.has(a)) as (keyof Axes)[]),
    loadState: impl.reanchor === true,
    readState: impl.state === true,
    ...(impl.unsupportedDtypes ? { unsupportedDtypes: impl.unsupportedDtypes } : {}),
  };
}

/**
 * Why a program cannot be compared on cases of this dtype, from its declared arithmetic, or null.
 * The reference evaluates a step in the storage dtype's arithmetic; a float32 program that computes
 * in float64 rounds differently, and no expected trajectory is computed for that mix.
 */
export function arithmeticReason(impl: Implementation, dtype: Dtype): string | null {
  const compute = impl.arithmetic?.[dtype]?.compute ?? dtype;
  if (compute === dtype) return null;
  return `${impl.name} computes ${dtype} cases in ${compute} (its hello's arithmetic): the reference evaluates a step in the storage dtype only, so there is no expected trajectory to compare with`;
}

export class ExternalAdapter implements Adapter {
  readonly info: AdapterInfo;
  private readonly options: ExternalAdapterOptions;
  private program: ExternalProgram | null = null;
  private implementation: Implementation | null = null;
  /** Conversations are one at a time: each waits for the previous. */
  private queue: Promise<unknown> = Promise.resolve();
  private counter = 0;

  constructor(options: ExternalAdapterOptions) {
    this.options = options;
    this.info = {
      id: 'external',
      version: 'unknown',
      describe: `external program (protocol v${PROTOCOL_VERSION}): ${options.command}`,
      claims: options.claims ?? 'unknown',
      capabilities: capabilitiesOf(null),
    };
  }

  get timeoutMs(): number {
    return (this.options.timeoutS ?? DEFAULT_TIMEOUT_S) * 1000;
  }

  /** What the program said about itself in its last hello, or null before one. */
  get implementationInfo(): Implementation | null {
    return this.implementation;
  }

  /** Process id of the running program (tests), or undefined. */
  get pid(): number | undefined {
    return this.program?.alive ? this.program.pid : undefined;
  }

  async probe(): Promise<Availability> {
    try {
      const impl = await this.serial(() => this.ensureStarted());
      const facts: EnvironmentFacts = {
        command: this.options.command,
        implementation: impl.name,
        version: impl.version,
        claims: impl.claims,
        dtypes: impl.dtypes.join(','),
        hyperparameters: impl.hyperparameters.join(','),
      };
      if (this.options.claims) facts.claimsOverride = this.options.claims;
      if (impl.problems?.length) facts.problems = impl.problems.join(',');
      if (this.info.fixedAxes) facts.fixedAxes = JSON.stringify(this.info.fixedAxes);
      for (const [dtype, a] of Object.entries(impl.arithmetic ?? {})) facts[`arithmetic.${dtype}`] = `compute ${a.compute}`;
      if (impl.reanchor) facts.reanchor = true;
      for (const [k, v] of Object.entries(impl.facts ?? {})) facts[k] = v;
      return { available: true, facts };
    } catch (e) {
      const message = withSetupHint(e instanceof Error ? e.message : String(e));
      // Its framework or interpreter is not installed here: unavailable, like any adapter whose library is missing.
      if (MISSING_HERE.test(message)) return { available: false, reason: message };
      // A crash, a hang or a bad hello is the program's fault: the runner fails its cells with this reason.
      throw new Error(message, { cause: e });
    }
  }

  async prepare(c: AdapterCase): Promise<BulkPreparedCase> {
    await this.serial(() => this.ensureStarted());
    const reason =
      unsupportedReason(this.info, c) ?? (this.implementation ? arithmeticReason(this.implementation, c.dtype) : null);
    if (reason) throw new UnsupportedCaseError(reason);
    return new ExternalCase(this, c);
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      const p = this.program;
      this.program = null;
      if (p) await p.stop();
    });
  }

  /** The bench capability: a `bench` request; the program times its own step loop on each of its paths. */
  async bench(request: AdapterBenchRequest): Promise<AdapterBenchResult[]> {
    return this.serial(async () => {
      await this.ensureStarted();
      const program = this.program!;
      const message = benchMessage(
        request,
        `bench/${request.tensors.length === 1 ? request.tensors[0] : `${request.tensors.length}-tensors-${request.layout}`}#${++this.counter}`,
      );
      program.send(message);
      // Every path (a handful) gets its budget and its minimum samples of a slow step (20 ns per element),
      // plus calibration and warm-up, on top of the usual timeout: a bound for hangs, not a schedule.
      const elements = request.tensors.reduce((a, b) => a + b, 0);
      const allowMs = this.timeoutMs + 8 * (request.timeMs + elements * 2e-5 * (request.minSamples + 5));
      const raw = await program
        .next(Math.min(allowMs, 2 ** 31 - 1), `the answer to bench request '${message.id}'`)
        .catch((e: unknown) => {
          this.program = null;
          throw e;
        });
      let reply;
      try {
        reply = checkBenchReply(raw, message.id);
      } catch (e) {
        if (e instanceof ProtocolViolation) throw this.abort(program, e.message);
        throw e;
      }
      if (reply.type === 'error') {
        await program.settle();
        throw program.fault(`answered bench request '${message.id}' with an error: ${reply.message}`);
      }
      return benchResults(reply);
    });
  }

  /** Send one case and wait for its result: the exchange behind runReplay and runProblem. */
  async exchange(
    c: AdapterCase,
    body: { grads: readonly Float64Array[]; anchors?: readonly Anchor[] } | { problem: string; steps: number },
  ): Promise<BulkTrajectory> {
    return this.serial(async () => {
      const impl = await this.ensureStarted();
      const program = this.program!;
      const id = `${c.key}#${++this.counter}`;
      const steps = 'grads' in body ? body.grads.length : body.steps;
      if ('grads' in body && body.anchors && !impl.reanchor)
        throw new UnsupportedCaseError(`${impl.name} does not accept re-anchored cases (its hello has no reanchor: true)`);
      const vec = (x: Float64Array) => encodeVector(toDtype(c.dtype, x));
      const message: CaseMessage = {
        type: 'case',
        id,
        dtype: c.dtype,
        profile: profileKey(c.profile),
        hyperparameters: c.native,
        canonical: c.variant as unknown as CaseMessage['canonical'],
        x0: encodeVector(toDtype(c.dtype, c.x0)),
        ...('grads' in body ? { grads: body.grads.map(vec) } : { problem: body.problem, steps: body.steps }),
        ...('grads' in body && body.anchors
          ? {
              anchors: body.anchors.map((a) => ({
                params: vec(a.params),
                state: { v: vec(a.state.v), m: vec(a.state.m), b: vec(a.state.b) },
                step: a.state.step,
              })),
            }
          : {}),
      };
      program.send(message);
      const answer = await this.receive(program, `the answer to case '${id}'`);
      if (answer.type === 'hello') throw this.abort(program, `answered case '${id}' with a second hello`);
      if (answer.id !== id)
        throw this.abort(
          program,
          `answered out of order: got ${answer.type} for case '${answer.id}' while case '${id}' was pending`,
        );
      if (answer.type === 'error') {
        const text = `reported an error on case '${id}': ${answer.message}`;
        await program.settle();
        if (answer.unsupported) throw new UnsupportedCaseError(`${this.options.command}: ${answer.message}`);
        throw program.fault(text);
      }
      let decoded: DecodedResult;
      try {
        decoded = decodeResult(answer, { id, dtype: c.dtype, dim: c.x0.length, steps }, isFloat32);
      } catch (e) {
        if (e instanceof ProtocolViolation) throw this.abort(program, e.message);
        throw e;
      }
      const out: BulkTrajectory = { trajectory: decoded.trajectory };
      if (decoded.state && impl.state !== false) out.state = decoded.state;
      if (decoded.states && impl.state !== false) out.states = decoded.states;
      if (decoded.grads) out.grads = decoded.grads;
      return out;
    });
  }

  /** Start the program if it is not running and do the hello handshake. */
  private async ensureStarted(): Promise<Implementation> {
    if (this.program?.alive && this.implementation) return this.implementation;
    this.program?.kill();
    const program = new ExternalProgram({
      command: withBundledClients(this.options.command, this.options.cwd),
      cwd: this.options.cwd,
      env: this.options.env,
    });
    this.program = program;
    program.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    const raw = await program.next(this.timeoutMs, 'its hello').catch((e: unknown) => {
      this.program = null;
      throw e;
    });
    let hello: ProgramHello;
    try {
      hello = checkProgramHello(raw, this.options.claims ? () => null : profileProblem);
    } catch (e) {
      if (e instanceof ProtocolViolation) throw this.abort(program, e.message);
      throw e;
    }
    const impl = hello.implementation;
    const claims = this.options.claims ?? impl.claims;
    let fixedAxes: Partial<Axes> | undefined;
    if (impl.fixedAxes) {
      try {
        fixedAxes = normaliseDeclaredAxes(impl.fixedAxes, claims === 'unknown' ? 'numpy-tutorial' : claims);
      } catch (e) {
        throw this.abort(program, `answered hello with an invalid implementation.${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.implementation = impl;
    this.info.version = impl.version;
    this.info.claims = claims;
    if (fixedAxes) this.info.fixedAxes = fixedAxes;
    else delete this.info.fixedAxes;
    this.info.describe = `${impl.name} ${impl.version} via external program (protocol v${hello.protocol}): ${this.options.command}`;
    this.info.capabilities = capabilitiesOf(impl);
    return impl;
  }

  private async receive(program: ExternalProgram, what: string): Promise<ResultMessage | ErrorMessage | ProgramHello> {
    const raw = await program.next(this.timeoutMs, what).catch((e: unknown) => {
      this.program = null;
      throw e;
    });
    try {
      return checkProgramMessage(raw, what);
    } catch (e) {
      if (e instanceof ProtocolViolation) throw this.abort(program, e.message);
      throw e;
    }
  }

  /** A protocol fault: kill the program (the next case restarts it) and describe the fault. */
  private abort(program: ExternalProgram, text: string): ProgramFault {
    program.kill(text);
    if (this.program === program) this.program = null;
    return program.fault(text);
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * A case on an external program. runReplay sends the whole case at once; step()/read() are the
 * per-step fallback: step() buffers the gradient, read() replays the buffered prefix from x0 (correct,
 * quadratic in the number of steps). After load() (programs that accept re-anchoring), the next
 * step()/read() is one re-anchored step from the loaded state; runReanchored sends every step at once.
 */
class ExternalCase implements BulkPreparedCase {
  private readonly buffered: Float64Array[] = [];
  private cached: { steps: number; result: BulkTrajectory } | null = null;
  private anchor: Anchor | null = null;
  private anchoredGrad: Float64Array | null = null;
  readonly problems: readonly string[];

  constructor(
    private readonly adapter: ExternalAdapter,
    private readonly c: AdapterCase,
  ) {
    this.problems = adapter.implementationInfo?.problems ?? [];
  }

  async step(grad: Float64Array): Promise<void> {
    if (grad.length !== this.c.x0.length)
      throw new RangeError(`${this.c.key}: gradient has ${grad.length} elements, params have ${this.c.x0.length}`);
    if (this.anchor) {
      if (this.anchoredGrad)
        throw new Error(`${this.c.key}: one step per load() on an external program (load the next anchor first)`);
      this.anchoredGrad = Float64Array.from(grad);
      return;
    }
    this.buffered.push(Float64Array.from(grad));
  }

  async load(params: Float64Array, state: { v: Float64Array; m: Float64Array; b: Float64Array; step: number }): Promise<void> {
    this.anchor = {
      params: Float64Array.from(params),
      state: { v: Float64Array.from(state.v), m: Float64Array.from(state.m), b: Float64Array.from(state.b), step: state.step },
    };
    this.anchoredGrad = null;
  }

  runReanchored(anchors: readonly Anchor[], grads: readonly Float64Array[]): Promise<BulkTrajectory> {
    if (grads.length === 0) return Promise.resolve({ trajectory: [] });
    if (anchors.length !== grads.length)
      throw new RangeError(`${this.c.key}: ${anchors.length} anchors for ${grads.length} gradients`);
    return this.adapter.exchange(this.c, { grads, anchors });
  }

  async read(): Promise<{ params: Float64Array; state?: OptimizerStateView }> {
    if (this.anchor) {
      if (!this.anchoredGrad) return { params: this.anchor.params, state: this.anchor.state };
      const r = await this.runReanchored([this.anchor], [this.anchoredGrad]);
      const state = r.states?.[0] ?? r.state;
      return { params: r.trajectory[0], ...(state ? { state } : {}) };
    }
    const n = this.buffered.length;
    if (n === 0) return { params: toDtype(this.c.dtype, this.c.x0) };
    if (this.cached?.steps !== n) this.cached = { steps: n, result: await this.runReplay(this.buffered.slice()) };
    const r = this.cached.result;
    const state = r.states?.[n - 1] ?? r.state;
    return { params: r.trajectory[n - 1], ...(state ? { state } : {}) };
  }

  runReplay(grads: readonly Float64Array[]): Promise<BulkTrajectory> {
    if (grads.length === 0) return Promise.resolve({ trajectory: [] });
    return this.adapter.exchange(this.c, { grads });
  }

  async runProblem(problem: string, steps: number): Promise<BulkTrajectory> {
    if (!this.problems.includes(problem)) {
      throw new UnsupportedCaseError(
        `${this.adapter.info.describe} cannot run problem '${problem}' closed loop (it lists: ${this.problems.join(', ') || 'none'})`,
      );
    }
    return this.adapter.exchange(this.c, { problem, steps });
  }

  async dispose(): Promise<{ leak?: string }> {
    this.buffered.length = 0;
    this.cached = null;
    this.anchor = null;
    return {};
  }
}

export const externalAdapterFactory: AdapterFactory = {
  id: 'external',
  describe:
    'any program speaking the newline-delimited JSON protocol v2 (or v1) on stdin/stdout (docs/protocol.md); options: command=..., claims=..., timeout=seconds',
  inDefaultRun: false,
  create: (options) => new ExternalAdapter(parseExternalOptions(options)),
};
