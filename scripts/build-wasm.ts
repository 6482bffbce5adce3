// Builds the AssemblyScript kernels into dist/wasm/ (rmsprop.wasm, rmsprop-shared.wasm, hash
// sidecars, manifest.json). Run after tsc: `node dist/scripts/build-wasm.js` (or from sources:
// `npx tsx scripts/build-wasm.ts`). The wasm-simd adapter compiles in process when these are
// missing or stale, so this step only saves that time.

import { buildAll } from '../adapters/wasm/loader.js';
import { wasmOutputDir } from '../adapters/wasm/compile.js';

const started = performance.now();
const dir = process.argv[2] ?? wasmOutputDir();
const manifest = await buildAll(dir);
console.log(`wasm: built ${Object.values(manifest.files).join(', ')} into ${dir} (hash ${manifest.hash}, asc ${manifest.asc}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
