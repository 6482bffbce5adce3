// The heavy backends (onnxruntime-node, tfjs and its backends, Dawn's webgpu) are optional peer
// dependencies: a project installs only the ones it wants (package.json peerDependenciesMeta), and
// this repository installs them all as dev dependencies. An adapter whose packages are missing is
// unavailable, and its reason is the exact command that installs them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { packageRoot } from './wasm/compile.js';

const require = createRequire(import.meta.url);

/**
 * Settings a package needs to install from a user's project. onnxruntime-node's postinstall downloads
 * CUDA libraries from NuGet on linux-x64 (script/install.js; `ONNXRUNTIME_NODE_INSTALL=skip` makes it
 * exit before anything is fetched); its CPU library ships in the tarball.
 */
const INSTALL_ENV: Record<string, string> = { 'onnxruntime-node': 'ONNXRUNTIME_NODE_INSTALL=skip' };

let peers: Record<string, string> | undefined;

/** The versions this harness is tested with: its own package.json peerDependencies. */
export function peerVersions(): Record<string, string> {
  if (!peers) {
    try {
      const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
        peerDependencies?: Record<string, string>;
      };
      peers = pkg.peerDependencies ?? {};
    } catch {
      peers = {};
    }
  }
  return peers;
}

/** Whether `name` resolves from the harness's own location (where its dynamic imports look). */
export function isInstalled(name: string): boolean {
  for (const request of [`${name}/package.json`, name]) {
    try {
      require.resolve(request);
      return true;
    } catch (e) {
      // Found, but its exports map hides the path from require: installed all the same.
      if ((e as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return true;
    }
  }
  return false;
}

/** `npm install a@1 b@2`, with the settings one of them needs in front. */
export function installCommand(names: readonly string[]): string {
  const versions = peerVersions();
  const env = [...new Set(names.map((n) => INSTALL_ENV[n]).filter((e): e is string => e !== undefined))];
  const specs = names.map((n) => (versions[n] ? `${n}@${versions[n]}` : n));
  return [...env, 'npm', 'install', ...specs].join(' ');
}

/** Null when every package is installed; otherwise the unavailable reason naming the install command. */
export function missingPeersReason(names: readonly string[]): string | null {
  const missing = names.filter((n) => !isInstalled(n));
  if (missing.length === 0) return null;
  const what = missing.length === 1 ? `${missing[0]} is not installed` : `${missing.join(', ')} are not installed`;
  return `${what} (optional peer ${missing.length === 1 ? 'dependency' : 'dependencies'} of rmsprop-harness): ${installCommand(missing)}`;
}
