// Finding or building the compiled kernel modules (see compile.ts), once per process: the RMSprop
// kernels (assembly/rmsprop.as) and, as a separate pair of modules, the memory-bandwidth probes of
// the benchmark's roofline (assembly/bandwidth.as).

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WA, type WasmModule } from './webassembly.js';
import {
  ascVersion,
  buildHash,
  compileKernel,
  packageRoot,
  readKernelSource,
  WASM_FILES,
  wasmOutputDir,
  type WasmBuildKind,
  type WasmManifest,
} from './compile.js';

export interface LoadedModule {
  module: WasmModule;
  /** 'prebuilt' (dist/wasm, hash matched) or 'compiled' (in process, then cached to dist/wasm). */
  origin: 'prebuilt' | 'compiled';
  hash: string;
}

const cache = new Map<WasmBuildKind, Promise<LoadedModule>>();
const bandwidthCache = new Map<WasmBuildKind, Promise<LoadedModule>>();

/** The bandwidth probes' binaries, per build kind (same compiler options as the kernels'). */
export const BANDWIDTH_FILES: Record<WasmBuildKind, string> = { plain: 'bandwidth.wasm', shared: 'bandwidth-shared.wasm' };

export function bandwidthSourcePath(root = packageRoot()): string {
  return join(root, 'adapters', 'wasm', 'assembly', 'bandwidth.as');
}

function readBandwidthSource(root = packageRoot()): string {
  return readFileSync(bandwidthSourcePath(root), 'utf8');
}

/** Each binary has a sidecar '<file>.hash' with the build hash it was compiled from. */
function readHash(file: string): string | null {
  try {
    return readFileSync(`${file}.hash`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Writes a file atomically (parallel test workers may race on the cache). */
function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Builds both modules and writes them with their manifest into dir (the build script and the cache). */
export async function buildAll(dir = wasmOutputDir()): Promise<WasmManifest> {
  const root = packageRoot();
  const source = readKernelSource(root);
  mkdirSync(dir, { recursive: true });
  const hash = buildHash(source);
  for (const kind of Object.keys(WASM_FILES) as WasmBuildKind[]) {
    const file = join(dir, WASM_FILES[kind]);
    writeAtomic(file, await compileKernel(kind, source));
    writeAtomic(`${file}.hash`, hash + '\n');
  }
  const bandwidth = readBandwidthSource(root);
  const bandwidthHash = buildHash(bandwidth);
  for (const kind of Object.keys(BANDWIDTH_FILES) as WasmBuildKind[]) {
    const file = join(dir, BANDWIDTH_FILES[kind]);
    writeAtomic(file, await compileKernel(kind, bandwidth));
    writeAtomic(`${file}.hash`, bandwidthHash + '\n');
  }
  const manifest: WasmManifest = { hash, asc: ascVersion(root), files: WASM_FILES, builtAt: new Date().toISOString() };
  writeAtomic(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

async function load(kind: WasmBuildKind, source: string, fileName: string): Promise<LoadedModule> {
  const root = packageRoot();
  const hash = buildHash(source);
  const file = join(wasmOutputDir(root), fileName);
  if (readHash(file) === hash && existsSync(file)) {
    return { module: await WA.compile(readFileSync(file)), origin: 'prebuilt', hash };
  }
  const binary = await compileKernel(kind, source);
  try {
    // Cache for the next process (dist/ is build output).
    mkdirSync(wasmOutputDir(root), { recursive: true });
    writeAtomic(file, binary);
    writeAtomic(`${file}.hash`, hash + '\n');
  } catch {
    // read-only install: compiled in memory only
  }
  return { module: await WA.compile(binary), origin: 'compiled', hash };
}

/** The compiled module of a build kind, cached per process. */
export function loadKernelModule(kind: WasmBuildKind = 'plain'): Promise<LoadedModule> {
  return cached(cache, kind, () => load(kind, readKernelSource(), WASM_FILES[kind]));
}

/** The compiled bandwidth-probe module (triad, copy, sum) of a build kind, cached per process. */
export function loadBandwidthModule(kind: WasmBuildKind = 'plain'): Promise<LoadedModule> {
  return cached(bandwidthCache, kind, () => load(kind, readBandwidthSource(), BANDWIDTH_FILES[kind]));
}

function cached(
  map: Map<WasmBuildKind, Promise<LoadedModule>>,
  kind: WasmBuildKind,
  make: () => Promise<LoadedModule>,
): Promise<LoadedModule> {
  let p = map.get(kind);
  if (!p) {
    p = make();
    p.catch(() => map.delete(kind));
    map.set(kind, p);
  }
  return p;
}
