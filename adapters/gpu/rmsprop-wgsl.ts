// WGSL for one fused RMSprop step, generated from the variant's step program (reference/program):
// one statement per op, in the program's order (one f32 rounding per operation; `fma()` where the
// program contracts). Every branch is decided in the program. WGSL does not require correctly
// rounded division, sqrt, inverseSqrt or fma (and allows assuming no NaN/Inf); tests measure what a
// given device does.
//
// Buffers (<= 4 storage buffers per stage, the compatibility-mode limit):
//   @binding(0) params  (read_write, n f32)
//   @binding(1) grad    (read, n f32)
//   @binding(2) state   (read_write, slots*n f32: v, then m if centered, then b if momentum runs)
//   @binding(3) scalars (uniform, dynamic offset: one 256-byte slot per step in a batch)

import { PLAIN_OP_AXES } from '../../reference/op-implementations/index.js';
import { stepProgram, type StepProgram } from '../../reference/program/index.js';
import type { ScalarName } from '../../reference/program/ops.js';
import type { Variant } from '../../reference/variant.js';
import { cLikeExpression, lowerToText, type TextDialect } from '../codegen/lower.js';

export const WORKGROUP_SIZE = 128;
/** Bytes between two per-step scalar blocks in the uniform buffer (minUniformBufferOffsetAlignment). */
export const SCALAR_STRIDE = 256;
/** f32/u32 words in one scalar block. */
export const SCALAR_WORDS = 16;

/** Word offsets in the scalar block (all f32 except n, mOffset, bOffset, rowStride: u32). */
export const SCALAR_LAYOUT = {
  lr: 0,
  decay: 1,
  w: 2,
  eps: 3,
  momentum: 4,
  wd: 5,
  rescale: 6,
  clip: 7,
  bc: 8,
  n: 9,
  mOffset: 10,
  bOffset: 11,
  rowStride: 12,
} as const;

export interface StateLayout {
  /** Slots per element in the state buffer. */
  slots: number;
  /** Slot index of m, or -1 when m is not stored (not centered: m stays 0). */
  m: number;
  /** Slot index of b, or -1 when b is not stored (momentum path never runs: b stays 0). */
  b: number;
}

export function stateLayout(variant: Variant): StateLayout {
  let slots = 1;
  const m = variant.centered ? slots++ : -1;
  const b = variant.momentumAlways || variant.momentum !== 0 ? slots++ : -1;
  return { slots, m, b };
}

/** Whether the kernel supports the variant (global-norm clipping needs a reduction it does not do). */
export function wgslUnsupported(variant: Variant): string | null {
  if (variant.clipNorm !== null)
    return 'clipNorm needs a global reduction over the gradient (not implemented in the WGSL kernel)';
  if (variant.computePrecision === 'float64') return 'WGSL has no float64 arithmetic (computePrecision=float64)';
  return null;
}

const WGSL_SCALARS: Record<ScalarName, string> = {
  lr: 's.lr',
  decay: 's.decay',
  oneMinusDecay: 's.w',
  eps: 's.eps',
  momentum: 's.momentum',
  weightDecay: 's.wd',
  rescale: 's.rescale',
  clip: 's.clip',
  biasCorrection: 's.bc',
  normScale: 's.normScale',
  normDivisor: 's.normDivisor',
  one: '1.0f',
};

const WGSL_DIALECT: TextDialect = {
  expression: (op, args) =>
    `(${cLikeExpression(op, args, {
      sqrt: (a) => `sqrt(${a})`,
      rsqrt: (a) => `inverseSqrt(${a})`,
      fma: (a, b, c) => `fma(${a}, ${b}, ${c})`,
      // g > c ? c : g < -c ? -c : g, and NaN passes through: the NaN test is on the bits, because
      // shader compilers may turn the selects into min/max, which drop NaN (Mesa does).
      clip: (g, c) =>
        `select(select(select(${g}, -${c}, ${g} < -${c}), ${c}, ${g} > ${c}), ${g}, (bitcast<u32>(${g}) & 0x7fffffffu) > 0x7f800000u)`,
    })})`,
  scalar: (name) => WGSL_SCALARS[name],
  vector: (name) => name,
  bind: (local, e) => `let ${local} = ${e};`,
  assign: (local, e) => `${local} = ${e};`,
};

/**
 * flushSubnormals: x, or a zero of its sign where x is subnormal, tested on the bits (WGSL lets a
 * device flush or keep subnormals; flushing every load, scalar and result explicitly gives the same
 * values either way).
 */
const FLUSH_WGSL = `fn fz(x: f32) -> f32 {
  let bits = bitcast<u32>(x);
  return select(x, bitcast<f32>(bits & 0x80000000u), (bits & 0x7fffffffu) < 0x00800000u);
}`;

const wgslDialect = (flush: boolean): TextDialect => ({
  ...WGSL_DIALECT,
  expression: (op, args) => {
    const e = WGSL_DIALECT.expression(op, args);
    return flush && op.kind !== 'neg' && op.kind !== 'copy' && op.kind !== 'clip' ? `fz${e}` : e;
  },
  scalar: (name) => (flush && name !== 'one' ? `fz(${WGSL_SCALARS[name]})` : WGSL_SCALARS[name]),
});

/** The complete WGSL module for the variant: entry point `main`, workgroup size WORKGROUP_SIZE. */
export function rmspropWgsl(variant: Variant): string {
  // The shader's sqrt and inverseSqrt are the device's, never a CPU framework's algorithm (sqrtImpl, rsqrtImpl).
  const device: Variant = { ...variant, ...PLAIN_OP_AXES };
  const reason = wgslUnsupported(device);
  if (reason) throw new RangeError(reason);
  return programWgsl(stepProgram(device, 'float32'));
}

/** The WGSL module of any float32 step program over the RMSprop state layout. */
export function programWgsl(program: StepProgram<Variant>): string {
  const variant = program.variant;
  const layout = stateLayout(variant);
  const flush = program.rule.flushSubnormals === true;
  const body = lowerToText(program.ops, wgslDialect(flush));
  const fz = (e: string) => (flush ? `fz(${e})` : e);
  const load = [
    `var p = ${fz('params[i]')};`,
    `var g = ${fz('grad[i]')};`,
    `var v = ${fz('state[i]')};`,
    layout.m >= 0 ? `var m = ${fz('state[s.mOffset + i]')};` : 'let m = 0.0f;',
    layout.b >= 0 ? `var b = ${fz('state[s.bOffset + i]')};` : 'let b = 0.0f;',
  ];
  const store = [
    'params[i] = p;',
    'state[i] = v;',
    ...(layout.m >= 0 ? ['state[s.mOffset + i] = m;'] : []),
    ...(layout.b >= 0 ? ['state[s.bOffset + i] = b;'] : []),
  ];
  return `// RMSprop step, generated for: ${describeKernel(variant)}
struct Scalars {
  lr: f32, decay: f32, w: f32, eps: f32,
  momentum: f32, wd: f32, rescale: f32, clip: f32,
  bc: f32, n: u32, mOffset: u32, bOffset: u32,
  rowStride: u32, pad0: u32, pad1: u32, pad2: u32,
}
@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> state: array<f32>;
@group(0) @binding(3) var<uniform> s: Scalars;
${flush ? `\n${FLUSH_WGSL}\n` : ''}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * s.rowStride;
  if (i >= s.n) { return; }
  ${load.join('\n  ')}
  ${body.join('\n  ')}
  ${store.join('\n  ')}
}
`;
}

/** Copy kernel for the bandwidth probe: b[i] = a[i]. */
export const COPY_WGSL = `
struct Params { n: u32, rowStride: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> b: array<f32>;
@group(0) @binding(2) var<uniform> q: Params;
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * q.rowStride;
  if (i >= q.n) { return; }
  b[i] = a[i];
}
`;

export function describeKernel(variant: Variant): string {
  const parts = [
    `eps ${variant.epsPlacement}`,
    variant.centered ? `centered ${variant.centeredGrouping}, mean ${variant.meanForm}` : 'uncentered',
    `ema ${variant.emaForm} ${variant.squareGrouping}`,
    `scale ${variant.scaleForm}`,
    `update ${variant.updateOrder}`,
    variant.momentumAlways || variant.momentum !== 0
      ? `momentum ${variant.momentumKind}${variant.momentumAlways ? ' (always)' : ''}`
      : 'no momentum',
    variant.weightDecay !== 0 ? `weight decay ${variant.weightDecayKind}` : '',
    variant.maximize ? 'maximize' : '',
    variant.clip !== null ? 'clip' : '',
    variant.fma.length > 0 ? `fma ${variant.fma.join(',')}` : 'no fma',
  ];
  return parts.filter((p) => p !== '').join('; ');
}
