// The config file (rmsprop-harness.config.json or .ts): what a team commits once instead of
// repeating flags: adapters, suites, selection rules, tolerance overrides with their reasons.
// Validated with its published JSON Schema (schemas/config.schema.json), then checked for meaning.

import { Type, type Static } from '@sinclair/typebox';
import { ALL_DTYPES } from '../reference/arithmetic.js';
import { parseAdapterSpec } from '../adapters/registry.js';
import { InputError } from '../reference/errors.js';
import { firstSchemaError } from '../suites/schema.js';
import { SUITES } from '../suites/suites.js';
import type { ConformanceOptions } from './run-conformance.js';
import type { SelectionRule } from './selection.js';
import { validateOverride } from './tolerance.js';
import { MAX_TIMEOUT_SECONDS } from './cell-executor.js';

const Dtype = Type.Union(ALL_DTYPES.map((d) => Type.Literal(d)));
const Pattern = Type.String({ minLength: 1, description: "glob with '*'" });
const Reason = Type.String({ minLength: 10, description: 'why, in a sentence' });

const Rule = Type.Object(
  { adapter: Pattern, case: Type.Optional(Pattern), dtype: Type.Optional(Dtype), reason: Type.Optional(Reason) },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    adapters: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description:
          "adapter specs: 'ts-f32', 'ts-f32:profile=keras', 'external:command=python3 my_rmsprop.py', 'module:path=./my-rmsprop.js'",
      }),
    ),
    require: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'adapters (id or label) that must be compared: one that is unavailable or errors fails the run (exit 1)',
      }),
    ),
    suites: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    cases: Type.Optional(Type.Array(Pattern, { minItems: 1, description: "case patterns: 'problems/*', 'edge/nan-at'" })),
    dtypes: Type.Optional(Type.Array(Dtype, { minItems: 1 })),
    modes: Type.Optional(Type.Array(Type.Union([Type.Literal('replay'), Type.Literal('closed-loop')]), { minItems: 1 })),
    exclude: Type.Optional(Type.Array(Rule, { description: 'cells not run (reported as skipped with the reason)' })),
    xfail: Type.Optional(
      Type.Array(Type.Composite([Rule, Type.Object({ reason: Reason })], { additionalProperties: false }), {
        description: 'cells expected to fail: each needs a reason',
      }),
    ),
    tolerances: Type.Optional(
      Type.Array(
        Type.Object(
          {
            adapter: Pattern,
            case: Type.Optional(Pattern),
            dtype: Type.Optional(Dtype),
            ulps: Type.Optional(Type.Number({ minimum: 0 })),
            absFloor: Type.Optional(Type.Number({ minimum: 0 })),
            signedZero: Type.Optional(Type.Union([Type.Literal('strict'), Type.Literal('ignore')])),
            rtol: Type.Optional(
              Type.Number({
                minimum: 0,
                description:
                  'assert_close mode: also accept |got - expected| <= atol + rtol * |expected| (torch float32 default 1.3e-6)',
              }),
            ),
            atol: Type.Optional(
              Type.Number({ minimum: 0, description: 'assert_close mode: absolute part (torch float32 default 1e-5)' }),
            ),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        { description: 'tolerance overrides, each with its written reason' },
      ),
    ),
    compareProfiles: Type.Optional(Type.Boolean()),
    cellTimeoutSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_TIMEOUT_SECONDS })),
    jobs: Type.Optional(Type.Integer({ minimum: 1 })),
    isolation: Type.Optional(Type.Union([Type.Literal('process'), Type.Literal('in-process')])),
    out: Type.Optional(Type.String({ minLength: 1, description: 'directory for the reports' })),
    formats: Type.Optional(
      Type.Array(Type.Union([Type.Literal('json'), Type.Literal('md'), Type.Literal('junit'), Type.Literal('html')]), {
        minItems: 1,
      }),
    ),
  },
  { additionalProperties: false, title: 'rmsprop-harness config' },
);

export type HarnessConfig = Static<typeof ConfigSchema>;

/** Identity with types: `export default defineConfig({ ... })` in rmsprop-harness.config.ts. */
export function defineConfig(config: HarnessConfig): HarnessConfig {
  return config;
}

/** Checks shape and meaning; every problem is one InputError line naming the source and the field. */
export function validateConfig(value: unknown, source: string): HarnessConfig {
  const problem = firstSchemaError(ConfigSchema, value);
  if (problem) throw new InputError(`config ${source}: ${problem}`);
  const config = value as HarnessConfig;
  const at = (field: string, e: unknown) => new InputError(`config ${source}: ${field}: ${(e as Error).message}`);
  config.adapters?.forEach((spec, i) => {
    try {
      parseAdapterSpec(spec);
    } catch (e) {
      throw at(`/adapters/${i}`, e);
    }
  });
  config.suites?.forEach((s, i) => {
    if (!SUITES[s])
      throw new InputError(`config ${source}: /suites/${i}: unknown suite '${s}'; known: ${Object.keys(SUITES).join(', ')}`);
  });
  config.tolerances?.forEach((o, i) => {
    try {
      validateOverride(o, `/tolerances/${i}`);
    } catch (e) {
      throw new InputError(`config ${source}: ${(e as Error).message}`);
    }
  });
  return config;
}

/** The run options a config describes (the CLI lays its flags over these). */
export function configToOptions(config: HarnessConfig): Partial<ConformanceOptions> {
  // Built field by field: adapter labels may contain ':' ('ts-f32:profile=keras'), the rule syntax cannot.
  const rules = (list: HarnessConfig['exclude']): SelectionRule[] =>
    (list ?? []).map((r) => ({
      adapter: r.adapter,
      case: r.case ?? '*',
      dtype: r.dtype ?? '*',
      ...(r.reason ? { reason: r.reason } : {}),
    }));
  return {
    ...(config.adapters ? { adapters: config.adapters } : {}),
    ...(config.require ? { require: config.require } : {}),
    ...(config.suites ? { suites: config.suites } : {}),
    ...(config.cases ? { cases: config.cases } : {}),
    ...(config.dtypes ? { dtypes: config.dtypes } : {}),
    ...(config.modes ? { modes: config.modes } : {}),
    ...(config.exclude ? { exclude: rules(config.exclude) } : {}),
    ...(config.xfail ? { xfail: rules(config.xfail) } : {}),
    ...(config.tolerances ? { overrides: config.tolerances } : {}),
    ...(config.compareProfiles !== undefined ? { compareProfiles: config.compareProfiles } : {}),
    ...(config.cellTimeoutSeconds !== undefined ? { cellTimeoutMs: config.cellTimeoutSeconds * 1000 } : {}),
    ...(config.jobs !== undefined ? { jobs: config.jobs } : {}),
    ...(config.isolation ? { isolation: config.isolation } : {}),
  };
}
