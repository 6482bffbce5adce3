// The published JSON Schema of the conformance report (schemas/conformance-report.schema.json is
// generated from this by scripts/write-schemas.ts; a test checks the two agree and that real
// reports validate).
import { Type, type TSchema } from '@sinclair/typebox';
import { REPORT_FORMAT_VERSION } from '../runner/result.js';

/** Numbers as encoded in files: JSON numbers, or "NaN", "Infinity", "-Infinity", "-0". */
const Num = Type.Union([Type.Number(), Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity'), Type.Literal('-0')]);
const NullableStep = Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]);

const Divergence = Type.Object({
  quantity: Type.String(),
  step: Type.Integer(),
  index: Type.Integer(),
  expected: Num,
  actual: Num,
  ulps: Num,
  kind: Type.Union([Type.Literal('ulps'), Type.Literal('non-finite'), Type.Literal('signed-zero'), Type.Literal('length')]),
});

const Series = Type.Object({
  steps: Type.Array(Type.Object({ step: Type.Integer({ minimum: 1 }), maxAbs: Num, maxRel: Num, maxUlp: Num, withinTolerance: Type.Boolean() })),
  maxAbs: Num,
  maxRel: Num,
  maxUlp: Num,
  firstDivergentStep: NullableStep,
  firstDivergence: Type.Union([Divergence, Type.Null()]),
});

const Status = Type.Union(['pass', 'fail', 'xfail', 'xpass', 'error', 'skip', 'unavailable'].map((s) => Type.Literal(s)));
const Dtype = Type.Union([Type.Literal('float32'), Type.Literal('float64')]);
const Mode = Type.Union([Type.Literal('replay'), Type.Literal('closed-loop')]);

const Cell = Type.Object({
  adapter: Type.String(),
  case: Type.String(),
  suite: Type.String(),
  dtype: Dtype,
  mode: Mode,
  status: Status,
  reason: Type.Optional(Type.String()),
  expectedProfile: Type.Optional(Type.String()),
  tolerance: Type.Optional(Type.Object({ ulps: Num, absFloor: Num, signedZero: Type.String(), reasons: Type.Array(Type.String()) })),
  freeRunning: Type.Optional(Series),
  reanchored: Type.Optional(Type.Union([Series, Type.Null()])),
  reanchoredUnavailable: Type.Optional(Type.String()),
  state: Type.Optional(Type.Union([Series, Type.Null()])),
  finalLoss: Type.Optional(Type.Object({ expected: Num, actual: Num, gap: Num })),
  slack: Type.Optional(Type.Object({ toleranceUlps: Num, observedUlps: Num, loose: Type.Boolean() })),
  profiles: Type.Optional(Type.Array(Type.Object({ profile: Type.String(), maxUlp: Num, maxRel: Num, firstDivergentStep: NullableStep }))),
  leak: Type.Optional(Type.String()),
  durationMs: Num,
});

const Fact = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

export const ConformanceReportSchema: TSchema = Type.Object(
  {
    format: Type.Literal('rmsprop-harness/conformance'),
    formatVersion: Type.Literal(REPORT_FORMAT_VERSION),
    generatedAt: Type.String(),
    complete: Type.Boolean(),
    environment: Type.Object({ harness: Type.String(), node: Type.String(), platform: Type.String(), arch: Type.String(), cpu: Type.String(), cores: Type.Integer(), memoryGiB: Type.Number() }),
    selection: Type.Object({ adapters: Type.Array(Type.String()), suites: Type.Array(Type.String()), dtypes: Type.Array(Dtype), modes: Type.Array(Mode), shard: Type.Optional(Type.String()), required: Type.Optional(Type.Array(Type.String())) }),
    adapters: Type.Array(
      Type.Object({
        label: Type.String(),
        id: Type.String(),
        version: Type.String(),
        describe: Type.String(),
        claims: Type.String(),
        available: Type.Boolean(),
        reason: Type.Optional(Type.String()),
        probeFailed: Type.Optional(Type.Boolean()),
        facts: Type.Record(Type.String(), Fact),
        capabilities: Type.Object({}, { additionalProperties: true }),
      }),
    ),
    cases: Type.Array(Type.Object({ key: Type.String(), suite: Type.String(), describe: Type.String(), steps: Type.Integer(), source: Type.String() })),
    cells: Type.Array(Cell),
    summary: Type.Object({
      pass: Type.Integer(),
      fail: Type.Integer(),
      xfail: Type.Integer(),
      xpass: Type.Integer(),
      error: Type.Integer(),
      skip: Type.Integer(),
      unavailable: Type.Integer(),
      exitCode: Type.Integer(),
    }),
  },
  { $id: 'https://rmsprop-harness.dev/schemas/conformance-report.schema.json', title: 'rmsprop-harness conformance report' },
);
