import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withBundledClients } from '../../adapters/external/bundled-clients.js';
import { installCommand, isInstalled, missingPeersReason, peerVersions } from '../../adapters/optional-peers.js';

describe('optional peer dependencies', () => {
  it('the install command pins the versions of package.json peerDependencies and skips the CUDA download of onnxruntime-node', () => {
    expect(peerVersions()['onnxruntime-node']).toBe('1.30.0');
    expect(installCommand(['onnxruntime-node'])).toBe('ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0');
    expect(installCommand(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'])).toBe(
      'npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0',
    );
  });

  it('a missing package makes the reason name the exact command; installed ones give none (this checkout installs them all as dev dependencies)', () => {
    expect(isInstalled('@tensorflow/tfjs')).toBe(true);
    expect(missingPeersReason(['@tensorflow/tfjs', 'webgpu', 'onnxruntime-node'])).toBeNull();
    expect(missingPeersReason(['no-such-package-xyz'])).toBe(
      'no-such-package-xyz is not installed (optional peer dependency of rmsprop-harness): npm install no-such-package-xyz',
    );
  });
});

describe('bundled Python clients', () => {
  it("clients/python/*.py means the package's copy where the working directory has none, and the local one where it has", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'clients-'));
    const bundled = resolve('clients/python/torch_rmsprop.py');
    expect(withBundledClients('/usr/bin/python3 clients/python/torch_rmsprop.py', elsewhere)).toBe(
      `/usr/bin/python3 '${bundled}'`,
    );
    expect(withBundledClients('/usr/bin/python3 clients/python/torch_rmsprop.py --x', process.cwd())).toBe(
      '/usr/bin/python3 clients/python/torch_rmsprop.py --x',
    );
    expect(withBundledClients('python3 clients/python/mine.py', elsewhere)).toBe('python3 clients/python/mine.py');
  });
});
