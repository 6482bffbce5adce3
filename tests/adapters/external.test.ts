// The external-program adapter (protocol v2, v1 accepted): real torch.optim.RMSprop (Debian torch 1.13) and the NumPy
// tutorial client against the reference, fault containment with tiny fake programs, and the schema files.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UnsupportedCaseError, type AdapterCase } from '../../adapters/adapter.js';
import { hasBulkReplay, type BulkTrajectory } from '../../adapters/external/bulk.js';
import { runConformance } from '../../runner/run-conformance.js';
import { ExternalAdapter, externalAdapterFactory, parseExternalOptions } from '../../adapters/external/external-adapter.js';
import { HarnessMessageSchema, ProgramMessageSchema } from '../../adapters/external/protocol.js';
import type { Dtype } from '../../reference/arithmetic.js';
import { bitsOf32, bitsOf64 } from '../../reference/float-bits.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { runTrajectory, type Trajectory } from '../../reference/trajectory.js';
import { caseAppliesTo, caseGradientSource, caseX0 } from '../../suites/case-source.js';
import type { CaseSpec } from '../../suites/case.js';
import { firstSchemaError } from '../../suites/schema.js';
import { ALL_CASES, caseKey } from '../../suites/suites.js';
import { PROBLEMS } from '../../suites/problems.js';
import { protocolSchemaFiles, PROTOCOL_SCHEMA_DIR } from '../../scripts/write-protocol-schemas.js';

const PYTHON = '/usr/bin/python3';
const TORCH_CLIENT = `${PYTHON} clients/python/torch_rmsprop.py`;
const NUMPY_CLIENT = `${PYTHON} clients/python/numpy_rmsprop.py`;

const importable = new Map<string, string | null>();

/** Fails (never skips) the calling test when /usr/bin/python3 cannot import the module. */
function requireModule(module: string): void {
  if (!importable.has(module)) {
    const r = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' });
    importable.set(module, r.status === 0 ? null : (r.stderr || r.error?.message || '').trim().split('\n').slice(-1)[0]);
  }
  const why = importable.get(module);
  if (why !== null)
    throw new Error(
      `${PYTHON} cannot import ${module} (${why}): run bash scripts/setup-system.sh (installs Debian python3-torch and python3-numpy)`,
    );
}

/** A test that needs a Python module: it fails with the setup hint when the module is missing. */
function itWith(module: string, name: string, body: () => Promise<void> | void): void {
  it(name, async () => {
    requireModule(module);
    await body();
  });
}

// ---------------------------------------------------------------- float distance

/** Position of a float on the number line, in units in the last place of the dtype (+0 and -0 are one point). */
function ordinal(dtype: Dtype, x: number): bigint {
  if (dtype === 'float32') {
    const b = bitsOf32(x);
    return b >= 0x80000000 ? -BigInt(b - 0x80000000) : BigInt(b);
  }
  const b = bitsOf64(x);
  const sign = 1n << 63n;
  return b >= sign ? -(b - sign) : b;
}

/** ULP distance; 0 when both are NaN, Infinity when only one is. */
function ulps(dtype: Dtype, a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const d = ordinal(dtype, a) - ordinal(dtype, b);
  return Number(d < 0n ? -d : d);
}

interface Comparison {
  maxUlp: number;
  where: string;
  /** Cases whose trajectory matched bit for bit (NaN = NaN; -0 vs 0 counted as a difference). */
  exactCases: number;
  cases: number;
  maxRel: number;
}

function compare(dtype: Dtype, results: { key: string; got: Float64Array[]; want: Float64Array[] }[]): Comparison {
  const c: Comparison = { maxUlp: 0, where: '', exactCases: 0, cases: results.length, maxRel: 0 };
  for (const r of results) {
    let exact = true;
    r.want.forEach((want, t) => {
      want.forEach((w, i) => {
        const g = r.got[t][i];
        if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w))) exact = false;
        const u = ulps(dtype, g, w);
        if (u > c.maxUlp) {
          c.maxUlp = u;
          c.where = `${r.key} step ${t + 1} [${i}]: got ${g}, want ${w}`;
        }
        if (Number.isFinite(w) && Number.isFinite(g) && w !== 0) c.maxRel = Math.max(c.maxRel, Math.abs(g - w) / Math.abs(w));
      });
    });
    if (exact) c.exactCases++;
  }
  return c;
}

// ---------------------------------------------------------------- cases

interface Prepared {
  key: string;
  adapterCase: AdapterCase;
  grads: Float64Array[];
  reference: Trajectory;
}

/** The case resolved on a profile, with the reference trajectory (closed loop for problems) whose gradients are replayed. */
function prepareCase(spec: CaseSpec, profile: string, dtype: Dtype, extra: Settings = {}): Prepared {
  const resolved = resolveVariant(profile, dtype, { ...spec.settings, ...extra });
  const x0 = caseX0(spec);
  const reference = runTrajectory(resolved.variant, dtype, x0, spec.steps, caseGradientSource(spec, dtype, 'torch'));
  const key = caseKey(spec);
  return {
    key,
    adapterCase: {
      key,
      dtype,
      variant: resolved.variant,
      profile: resolved.profile,
      native: resolved.native,
      settings: { ...spec.settings, ...extra },
      x0: Float64Array.from(x0),
    },
    grads: reference.points.map((p) => p.grad),
    reference,
  };
}

/** The same gradients on another variant of the profile (fma off). */
function referenceFor(p: Prepared, profile: string, extra: Settings, spec: CaseSpec): Float64Array[] {
  const resolved = resolveVariant(profile, p.adapterCase.dtype, { ...spec.settings, ...extra });
  return runTrajectory(resolved.variant, p.adapterCase.dtype, p.adapterCase.x0, p.grads.length, (_x, t) => p.grads[t]).points.map(
    (q) => q.params,
  );
}

const TORCH_CASES = ALL_CASES.filter((c) => caseAppliesTo(c, resolveVariant('torch@1.13', 'float64').profile).applies);

function tmpDir(): string {
  return mkdtempSync(join(tmpdir(), 'rmsprop-external-'));
}

// ---------------------------------------------------------------- real torch

describe('external adapter on real torch.optim.RMSprop (clients/python/torch_rmsprop.py)', () => {
  let adapter: ExternalAdapter;
  beforeAll(() => {
    adapter = new ExternalAdapter(parseExternalOptions({ command: TORCH_CLIENT }));
  });
  afterAll(async () => adapter?.close());

  itWith('torch', 'probes: hello handshake reports torch, its version and CPU capability', async () => {
    const a = await adapter.probe();
    expect(a, JSON.stringify(a)).toMatchObject({ available: true });
    if (!a.available) return;
    expect(a.facts.implementation).toBe('torch.optim.RMSprop');
    expect(String(a.facts.claims)).toMatch(/^torch@\d+\.\d+$/);
    expect(adapter.info.claims).toBe(a.facts.claims);
    // bfloat16 always; float16 only where torch has the Half CPU kernels RMSprop needs (Debian's 1.13 has no Half addcmul).
    const dtypes = adapter.info.capabilities.dtypes;
    expect(dtypes.slice(0, 3)).toEqual(['float32', 'float64', 'bfloat16']);
    if (!dtypes.includes('float16'))
      expect(adapter.info.capabilities.unsupportedDtypes?.float16).toMatch(/addcmul_cpu_out" not implemented for 'Half'/);
    expect(adapter.info.capabilities.readState).toBe(true);
    console.log(`torch client facts: ${JSON.stringify(a.facts)}`);
  });

  itWith(
    'torch',
    'conform checks it like a built-in adapter (protocol 2): every step re-anchored on the reference state, the state compared at every step',
    async () => {
      const r = await runConformance({
        adapters: [`external:command=${TORCH_CLIENT}`],
        cases: ['variants/centered-momentum', 'edge/nan-at'],
        suites: ['variants', 'edge'],
        dtypes: ['float64'],
        modes: ['replay'],
        isolation: 'in-process',
        compareProfiles: false,
      });
      for (const cell of r.cells) {
        expect(cell.status, `${cell.case}: ${cell.reason ?? ''}`).toBe('pass');
        const steps = cell.case === 'variants/centered-momentum' ? 30 : 12;
        expect(cell.reanchored?.steps.length, cell.case).toBe(steps);
        expect(cell.state?.steps.length, cell.case).toBe(steps);
      }
    },
  );

  itWith('torch', 'covers the cases of the suites torch can express', () => {
    const ids = TORCH_CASES.map((c) => c.id);
    for (const id of [
      'quad2d',
      'xlogx',
      'centered',
      'momentum',
      'centered-momentum',
      'weight-decay',
      'zeros-first',
      'overflow32',
      'nan-at',
      'centered-inf-at',
    ]) {
      expect(ids).toContain(id);
    }
  });

  async function runAll(
    dtype: Dtype,
    extra: Settings = {},
  ): Promise<{ prepared: Prepared; out: BulkTrajectory; spec: CaseSpec }[]> {
    const runs = [];
    for (const spec of TORCH_CASES) {
      const prepared = prepareCase(spec, 'torch@1.13', dtype, extra);
      const pc = await adapter.prepare(prepared.adapterCase);
      expect(hasBulkReplay(pc)).toBe(true);
      const out = await pc.runReplay(prepared.grads);
      await pc.dispose();
      runs.push({ prepared, out, spec });
    }
    return runs;
  }

  itWith('torch', 'float64: agrees with torch@1.13 bit for bit, params and state', async () => {
    const runs = await runAll('float64');
    const params = compare(
      'float64',
      runs.map((r) => ({ key: r.prepared.key, got: r.out.trajectory, want: r.prepared.reference.points.map((p) => p.params) })),
    );
    const last = (r: (typeof runs)[number]) => r.prepared.reference.points[r.prepared.reference.points.length - 1].state;
    const state = compare(
      'float64',
      runs.flatMap((r) => {
        const s = r.out.state!;
        const ref = last(r);
        const v = r.prepared.adapterCase.variant;
        return [
          { key: `${r.prepared.key} v`, got: [s.v!], want: [ref.v] },
          ...(v.centered ? [{ key: `${r.prepared.key} m`, got: [s.m!], want: [ref.m] }] : []),
          ...(v.momentum > 0 ? [{ key: `${r.prepared.key} b`, got: [s.b!], want: [ref.b] }] : []),
        ];
      }),
    );
    console.log(
      `float64 torch vs torch@1.13: params max ${params.maxUlp} ulp (max rel ${params.maxRel}), ${params.exactCases}/${params.cases} cases bit-exact ${params.where}; state max ${state.maxUlp} ulp`,
    );
    expect(params.maxRel).toBeLessThanOrEqual(1e-15);
    expect(params.maxUlp, params.where).toBe(0);
    expect(state.maxUlp, state.where).toBe(0);
  });

  itWith('torch', 'float32: within a few ulps of torch@1.13 (records fma on vs off)', async () => {
    const runs = await runAll('float32');
    const results = (fma: 'on' | 'off') =>
      runs.map((r) => ({
        key: r.prepared.key,
        got: r.out.trajectory,
        want:
          fma === 'on'
            ? r.prepared.reference.points.map((p) => p.params)
            : referenceFor(r.prepared, 'torch@1.13', { fma: 'off' }, r.spec),
      }));
    const on = compare('float32', results('on'));
    const off = compare('float32', results('off'));
    console.log(
      `float32 torch vs torch@1.13 fma=on: max ${on.maxUlp} ulp, ${on.exactCases}/${on.cases} cases bit-exact (${on.where}); ` +
        `fma=off: max ${off.maxUlp} ulp, ${off.exactCases}/${off.cases} bit-exact (${off.where})`,
    );
    // Debian's torch 1.13 dispatches to AVX2 here: its kernels contract the multiply-adds (fma on).
    expect(on.maxUlp, on.where).toBe(0);
    expect(off.maxUlp).toBeGreaterThan(0);
  });

  itWith(
    'torch',
    'float32 with ATEN_CPU_CAPABILITY=default (no vectorised kernels): bit-exact with torch@1.13 fma=off',
    async () => {
      const scalar = new ExternalAdapter(parseExternalOptions({ command: `ATEN_CPU_CAPABILITY=default ${TORCH_CLIENT}` }));
      try {
        const a = await scalar.probe();
        expect(a, JSON.stringify(a)).toMatchObject({ available: true, facts: { cpuCapability: 'NO AVX' } });
        const results = [];
        for (const spec of TORCH_CASES) {
          const p = prepareCase(spec, 'torch@1.13', 'float32', { fma: 'off' });
          const pc = await scalar.prepare(p.adapterCase);
          results.push({
            key: p.key,
            got: (await pc.runReplay(p.grads)).trajectory,
            want: p.reference.points.map((q) => q.params),
          });
        }
        const off = compare('float32', results);
        console.log(
          `float32 torch ATEN_CPU_CAPABILITY=default vs torch@1.13 fma=off: max ${off.maxUlp} ulp, ${off.exactCases}/${off.cases} bit-exact`,
        );
        expect(off.maxUlp, off.where).toBe(0);
      } finally {
        await scalar.close();
      }
    },
  );

  itWith('torch', 'the step()/read() fallback replays the buffered prefix and equals runReplay', async () => {
    const spec = TORCH_CASES.find((c) => c.id === 'centered-momentum')!;
    const p = prepareCase(spec, 'torch@1.13', 'float32');
    const pc = await adapter.prepare(p.adapterCase);
    expect((await pc.read()).params).toEqual(p.adapterCase.x0);
    for (let t = 0; t < 5; t++) {
      await pc.step(p.grads[t]);
      const r = await pc.read();
      expect(r.params).toEqual(p.reference.points[t].params);
      expect(r.state?.m).toEqual(p.reference.points[t].state.m);
    }
  });

  itWith(
    'torch',
    'closed loop: torch autograd matches the reference closed loop on quad2d and rotated2d; xlogx differs only through Math.log',
    async () => {
      const lines: string[] = [];
      const problems = Object.fromEntries(PROBLEMS.map((q) => [q.id, q]));
      for (const dtype of ['float64', 'float32'] as Dtype[]) {
        for (const id of ['quad2d', 'rotated2d', 'xlogx']) {
          const spec = ALL_CASES.find((c) => c.source.kind === 'problem' && c.source.problem === id)!;
          const p = prepareCase(spec, 'torch@1.13', dtype);
          const pc = await adapter.prepare(p.adapterCase);
          expect(pc.problems).toContain(id);
          const out = await pc.runProblem!(id, spec.steps);
          const params = compare(dtype, [{ key: id, got: out.trajectory, want: p.reference.points.map((q) => q.params) }]);
          // The reference gradient at torch's own params: isolates the gradient from the optimizer.
          const atOwn = out.trajectory.slice(0, -1).map((x, t) => problems[id].gradient(x, dtype, t + 1, 'torch'));
          const grads = compare(dtype, [{ key: id, got: out.grads!.slice(1), want: atOwn }]);
          const differing = out.grads!.slice(1).filter((g, t) => !Object.is(g[0], atOwn[t][0])).length;
          lines.push(
            `${dtype} ${id}: params max ${params.maxUlp} ulp, grads at torch's params max ${grads.maxUlp} ulp (${differing}/${atOwn.length} steps differ)`,
          );
          if (id === 'xlogx') {
            // V8's Math.log (fdlibm) is not correctly rounded: log(361.2747723178631) is 1 ulp off in float64; glibc's is right.
            expect(grads.maxUlp, grads.where).toBeLessThanOrEqual(1);
          } else {
            expect(params.maxUlp, params.where).toBe(0);
            expect(grads.maxUlp, grads.where).toBe(0);
          }
        }
      }
      console.log(`closed loop torch vs reference: ${lines.join('; ')}`);
    },
  );

  itWith('torch', 'refuses what torch.optim.RMSprop has no argument for', async () => {
    const spec = ALL_CASES.find((c) => c.id === 'random')!;
    const p = prepareCase(spec, 'torch@1.13', 'float64', { clip: 0.5 });
    await expect(adapter.prepare(p.adapterCase)).rejects.toThrow(UnsupportedCaseError);
    await expect(adapter.prepare(p.adapterCase)).rejects.toThrow(/external has no clip/);
  });
});

// ---------------------------------------------------------------- numpy tutorial

describe('external adapter on the NumPy tutorial client (clients/python/numpy_rmsprop.py)', () => {
  let adapter: ExternalAdapter;
  beforeAll(() => {
    adapter = new ExternalAdapter(parseExternalOptions({ command: NUMPY_CLIENT }));
  });
  afterAll(async () => adapter?.close());

  itWith('numpy', 'is bit-exact with numpy-tutorial in float64 and float32', async () => {
    const a = await adapter.probe();
    expect(a, JSON.stringify(a)).toMatchObject({ available: true, facts: { claims: 'numpy-tutorial' } });
    const profile = resolveVariant('numpy-tutorial', 'float64').profile;
    const specs = ALL_CASES.filter((c) => caseAppliesTo(c, profile).applies);
    expect(specs.length).toBeGreaterThan(15);
    for (const dtype of ['float64', 'float32'] as Dtype[]) {
      const runs = [];
      for (const spec of specs) {
        const p = prepareCase(spec, 'numpy-tutorial', dtype);
        const pc = await adapter.prepare(p.adapterCase);
        runs.push({ key: p.key, got: (await pc.runReplay(p.grads)).trajectory, want: p.reference.points.map((q) => q.params) });
      }
      const c = compare(dtype, runs);
      console.log(
        `${dtype} numpy client vs numpy-tutorial: max ${c.maxUlp} ulp, ${c.exactCases}/${c.cases} cases bit-exact ${c.where}`,
      );
      expect(c.maxUlp, c.where).toBe(0);
      expect(c.exactCases).toBe(c.cases);
    }
  });
});

// ---------------------------------------------------------------- faults

/** A fake client in JavaScript: answers hello, then misbehaves on cases whose id names a fault. */
const FLAKY = String.raw`
const readline = require('node:readline');
const rl = readline.createInterface({ input: process.stdin });
process.stderr.write('flaky: started pid ' + process.pid + '\n');
const out = (m) => process.stdout.write(JSON.stringify(m) + '\n');
rl.on('line', (line) => {
  const m = JSON.parse(line);
  if (m.type === 'hello') return out({ type: 'hello', protocol: 1, implementation: { name: 'flaky', version: '0', claims: 'numpy-tutorial', dtypes: ['float64', 'float32'], hyperparameters: [] } });
  if (m.type === 'bye') process.exit(0);
  const id = m.id;
  const traj = m.grads.map(() => m.x0);
  if (id.includes('crash')) { for (let i = 0; i < 30; i++) process.stderr.write('trace line ' + i + '\n'); process.stderr.write('boom: simulated crash\n'); process.exit(7); }
  if (id.includes('hang')) { process.stderr.write('flaky: hanging on ' + id + '\n'); return; }
  if (id.includes('garbage')) return process.stdout.write('Traceback? this is not JSON\n');
  if (id.includes('order')) return out({ type: 'result', id: 'some-other-case', trajectory: traj });
  if (id.includes('schema')) return out({ type: 'result', id, trajectory: 'not an array' });
  if (id.includes('short')) return out({ type: 'result', id, trajectory: traj.slice(1) });
  if (id.includes('notf32')) return out({ type: 'result', id, trajectory: m.grads.map(() => m.x0.map(() => 0.1)) });
  if (id.includes('error')) { process.stderr.write('flaky: refusing ' + id + '\n'); return out({ type: 'error', id, message: 'cannot do this one' }); }
  if (id.includes('unsupported')) return out({ type: 'error', id, message: 'no such thing', unsupported: true });
  out({ type: 'result', id, trajectory: traj });
});
`;

describe('external adapter fault containment (fake programs)', () => {
  let dir: string;
  let adapter: ExternalAdapter;
  const spec = ALL_CASES.find((c) => c.id === 'random')!;

  beforeAll(() => {
    dir = tmpDir();
    writeFileSync(join(dir, 'flaky.cjs'), FLAKY);
    adapter = new ExternalAdapter({ command: `'${process.execPath}' '${join(dir, 'flaky.cjs')}'`, timeoutS: 1.5 });
  });
  afterAll(async () => {
    await adapter?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(name: string, dtype: Dtype = 'float64'): Promise<BulkTrajectory> {
    const p = prepareCase({ ...spec, id: name }, 'numpy-tutorial', dtype);
    const pc = await adapter.prepare(p.adapterCase);
    return pc.runReplay(p.grads.slice(0, 3));
  }

  function alive(pid: number | undefined): boolean {
    if (pid === undefined) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  it('a well-behaved case works', async () => {
    expect((await run('ok')).trajectory).toHaveLength(3);
  });

  it('crash: names the exit code and shows the last 20 lines of stderr; the next case restarts the program', async () => {
    const before = adapter.pid;
    const err = await run('crash').then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/exited with code 7 before the answer to case 'edge\/crash#\d+'/);
    expect(err?.message).toContain('boom: simulated crash');
    expect(err?.message).toContain('trace line 29');
    expect(err?.message).not.toContain('trace line 5\n');
    expect((await run('fine-1')).trajectory).toHaveLength(3);
    expect(adapter.pid).not.toBe(before);
  });

  it('hang: times out, kills the program, and the next case restarts it', async () => {
    const before = adapter.pid;
    // The adapter's own timeout (1.5 s) is what the message states; the test's timeout bounds the wait.
    const err = await run('hang').then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/timed out after 1\.5 s waiting for the answer to case 'edge\/hang#\d+' \(killed\)/);
    expect(err?.message).toContain('flaky: hanging on edge/hang');
    await vi.waitFor(() => expect(alive(before)).toBe(false));
    expect((await run('fine-2')).trajectory).toHaveLength(3);
  });

  it('garbage, schema-invalid, out-of-order, short and non-float32 answers are faults; each time the next case works', async () => {
    const faults: [string, RegExp, Dtype?][] = [
      ['garbage', /wrote a line that is not JSON: "Traceback\? this is not JSON"/],
      ['schema', /wrote an invalid result message \(trajectory: must be array\)/],
      ['order', /answered out of order: got result for case 'some-other-case' while case 'edge\/order#\d+' was pending/],
      ['short', /answered case 'edge\/short#\d+' with 2 steps, expected 3/],
      ['notf32', /trajectory\[0\]\[0\] = 0\.1 is not a float32 value/, 'float32'],
    ];
    for (const f of faults) {
      const [name, pattern, dtype] = f;
      const err = await run(name, dtype).then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message, name).toMatch(pattern);
      expect(err?.message, name).toMatch(/stderr \(last 20 lines\):\nflaky: started pid/);
      expect((await run(`fine-${faults.indexOf(f)}`)).trajectory).toHaveLength(3);
    }
  });

  it("a program's own error answer fails the case but keeps the program; unsupported skips it", async () => {
    await run('ok');
    const pid = adapter.pid;
    const err = await run('error').then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/reported an error on case 'edge\/error#\d+': cannot do this one/);
    expect(err?.message).toContain('flaky: refusing edge/error');
    await expect(run('unsupported')).rejects.toBeInstanceOf(UnsupportedCaseError);
    await run('ok');
    expect(adapter.pid).toBe(pid);
  });

  it('probe reports a program that cannot start, with the setup hint for a missing Python module', async () => {
    writeFileSync(
      join(dir, 'noimport.py'),
      'import sys\nsys.stderr.write("ModuleNotFoundError: No module named \'torch\'\\n")\nsys.exit(1)\n',
    );
    const a = await new ExternalAdapter({ command: `${PYTHON} '${join(dir, 'noimport.py')}'`, timeoutS: 5 }).probe();
    expect(a.available).toBe(false);
    if (a.available) return;
    expect(a.reason).toMatch(/exited with code 1 before its hello/);
    expect(a.reason).toContain("No module named 'torch'");
    expect(a.reason).toContain('bash scripts/setup-system.sh');

    const missing = await new ExternalAdapter({ command: 'definitely-not-a-command-xyz', timeoutS: 5 }).probe();
    expect(missing).toMatchObject({
      available: false,
      reason: expect.stringMatching(/exited with code 127 \(command not found\)[\s\S]*not found/),
    });
  });

  it('probe fails (an adapter fault, not "unavailable") on a wrong protocol version, an invalid hello and a silent program', async () => {
    const script = (body: string) => {
      const file = join(dir, `p${Math.random().toString(36).slice(2)}.cjs`);
      writeFileSync(file, `require('node:readline').createInterface({ input: process.stdin }).on('line', () => { ${body} });`);
      return `'${process.execPath}' '${file}'`;
    };
    await expect(
      new ExternalAdapter({
        command: script(`console.log(JSON.stringify({ type: 'hello', protocol: 3, implementation: {} }))`),
        timeoutS: 5,
      }).probe(),
    ).rejects.toThrow('speaks protocol 3, the harness speaks 2 (and accepts 1 or 2)');
    await expect(
      new ExternalAdapter({
        command: script(`console.log(JSON.stringify({ type: 'hello', protocol: 1, implementation: { name: 'x' } }))`),
        timeoutS: 5,
      }).probe(),
    ).rejects.toThrow(/not a valid hello \(implementation: missing field 'version'\)/);
    await expect(new ExternalAdapter({ command: script(''), timeoutS: 1 }).probe()).rejects.toThrow(
      'timed out after 1 s waiting for its hello (killed)',
    );
    const impl = { name: 'x', version: '1', claims: 'torch@1.13', dtypes: ['float64'], hyperparameters: [] };
    await expect(
      new ExternalAdapter({
        command: script(
          `console.log(JSON.stringify({ type: 'hello', protocol: 1, implementation: { ...${JSON.stringify(impl)}, fixedAxes: { fma: 'off' } } }))`,
        ),
        timeoutS: 5,
      }).probe(),
    ).rejects.toThrow(/protocol 1 hello with the protocol 2 field implementation\.fixedAxes: answer "protocol":2/);
    await expect(
      new ExternalAdapter({
        command: script(
          `console.log(JSON.stringify({ type: 'hello', protocol: 2, implementation: { ...${JSON.stringify(impl)}, fixedAxes: { fmaa: 'off' } } }))`,
        ),
        timeoutS: 5,
      }).probe(),
    ).rejects.toThrow(/invalid implementation\.fixedAxes: unknown axis 'fmaa'/);
    await expect(
      new ExternalAdapter({
        command: script(
          `console.log(JSON.stringify({ type: 'hello', protocol: 2, implementation: { ...${JSON.stringify(impl)}, fixedAxes: { epsPlacement: 'insde' } } }))`,
        ),
        timeoutS: 5,
      }).probe(),
    ).rejects.toThrow(/epsPlacement: expected one of outside \| inside \| inside-subtracted, got 'insde'/);
  });

  it('a program that computes float32 in float64 (hello arithmetic) has its float32 cases skipped with the reason', async () => {
    const file = join(dir, 'wide.cjs');
    const impl = {
      name: 'wide',
      version: '1',
      claims: 'numpy-tutorial',
      dtypes: ['float32', 'float64'],
      hyperparameters: [],
      arithmetic: { float32: { compute: 'float64' } },
    };
    writeFileSync(
      file,
      `require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => { const m = JSON.parse(l); if (m.type === 'hello') console.log(JSON.stringify({ type: 'hello', protocol: 2, implementation: ${JSON.stringify(impl)} })); });`,
    );
    const a = new ExternalAdapter({ command: `'${process.execPath}' '${file}'`, timeoutS: 5 });
    await a.probe();
    const c = ALL_CASES.find((x) => caseKey(x) === 'edge/random')!;
    const v = resolveVariant('numpy-tutorial', 'float32', c.settings);
    await expect(
      a.prepare({
        key: 'edge/random',
        dtype: 'float32',
        variant: v.variant,
        profile: v.profile,
        native: v.native,
        settings: c.settings,
        x0: new Float64Array(4),
      }),
    ).rejects.toThrow(
      /wide computes float32 cases in float64 \(its hello's arithmetic\): the reference evaluates a step in the storage dtype only/,
    );
    await a.close();
  });

  it('probe reports unavailable only when the program cannot run here (framework or command missing)', async () => {
    const noModule = join(dir, 'no-module.py');
    writeFileSync(noModule, 'import no_such_framework_here\n');
    const missing = await new ExternalAdapter({ command: `/usr/bin/python3 ${noModule}`, timeoutS: 10 }).probe();
    expect(missing).toMatchObject({
      available: false,
      reason: expect.stringMatching(/No module named 'no_such_framework_here'[\s\S]*setup-system\.sh/),
    });
    const absent = await new ExternalAdapter({ command: 'no-such-command-here --flag', timeoutS: 5 }).probe();
    expect(absent).toMatchObject({ available: false, reason: expect.stringContaining('command not found') });
  });
});

// ---------------------------------------------------------------- options and schemas

describe('external adapter options and protocol schemas', () => {
  it('parses command, claims and timeout; refuses unknown options', () => {
    expect(parseExternalOptions({ command: 'x', claims: 'torch@2.1', timeout: '2' })).toEqual({
      command: 'x',
      claims: 'torch@2.1',
      timeoutS: 2,
    });
    expect(() => parseExternalOptions({})).toThrow(/option 'command' is required/);
    expect(() => parseExternalOptions({ command: 'x', timeout: '-1' })).toThrow(/timeout must be a positive number/);
    expect(() => parseExternalOptions({ command: 'x', cmd: 'y' })).toThrow(/unknown option 'cmd'/);
    const a = externalAdapterFactory.create({ command: 'x', claims: 'torch@1.13' });
    expect(a.info).toMatchObject({ id: 'external', claims: 'torch@1.13' });
  });

  it('the message schemas accept the documented examples and refuse malformed ones', () => {
    expect(firstSchemaError(HarnessMessageSchema, { type: 'hello', protocol: 2, cases: 3 })).toBeNull();
    expect(
      firstSchemaError(HarnessMessageSchema, {
        type: 'case',
        id: 'a',
        dtype: 'float32',
        profile: 'torch@1.13',
        hyperparameters: { lr: 0.01 },
        canonical: { lr: 0.01, fma: ['ema'] },
        x0: [1, '-0'],
        grads: [[0.5, 'NaN']],
      }),
    ).toBeNull();
    expect(
      firstSchemaError(HarnessMessageSchema, {
        type: 'case',
        id: 'a',
        dtype: 'float64',
        hyperparameters: {},
        canonical: {},
        x0: [1],
        problem: 'quad2d',
        steps: 3,
      }),
    ).toBeNull();
    expect(
      firstSchemaError(ProgramMessageSchema, { type: 'result', id: 'a', trajectory: [[1, 'Infinity']], state: { v: [0] } }),
    ).toBeNull();
    expect(firstSchemaError(ProgramMessageSchema, { type: 'result', id: 'a', trajectory: [['inf']] })).not.toBeNull();
    // Protocol 2: a re-anchored case, a result with the state after every step, a hello with declarations.
    const anchor = { params: [1, 2], state: { v: [0, 0], m: [0, 0], b: [0, '-0'] }, step: 0 };
    expect(
      firstSchemaError(HarnessMessageSchema, {
        type: 'case',
        id: 'a',
        dtype: 'float64',
        hyperparameters: {},
        canonical: {},
        x0: [1, 2],
        grads: [[0.5, 1]],
        anchors: [anchor],
      }),
    ).toBeNull();
    expect(
      firstSchemaError(ProgramMessageSchema, { type: 'result', id: 'a', trajectory: [[1, 2]], states: [{ v: [0.1, 0.2] }] }),
    ).toBeNull();
    const impl = {
      name: 'x',
      version: '1',
      claims: 'torch@1.13',
      dtypes: ['float32'],
      hyperparameters: [],
      fixedAxes: { fma: 'off' },
      arithmetic: { float32: { compute: 'float64' } },
      reanchor: true,
    };
    expect(firstSchemaError(ProgramMessageSchema, { type: 'hello', protocol: 2, implementation: impl })).toBeNull();
    expect(
      firstSchemaError(ProgramMessageSchema, { type: 'hello', protocol: 2, implementation: { ...impl, reanchor: 'yes' } }),
    ).not.toBeNull();
    expect(firstSchemaError(ProgramMessageSchema, { type: 'error', id: 'a', message: 'x', extra: 1 })).not.toBeNull();
  });

  it('schemas/protocol is generated from the typebox definitions (npx tsx scripts/write-protocol-schemas.ts)', () => {
    for (const [file, text] of Object.entries(protocolSchemaFiles())) {
      expect(
        readFileSync(join(PROTOCOL_SCHEMA_DIR, file), 'utf8'),
        `${file} is stale: run npx tsx scripts/write-protocol-schemas.ts`,
      ).toBe(text);
    }
  });
});
