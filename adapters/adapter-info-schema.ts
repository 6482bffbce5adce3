// What an adapter declares about itself (AdapterInfo), as a TypeBox schema: the definition the
// TypeScript types are derived from (Static<>), every field described here, and the schema the
// conformance report embeds for an adapter's capabilities. Fields typed by other modules (axes,
// cases) keep their module's type through Type.Unsafe, with a schema as precise as the data allows.

import { Type, type Static } from '@sinclair/typebox';
import { ALL_DTYPES, type Dtype } from '../reference/arithmetic.js';
import { AXES, HYPERPARAMETERS, type Axes, type Hyperparameters } from '../reference/variant.js';
import type { CaseSpec } from '../suites/case.js';

const DtypeSchema = Type.Unsafe<Dtype>(Type.Union(ALL_DTYPES.map((d) => Type.Literal(d))));
const AxisName = Type.Union(AXES.map((a) => Type.Literal(a.name)));
const HyperparameterName = Type.Union(HYPERPARAMETERS.map((h) => Type.Literal(h.name)));

/** An axis value: one of the axis's values, a boolean, or a list (float32Hyperparameters, fma). */
const AxisValue = Type.Union([Type.String(), Type.Boolean(), Type.Array(Type.String())]);

export const AdapterCapabilitiesSchema = Type.Object(
  {
    dtypes: Type.Unsafe<readonly Dtype[]>(
      Type.Array(DtypeSchema, { description: 'Storage dtypes the implementation can step.' }),
    ),
    devices: Type.Unsafe<readonly string[]>(
      Type.Array(Type.String(), { description: "Devices it runs on ('cpu', 'gpu', 'wasm', 'external', ...)." }),
    ),
    hyperparameters: Type.Unsafe<readonly (keyof Hyperparameters)[]>(
      Type.Array(HyperparameterName, {
        description:
          'Canonical hyperparameters the implementation accepts; any other must keep its neutral value (momentum 0, centered false, ...).',
      }),
    ),
    configurableAxes: Type.Unsafe<readonly (keyof Axes)[] | 'all'>(
      Type.Union([Type.Array(AxisName), Type.Literal('all')], {
        description: 'Axes the implementation can be configured on; every other axis is fixed to its claimed profile value.',
      }),
    ),
    loadState: Type.Boolean({
      description: 'Whether params and optimizer state can be loaded before a step (needed for re-anchored metrics).',
    }),
    readState: Type.Boolean({ description: 'Whether the optimizer state (v, m, b) can be read back.' }),
    unsupportedDtypes: Type.Optional(
      Type.Unsafe<Readonly<Partial<Record<Dtype, string>>>>(
        Type.Record(Type.String(), Type.String(), {
          description: 'Dtypes the implementation cannot step, each with the reason (shown on its unsupported cells).',
        }),
      ),
    ),
  },
  { description: 'What an adapter can be asked to do, as data the runner reads to build the coverage matrix.' },
);

export const ToleranceOverrideSchema = Type.Object(
  {
    case: Type.Optional(Type.String({ description: 'Case key (suite/id) the override applies to; every case when absent.' })),
    dtype: Type.Optional(Type.Unsafe<Dtype>({ ...DtypeSchema, description: 'Dtype it applies to; both when absent.' })),
    ulps: Type.Optional(Type.Number({ minimum: 0, description: 'ULP tolerance replacing the dtype default.' })),
    absFloor: Type.Optional(Type.Number({ minimum: 0, description: 'Absolute error below which any ULP distance passes.' })),
    signedZero: Type.Optional(
      Type.Union([Type.Literal('strict'), Type.Literal('ignore')], { description: 'Whether -0 vs +0 counts as a mismatch.' }),
    ),
    reason: Type.String({ description: 'The written reason the implementation needs it.' }),
  },
  { description: 'A tolerance the implementation needs beyond the dtype defaults.' },
);

export const AdapterInfoSchema = Type.Object(
  {
    id: Type.String({ description: "Adapter id, as given on the command line ('ts-f64', 'tfjs', ...)." }),
    version: Type.String({
      description: "The implementation's version (package version, or the harness version for built-in kernels).",
    }),
    describe: Type.String({ description: 'One line saying what the implementation is.' }),
    claims: Type.String({ description: "Profile spec the implementation claims to follow ('torch', 'tfjs@4'), or 'unknown'." }),
    fixedAxes: Type.Optional(
      Type.Unsafe<Partial<Axes>>(
        Type.Object(Object.fromEntries(AXES.map((a) => [a.name, Type.Optional(AxisValue)])), {
          additionalProperties: false,
          description:
            "Axis values the implementation always has whatever it claims (an ONNX graph has no FMA): applied on top of the claimed profile when the runner computes the expected trajectory, so float32 is compared against the reference in the implementation's own operation order.",
        }),
      ),
    ),
    toleranceOverrides: Type.Optional(
      Type.Unsafe<readonly Static<typeof ToleranceOverrideSchema>[]>(
        Type.Array(ToleranceOverrideSchema, {
          description: 'Tolerances this implementation needs beyond the dtype defaults, each with its written reason.',
        }),
      ),
    ),
    capabilities: AdapterCapabilitiesSchema,
    cases: Type.Optional(
      Type.Unsafe<readonly CaseSpec[]>(
        Type.Array(Type.Object({}, { additionalProperties: true }), {
          description:
            "Cases the adapter brings itself (a recorded run replays only its own gradients): when present, conform runs these for the adapter instead of the selected suites' cases (suites/case.ts).",
        }),
      ),
    ),
  },
  { description: 'What an adapter declares about itself.' },
);

export type AdapterCapabilities = Static<typeof AdapterCapabilitiesSchema>;
export type AdapterInfo = Static<typeof AdapterInfoSchema>;
