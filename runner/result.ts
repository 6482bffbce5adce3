// The result of a conformance run: the single source every report format is rendered from.
// The TypeBox schema below is the definition: the TypeScript types are derived from it (Static<>),
// every field is described there, and schemas/conformance-report.schema.json is generated from it
// (scripts/write-schemas.ts). Numbers are a parameter of the schema: in memory they are numbers, in
// the file NaN, +-Infinity and -0 are written as strings (reports/json-report.ts).

import { Type, type Static, type TNumber, type TSchema } from '@sinclair/typebox';
import { ALL_DTYPES } from '../reference/arithmetic.js';
import { AdapterCapabilitiesSchema } from '../adapters/adapter-info-schema.js';
import type { EnvironmentFacts } from '../adapters/adapter.js';

export const REPORT_FORMAT_VERSION = 2;

/** The calibration verdicts (suites/recordings-replay.ts CALIBRATION_VERDICTS), in order of strength. */
export const CALIBRATION_VERDICT_NAMES = ['bit-exact', 'exact-up-to-op-error', 'within', 'outside', 'refused'] as const;

export const CELL_STATUSES = ['pass', 'fail', 'xfail', 'xpass', 'error', 'skip', 'unavailable'] as const;

const Dtype = Type.Union(ALL_DTYPES.map((d) => Type.Literal(d)));
const Mode = Type.Union([Type.Literal('replay'), Type.Literal('closed-loop')]);
const Status = Type.Union(
  CELL_STATUSES.map((s) => Type.Literal(s)),
  {
    description:
      'pass: within tolerance; fail: beyond it; xfail: beyond it and expected to be; xpass: within it although marked expected-to-fail (a failure: update the xfail list); error: the adapter threw, hung or returned garbage; skip: not applicable or deselected, with the reason; unavailable: the adapter cannot run on this machine, with the reason',
  },
);
const SeriesName = Type.Union([Type.Literal('free-running'), Type.Literal('re-anchored')], {
  description:
    'free-running: the adapter runs the whole trajectory on its own (drift); re-anchored: each step starts from the reference state (is one step right?)',
});
const Quantity = Type.Union([Type.Literal('params'), Type.Literal('v'), Type.Literal('m'), Type.Literal('b')], {
  description:
    "what was compared: 'params', or the optimizer state buffer 'v' (second moment), 'm' (centered mean), 'b' (momentum buffer)",
});

/** The whole report schema for a number representation (`num(description)` makes one): plain numbers in memory, encoded numbers in files. */
export function reportSchemaWith<N extends TSchema>(num: (description?: string) => N) {
  const Step = Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: '1-based step, or null when none' });

  const Divergence = Type.Object(
    {
      quantity: Type.String({ description: "'params', 'v', 'm' or 'b'" }),
      step: Type.Integer({ description: '1-based step' }),
      index: Type.Integer({ description: 'element index (-1 for a length mismatch)' }),
      expected: num(),
      actual: num(),
      ulps: num(),
      kind: Type.Union([Type.Literal('ulps'), Type.Literal('non-finite'), Type.Literal('signed-zero'), Type.Literal('length')], {
        description: 'why the element is out of tolerance',
      }),
    },
    { description: 'the first element out of tolerance' },
  );

  const WorstValue = {
    quantity: Quantity,
    step: Type.Integer({ minimum: 1, description: '1-based step of the worst element' }),
    index: Type.Integer({ description: 'element index in the vector (-1 for a length mismatch)' }),
    expected: num('the reference value, in the adapter dtype'),
    got: num(),
    abs: num('|got - expected| (Infinity for a NaN/Inf mismatch)'),
    rel: num('abs / |expected|'),
    ulps: num('ULP distance of got from expected in the dtype (huge where a tiny value crosses zero)'),
    ulpsAtScale: num("|got - expected| in ULPs of max_i |expected_i|: the error measured at the vector's scale"),
    scale: num('max_i |expected_i| over the finite elements of the vector at that step'),
  };
  const Worst = Type.Object(WorstValue, {
    description: 'the element with the largest error at scale (then the largest ULP distance)',
  });
  const WorstOfCell = Type.Object(
    { series: SeriesName, ...WorstValue },
    { description: 'the worst element of the cell over every compared series and quantity' },
  );

  const Series = Type.Object(
    {
      steps: Type.Array(
        Type.Object({
          step: Type.Integer({ minimum: 1 }),
          maxAbs: num(),
          maxRel: num(),
          maxUlp: num(),
          maxUlpAtScale: num(),
          withinTolerance: Type.Boolean(),
        }),
        { description: "per-step maxima; downsampled by the rule in the report's seriesSampling when longer than its maxPoints" },
      ),
      stepsTotal: Type.Optional(
        Type.Integer({ description: 'number of steps before downsampling (present when steps was downsampled)' }),
      ),
      maxAbs: num(),
      maxRel: num(),
      maxUlp: num('largest ULP distance of any element at any step'),
      maxUlpAtScale: num("largest error in ULPs of the vector's scale"),
      firstDivergentStep: Step,
      firstDivergence: Type.Union([Divergence, Type.Null()]),
      worst: Type.Union([Worst, Type.Null()]),
    },
    { description: 'divergence of the implementation from the reference, step by step' },
  );

  const Tolerance = Type.Object({
    ulps: num('largest accepted ULP distance'),
    absFloor: num('differences at or below this are accepted whatever their ULP distance'),
    rtol: Type.Optional(
      num('relative tolerance as torch.testing.assert_close: |got - expected| <= atol + rtol * |expected| also accepts'),
    ),
    atol: Type.Optional(num('absolute tolerance of the rtol/atol mode')),
    signedZero: Type.String({ description: "'strict': +0 vs -0 is a divergence; 'ignore'" }),
    reasons: Type.Array(Type.String(), {
      description: 'the written reasons of the overrides applied (empty: the dtype default)',
    }),
  });

  const ProfileDistance = Type.Object({
    profile: Type.String(),
    maxUlp: num("max ULP distance of the free-running params from that profile's reference (Infinity on NaN/Inf mismatch)"),
    maxUlpAtScale: num(),
    maxRel: num(),
    firstDivergentStep: Step,
  });

  const Cell = Type.Object({
    adapter: Type.String({ description: 'the adapter label (its spec as written)' }),
    case: Type.String({ description: 'case key suite/id' }),
    suite: Type.String(),
    dtype: Dtype,
    mode: Mode,
    status: Status,
    reason: Type.Optional(Type.String()),
    expectedProfile: Type.Optional(
      Type.String({ description: 'the profile the expected trajectory was computed with (claimed profile plus fixed axes)' }),
    ),
    exactness: Type.Optional(
      Type.Union([Type.Literal('bit-exact'), Type.Literal('exact-up-to-op-error'), Type.Literal('inexact')], {
        description:
          "bit-exact: every compared value has the reference's bits; exact-up-to-op-error: every step of the adapter's run, re-anchored on its own state, is reproduced bit for bit by some choice of the results of the ops its profile declares inexact, within their measured bound (neither bit-exact nor a failure); inexact: judged by the ULP tolerance alone",
      }),
    ),
    opErrors: Type.Optional(
      Type.String({
        description:
          "the ops the claimed profile declares inexact in this dtype, with their bounds ('sqrt within 1 ulp (mkl-vml-sqrt)')",
      }),
    ),
    tolerance: Type.Optional(Tolerance),
    worst: Type.Optional(WorstOfCell),
    freeRunning: Type.Optional(Series),
    reanchored: Type.Optional(Type.Union([Series, Type.Null()])),
    reanchoredUnavailable: Type.Optional(Type.String({ description: 'why there is no re-anchored series' })),
    state: Type.Optional(
      Type.Union([Series, Type.Null()], {
        description: 'optimizer state (v, m, b) along the free-running trajectory, where the adapter reads it',
      }),
    ),
    finalLoss: Type.Optional(Type.Object({ expected: num(), actual: num(), gap: num() })),
    slack: Type.Optional(
      Type.Object(
        { toleranceUlps: num(), observedUlps: num(), loose: Type.Boolean() },
        { description: 'tolerance against the largest observed ULP error: where a tolerance is far looser than needed' },
      ),
    ),
    profiles: Type.Optional(
      Type.Array(ProfileDistance, {
        description: 'distance to each canonical profile fed the same gradients (which one does the implementation follow?)',
      }),
    ),
    leak: Type.Optional(Type.String()),
    durationMs: num(),
  });

  const Verdict = Type.Object(
    {
      adapter: Type.String(),
      verdict: Type.Union(
        [
          Type.Literal('pass'),
          Type.Literal('fail'),
          Type.Literal('error'),
          Type.Literal('unavailable'),
          Type.Literal('undecided'),
        ],
        {
          description:
            "pass: every compared cell within tolerance; fail: a cell beyond it, or nothing compared; error: an adapter fault; unavailable: cannot run here; undecided: a shard report without this adapter's cells",
        },
      ),
      reason: Type.String({ description: 'the verdict in words' }),
      counts: Type.Object(
        Object.fromEntries(CELL_STATUSES.map((s) => [s, Type.Integer()])) as Record<
          (typeof CELL_STATUSES)[number],
          ReturnType<typeof Type.Integer>
        >,
      ),
      compared: Type.Integer({ description: 'cells measured (pass, fail, xfail, xpass)' }),
      exactness: Type.Optional(
        Type.Object(
          { 'bit-exact': Type.Integer(), 'exact-up-to-op-error': Type.Integer(), inexact: Type.Integer() },
          { description: 'the compared cells by exactness (see the cell field exactness)' },
        ),
      ),
      maxUlp: Type.Union([num(), Type.Null()], {
        description:
          'largest ULP distance over the compared cells (params and state, both series); null when nothing was compared',
      }),
      maxUlpByDtype: Type.Record(Type.String(), num(), { description: 'the same per dtype' }),
      maxUlpAtScale: Type.Union([num(), Type.Null()], {
        description: "largest error in ULPs of the vector's scale over the compared cells",
      }),
      worst: Type.Union(
        [Type.Composite([WorstOfCell, Type.Object({ case: Type.String(), dtype: Dtype, mode: Mode })]), Type.Null()],
        { description: 'the worst element over the compared cells' },
      ),
    },
    { description: "one adapter's verdict, decided by the runner: renderers print it, none recomputes it" },
  );

  const Axis = Type.Object({
    axis: Type.String({ description: "an arithmetic axis (epsPlacement, ...) or a hyperparameter default ('eps default')" }),
    a: Type.String({ description: "A's value" }),
    b: Type.String({ description: "B's value" }),
    closes: num('fraction of the gap closed by flipping this axis alone in A towards B (1 closes it, negative widens it)'),
    alone: num("the gap left when this axis is the only difference (B with A's value on it)"),
    rank: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description: 'position in the chain of flips that closes the gap, null when not needed',
    }),
    gapAfter: Type.Union([num(), Type.Null()], { description: 'the A-B gap left after the chain up to this flip' }),
    responsible: Type.Boolean({ description: 'part of the chain that closes the gap' }),
  });

  const Comparison = Type.Object(
    {
      id: Type.String({ description: 'comparison id: anchor of its chart' }),
      a: Type.String(),
      b: Type.String(),
      dtype: Dtype,
      inputs: Type.String({ description: 'what both ran on (problem or stream, x0, steps, shared settings)' }),
      firstDivergentStep: Step,
      finalParamGap: num(),
      finalLossGap: Type.Union([num(), Type.Null()]),
      firstStep: Type.Object({ a: Type.Array(num()), b: Type.Array(num()) }, { description: 'params after step 1 on each side' }),
      gapOverSteps: Type.Array(Type.Object({ step: Type.Integer(), gap: num() }), {
        description: 'max |a - b| over the elements, per step (downsampled by seriesSampling)',
      }),
      axes: Type.Array(Axis, {
        description:
          'every axis on which A and B differ; closes: fraction of the gap closed by flipping it in A towards B; alone: gap left when it is the only difference',
      }),
      responsible: Type.Array(Type.String()),
      names: Type.Array(
        Type.Object({
          hyperparameter: Type.String(),
          a: Type.Union([Type.String(), Type.Null()]),
          b: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
    },
    { description: 'how two implementations differ on identical inputs (`rmsprop-harness compare`)' },
  );

  const Differences = Type.Object(
    {
      dtype: Dtype,
      profiles: Type.Array(Type.String()),
      rule: Type.String({ description: 'how a matrix entry is made from the cases' }),
      matrix: Type.Array(
        Type.Object({
          a: Type.String(),
          b: Type.String(),
          cases: Type.Integer({ description: 'cases both profiles can express' }),
          diverging: Type.Integer({ description: 'cases where they diverge' }),
          firstDivergentStep: Step,
          finalGap: num(),
          worstCase: Type.Union([Type.String(), Type.Null()]),
          responsible: Type.Array(Type.String()),
          comparison: Type.Union([Type.String(), Type.Null()], { description: 'id of the comparison of the worst case' }),
        }),
      ),
      comparisons: Type.Array(Comparison),
      naming: Type.Array(
        Type.Object({
          hyperparameter: Type.String(),
          names: Type.Record(Type.String(), Type.String(), {
            description: "profile -> its own name for it ('' when it has none)",
          }),
          traps: Type.Array(Type.String(), { description: 'one word meaning different things' }),
        }),
      ),
    },
    { description: 'how the frameworks differ: profiles x profiles over the suites, computed at run time' },
  );

  const ProfilePaths = Type.Object(
    {
      case: Type.String(),
      paths: Type.Array(Type.Object({ profiles: Type.Array(Type.String()), points: Type.Array(Type.Array(num())) }), {
        description: 'float64 params path (x0, then each step) of each group of canonical profiles that follow it exactly',
      }),
      excluded: Type.Array(Type.Object({ profile: Type.String(), reason: Type.String() })),
      box: Type.Optional(
        Type.Object(
          { x: Type.Array(num()), y: Type.Array(num()) },
          { description: 'the plotted region: x0 and the minimum, widened towards the paths' },
        ),
      ),
      minimum: Type.Optional(Type.Union([Type.Array(num()), Type.Null()])),
      contours: Type.Optional(
        Type.Array(Type.Object({ level: num(), points: Type.Array(Type.Array(num())) }), {
          description: 'log-spaced float64 loss contours over the box (5 significant digits)',
        }),
      ),
    },
    { description: 'chart data computed at run time: renderers never run trajectories or evaluate losses' },
  );

  const AdapterEntry = Type.Object({
    label: Type.String({ description: 'the adapter spec as written' }),
    short: Type.String({ description: 'display label: id plus a short hash of the spec when it has options' }),
    id: Type.String(),
    version: Type.String(),
    describe: Type.String(),
    claims: Type.String({ description: "the profile it claims to implement, or 'unknown'" }),
    available: Type.Boolean(),
    reason: Type.Optional(Type.String()),
    probeFailed: Type.Optional(
      Type.Boolean({ description: 'the probe threw, hung or crashed its worker: its cells are errors, not unavailable' }),
    ),
    facts: Type.Unsafe<EnvironmentFacts>(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    capabilities: AdapterCapabilitiesSchema,
  });

  const Environment = Type.Object({
    harness: Type.String(),
    node: Type.String(),
    platform: Type.String(),
    arch: Type.String(),
    cpu: Type.String(),
    cores: Type.Integer(),
    memoryGiB: Type.Number(),
  });

  const Summary = Type.Object({
    ...(Object.fromEntries(CELL_STATUSES.map((s) => [s, Type.Integer()])) as Record<
      (typeof CELL_STATUSES)[number],
      ReturnType<typeof Type.Integer>
    >),
    exitCode: Type.Integer({
      description: '0 every adapter passed (or is unavailable and not required), 1 a failure or error, 130 interrupted',
    }),
  });

  const CalibrationVerdict = Type.Union(
    CALIBRATION_VERDICT_NAMES.map((v) => Type.Literal(v)),
    {
      description:
        'bit-exact: every parameter of every step has the same bits; exact-up-to-op-error: not bit-exact, but every step re-anchored on the recorded state is reproduced bit for bit by some choice of the results of the ops the profile declares inexact, within their measured bound; within: normwise relative error of every step within the tolerance; outside: beyond it; refused: the reference cannot replay it, with the reason',
    },
  );
  const VerdictCounts = Type.Object(
    Object.fromEntries(CALIBRATION_VERDICT_NAMES.map((v) => [v, Type.Integer()])) as Record<
      (typeof CALIBRATION_VERDICT_NAMES)[number],
      ReturnType<typeof Type.Integer>
    >,
  );
  const Recordings = Type.Object(
    {
      total: Type.Integer(),
      counts: VerdictCounts,
      byFramework: Type.Record(Type.String(), VerdictCounts, { description: 'counts per recorded framework id' }),
      tolerance: Type.Record(Type.String(), num(), {
        description: 'normwise relative tolerance per dtype (per element for the edge streams)',
      }),
      moved: Type.Array(
        Type.Object({
          file: Type.String(),
          expected: Type.Union([CalibrationVerdict, Type.Literal('missing')]),
          actual: Type.Union([CalibrationVerdict, Type.Literal('missing')]),
        }),
        {
          description: 'files whose verdict is not the one stated in suites/recordings/expected-verdicts.json: any fails the run',
        },
      ),
      files: Type.Array(
        Type.Object({
          file: Type.String(),
          framework: Type.String(),
          dtype: Type.String(),
          verdict: CalibrationVerdict,
          stated: Type.Union([CalibrationVerdict, Type.Literal('missing')]),
          opErrors: Type.Optional(Type.String({ description: 'the declared inexact ops and bounds the file is exact up to' })),
          command: Type.String({ description: 'the rmsprop-harness trajectory command line that replays it' }),
        }),
      ),
      durationMs: num(),
    },
    {
      description:
        'the calibration recordings (runs recorded from torch, Keras, TF, optax, tfjs) replayed through the reference: how the reference compares with real framework runs',
    },
  );

  const Report = Type.Object(
    {
      format: Type.Literal('rmsprop-harness/conformance'),
      formatVersion: Type.Literal(REPORT_FORMAT_VERSION),
      generatedAt: Type.String(),
      complete: Type.Boolean({ description: 'false when the run was interrupted before every planned cell ran' }),
      environment: Environment,
      selection: Type.Object({
        adapters: Type.Array(Type.String()),
        suites: Type.Array(Type.String()),
        dtypes: Type.Array(Dtype),
        modes: Type.Array(Mode),
        shard: Type.Optional(Type.String()),
        matrix: Type.Optional(
          Type.Array(
            Type.Object({
              adapter: Type.String(),
              dtypes: Type.Array(Dtype),
              cases: Type.Optional(
                Type.Array(Type.String(), {
                  description: 'the case keys of an adapter that brings its own cases (recorded runs)',
                }),
              ),
            }),
            {
              description:
                "each adapter's row of the cell matrix (adapter x case x dtype x mode): its dtypes (bfloat16/float16 join the adapters that declare them when no dtypes are asked) and, where it brings them, its own cases; the same in every shard, so `report merge` rebuilds the plan",
            },
          ),
        ),
        required: Type.Optional(
          Type.Array(Type.String(), {
            description: 'adapters that must be compared (--require): one unavailable, erroring or not compared fails the run',
          }),
        ),
      }),
      seriesSampling: Type.Object(
        { maxPoints: Type.Integer(), rule: Type.String() },
        { description: 'how per-step series longer than maxPoints were downsampled' },
      ),
      adapters: Type.Array(AdapterEntry),
      cases: Type.Array(
        Type.Object({
          key: Type.String(),
          suite: Type.String(),
          describe: Type.String(),
          steps: Type.Integer(),
          source: Type.String(),
        }),
      ),
      cells: Type.Array(Cell),
      verdicts: Type.Array(Verdict),
      differences: Type.Optional(Differences),
      profilePaths: Type.Optional(Type.Array(ProfilePaths)),
      recordings: Type.Optional(Recordings),
      summary: Summary,
    },
    { $id: 'https://rmsprop-harness.dev/schemas/conformance-report.schema.json', title: 'rmsprop-harness conformance report' },
  );
  return {
    Report,
    Cell,
    Series,
    Worst,
    WorstOfCell,
    Divergence,
    Verdict,
    AdapterEntry,
    Environment,
    Comparison,
    Differences,
    ProfilePaths,
    ProfileDistance,
    Recordings,
  };
}

type Schemas = ReturnType<typeof reportSchemaWith<TNumber>>;

export type ConformanceReport = Static<Schemas['Report']>;
export type Cell = Static<Schemas['Cell']>;
export type CellStatus = (typeof CELL_STATUSES)[number];
export type Series = Static<Schemas['Series']>;
export type StepError = Series['steps'][number];
export type ElementDivergence = Static<Schemas['Divergence']>;
export type WorstError = Static<Schemas['Worst']>;
export type CellWorst = Static<Schemas['WorstOfCell']>;
export type AdapterVerdict = Static<Schemas['Verdict']>;
export type AdapterEntry = Static<Schemas['AdapterEntry']>;
export type Environment = Static<Schemas['Environment']>;
export type ProfileDistance = Static<Schemas['ProfileDistance']>;
export type Comparison = Static<Schemas['Comparison']>;
export type Differences = Static<Schemas['Differences']>;
export type ProfilePathsEntry = Static<Schemas['ProfilePaths']>;
export type RecordingsSection = Static<Schemas['Recordings']>;

/** The schemas of the in-memory report (numbers are numbers): the source of the types above. */
export const REPORT_SCHEMAS: Schemas = reportSchemaWith((description?: string) =>
  Type.Number(description ? { description } : {}),
);
