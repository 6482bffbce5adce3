import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fma32 } from '../../reference/fma.js';
import { decodeVector } from '../../reference/number-encoding.js';
import { amdZenRsqrtps } from '../../reference/op-implementations/x86-rsqrtps.js';
import { xlaCpuRsqrt32AmdSse } from '../../reference/op-implementations/xla-cpu-rsqrt32-amd.js';

const fr = Math.fround;

/** The RSQRTPS table is vendor-specific: it can be checked against the hardware only on AMD family 25 (Zen 3 / Zen 4). */
function onAmdZen34WithGcc(): boolean {
  if (!existsSync('/proc/cpuinfo')) return false;
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  if (!/vendor_id\s*:\s*AuthenticAMD/.test(info) || !/cpu family\s*:\s*25\b/.test(info) || !/\bavx\b/.test(info)) return false;
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('amdZenRsqrtps (RSQRTPS of AMD Zen)', () => {
  it('gives 1 - 2^-13 at 1: the interval [1, 1 + 2^-12) has centre value round(2^13/sqrt(1 + 2^-13)) = 8192, corrected by -1', () => {
    // 2^13/sqrt(1 + 2^-13) = 8192 (1 - 2^-14 + 3*2^-29 ...) = 8191.50005..., rounded 8192; the table's entry is '-'.
    expect(amdZenRsqrtps(1)).toBe(1 - 2 ** -13);
  });

  it('scales by 2^-n for x = 2^(2n) m: 4 gives (1 - 2^-13)/2 and the smallest normal 2^-126 gives (1 - 2^-13) * 2^63', () => {
    expect(amdZenRsqrtps(4)).toBe((1 - 2 ** -13) / 2);
    expect(amdZenRsqrtps(0.25)).toBe((1 - 2 ** -13) * 2);
    expect(amdZenRsqrtps(2 ** -126)).toBe((1 - 2 ** -13) * 2 ** 63);
  });

  it('gives 5792 * 2^-12 at 0.5 (odd exponent: 2 * [1,2) table), the centre value round(2^13/sqrt(2 + 2^-12)) = 5792 uncorrected', () => {
    // 2^13/sqrt(2 (1 + 2^-13)) = 5792.6187 * (1 - 2^-14) = 5792.265..., rounded 5792; 0.5 = 2^-2 * 2, so times 2^1.
    expect(amdZenRsqrtps(0.5)).toBe(5792 * 2 ** -12);
  });

  it('gives exactly 2^-64 for the largest float32: the last entry of [2,4) is round(2^13/sqrt(3.99951...)) = 4096', () => {
    expect(amdZenRsqrtps(fr(3.4028234663852886e38))).toBe(2 ** -64);
  });

  it('has the special values of the SDM: zeros and subnormals give infinities of their sign, +Inf gives +0, negatives NaN', () => {
    expect(amdZenRsqrtps(0)).toBe(Infinity);
    expect(amdZenRsqrtps(-0)).toBe(-Infinity);
    expect(amdZenRsqrtps(2 ** -149)).toBe(Infinity);
    expect(amdZenRsqrtps(-(2 ** -149))).toBe(-Infinity);
    expect(amdZenRsqrtps(fr(2 ** -126 - 2 ** -149))).toBe(Infinity);
    expect(Object.is(amdZenRsqrtps(Infinity), 0)).toBe(true);
    expect(amdZenRsqrtps(-Infinity)).toBeNaN();
    expect(amdZenRsqrtps(-1)).toBeNaN();
    expect(amdZenRsqrtps(NaN)).toBeNaN();
  });

  it('stays within the SDM bound 1.5 * 2^-12 of 1/sqrt(x) at both ends of every one of the 8192 input intervals', () => {
    let worst = 0;
    for (let parity = 0; parity < 2; parity++) {
      for (let k = 0; k < 4096; k++) {
        const lo = (parity + 1) * (1 + k / 4096);
        const hi = fr((parity + 1) * (1 + (k + 1) / 4096 - 2 ** -23));
        for (const x of [lo, hi]) worst = Math.max(worst, Math.abs(amdZenRsqrtps(x) * Math.sqrt(x) - 1));
      }
    }
    expect(worst).toBeLessThanOrEqual(1.5 * 2 ** -12);
    expect(worst).toBeGreaterThan(2 ** -13); // a 12-bit estimate, not a correctly rounded one
  });

  it('returns a 12-bit significand constant over each interval of 2^11 inputs', () => {
    for (const x of [1, 1.3, 2.5, 3.999, 1e-20, 7e30]) {
      const y = amdZenRsqrtps(fr(x));
      const exponent = Math.floor(Math.log2(y));
      expect(Number.isInteger(y * 2 ** (12 - exponent))).toBe(true);
      const w = new DataView(new ArrayBuffer(4));
      w.setFloat32(0, x);
      const first = w.getUint32(0) & ~0x7ff;
      w.setUint32(0, first);
      const a = w.getFloat32(0);
      w.setUint32(0, first | 0x7ff);
      expect(amdZenRsqrtps(a)).toBe(amdZenRsqrtps(w.getFloat32(0)));
    }
  });

  it.runIf(onAmdZen34WithGcc())(
    'matches the RSQRTPS of this CPU at every table entry (runs on AMD family 25 with gcc only: the estimate is vendor-specific)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'rsqrtps-'));
      try {
        const exe = join(dir, 'rsqrtps-table');
        execFileSync('gcc', ['-O2', '-mavx', '-o', exe, 'scripts/x86/rsqrtps-table.c', '-lm']);
        const printed = execFileSync(exe, { encoding: 'utf8' })
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => l.trim().slice(1, -2))
          .join('');
        expect(printed.length).toBe(8192);
        for (let i = 0; i < 8192; i++) {
          const parity = i >> 12;
          const k = i & 4095;
          const x = (parity + 1) * (1 + k / 4096);
          const centre = (parity + 1) * (1 + (k + 0.5) / 4096);
          const c = printed[i];
          const significand = Math.round(2 ** 13 / Math.sqrt(centre)) + (c === '+' ? 1 : c === '-' ? -1 : 0);
          expect(amdZenRsqrtps(x) * 2 ** 13).toBe(significand);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('xlaCpuRsqrt32AmdSse (XLA float32 rsqrt on AMD: RSQRTPS + one Newton-Raphson step)', () => {
  it('refines 1 to exactly 1: y = 1 - 2^-13, h = fma(x*y, y, -1) = -2^-12 + 2^-26, fma(-y/2, h, y) = 1 - 3*2^-27 + 2^-40 rounds to 1', () => {
    expect(xlaCpuRsqrt32AmdSse(1)).toBe(1);
  });

  it('returns the raw estimate below the smallest normal number and at +Inf, as XLA selects it', () => {
    expect(xlaCpuRsqrt32AmdSse(0)).toBe(Infinity);
    expect(xlaCpuRsqrt32AmdSse(2 ** -140)).toBe(Infinity);
    expect(Object.is(xlaCpuRsqrt32AmdSse(Infinity), 0)).toBe(true);
    expect(xlaCpuRsqrt32AmdSse(-4)).toBeNaN();
  });

  it('stays within 2 ulps of 1/sqrt(x) over a sweep of inputs (one step from a 12-bit estimate)', () => {
    let worst = 0;
    for (let i = 0; i < 20000; i++) {
      const x = fr(2 ** (-30 + (60 * i) / 20000));
      const y = xlaCpuRsqrt32AmdSse(x);
      const exact = 1 / Math.sqrt(x);
      const ulp = 2 ** (Math.floor(Math.log2(exact)) - 23);
      worst = Math.max(worst, Math.abs(y - exact) / ulp);
    }
    expect(worst).toBeLessThan(2);
  });

  // The recorded evidence: optax.rmsprop without momentum, float32, jax on AMD EPYC (Zen 4). A step is
  // nu' = recorded; x' = fma(-lr, g * rsqrt(nu' + eps), x) (XLA contracts it: probes_output.md §2). Every
  // element of every step must come out bit for bit from the recorded x, g and nu'.
  const PLAIN_RUNS = ['beale_plain', 'bowl3_plain', 'stream12_plain', 'bowl3_initial_scale05'];
  it.each(PLAIN_RUNS)(
    'reproduces every parameter of the recorded optax %s float32 run, where 1/sqrt correctly rounded does not',
    (run) => {
      const doc = JSON.parse(readFileSync(`suites/recordings/optax/optax-eps_in_sqrt_${run}_float32.json`, 'utf8')) as {
        hyperparams: { learning_rate: number; eps: number };
        x0: never;
        grads: never[];
        trajectory: never[];
        state_per_step: Record<string, never[]>;
      };
      const negLr = -fr(doc.hyperparams.learning_rate);
      const eps = fr(doc.hyperparams.eps);
      // x0 is the host value; the run starts from it stored in float32.
      let x: Float64Array = decodeVector(doc.x0, 'x0').map(fr);
      let mismatchesXla = 0;
      let mismatchesCorrect = 0;
      for (let t = 0; t < doc.trajectory.length; t++) {
        const g = decodeVector(doc.grads[t], 'g');
        const nu = decodeVector(doc.state_per_step['[0].nu'][t], 'nu');
        const next = decodeVector(doc.trajectory[t], 'x');
        for (let i = 0; i < x.length; i++) {
          const a = fr(nu[i] + eps);
          if (!Object.is(fma32(negLr, fr(g[i] * xlaCpuRsqrt32AmdSse(a)), x[i]), next[i])) mismatchesXla++;
          if (!Object.is(fma32(negLr, fr(g[i] * fr(1 / Math.sqrt(a))), x[i]), next[i])) mismatchesCorrect++;
        }
        x = next;
      }
      expect(mismatchesXla).toBe(0);
      expect(mismatchesCorrect).toBeGreaterThan(0);
    },
  );
});
