// An implementation written as a JS/TS module, loaded at run time: `module:path=./my-rmsprop.js`.
// The module's default export is an Adapter, or a function (options, harness) returning one; the
// harness argument lets a module refuse a case (harness.unsupported) and wrap a built-in adapter
// (fault injection, instrumentation) without importing the harness's internals.
// Loading happens in probe(), inside the worker process that will run the cells. The harness is
// handed to the factory by the registry, so this file does not import the registry back.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { ALL_DTYPES } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { findProfile } from '../reference/registry.js';
import { HARNESS_VERSION } from '../reference/version.js';
import { firstSchemaError } from '../suites/schema.js';
import { importDefault } from './import-module.js';
import {
  UnsupportedCaseError,
  unsupportedReason,
  type Adapter,
  type AdapterBenchRequest,
  type AdapterCase,
  type AdapterFactory,
  type AdapterInfo,
  type AdapterOptions,
  type Availability,
} from './adapter.js';
import { normaliseDeclaredAxes } from './declared-axes.js';

export interface ModuleAdapterHarness {
  /** Creates a built-in adapter from a spec ('ts-f64:profile=keras'), e.g. to wrap it. */
  createAdapter(spec: string): Adapter;
  /**
   * Refuses the case being prepared: call it (or `throw harness.unsupported(...)`) from prepare();
   * the cell is skipped with this reason, not failed.
   */
  unsupported(reason: string): never;
}

export type ModuleAdapterExport =
  Adapter | ((options: AdapterOptions, harness: ModuleAdapterHarness) => Adapter | Promise<Adapter>);

// Every storage dtype the reference steps: bfloat16/float16 values travel as the exact double of the
// 16-bit value (x0, gradients, and the params/state read back), as for ts-bf16 and the external protocol.
const DTYPE = Type.Union(ALL_DTYPES.map((d) => Type.Literal(d)));
const INFO_SCHEMA = Type.Object({
  id: Type.String({ minLength: 1 }),
  version: Type.String(),
  describe: Type.String(),
  claims: Type.String({ minLength: 1 }),
  fixedAxes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  toleranceOverrides: Type.Optional(
    Type.Array(
      Type.Object({
        case: Type.Optional(Type.String()),
        dtype: Type.Optional(DTYPE),
        ulps: Type.Optional(Type.Number({ minimum: 0 })),
        absFloor: Type.Optional(Type.Number({ minimum: 0 })),
        signedZero: Type.Optional(Type.Union([Type.Literal('strict'), Type.Literal('ignore')])),
        reason: Type.String({ minLength: 10 }),
      }),
    ),
  ),
  capabilities: Type.Object({
    dtypes: Type.Array(DTYPE, { minItems: 1 }),
    devices: Type.Array(Type.String()),
    hyperparameters: Type.Array(Type.String()),
    configurableAxes: Type.Union([Type.Literal('all'), Type.Array(Type.String())]),
    loadState: Type.Boolean(),
    readState: Type.Boolean(),
    unsupportedDtypes: Type.Optional(
      Type.Object(Object.fromEntries(ALL_DTYPES.map((d) => [d, Type.Optional(Type.String({ minLength: 1 }))])), {
        additionalProperties: false,
      }),
    ),
  }),
});

const PLACEHOLDER_INFO: AdapterInfo = {
  id: 'module',
  version: HARNESS_VERSION,
  describe: 'an adapter loaded from a module (not loaded yet)',
  claims: 'unknown',
  capabilities: {
    dtypes: ['float32', 'float64'],
    devices: ['cpu'],
    hyperparameters: [],
    configurableAxes: [],
    loadState: false,
    readState: false,
  },
};

function moduleAdapter(options: AdapterOptions, harness: ModuleAdapterHarness): Adapter {
  const { path, ...rest } = options;
  if (!path) throw new InputError("adapter 'module': give the module's path, e.g. module:path=./my-rmsprop.js");
  const file = resolve(path);
  if (!existsSync(file)) throw new InputError(`adapter 'module': ${path}: no such file`);
  if (!statSync(file).isFile()) throw new InputError(`adapter 'module': ${path}: is a directory, not a module file`);
  let loaded: Adapter | null = null;
  return {
    get info() {
      return loaded?.info ?? PLACEHOLDER_INFO;
    },
    async probe(): Promise<Availability> {
      const exported = (await importDefault(file)) as ModuleAdapterExport | undefined;
      if (!exported)
        return { available: false, reason: `${path} has no default export (an Adapter or a function returning one)` };
      const adapter = typeof exported === 'function' ? await exported(rest, harness) : exported;
      const problem = firstSchemaError(INFO_SCHEMA, adapter?.info);
      if (problem) return { available: false, reason: `${path}: adapter info ${problem}` };
      if (typeof adapter.probe !== 'function' || typeof adapter.prepare !== 'function')
        return { available: false, reason: `${path}: the adapter needs probe() and prepare() functions` };
      // A claim the harness cannot resolve is the module's bug: thrown, so its cells fail with the reason.
      if (adapter.info.claims !== 'unknown') findProfile(adapter.info.claims);
      if (adapter.info.fixedAxes) {
        // `fma: 'off'` as --set writes it, checked against the axis list: a typo is the module's bug.
        const claimed = adapter.info.claims === 'unknown' ? 'numpy-tutorial' : adapter.info.claims;
        try {
          adapter.info.fixedAxes = normaliseDeclaredAxes(adapter.info.fixedAxes, claimed);
        } catch (e) {
          throw new Error(`${path}: adapter info ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      loaded = adapter;
      return adapter.probe();
    },
    async prepare(c: AdapterCase) {
      if (!loaded) throw new Error('module adapter used before probe()');
      // The declared capabilities are honoured before the module sees the case (as identify does).
      const reason = unsupportedReason(loaded.info, c);
      if (reason) throw new UnsupportedCaseError(reason);
      return loaded.prepare(c);
    },
    async close() {
      await loaded?.close?.();
    },
    // The optional bench capability, when the module's adapter has one.
    get bench() {
      const inner = loaded;
      return inner?.bench ? (request: AdapterBenchRequest) => inner.bench!(request) : undefined;
    },
  };
}

/** The harness a module receives, built on the registry's createAdapter. */
export function moduleHarness(createAdapter: (spec: string) => Adapter): ModuleAdapterHarness {
  return {
    createAdapter,
    unsupported(reason: string): never {
      throw new UnsupportedCaseError(reason);
    },
  };
}

/** The `module` adapter factory; the registry passes the harness in (no import cycle). */
export function moduleAdapterFactory(harness: ModuleAdapterHarness): AdapterFactory {
  return {
    id: 'module',
    describe: 'an implementation in a JS/TS module of your own: module:path=./my-rmsprop.js[,key=value...]',
    inDefaultRun: false,
    create: (options) => moduleAdapter(options, harness),
  };
}
