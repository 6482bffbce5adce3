// The webgpu adapter against the float32 reference, on whatever device Dawn gives this machine
// (Mesa llvmpipe over OpenGL ES on CPU-only machines). For every suite case each profile can
// express, the reference trajectory's gradients are replayed into the adapter and params and state
// are compared after every step, in float32 ULPs; NaN must meet NaN and +-Inf the same infinity.
// The device is required: without it the suite FAILS and names the fix.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterCase } from '../../adapters/adapter.js';
import { UnsupportedCaseError } from '../../adapters/adapter.js';
import { describeGpu, getGpu, type GpuResult } from '../../adapters/gpu/dawn.js';
import { rmspropWgsl } from '../../adapters/gpu/rmsprop-wgsl.js';
import type { OptimizerStateView } from '../../adapters/adapter.js';
import { initialState, type OptimizerState } from '../../reference/step.js';
import type { Axes } from '../../reference/variant.js';
import {
  benchmarkCopy,
  benchmarkRmspropSteps,
  measureDeviceArithmetic,
  webgpu,
  type DeviceArithmetic,
} from '../../adapters/webgpu.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { replaySource, runTrajectory } from '../../reference/trajectory.js';
import { ulpDistance } from '../../runner/ulp.js';
import type { CaseSpec } from '../../suites/case.js';
import { caseAppliesTo, caseGradientSource, caseX0 } from '../../suites/case-source.js';
import { autodiffOrderFor } from '../../suites/problems.js';
import { SUITES, caseKey } from '../../suites/suites.js';

const PROFILES = ['torch', 'keras', 'tfjs', 'tf-raw'] as const;

/**
 * Bounds, measured on Mesa llvmpipe (LLVM 15, Mesa 22.3.6, Dawn OpenGL ES backend), free-running
 * over whole trajectories against the reference in the device's own arithmetic (claimed profile +
 * the adapter's fixedAxes): bit-exact everywhere except where the kernel uses inverseSqrt, which
 * llvmpipe does not round correctly (<= 1 ulp per call, see measureDeviceArithmetic). Stated here,
 * not loosened: a device that differs more fails and must be looked at.
 */
const MAX_ULP_BOUND = 0;
/** One re-anchored step of a kernel using inverseSqrt (scaleForm rsqrt): measured on llvmpipe. */
const RSQRT_STEP_BOUND = 1;

interface CaseResult {
  group: string;
  key: string;
  /** Free-running max ULP vs the reference in the device's arithmetic (claimed profile + fixedAxes); Infinity for a NaN/Inf mismatch. */
  maxUlp: number;
  firstMismatch?: string;
  /** Free-running max ULP vs the claimed profile's reference (differs from maxUlp only where fixedAxes apply). */
  claimedUlp: number;
  /** Max ULP of single steps started from the claimed reference's state (re-anchored). */
  claimedStepUlp: number;
  /** Max ULP of single steps started from the device-order reference's state (re-anchored). */
  deviceStepUlp: number;
  rsqrt: boolean;
}

let gpu: GpuResult;
let arith: DeviceArithmetic | undefined;
let fixedAxes: Partial<Axes> = {};
const results: CaseResult[] = [];
const skipped: string[] = [];

function requireGpu(): void {
  if (!gpu.available) {
    throw new Error(
      `WebGPU device unavailable (this test needs it; on a fresh machine run \`bash scripts/setup-system.sh\`): ${gpu.reason}`,
    );
  }
}

type Quantity = 'p' | 'v' | 'm' | 'b';

function maxUlpOf(
  want: { params: Float64Array; state: OptimizerState },
  have: { params: Float64Array; state?: OptimizerStateView },
  quantities: Quantity[],
): { ulp: number; where?: string } {
  let ulp = 0;
  let where: string | undefined;
  for (const q of quantities) {
    const w = q === 'p' ? want.params : want.state[q];
    const h = q === 'p' ? have.params : have.state![q]!;
    for (let i = 0; i < w.length; i++) {
      const d = ulpDistance(w[i], h[i], 'float32');
      if (d > ulp) {
        ulp = d;
        where = `${q}[${i}]: reference ${w[i]}, webgpu ${h[i]}`;
      }
    }
  }
  return where === undefined ? { ulp } : { ulp, where };
}

/**
 * Replays the float32 reference trajectory's gradients into the adapter. The adapter runs the
 * variant as the runner hands it (claimed profile + the adapter's fixedAxes); its trajectory is
 * compared free-running with that reference (asserted) and with the claimed profile's (reported), and
 * each single step re-anchored on the claimed reference's state is measured too.
 */
async function compareCase(group: string, profile: string, c: CaseSpec, extra: Settings = {}): Promise<void> {
  const claimed = resolveVariant(profile, 'float32', {}, { ...c.settings, ...extra });
  const deviceVariant = { ...claimed.variant, ...fixedAxes };
  const order = autodiffOrderFor(claimed.profile.name);
  const x0 = caseX0(c);
  const reference = runTrajectory(claimed.variant, 'float32', x0, c.steps, caseGradientSource(c, 'float32', order));
  // The device-order reference replays the claimed trajectory's gradients (closed-loop problems included).
  const grads = reference.points.map((pt) => pt.grad);
  const expected = runTrajectory(deviceVariant, 'float32', x0, c.steps, replaySource(grads));
  const adapter = webgpu.create({ profile });
  const ac: AdapterCase = {
    key: caseKey(c),
    dtype: 'float32',
    variant: deviceVariant,
    profile: claimed.profile,
    native: claimed.native,
    settings: { ...c.settings, ...extra },
    x0: reference.x0,
  };
  const label = `${profile} ${caseKey(c)}${Object.keys(extra).length ? ' ' + JSON.stringify(extra) : ''}`;
  let prepared;
  try {
    prepared = await adapter.prepare(ac);
  } catch (e) {
    if (e instanceof UnsupportedCaseError) {
      skipped.push(`${label}: ${e.message}`);
      return;
    }
    throw e;
  }
  const quantities: Quantity[] = ['p', 'v'];
  if (claimed.variant.centered) quantities.push('m');
  if (claimed.variant.momentum !== 0 || claimed.variant.momentumAlways) quantities.push('b');
  let maxUlp = 0;
  let claimedUlp = 0;
  let claimedStepUlp = 0;
  let deviceStepUlp = 0;
  let firstMismatch: string | undefined;
  try {
    for (let t = 0; t < grads.length; t++) {
      await prepared.step(grads[t]);
      const got = await prepared.read();
      const d = maxUlpOf(expected.points[t], got, quantities);
      maxUlp = Math.max(maxUlp, d.ulp);
      if (d.ulp > 0 && firstMismatch === undefined) firstMismatch = `step ${t + 1} ${d.where} (${d.ulp} ulp)`;
      claimedUlp = Math.max(claimedUlp, maxUlpOf(reference.points[t], got, quantities).ulp);
    }
    // Re-anchored: each step from the reference's state (claimed profile, then device order).
    const initial = initialState(claimed.variant, 'float32', reference.x0.length);
    for (const [trajectory, record] of [
      [reference, (u: number) => (claimedStepUlp = Math.max(claimedStepUlp, u))],
      [expected, (u: number) => (deviceStepUlp = Math.max(deviceStepUlp, u))],
    ] as const) {
      for (let t = 0; t < grads.length; t++) {
        const before = t === 0 ? { params: reference.x0, state: initial } : trajectory.points[t - 1];
        await prepared.load!(before.params, before.state);
        await prepared.step(grads[t]);
        record(maxUlpOf(trajectory.points[t], await prepared.read(), quantities).ulp);
      }
    }
  } finally {
    const { leak } = await prepared.dispose();
    expect(leak).toBeUndefined();
  }
  const rsqrt = deviceVariant.scaleForm === 'rsqrt' && deviceVariant.epsPlacement !== 'outside';
  results.push({
    group,
    key: label,
    maxUlp,
    claimedUlp,
    claimedStepUlp,
    deviceStepUlp,
    rsqrt,
    ...(firstMismatch ? { firstMismatch } : {}),
  });
}

/** Axis values the suites' profiles do not reach: each one run on a momentum/centered case and an edge stream. */
const AXIS_SWEEP: Settings[] = [
  { emaForm: 'lerp' },
  { emaForm: 'increment', meanForm: 'increment', centered: true },
  { meanForm: 'lerp', centered: true, fma: 'on' },
  { meanForm: 'lerp', centered: true, fma: 'off' },
  { emaForm: 'lerp', decay: 0.3, fma: 'on' },
  { squareGrouping: '(1-b)*(g*g)' },
  { scaleForm: 'rsqrt', epsPlacement: 'inside' },
  { scaleForm: 'reciprocal' },
  { scaleForm: 'reciprocal', epsPlacement: 'inside', centered: true },
  { epsPlacement: 'inside-subtracted', centered: true },
  { epsPlacement: 'inside', centered: true, centeredGrouping: '(v+eps)-m2' },
  { updateOrder: 'lr-last' },
  { updateOrder: 'lr-over-d' },
  { updateOrder: 'lr-over-d', scaleForm: 'rsqrt', epsPlacement: 'inside' },
  { momentum: 0.9, momentumKind: 'lr-outside' },
  { momentum: 0.9, momentumKind: 'lr-outside', fma: 'off' },
  { momentum: 0.9, momentumKind: 'lr-inside', fma: 'momentum' },
  { momentum: 0.9, momentumKind: 'graves' },
  { momentum: 0.9, momentumKind: 'nesterov' },
  { momentum: 0.9, momentumKind: 'nesterov', fma: 'momentum' },
  { momentumAlways: true, momentumKind: 'lr-inside' },
  { weightDecay: 0.1, weightDecayKind: 'coupled', fma: 'weight-decay' },
  { weightDecay: 0.1, weightDecayKind: 'coupled', weightDecayBeforeClip: false, clip: 0.5 },
  { weightDecay: 0.1, weightDecayKind: 'decoupled' },
  { weightDecay: 0.1, weightDecayKind: 'decoupled', decoupledScaledByLr: false },
  { maximize: true },
  { rescale: 0.5 },
  { clip: 0.01 },
  { biasCorrection: true },
  { biasCorrection: true, centered: true, momentum: 0.5 },
  { lrDecay: 0.1, lrSchedule: 'inverse-time-reciprocal' },
  { oneMinusDecay: 'compute', decay: 0.95 },
  { float32Hyperparameters: ['lr', 'decay', 'eps'], eps: 1e-7 },
  { initialAccumulator: 0.1 },
  { eps: 0 },
  { eps: 0, centered: true, epsPlacement: 'inside-subtracted' },
];

beforeAll(async () => {
  gpu = await getGpu();
  if (!gpu.available) return;
  arith = await measureDeviceArithmetic(gpu);
  const probed = webgpu.create({});
  await probed.probe();
  fixedAxes = probed.info.fixedAxes ?? {};
});

afterAll(() => {
  if (results.length === 0) return;
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const lines = ['webgpu vs float32 reference: max ULP over every step of params and used state'];
  if (gpu.available)
    lines.push(`  device: ${describeGpu(gpu.info)}; arithmetic ${JSON.stringify(arith)}; fixedAxes ${JSON.stringify(fixedAxes)}`);
  lines.push(
    '  columns: free-running vs device-order reference | free-running vs claimed profile | one step re-anchored on claimed | one step re-anchored on device order',
  );
  for (const [group, rs] of groups) {
    const worst = (f: (r: CaseResult) => number) => Math.max(...rs.map(f));
    const exact = rs.filter((r) => r.maxUlp === 0).length;
    lines.push(
      `  ${group.padEnd(16)} ${String(rs.length).padStart(3)} cases, ${String(exact).padStart(3)} bit-exact | ` +
        `${worst((r) => r.maxUlp)} | ${worst((r) => r.claimedUlp)} | ${worst((r) => r.claimedStepUlp)} | ${worst((r) => r.deviceStepUlp)} ulp`,
    );
    for (const r of rs.filter((x) => x.maxUlp > 0))
      lines.push(`      ${r.key}: ${r.maxUlp} ulp free-running, ${r.deviceStepUlp} ulp per step (first: ${r.firstMismatch})`);
  }
  lines.push(
    `  unsupported (skipped by the adapter): ${skipped.length}${skipped.length ? ': ' + skipped.slice(0, 5).join('; ') : ''}`,
  );
  console.log(lines.join('\n'));
});

describe('webgpu adapter', () => {
  it('creates a WebGPU device (fails without one: run `bash scripts/setup-system.sh`)', () => {
    requireGpu();
    if (!gpu.available) return;
    expect(gpu.info.backend).toMatch(/^(opengles|vulkan)$/);
    console.log(`webgpu device: ${describeGpu(gpu.info)}; timestamp-query: ${gpu.timestampQuery}`);
  });

  it('probe() reports the device facts', async () => {
    requireGpu();
    const a = await webgpu.create({}).probe();
    expect(a.available).toBe(true);
    if (!a.available) return;
    for (const k of ['vendor', 'architecture', 'description', 'backend', 'timestampQuery', 'maxStorageBuffersPerShaderStage'])
      expect(a.facts).toHaveProperty(k);
  });

  it('refuses clipNorm cases with UnsupportedCaseError and unknown options with an error', async () => {
    requireGpu();
    const resolved = resolveVariant('torch', 'float32', { clipNorm: 1 });
    const ac: AdapterCase = {
      key: 'x',
      dtype: 'float32',
      variant: resolved.variant,
      profile: resolved.profile,
      native: resolved.native,
      settings: { clipNorm: 1 },
      x0: new Float64Array([1]),
    };
    await expect(webgpu.create({}).prepare(ac)).rejects.toBeInstanceOf(UnsupportedCaseError);
    await expect(webgpu.create({}).prepare({ ...ac, dtype: 'float64' })).rejects.toBeInstanceOf(UnsupportedCaseError);
    expect(() => webgpu.create({ profiel: 'keras' })).toThrow(/profiel/);
  });

  for (const profile of PROFILES) {
    it(`matches the ${profile} float32 reference on every applicable suite case`, async () => {
      requireGpu();
      for (const [suite, cases] of Object.entries(SUITES)) {
        for (const c of cases) {
          const resolved = resolveVariant(profile, 'float32', {});
          if (!caseAppliesTo(c, resolved.profile).applies) continue;
          await compareCase(`${profile}/${suite}`, profile, c);
        }
      }
      const mine = results.filter((r) => r.group.startsWith(`${profile}/`));
      expect(mine.length).toBeGreaterThan(0);
      const bad = mine.filter((r) => r.maxUlp > MAX_ULP_BOUND);
      expect(bad.map((r) => `${r.key}: ${r.maxUlp} ulp, ${r.firstMismatch}`)).toEqual([]);
    }, 300_000);
  }

  it('matches the reference on axis values the suites do not reach (torch base, overridden axes)', async () => {
    requireGpu();
    const momentumCase = SUITES.variants.find((c) => c.id === 'centered-momentum')!;
    const plain = SUITES.variants.find((c) => c.id === 'momentum')!;
    const edgeCases = ['zeros-first', 'overflow32', 'inf-at', 'nan-at', 'subnormal32'].map((id) =>
      SUITES.edge.find((c) => c.id === id)!,
    );
    for (const extra of AXIS_SWEEP) {
      for (const c of [plain, momentumCase, ...edgeCases]) {
        await compareCase('axis-sweep', 'torch', c, extra);
      }
    }
    const sweep = results.filter((r) => r.group === 'axis-sweep');
    const bad = sweep.filter((r) => !r.rsqrt && r.maxUlp > MAX_ULP_BOUND);
    expect(bad.map((r) => `${r.key}: ${r.maxUlp} ulp, ${r.firstMismatch}`)).toEqual([]);
    // inverseSqrt is not correctly rounded on every device: one step differs by at most the measured
    // inverseSqrt error (RSQRT_STEP_BOUND), and free-running trajectories drift from there.
    const rsqrtBad = sweep.filter((r) => r.rsqrt && r.deviceStepUlp > RSQRT_STEP_BOUND);
    expect(rsqrtBad.map((r) => `${r.key}: ${r.deviceStepUlp} ulp in one step, ${r.firstMismatch}`)).toEqual([]);
    expect(arith!.inverseSqrtMaxUlp).toBeLessThanOrEqual(1);
  }, 300_000);

  it('generates WGSL with fma() exactly at the variant fma sites', () => {
    const withFma = rmspropWgsl(resolveVariant('torch', 'float32', { centered: true, momentum: 0.9, weightDecay: 0.1 }).variant);
    const without = rmspropWgsl(
      resolveVariant('torch', 'float32', { centered: true, momentum: 0.9, weightDecay: 0.1, fma: 'off' }).variant,
    );
    expect(withFma).toMatch(/fma\(/);
    expect(without).not.toMatch(/fma\(/);
    expect(rmspropWgsl(resolveVariant('keras', 'float32', { rho: 0.9 }).variant)).not.toMatch(/fma\(/);
  });

  it('runs the timing helpers (steps without readback, copy bandwidth probe)', async () => {
    requireGpu();
    const s = await benchmarkRmspropSteps({ n: 1 << 16, steps: 4, repeats: 2 });
    expect(s.msPerStep).toBeGreaterThan(0);
    expect(['timestamp', 'wall']).toContain(s.method);
    const c = await benchmarkCopy({ n: 1 << 16, copies: 4, repeats: 2 });
    expect(c.bytesPerCopy).toBe(8 << 16);
    expect(c.gbPerSecond).toBeGreaterThan(0);
    console.log(
      `webgpu timing (${s.method}): ${(s.msPerStep * 1e3).toFixed(1)} us/step for 65536 elements; copy ${c.gbPerSecond.toFixed(2)} GB/s`,
    );
  });
});
