// Protocol v1 between the harness and an external RMSprop implementation: newline-delimited JSON over
// the program's stdin/stdout. One typebox definition per message gives both the TypeScript types and
// the JSON Schema files in schemas/protocol (scripts/write-protocol-schemas.ts). docs/protocol.md is
// the prose version for client authors.

import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const PROTOCOL_VERSION = 1;

/** Base of the $id the schema files get (scripts/write-protocol-schemas.ts adds it; the in-memory schemas have none, so ajv can compile them side by side). */
export const SCHEMA_ID_BASE = 'https://rmsprop-harness.dev/schemas/protocol/v1';

/** A float: finite values as JSON numbers (shortest round-trip decimal), the rest as strings. */
export const EncodedNumberSchema = Type.Union(
  [Type.Number(), Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity'), Type.Literal('-0')],
  { description: 'A float: a JSON number, or "NaN", "Infinity", "-Infinity", "-0" (JSON numbers cannot carry these).' },
);
const Num = () => Type.Union([Type.Number(), Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity'), Type.Literal('-0')]);
const Vector = (description: string) => Type.Array(Num(), { description });

const Dtype = Type.Union([Type.Literal('float32'), Type.Literal('float64')]);
const CaseId = Type.String({ minLength: 1, description: 'Opaque case identifier; echo it back unchanged.' });

// ---------------------------------------------------------------- harness -> program

export const HarnessHelloSchema = Type.Object(
  {
    type: Type.Literal('hello'),
    protocol: Type.Literal(PROTOCOL_VERSION),
    cases: Type.Optional(Type.Integer({ minimum: 0, description: 'How many cases the harness expects to send, when it knows (informational).' })),
  },
  { title: 'harness hello', additionalProperties: false },
);

const HyperparameterValue = Type.Union([Type.Number(), Type.Boolean(), Type.Null()]);
const CanonicalValue = Type.Union([Type.Number(), Type.Boolean(), Type.Null(), Type.String(), Type.Array(Type.String())]);

const caseCommon = {
  type: Type.Literal('case'),
  id: CaseId,
  dtype: Dtype,
  profile: Type.Optional(Type.String({ description: "Profile the case was resolved from, as 'name@version' (e.g. 'torch@1.13'): tells which names 'hyperparameters' uses." })),
  hyperparameters: Type.Record(Type.String(), HyperparameterValue, {
    description: "The profile's native hyperparameter names and values (torch: lr, alpha, eps, weight_decay, momentum, centered, maximize). Numbers are finite JSON numbers.",
  }),
  canonical: Type.Record(Type.String(), CanonicalValue, {
    description: 'Every canonical hyperparameter (lr, decay, eps, momentum, centered, weightDecay, maximize, rescale, clip, clipNorm, lrDecay, initialAccumulator, biasCorrection) and every axis (epsPlacement, fma, ...) of the variant.',
  }),
  x0: Vector('Initial parameters, already in the dtype (float32 values as the exact double of the float32).'),
};

export const ReplayCaseSchema = Type.Object(
  {
    ...caseCommon,
    grads: Type.Array(Vector('Gradient of one step, in the dtype.'), { minItems: 1, description: 'One gradient per step: step t uses grads[t].' }),
  },
  { title: 'case (replay)', additionalProperties: false },
);

export const ProblemCaseSchema = Type.Object(
  {
    ...caseCommon,
    problem: Type.String({ description: 'Named objective whose gradient the program computes itself (closed loop), one the program listed in hello.implementation.problems.' }),
    steps: Type.Integer({ minimum: 1 }),
  },
  { title: 'case (closed loop on a named problem)', additionalProperties: false },
);

export const ByeSchema = Type.Object({ type: Type.Literal('bye') }, { title: 'bye', additionalProperties: false });

export const HarnessMessageSchema = Type.Union([HarnessHelloSchema, ReplayCaseSchema, ProblemCaseSchema, ByeSchema], {
  title: 'any message the harness sends',
});

// ---------------------------------------------------------------- program -> harness

export const ImplementationSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    version: Type.String({ minLength: 1 }),
    claims: Type.String({ minLength: 1, description: "Profile followed: 'torch', 'torch@1.13', 'numpy-tutorial', ..., or 'unknown'." }),
    dtypes: Type.Array(Dtype, { minItems: 1, uniqueItems: true }),
    hyperparameters: Type.Array(Type.String(), {
      uniqueItems: true,
      description: 'Canonical hyperparameters the implementation honours beyond lr, decay, eps (e.g. momentum, centered, weightDecay, maximize). Any other must keep its neutral value.',
    }),
    axes: Type.Optional(
      Type.Union([Type.Literal('all'), Type.Array(Type.String(), { uniqueItems: true })], {
        description: 'Axes of `canonical` the implementation follows when they differ from its claimed profile (default: none).',
      }),
    ),
    state: Type.Optional(Type.Boolean({ description: 'Whether results carry the final optimizer state (default false).' })),
    problems: Type.Optional(Type.Array(Type.String(), { uniqueItems: true, description: 'Named problems it can run closed loop (default: none).' })),
    facts: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { description: 'Environment facts for the report (backend, CPU capability, library versions).' })),
  },
  { additionalProperties: false },
);

export const ProgramHelloSchema = Type.Object(
  {
    type: Type.Literal('hello'),
    protocol: Type.Literal(PROTOCOL_VERSION),
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
    trajectory: Type.Array(Vector('Parameters after one step.'), { description: 'Parameters after step 1, 2, ..., one entry per step.' }),
    state: Type.Optional(StateSchema),
    grads: Type.Optional(Type.Array(Vector('Gradient the program computed at one step.'), { description: 'Closed-loop cases: the gradients used, one per step.' })),
  },
  { title: 'result', additionalProperties: false },
);

export const ErrorMessageSchema = Type.Object(
  {
    type: Type.Literal('error'),
    id: CaseId,
    message: Type.String(),
    unsupported: Type.Optional(Type.Boolean({ description: 'The implementation cannot express the case (skipped, not failed).' })),
  },
  { title: 'error', additionalProperties: false },
);

export const ProgramMessageSchema = Type.Union([ProgramHelloSchema, ResultSchema, ErrorMessageSchema], {
  title: 'any message the program sends',
});

export type HarnessHello = Static<typeof HarnessHelloSchema>;
export type ReplayCase = Static<typeof ReplayCaseSchema>;
export type ProblemCase = Static<typeof ProblemCaseSchema>;
export type CaseMessage = ReplayCase | ProblemCase;
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
  'case-problem.schema.json': ProblemCaseSchema,
  'bye.schema.json': ByeSchema,
  'harness-message.schema.json': HarnessMessageSchema,
  'program-hello.schema.json': ProgramHelloSchema,
  'result.schema.json': ResultSchema,
  'error.schema.json': ErrorMessageSchema,
  'program-message.schema.json': ProgramMessageSchema,
};
