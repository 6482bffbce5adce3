// Builds the WASM kernels into dist/wasm/ (rmsprop.wasm, rmsprop-shared.wasm, hash sidecars,
// manifest.json). The AssemblyScript is generated here from the step program
// (adapters/wasm/kernel-source.ts fills the template adapters/wasm/assembly/rmsprop.as); the
// generated source is written beside the binaries (rmsprop.generated.as) for reading. Run after tsc:
// `node dist/scripts/build-wasm.js` (or from sources: `npx tsx scripts/build-wasm.ts`). The
// wasm-simd adapter generates and compiles in process when these are missing or stale, so this step
// only saves that time.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAll } from '../adapters/wasm/loader.js';
import { readKernelSource, wasmOutputDir } from '../adapters/wasm/compile.js';

const started = performance.now();
const dir = process.argv[2] ?? wasmOutputDir();
const manifest = await buildAll(dir);
writeFileSync(join(dir, 'rmsprop.generated.as'), readKernelSource());
console.log(
  `wasm: generated rmsprop.generated.as and built ${Object.values(manifest.files).join(', ')} into ${dir} (hash ${manifest.hash}, asc ${manifest.asc}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
