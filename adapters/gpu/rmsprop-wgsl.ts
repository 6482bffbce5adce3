// WGSL for one fused RMSprop step, generated from a Variant's axes. The expressions are emitted in
// the order reference/step.ts `stepElement` evaluates them (one f32 rounding per operation; `fma()`
// at the variant's FMA sites). Decisions that depend on per-step scalars the reference tests at run
// time (bias correction == 1, rescale != 1, |1-decay| < 0.5 for lerp) are uniform branches here, so
// the kernel follows the reference whatever the host computes. WGSL does not require correctly
// rounded division, sqrt, inverseSqrt or fma (and allows assuming no NaN/Inf); tests measure what a
// given device does.
//
// Buffers (<= 4 storage buffers per stage, the compatibility-mode limit):
//   @binding(0) params  (read_write, n f32)
//   @binding(1) grad    (read, n f32)
//   @binding(2) state   (read_write, slots*n f32: v, then m if centered, then b if momentum runs)
//   @binding(3) scalars (uniform, dynamic offset: one 256-byte slot per step in a batch)

import type { FmaSite, Variant } from '../../reference/variant.js';

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
  if (variant.clipNorm !== null) return 'clipNorm needs a global reduction over the gradient (not implemented in the WGSL kernel)';
  return null;
}

class Emitter {
  readonly lines: string[] = [];
  private count = 0;
  constructor(private readonly sites: readonly FmaSite[]) {}
  add = (a: string, b: string) => `(${a} + ${b})`;
  sub = (a: string, b: string) => `(${a} - ${b})`;
  mul = (a: string, b: string) => `(${a} * ${b})`;
  div = (a: string, b: string) => `(${a} / ${b})`;
  sqrt = (a: string) => `sqrt(${a})`;
  rsqrt = (a: string) => `inverseSqrt(${a})`;
  fma = (a: string, b: string, c: string) => `fma(${a}, ${b}, ${c})`;
  fused = (site: FmaSite) => this.sites.includes(site);
  madd = (site: FmaSite, a: string, b: string, c: string) => (this.fused(site) ? this.fma(a, b, c) : this.add(this.mul(a, b), c));
  /** Binds an expression to a fresh `let` (each op is one f32 value either way; names keep the text readable). */
  bind(expr: string): string {
    const name = `t${this.count++}`;
    this.lines.push(`let ${name} = ${expr};`);
    return name;
  }
  assign(name: string, expr: string): void {
    this.lines.push(`${name} = ${expr};`);
  }
  raw(line: string): void {
    this.lines.push(line);
  }
}

/** ATen lerp, with the |w| < 0.5 choice as a uniform branch on the host-computed weight. */
function emitLerp(e: Emitter, fused: boolean, target: string, start: string, end: string, w: string): void {
  const diff = e.bind(e.sub(end, start));
  const small = fused ? e.fma(w, diff, start) : e.add(start, e.mul(w, diff));
  const large = fused ? e.fma(e.sub(w, '1.0f'), diff, end) : e.sub(end, e.mul(diff, e.sub('1.0f', w)));
  e.raw(`if (abs(${w}) < 0.5f) { ${target} = ${small}; } else { ${target} = ${large}; }`);
}

/** The body of one element's step: reads p, g, v, m, b (vars) and the scalar block `s`. */
function emitBody(variant: Variant, e: Emitter): void {
  const layout = stateLayout(variant);
  const useMomentum = layout.b >= 0;
  if (variant.weightDecayKind === 'decoupled' && variant.weightDecay !== 0) {
    e.assign('p', e.sub('p', variant.decoupledScaledByLr ? e.mul(e.mul('p', 's.wd'), 's.lr') : e.mul('p', 's.wd')));
  }
  if (variant.maximize) e.assign('g', '-g');
  e.raw(`if (s.rescale != 1.0f) { g = ${e.mul('s.rescale', 'g')}; }`);
  const coupled = variant.weightDecayKind === 'coupled' && variant.weightDecay !== 0;
  if (coupled && variant.weightDecayBeforeClip) e.assign('g', e.madd('weight-decay', 's.wd', 'p', 'g'));
  // g > clip ? clip : g < -clip ? -clip : g, and NaN passes through: the NaN test is on the bits,
  // because shader compilers may turn the selects into min/max, which drop NaN (Mesa does).
  if (variant.clip !== null) {
    e.assign('g', 'select(select(select(g, -s.clip, g < -s.clip), s.clip, g > s.clip), g, (bitcast<u32>(g) & 0x7fffffffu) > 0x7f800000u)');
  }
  if (coupled && !variant.weightDecayBeforeClip) e.assign('g', e.madd('weight-decay', 's.wd', 'p', 'g'));

  // Second moment.
  if (variant.emaForm === 'increment') e.assign('v', e.madd('ema', e.sub(e.mul('g', 'g'), 'v'), 's.w', 'v'));
  else if (variant.emaForm === 'lerp') emitLerp(e, e.fused('ema'), 'v', 'v', e.bind(e.mul('g', 'g')), 's.w');
  else {
    const kept = e.bind(e.mul('s.decay', 'v'));
    e.assign('v', variant.squareGrouping === '((1-b)*g)*g' ? e.madd('ema', e.mul('s.w', 'g'), 'g', kept) : e.madd('ema', 's.w', e.mul('g', 'g'), kept));
  }

  // Centered mean.
  if (variant.centered) {
    if (variant.meanForm === 'increment') e.assign('m', e.madd('mean', e.sub('g', 'm'), 's.w', 'm'));
    else if (variant.meanForm === 'lerp') emitLerp(e, e.fused('mean'), 'm', 'm', 'g', 's.w');
    else e.assign('m', e.madd('mean', 's.w', 'g', e.mul('s.decay', 'm')));
  }

  // Denominator.
  e.raw('var vHat = v;');
  e.raw(`if (s.bc != 1.0f) { vHat = ${e.div('v', 's.bc')}; }`);
  const meanSquare = () => e.mul('m', 'm');
  const variance = () => (variant.centered ? (e.fused('centered') ? e.fma('-m', 'm', 'vHat') : e.sub('vHat', meanSquare())) : 'vHat');
  let d: string;
  let scale = '';
  if (variant.epsPlacement === 'outside') {
    d = e.bind(e.add(e.sqrt(variance()), 's.eps'));
    if (variant.scaleForm !== 'divide') scale = e.bind(e.div('1.0f', d));
  } else {
    let inner: string;
    if (!variant.centered) inner = e.add('vHat', 's.eps');
    else if (variant.epsPlacement === 'inside-subtracted') inner = e.sub('vHat', e.add(meanSquare(), 's.eps'));
    else if (variant.centeredGrouping === '(v+eps)-m2') inner = e.sub(e.add('vHat', 's.eps'), meanSquare());
    else inner = e.add(variance(), 's.eps');
    const innerName = e.bind(inner);
    d = e.bind(e.sqrt(innerName));
    if (variant.scaleForm === 'rsqrt') scale = e.bind(e.rsqrt(innerName));
    else if (variant.scaleForm === 'reciprocal') scale = e.bind(e.div('1.0f', d));
  }
  const byD = (x: string) => (variant.scaleForm === 'divide' ? e.div(x, d) : e.mul(x, scale));

  if (useMomentum && variant.momentumKind === 'lr-outside') {
    e.assign('b', e.madd('momentum', 's.momentum', 'b', byD('g')));
    e.assign('p', e.fused('param') ? e.fma('-s.lr', 'b', 'p') : e.sub('p', e.mul('s.lr', 'b')));
    return;
  }
  let u: string;
  if (variant.updateOrder === 'lr-first') u = e.bind(byD(e.mul('s.lr', 'g')));
  else if (variant.updateOrder === 'lr-last') u = e.bind(e.mul('s.lr', byD('g')));
  else u = e.bind(e.mul('g', variant.scaleForm === 'divide' ? e.div('s.lr', d) : e.mul('s.lr', scale)));

  if (!useMomentum) e.assign('p', e.sub('p', u));
  else if (variant.momentumKind === 'graves') {
    e.assign('b', e.sub(e.mul('s.momentum', 'b'), u));
    e.assign('p', e.add('p', 'b'));
  } else if (variant.momentumKind === 'nesterov') {
    e.assign('b', e.madd('momentum', 's.momentum', 'b', u));
    e.assign('p', e.sub('p', e.madd('momentum', 's.momentum', 'b', u)));
  } else {
    e.assign('b', e.madd('momentum', 's.momentum', 'b', u));
    e.assign('p', e.sub('p', 'b'));
  }
}

/** The complete WGSL module for the variant: entry point `main`, workgroup size WORKGROUP_SIZE. */
export function rmspropWgsl(variant: Variant): string {
  const reason = wgslUnsupported(variant);
  if (reason) throw new RangeError(reason);
  const layout = stateLayout(variant);
  const e = new Emitter(variant.fma);
  emitBody(variant, e);
  const load = [
    'var p = params[i];',
    'var g = grad[i];',
    'var v = state[i];',
    layout.m >= 0 ? 'var m = state[s.mOffset + i];' : 'let m = 0.0f;',
    layout.b >= 0 ? 'var b = state[s.bOffset + i];' : 'let b = 0.0f;',
  ];
  const store = ['params[i] = p;', 'state[i] = v;', ...(layout.m >= 0 ? ['state[s.mOffset + i] = m;'] : []), ...(layout.b >= 0 ? ['state[s.bOffset + i] = b;'] : [])];
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

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * s.rowStride;
  if (i >= s.n) { return; }
  ${load.join('\n  ')}
  ${e.lines.join('\n  ')}
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
    variant.momentumAlways || variant.momentum !== 0 ? `momentum ${variant.momentumKind}${variant.momentumAlways ? ' (always)' : ''}` : 'no momentum',
    variant.weightDecay !== 0 ? `weight decay ${variant.weightDecayKind}` : '',
    variant.maximize ? 'maximize' : '',
    variant.clip !== null ? 'clip' : '',
    variant.fma.length > 0 ? `fma ${variant.fma.join(',')}` : 'no fma',
  ];
  return parts.filter((p) => p !== '').join('; ');
}
