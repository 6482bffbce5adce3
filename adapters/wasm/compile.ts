// Compiling the AssemblyScript kernels (adapters/wasm/assembly/rmsprop.as, a template the step
// program is generated into by kernel-source.ts) to WebAssembly, and
// finding the prebuilt binaries. Two builds of one source:
//   rmsprop.wasm         SIMD, own exported memory that grows as needed (the adapter)
//   rmsprop-shared.wasm  SIMD + threads, imported shared memory 'env.memory' (the worker benchmarks)
// `node dist/scripts/build-wasm.js` writes both into dist/wasm/ with a manifest holding the source
// hash; the loader uses them when the hash matches the source it sees, and otherwise compiles in
// process with the assemblyscript package (a few seconds, once per process).

import type { MemoryStream } from 'assemblyscript/asc';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKernelSource } from './kernel-source.js';

export type WasmBuildKind = 'plain' | 'shared';

/** Maximum pages of the shared build (2 GiB): shared memories must declare a maximum. */
export const SHARED_MAXIMUM_PAGES = 32768;

export const WASM_FILES: Record<WasmBuildKind, string> = { plain: 'rmsprop.wasm', shared: 'rmsprop-shared.wasm' };

const BASE_OPTIONS = { optimizeLevel: 3, shrinkLevel: 0, converge: false, noAssert: true, runtime: 'stub' };

export function compilerOptions(kind: WasmBuildKind): Record<string, unknown> {
  return kind === 'plain'
    ? { ...BASE_OPTIONS, enable: ['simd'] }
    : {
        ...BASE_OPTIONS,
        enable: ['simd', 'threads'],
        importMemory: true,
        sharedMemory: true,
        initialMemory: 1,
        maximumMemory: SHARED_MAXIMUM_PAGES,
      };
}

/** The package root: the nearest directory above this module with the harness's package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'rmsprop-harness') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir)
      throw new Error(`wasm-simd: cannot find the rmsprop-harness package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export function kernelSourcePath(root = packageRoot()): string {
  return join(root, 'adapters', 'wasm', 'assembly', 'rmsprop.as');
}

export function wasmOutputDir(root = packageRoot()): string {
  return join(root, 'dist', 'wasm');
}

/** The kernel source: the template with the step program's body generated into it. */
export function readKernelSource(root = packageRoot()): string {
  return generateKernelSource(readFileSync(kernelSourcePath(root), 'utf8'));
}

export function ascVersion(root = packageRoot()): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', 'assemblyscript', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

/** Identifies a build: the source text and the compiler options (not the compiler version, which may be absent at run time). */
export function buildHash(source: string): string {
  const h = createHash('sha256');
  h.update(source);
  h.update(JSON.stringify([compilerOptions('plain'), compilerOptions('shared')]));
  return h.digest('hex').slice(0, 16);
}

export interface WasmManifest {
  hash: string;
  asc: string;
  files: Record<WasmBuildKind, string>;
  builtAt: string;
}

/** Compiles the kernel source with the AssemblyScript compiler API. */
export async function compileKernel(kind: WasmBuildKind, source: string): Promise<Uint8Array> {
  const asc = (await import('assemblyscript/asc')).default;
  // The entry must end in .ts for asc; the name is only used in messages and debug names.
  const result = await asc.compileString({ 'rmsprop.ts': source }, compilerOptions(kind));
  if (result.error || !result.binary) {
    // compileString collects stderr in a memory stream (its type says only "OutputStream").
    const stderr = (result.stderr as MemoryStream).toString();
    throw new Error(`wasm-simd: AssemblyScript compilation failed (${kind}): ${result.error?.message ?? 'no binary'}\n${stderr}`);
  }
  return result.binary;
}
