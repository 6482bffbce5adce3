// The adapter registry: a new adapter is one file plus one line here.
import { InputError } from '../reference/errors.js';
import { suggest } from '../reference/suggest.js';
import type { Adapter, AdapterFactory, AdapterOptions } from './adapter.js';
import { externalAdapterFactory } from './external/external-adapter.js';
import { moduleAdapterFactory, moduleHarness } from './module-adapter.js';
import { tsBf16, tsF16, tsF32, tsF64 } from './native/typed-array-adapter.js';
import { onnxruntimeAdapter } from './onnxruntime.js';
import { recordedAdapterFactory } from './recorded.js';
import { tfjsCpuAdapterFactory } from './tfjs/cpu.js';
import { tfjsNodeAdapterFactory } from './tfjs/node.js';
import { tfjsWasmAdapterFactory } from './tfjs/wasm.js';
import { tfjsWebgpuAdapterFactory } from './tfjs/webgpu.js';
import { wasmSimd } from './wasm-simd.js';
import { webgpu } from './webgpu.js';

export const ADAPTER_FACTORIES: readonly AdapterFactory[] = [
  tsF64,
  tsF32,
  tsBf16,
  tsF16,
  onnxruntimeAdapter,
  tfjsCpuAdapterFactory,
  tfjsWasmAdapterFactory,
  tfjsWebgpuAdapterFactory,
  tfjsNodeAdapterFactory,
  webgpu,
  wasmSimd,
  externalAdapterFactory,
  recordedAdapterFactory,
  moduleAdapterFactory(moduleHarness((spec) => createAdapter(parseAdapterSpec(spec)))),
];

export interface AdapterSpec {
  id: string;
  options: AdapterOptions;
  /** The spec as written, used as the adapter's label in reports when it has options. */
  label: string;
}

/** 'ts-f32' or 'ts-f32:profile=keras,epsPlacement=inside' */
export function parseAdapterSpec(spec: string): AdapterSpec {
  const colon = spec.indexOf(':');
  const id = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const options: Record<string, string> = {};
  if (colon >= 0) {
    for (const part of spec.slice(colon + 1).split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw new InputError(`adapter '${spec}': option '${part}' is not key=value`);
      options[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
  }
  findFactory(id);
  return { id, options, label: spec.trim() };
}

export function findFactory(id: string): AdapterFactory {
  const f = ADAPTER_FACTORIES.find((a) => a.id === id);
  if (!f) {
    const ids = ADAPTER_FACTORIES.map((a) => a.id);
    throw new InputError(`unknown adapter '${id}'${suggest(id, ids)}; known: ${ids.join(', ')}`);
  }
  return f;
}

export function createAdapter(spec: AdapterSpec): Adapter {
  return findFactory(spec.id).create(spec.options);
}
