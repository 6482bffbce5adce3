// Finding or building the compiled kernel modules (see compile.ts), once per process.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WA, type WasmModule } from './webassembly.js';
import { ascVersion, buildHash, compileKernel, packageRoot, readKernelSource, WASM_FILES, wasmOutputDir, type WasmBuildKind, type WasmManifest } from './compile.js';

export interface LoadedModule {
  module: WasmModule;
  /** 'prebuilt' (dist/wasm, hash matched) or 'compiled' (in process, then cached to dist/wasm). */
  origin: 'prebuilt' | 'compiled';
  hash: string;
}

const cache = new Map<WasmBuildKind, Promise<LoadedModule>>();

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
  const manifest: WasmManifest = { hash, asc: ascVersion(root), files: WASM_FILES, builtAt: new Date().toISOString() };
  writeAtomic(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

async function load(kind: WasmBuildKind): Promise<LoadedModule> {
  const root = packageRoot();
  const hash = buildHash(readKernelSource(root));
  const file = join(wasmOutputDir(root), WASM_FILES[kind]);
  if (readHash(file) === hash && existsSync(file)) {
    return { module: await WA.compile(readFileSync(file)), origin: 'prebuilt', hash };
  }
  const binary = await compileKernel(kind, readKernelSource(root));
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
  let p = cache.get(kind);
  if (!p) {
    p = load(kind);
    p.catch(() => cache.delete(kind));
    cache.set(kind, p);
  }
  return p;
}
