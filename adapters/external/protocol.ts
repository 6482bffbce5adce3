// Protocol v2 (v1 still accepted) between the harness and an external RMSprop implementation:
// newline-delimited JSON over the program's stdin/stdout. v2 adds to the program's hello the axes it
// deviates on, its arithmetic and whether it accepts re-anchored cases; results may carry the state
// after every step. One typebox definition per message gives both the TypeScript types and
// the JSON Schema files in schemas/protocol (scripts/write-protocol-schemas.ts). docs/protocol.md is
// the prose version for client authors.

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ALL_DTYPES, isLowPrecision, roundTo, type Dtype } from '../../reference/arithmetic.js';
import { decodeVector } from '../../reference/number-encoding.js';
import { describeValue, firstSchemaIssue } from '../../suites/schema.js';

export const PROTOCOL_VERSION = 2;
/** Versions a program may answer with: v1 programs keep working (no declared axes, no re-anchoring). */
export const ACCEPTED_PROTOCOLS: readonly number[] = [1, 2];

/** Base of the $id the schema files get (scripts/write-protocol-schemas.ts adds it; the in-memory schemas have none, so ajv can compile them side by side). */
export const SCHEMA_ID_BASE = 'https://rmsprop-harness.dev/schemas/protocol/v2';

/** A float: finite values as JSON numbers (shortest round-trip decimal), the rest as strings. */
export const EncodedNumberSchema = Type.Union(
  [Type.Number(), Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity'), Type.Literal('-0')],
  { description: 'A float: a JSON number, or "NaN", "Infinity", "-Infinity", "-0" (JSON numbers cannot carry these).' },
);
const Num = () =>
  Type.Union([Type.Number(), Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity'), Type.Literal('-0')]);
const Vector = (description: string) => Type.Array(Num(), { description });

const Dtype = Type.Union(
  ALL_DTYPES.map((d) => Type.Literal(d)),
  {
    description: 'The storage dtype: bfloat16 and float16 values are sent as the exact double of the 16-bit value.',
  },
);
const CaseId = Type.String({ minLength: 1, description: 'Opaque case identifier; echo it back unchanged.' });

// ---------------------------------------------------------------- harness -> program

export const HarnessHelloSchema = Type.Object(
  {
    type: Type.Literal('hello'),
    protocol: Type.Literal(PROTOCOL_VERSION, {
      description: 'The version the harness speaks; it also accepts programs answering 1.',
    }),
    cases: Type.Optional(
      Type.Integer({ minimum: 0, description: 'How many cases the harness expects to send, when it knows (informational).' }),
    ),
  },
  { title: 'harness hello', additionalProperties: false },
);

const HyperparameterValue = Type.Union([Type.Number(), Type.Boolean(), Type.Null()]);
const CanonicalValue = Type.Union([Type.Number(), Type.Boolean(), Type.Null(), Type.String(), Type.Array(Type.String())]);

const caseCommon = {
  type: Type.Literal('case'),
  id: CaseId,
  dtype: Dtype,
  profile: Type.Optional(
    Type.String({
      description:
        "Profile the case was resolved from, as 'name@version' (e.g. 'torch@1.13'): tells which names 'hyperparameters' uses.",
    }),
  ),
  hyperparameters: Type.Record(Type.String(), HyperparameterValue, {
    description:
      "The profile's native hyperparameter names and values (torch: lr, alpha, eps, weight_decay, momentum, centered, maximize). Numbers are finite JSON numbers.",
  }),
  canonical: Type.Record(Type.String(), CanonicalValue, {
    description:
      'Every canonical hyperparameter (lr, decay, eps, momentum, centered, weightDecay, maximize, rescale, clip, clipNorm, lrDecay, initialAccumulator, biasCorrection) and every axis (epsPlacement, fma, ...) of the variant.',
  }),
  x0: Vector('Initial parameters, already in the dtype (float32 values as the exact double of the float32).'),
};

export const ReplayCaseSchema = Type.Object(
  {
    ...caseCommon,
    grads: Type.Array(Vector('Gradient of one step, in the dtype.'), {
      minItems: 1,
      description: 'One gradient per step: step t uses grads[t].',
    }),
  },
  { title: 'case (replay)', additionalProperties: false },
);

const StateVectors = () =>
  Type.Object(
    {
      v: Vector('Second-moment accumulator.'),
      m: Vector('Centered mean accumulator (zeros when not centered).'),
      b: Vector('Momentum buffer (zeros without momentum).'),
    },
    { additionalProperties: false },
  );

export const ReanchoredCaseSchema = Type.Object(
  {
    ...caseCommon,
    grads: Type.Array(Vector('Gradient of one step, in the dtype.'), { minItems: 1 }),
    anchors: Type.Array(
      Type.Object(
        {
          params: Vector('Parameters to load before this step (the reference trajectory).'),
          state: StateVectors(),
          step: Type.Integer({
            minimum: 0,
            description: 'Steps already taken (lr schedules and bias correction count from it).',
          }),
        },
        { additionalProperties: false },
      ),
      {
        minItems: 1,
        description:
          'One per gradient: load anchors[t] (params and optimizer state), apply grads[t] once; trajectory[t] is the result. Sent only to programs whose hello says reanchor: true (protocol 2).',
      },
    ),
  },
  { title: 'case (re-anchored steps)', additionalProperties: false },
);

export const ProblemCaseSchema = Type.Object(
  {
    ...caseCommon,
    problem: Type.String({
      description:
        'Named objective whose gradient the program computes itself (closed loop), one the program listed in hello.implementation.problems.',
    }),
    steps: Type.Integer({ minimum: 1 }),
  },
  { title: 'case (closed loop on a named problem)', additionalProperties: false },
);

export const ByeSchema = Type.Object({ type: Type.Literal('bye') }, { title: 'bye', additionalProperties: false });

export const HarnessMessageSchema = Type.Union(
  [HarnessHelloSchema, ReplayCaseSchema, ReanchoredCaseSchema, ProblemCaseSchema, ByeSchema],
  {
    title: 'any message the harness sends',
  },
);

// ---------------------------------------------------------------- program -> harness

export const ImplementationSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    version: Type.String({ minLength: 1 }),
    claims: Type.String({
      minLength: 1,
      description: "Profile followed: 'torch', 'torch@1.13', 'numpy-tutorial', ..., or 'unknown'.",
    }),
    dtypes: Type.Array(Dtype, { minItems: 1, uniqueItems: true }),
    hyperparameters: Type.Array(Type.String(), {
      uniqueItems: true,
      description:
        'Canonical hyperparameters the implementation honours beyond lr, decay, eps (e.g. momentum, centered, weightDecay, maximize). Any other must keep its neutral value.',
    }),
    axes: Type.Optional(
      Type.Union([Type.Literal('all'), Type.Array(Type.String(), { uniqueItems: true })], {
        description: 'Axes of `canonical` the implementation follows when they differ from its claimed profile (default: none).',
      }),
    ),
    state: Type.Optional(Type.Boolean({ description: 'Whether results carry the final optimizer state (default false).' })),
    problems: Type.Optional(
      Type.Array(Type.String(), { uniqueItems: true, description: 'Named problems it can run closed loop (default: none).' }),
    ),
    facts: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
        description: 'Environment facts for the report (backend, CPU capability, library versions).',
      }),
    ),
    fixedAxes: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Boolean(), Type.Array(Type.String())]), {
        description:
          'Protocol 2. Axes on which the implementation always differs from its claimed profile, e.g. {"fma":"off"} for a build without fused multiply-adds: the expected trajectory is the profile with these values.',
      }),
    ),
    arithmetic: Type.Optional(
      Type.Record(Type.String(), Type.Object({ compute: Dtype }, { additionalProperties: false }), {
        description:
          'Protocol 2. Per storage dtype, the dtype the step is computed in, e.g. {"float32":{"compute":"float64"}}. Default: computed in the storage dtype.',
      }),
    ),
    reanchor: Type.Optional(
      Type.Boolean({
        description: 'Protocol 2. Accepts re-anchored cases (anchors: the reference state loaded before every step).',
      }),
    ),
    unsupportedDtypes: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description:
          'Protocol 2. Dtypes the implementation cannot step, each with the reason, e.g. {"float16":"addcmul has no Half CPU kernel"}: cases of these dtypes are reported unsupported with it.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ProgramHelloSchema = Type.Object(
  {
    type: Type.Literal('hello'),
    protocol: Type.Union([Type.Literal(1), Type.Literal(2)], {
      description: '2 (this version) or 1 (no fixedAxes, arithmetic, reanchor, states).',
    }),
    implementation: ImplementationSchema,
  },
  { title: 'program hello', additionalProperties: false },
);

export const StateSchema = Type.Object(
  {
    v: Type.Optional(Vector('Second-moment accumulator (torch square_avg).')),
    m: Type.Optional(Vector('Mean-gradient accumulator, centered only (torch grad_avg).')),
    b: Type.Optional(Vector('Momentum buffer (torch momentum_buffer).')),
  },
  { additionalProperties: false },
);

export const ResultSchema = Type.Object(
  {
    type: Type.Literal('result'),
    id: CaseId,
    trajectory: Type.Array(Vector('Parameters after one step.'), {
      description: 'Parameters after step 1, 2, ..., one entry per step.',
    }),
    state: Type.Optional(StateSchema),
    states: Type.Optional(
      Type.Array(StateSchema, {
        description: 'Protocol 2: optimizer state after every step, one per trajectory entry (compared at every step).',
      }),
    ),
    grads: Type.Optional(
      Type.Array(Vector('Gradient the program computed at one step.'), {
        description: 'Closed-loop cases: the gradients used, one per step.',
      }),
    ),
  },
  { title: 'result', additionalProperties: false },
);

export const ErrorMessageSchema = Type.Object(
  {
    type: Type.Literal('error'),
    id: CaseId,
    message: Type.String(),
    unsupported: Type.Optional(
      Type.Boolean({ description: 'The implementation cannot express the case (skipped, not failed).' }),
    ),
  },
  { title: 'error', additionalProperties: false },
);

export const ProgramMessageSchema = Type.Union([ProgramHelloSchema, ResultSchema, ErrorMessageSchema], {
  title: 'any message the program sends',
});

export type HarnessHello = Static<typeof HarnessHelloSchema>;
export type ReplayCase = Static<typeof ReplayCaseSchema>;
export type ReanchoredCase = Static<typeof ReanchoredCaseSchema>;
export type ProblemCase = Static<typeof ProblemCaseSchema>;
export type CaseMessage = ReplayCase | ReanchoredCase | ProblemCase;
export type Bye = Static<typeof ByeSchema>;
export type HarnessMessage = Static<typeof HarnessMessageSchema>;
export type Implementation = Static<typeof ImplementationSchema>;
export type ProgramHello = Static<typeof ProgramHelloSchema>;
export type ResultMessage = Static<typeof ResultSchema>;
export type ErrorMessage = Static<typeof ErrorMessageSchema>;
export type ProgramMessage = Static<typeof ProgramMessageSchema>;

/** Schema files written to schemas/protocol: file name -> schema. */
export const PROTOCOL_SCHEMAS: Readonly<Record<string, TSchema>> = {
  'encoded-number.schema.json': EncodedNumberSchema,
  'harness-hello.schema.json': HarnessHelloSchema,
  'case-replay.schema.json': ReplayCaseSchema,
  'case-reanchored.schema.json': ReanchoredCaseSchema,
  'case-problem.schema.json': ProblemCaseSchema,
  'bye.schema.json': ByeSchema,
  'harness-message.schema.json': HarnessMessageSchema,
  'program-hello.schema.json': ProgramHelloSchema,
  'result.schema.json': ResultSchema,
  'error.schema.json': ErrorMessageSchema,
  'program-message.schema.json': ProgramMessageSchema,
  // bench (optional, below): spread in lazily so the definitions can live at the end of the file
  get 'bench.schema.json'() {
    return BenchRequestSchema;
  },
  get 'bench-result.schema.json'() {
    return BenchResultSchema;
  },
};

// ---------------------------------------------------------------- checking what a program sends

/**
 * A program broke the protocol: the reason names the message field ("trajectory[2][1]",
 * "implementation.dtypes[0]") and what was expected. The adapter turns it into a fault of the case
 * (the program is killed and restarted), never into a usage error of the harness.
 */
export class ProtocolViolation extends Error {
  override name = 'ProtocolViolation';
}

/** A JSON pointer as a message field path: "/trajectory/2/1" -> "trajectory[2][1]", "" -> "message". */
export function fieldPath(pointer: string): string {
  if (pointer === '') return 'message';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(segment) ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out;
}

function clipJson(value: unknown, n = 300): string {
  const s = JSON.stringify(value);
  if (s === undefined) return 'undefined';
  return s.length > n ? `${s.slice(0, n)}...` : s;
}

const SCHEMA_BY_TYPE: Readonly<Record<string, TSchema>> = {
  hello: ProgramHelloSchema,
  result: ResultSchema,
  error: ErrorMessageSchema,
};

/**
 * Checks one parsed message from a program against the protocol: a JSON object whose `type` is one
 * the program may send and whose fields match that type's schema. `waitingFor` names what the
 * harness awaited ("its hello", "the answer to case 'x'"). Throws ProtocolViolation.
 */
export function checkProgramMessage(raw: unknown, waitingFor: string): ProgramMessage {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ProtocolViolation(
      `wrote ${describeValue(raw)} while waiting for ${waitingFor}; every message is a JSON object with a "type" ("hello", "result" or "error"): ${clipJson(raw)}`,
    );
  }
  const type = (raw as { type?: unknown }).type;
  const schema = typeof type === 'string' && Object.hasOwn(SCHEMA_BY_TYPE, type) ? SCHEMA_BY_TYPE[type] : null;
  if (!schema) {
    const what = type === undefined ? 'a message without a "type" field' : `a message of unknown type ${JSON.stringify(type)}`;
    throw new ProtocolViolation(
      `wrote ${what} while waiting for ${waitingFor} (type: expected "hello", "result" or "error"): ${clipJson(raw)}`,
    );
  }
  const issue = firstSchemaIssue(schema, raw);
  if (issue) {
    throw new ProtocolViolation(
      `wrote an invalid ${String(type)} message (${fieldPath(issue.pointer)}: ${issue.message}) while waiting for ${waitingFor}: ${clipJson(raw)}`,
    );
  }
  return raw as ProgramMessage;
}

/**
 * Checks a program's hello: an object of type "hello", the protocol version first (the most useful
 * thing to tell an old client), then the schema, then the claimed profile (`profileProblem` returns
 * why a claim names no known profile, or null). Throws ProtocolViolation.
 */
export function checkProgramHello(raw: unknown, profileProblem: (claims: string) => string | null): ProgramHello {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ProtocolViolation(`answered hello with ${describeValue(raw)}, not a hello message object: ${clipJson(raw)}`);
  const r = raw as { type?: unknown; protocol?: unknown };
  if (r.type !== 'hello')
    throw new ProtocolViolation(
      `answered hello with ${r.type === undefined ? 'a message without a "type" field' : `a message of type ${JSON.stringify(r.type)}`} (type: expected "hello"): ${clipJson(raw)}`,
    );
  if (typeof r.protocol !== 'number' || !ACCEPTED_PROTOCOLS.includes(r.protocol)) {
    throw new ProtocolViolation(
      `speaks protocol ${JSON.stringify(r.protocol)}, the harness speaks ${PROTOCOL_VERSION} (and accepts ${ACCEPTED_PROTOCOLS.join(' or ')})`,
    );
  }
  const issue = firstSchemaIssue(ProgramHelloSchema, raw);
  if (issue)
    throw new ProtocolViolation(
      `answered hello with a message that is not a valid hello (${fieldPath(issue.pointer)}: ${issue.message}): ${clipJson(raw)}`,
    );
  const hello = raw as ProgramHello;
  const impl = hello.implementation;
  if (hello.protocol === 1) {
    const v2 = (['fixedAxes', 'arithmetic', 'reanchor', 'unsupportedDtypes'] as const).filter((k) => impl[k] !== undefined);
    if (v2.length > 0)
      throw new ProtocolViolation(
        `answered a protocol 1 hello with the protocol 2 field${v2.length > 1 ? 's' : ''} ${v2.map((k) => `implementation.${k}`).join(', ')}: answer "protocol":2`,
      );
  }
  for (const [dtype, a] of Object.entries(impl.arithmetic ?? {})) {
    if (!(ALL_DTYPES as readonly string[]).includes(dtype))
      throw new ProtocolViolation(
        `answered hello with implementation.arithmetic.${dtype}: expected a storage dtype, ${ALL_DTYPES.join(', ')}`,
      );
    if (a.compute === 'float32' && dtype === 'float64')
      throw new ProtocolViolation(
        'answered hello with implementation.arithmetic.float64.compute = float32: a float64 run computed in float32 is not a float64 implementation; drop float64 from dtypes',
      );
  }
  const problem = hello.implementation.claims === 'unknown' ? null : profileProblem(hello.implementation.claims);
  if (problem)
    throw new ProtocolViolation(
      `answered hello claiming a profile the harness does not know (implementation.claims: ${problem}); claim "unknown" or pass claims=NAME to the adapter`,
    );
  return hello;
}

/** What the answer to one case must match. */
export interface ExpectedAnswer {
  id: string;
  dtype: Dtype;
  /** Length of every vector (x0's). */
  dim: number;
  steps: number;
}

type DecodedState = { v?: Float64Array; m?: Float64Array; b?: Float64Array };

/** A result, decoded: every vector as a Float64Array. */
export interface DecodedResult {
  trajectory: Float64Array[];
  state?: DecodedState;
  /** State after every step (protocol 2). */
  states?: DecodedState[];
  grads?: Float64Array[];
}

/**
 * Checks a schema-valid result against the case it answers: as many trajectory entries (and
 * gradients) as steps, every vector of the case's dimension, float32 cases in float32 values.
 * Throws ProtocolViolation naming the field ("trajectory[2]", "state.v", "grads[0][1]").
 */
export function decodeResult(r: ResultMessage, expected: ExpectedAnswer, isFloat32: (x: number) => boolean): DecodedResult {
  const { id, dtype, dim, steps } = expected;
  if (r.id !== id)
    throw new ProtocolViolation(`answered out of order: got result for case '${r.id}' while case '${id}' was pending`);
  if (r.trajectory.length !== steps)
    throw new ProtocolViolation(
      `answered case '${id}' with ${r.trajectory.length} steps, expected ${steps} (trajectory has one entry per step)`,
    );
  const vector = (raw: readonly unknown[], where: string): Float64Array => {
    if (raw.length !== dim)
      throw new ProtocolViolation(`answered case '${id}': ${where} has ${raw.length} values, expected ${dim} (the length of x0)`);
    const v = decodeVector(raw, where);
    if (dtype === 'float32') {
      const i = v.findIndex((x) => !isFloat32(x));
      if (i >= 0)
        throw new ProtocolViolation(
          `answered float32 case '${id}': ${where}[${i}] = ${v[i]} is not a float32 value (send the exact double of the float32)`,
        );
    }
    if (isLowPrecision(dtype)) {
      const round = roundTo(dtype);
      const i = v.findIndex((x) => !Number.isNaN(x) && round(x) !== x);
      if (i >= 0)
        throw new ProtocolViolation(
          `answered ${dtype} case '${id}': ${where}[${i}] = ${v[i]} is not a ${dtype} value (send the exact double of the ${dtype} value)`,
        );
    }
    return v;
  };
  const out: DecodedResult = { trajectory: r.trajectory.map((p, t) => vector(p, `trajectory[${t}]`)) };
  const decodeState = (s: NonNullable<ResultMessage['state']>, where: string): DecodedState => {
    const state: DecodedState = {};
    for (const k of ['v', 'm', 'b'] as const) if (s[k]) state[k] = vector(s[k], `${where}.${k}`);
    return state;
  };
  if (r.state) out.state = decodeState(r.state, 'state');
  if (r.states) {
    if (r.states.length !== steps)
      throw new ProtocolViolation(
        `answered case '${id}' with ${r.states.length} states, expected ${steps} (states has one entry per step)`,
      );
    out.states = r.states.map((s, t) => decodeState(s, `states[${t}]`));
    out.state ??= out.states[steps - 1];
  }
  if (r.grads) {
    if (r.grads.length !== steps)
      throw new ProtocolViolation(
        `answered case '${id}' with ${r.grads.length} gradients, expected ${steps} (grads has one entry per step)`,
      );
    out.grads = r.grads.map((g, t) => vector(g, `grads[${t}]`));
  }
  return out;
}

// ---------------------------------------------------------------- bench (optional)
// A program may also answer `bench` requests: it times its own step loop (so neither the pipe nor
// JSON is measured) on each of its paths and answers with milliseconds per step per sample. A
// program without bench support answers with an error message (the Python clients' serve() does).

export const BenchRequestSchema = Type.Object(
  {
    type: Type.Literal('bench'),
    id: CaseId,
    dtype: Dtype,
    profile: Type.Optional(Type.String({ description: "Profile the variant was resolved from, as 'name@version'." })),
    hyperparameters: Type.Record(Type.String(), HyperparameterValue, {
      description: 'As in a case: the native hyperparameters.',
    }),
    canonical: Type.Record(Type.String(), CanonicalValue, {
      description: 'As in a case: every canonical hyperparameter and axis.',
    }),
    tensors: Type.Array(Type.Integer({ minimum: 1 }), {
      minItems: 1,
      description:
        "Elements of each parameter tensor: [n] is one tensor; a longer list is a model-shaped parameter list. Values are the program's own (any finite data).",
    }),
    layout: Type.Union([Type.Literal('tensors'), Type.Literal('flat')], {
      description:
        "'tensors': one parameter per entry (the optimizer steps the list: per tensor or multi-tensor); 'flat': one parameter of their total size.",
    }),
    paths: Type.Optional(
      Type.Array(Type.String(), { description: 'Only these paths (ids from an earlier answer); default: all.' }),
    ),
    timeMs: Type.Number({ exclusiveMinimum: 0, description: 'Wall-clock budget for the samples of one path, ms.' }),
    minSamples: Type.Integer({ minimum: 1, description: 'At least this many samples per path, whatever the budget.' }),
    sampleMs: Type.Number({
      exclusiveMinimum: 0,
      description: 'Aim for samples about this long: repeat cheap steps within one sample.',
    }),
    triad: Type.Optional(
      Type.Boolean({
        description:
          'Also time the framework\'s own triad a = b + 2c over one tensor of tensors[0] elements (kind "triad"), for the roofline.',
      }),
    ),
  },
  { title: 'bench request', additionalProperties: false },
);

export const BenchPathResultSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description: "The path timed, unique in the answer: 'foreach x1', 'for-loop x2', 'triad x1'.",
    }),
    kind: Type.Optional(
      Type.Union([Type.Literal('step'), Type.Literal('triad')], {
        description: "'step' (default) or 'triad' (the framework's own triad, for the roofline).",
      }),
    ),
    describe: Type.String(),
    threads: Type.Integer({ minimum: 1 }),
    device: Type.Optional(Type.Union([Type.Literal('cpu'), Type.Literal('gpu')])),
    samplesMs: Type.Array(Type.Number({ minimum: 0 }), {
      description: 'Milliseconds per step, one per sample (each the mean over stepsPerSample steps).',
    }),
    stepsPerSample: Type.Integer({ minimum: 0 }),
    bytesPerElement: Type.Optional(
      Type.Number({
        minimum: 0,
        description: 'Bytes moved per element, when the program knows (triad: 16 with write-allocate).',
      }),
    ),
    notes: Type.Optional(Type.Array(Type.String())),
    unavailable: Type.Optional(Type.String({ description: 'Why this path cannot run here (then samplesMs is empty).' })),
  },
  { additionalProperties: false },
);

export const BenchResultSchema = Type.Object(
  {
    type: Type.Literal('bench-result'),
    id: CaseId,
    results: Type.Array(BenchPathResultSchema, { minItems: 1 }),
  },
  { title: 'bench result', additionalProperties: false },
);

export type BenchRequest = Static<typeof BenchRequestSchema>;
export type BenchPathResult = Static<typeof BenchPathResultSchema>;
export type BenchResult = Static<typeof BenchResultSchema>;

/** Checks a program's answer to a bench request: a bench-result for this id, or an error. Throws ProtocolViolation. */
export function checkBenchReply(raw: unknown, id: string): BenchResult | ErrorMessage {
  const waitingFor = `the answer to bench request '${id}'`;
  const type = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { type?: unknown }).type : undefined;
  if (type !== 'bench-result' && type !== 'error')
    throw new ProtocolViolation(
      `wrote ${type === undefined ? describeValue(raw) : `a message of type ${JSON.stringify(type)}`} while waiting for ${waitingFor} (type: expected "bench-result" or "error"): ${clipJson(raw)}`,
    );
  const issue = firstSchemaIssue(type === 'error' ? ErrorMessageSchema : BenchResultSchema, raw);
  if (issue)
    throw new ProtocolViolation(
      `wrote an invalid ${String(type)} message (${fieldPath(issue.pointer)}: ${issue.message}) while waiting for ${waitingFor}: ${clipJson(raw)}`,
    );
  const reply = raw as BenchResult | ErrorMessage;
  if (reply.id !== id)
    throw new ProtocolViolation(
      `answered out of order: got ${reply.type} for '${reply.id}' while bench request '${id}' was pending`,
    );
  return reply;
}
