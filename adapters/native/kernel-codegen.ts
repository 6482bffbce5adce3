// Compiles a Variant into one fused JavaScript loop over typed arrays: the axes are resolved once,
// at compile time, so the loop has no per-element branching on them. In float32 every operation is
// wrapped in Math.fround, in the order the axes prescribe; FMA sites call the correctly rounded
// emulation. Written independently of reference/step.ts so that comparing the two checks both.

import type { Dtype } from '../../reference/arithmetic.js';
import { fma32, fma64 } from '../../reference/fma.js';
import type { StepScalars } from '../../reference/step.js';
import type { FmaSite, Variant } from '../../reference/variant.js';

export type Vector = Float32Array | Float64Array;
export type FusedStep = (p: Vector, g: Vector, v: Vector, m: Vector, b: Vector, s: StepScalars) => void;

class Emitter {
  readonly lines: string[] = [];
  private count = 0;
  constructor(private readonly f32: boolean, private readonly fmaSites: readonly FmaSite[]) {}
  private r(expr: string): string {
    return this.f32 ? `F(${expr})` : `(${expr})`;
  }
  add = (a: string, b: string) => this.r(`${a} + ${b}`);
  sub = (a: string, b: string) => this.r(`${a} - ${b}`);
  mul = (a: string, b: string) => this.r(`${a} * ${b}`);
  div = (a: string, b: string) => this.r(`${a} / ${b}`);
  sqrt = (a: string) => this.r(`Math.sqrt(${a})`);
  rsqrt = (a: string) => this.r(`1 / Math.sqrt(${a})`);
  fma = (a: string, b: string, c: string) => `FMA(${a}, ${b}, ${c})`;
  /** a*b + c, fused when the site is contracted. */
  madd = (site: FmaSite, a: string, b: string, c: string) => (this.fmaSites.includes(site) ? this.fma(a, b, c) : this.add(this.mul(a, b), c));
  /** Binds an expression to a fresh local and returns its name. */
  bind(expr: string): string {
    const name = `t${this.count++}`;
    this.lines.push(`const ${name} = ${expr};`);
    return name;
  }
  assign(name: string, expr: string): void {
    this.lines.push(`${name} = ${expr};`);
  }
}

function emitLerp(e: Emitter, fused: boolean, start: string, end: string, w: string, wIsSmall: boolean): string {
  const diff = e.bind(e.sub(end, start));
  if (wIsSmall) return fused ? e.fma(w, diff, start) : e.add(start, e.mul(w, diff));
  return fused ? e.fma(e.sub(w, 'ONE'), diff, end) : e.sub(end, e.mul(diff, e.sub('ONE', w)));
}

function emitBody(variant: Variant, e: Emitter, wIsSmall: boolean): void {
  const has = (site: FmaSite) => variant.fma.includes(site);
  if (variant.weightDecayKind === 'decoupled' && variant.weightDecay !== 0) {
    e.assign('p', e.sub('p', variant.decoupledScaledByLr ? e.mul(e.mul('p', 'wd'), 'lr') : e.mul('p', 'wd')));
  }
  if (variant.maximize) e.assign('g', '-g');
  if (variant.rescale !== 1) e.assign('g', e.mul('rescale', 'g'));
  const coupled = variant.weightDecayKind === 'coupled' && variant.weightDecay !== 0;
  if (coupled && variant.weightDecayBeforeClip) e.assign('g', e.madd('weight-decay', 'wd', 'p', 'g'));
  if (variant.clip !== null) e.assign('g', 'g > clip ? clip : g < -clip ? -clip : g');
  if (variant.clipNorm !== null) e.assign('g', 'normScale === 1 ? g : ' + e.mul('g', 'normScale'));
  if (coupled && !variant.weightDecayBeforeClip) e.assign('g', e.madd('weight-decay', 'wd', 'p', 'g'));

  if (variant.emaForm === 'increment') e.assign('v', e.madd('ema', e.sub(e.mul('g', 'g'), 'v'), 'w', 'v'));
  else if (variant.emaForm === 'lerp') e.assign('v', emitLerp(e, has('ema'), 'v', e.bind(e.mul('g', 'g')), 'w', wIsSmall));
  else {
    const kept = e.bind(e.mul('decay', 'v'));
    e.assign('v', variant.squareGrouping === '((1-b)*g)*g' ? e.madd('ema', e.mul('w', 'g'), 'g', kept) : e.madd('ema', 'w', e.mul('g', 'g'), kept));
  }
  if (variant.centered) {
    if (variant.meanForm === 'increment') e.assign('m', e.madd('mean', e.sub('g', 'm'), 'w', 'm'));
    else if (variant.meanForm === 'lerp') e.assign('m', emitLerp(e, has('mean'), 'm', 'g', 'w', wIsSmall));
    else e.assign('m', e.madd('mean', 'w', 'g', e.mul('decay', 'm')));
  }
  const vHat = variant.biasCorrection ? e.bind(e.div('v', 'bc')) : 'v';
  const variance = () => (!variant.centered ? vHat : has('centered') ? e.fma('-m', 'm', vHat) : e.sub(vHat, e.mul('m', 'm')));

  let d: string;
  let s = '';
  if (variant.epsPlacement === 'outside') {
    d = e.bind(e.add(e.sqrt(variance()), 'eps'));
    if (variant.scaleForm !== 'divide') s = e.bind(e.div('ONE', d));
  } else {
    let inner: string;
    if (!variant.centered) inner = e.add(vHat, 'eps');
    else if (variant.epsPlacement === 'inside-subtracted') inner = e.sub(vHat, e.add(e.mul('m', 'm'), 'eps'));
    else if (variant.centeredGrouping === '(v+eps)-m2') inner = e.sub(e.add(vHat, 'eps'), e.mul('m', 'm'));
    else inner = e.add(variance(), 'eps');
    const innerName = e.bind(inner);
    d = e.bind(e.sqrt(innerName));
    if (variant.scaleForm === 'rsqrt') s = e.bind(e.rsqrt(innerName));
    else if (variant.scaleForm === 'reciprocal') s = e.bind(e.div('ONE', d));
  }
  const scaled = (x: string) => (variant.scaleForm === 'divide' ? e.div(x, d) : e.mul(x, s));

  const momentumOn = variant.momentumAlways || variant.momentum !== 0;
  if (momentumOn && variant.momentumKind === 'lr-outside') {
    e.assign('b', e.madd('momentum', 'mu', 'b', scaled('g')));
    e.assign('p', has('param') ? e.fma('-lr', 'b', 'p') : e.sub('p', e.mul('lr', 'b')));
    return;
  }
  let u: string;
  if (variant.updateOrder === 'lr-first') u = scaled(e.mul('lr', 'g'));
  else if (variant.updateOrder === 'lr-last') u = e.mul('lr', scaled('g'));
  else u = e.mul('g', variant.scaleForm === 'divide' ? e.div('lr', d) : e.mul('lr', s));
  const uName = e.bind(u);
  if (!momentumOn) e.assign('p', e.sub('p', uName));
  else if (variant.momentumKind === 'graves') {
    e.assign('b', e.sub(e.mul('mu', 'b'), uName));
    e.assign('p', e.add('p', 'b'));
  } else if (variant.momentumKind === 'nesterov') {
    e.assign('b', e.madd('momentum', 'mu', 'b', uName));
    e.assign('p', e.sub('p', e.madd('momentum', 'mu', 'b', uName)));
  } else {
    e.assign('b', e.madd('momentum', 'mu', 'b', uName));
    e.assign('p', e.sub('p', 'b'));
  }
}

/** The generated source, for inspection (`--explain`) and tests. */
export function kernelSource(variant: Variant, dtype: Dtype, wIsSmall: boolean): string {
  const e = new Emitter(dtype === 'float32', variant.fma);
  emitBody(variant, e, wIsSmall);
  const body = e.lines.map((l) => `  ${l.replace(/\b([pgvmb])\b/g, '$1_')}`);
  // Touch m and b only when the variant uses them: memory traffic is what bounds a fused step.
  const state = ['v', ...(body.some((l) => l.includes('m_')) ? ['m'] : []), ...(body.some((l) => l.includes('b_')) ? ['b'] : [])];
  return [
    'const { lr, decay, oneMinusDecay: w, eps, momentum: mu, weightDecay: wd, rescale, clip, normScale, biasCorrection: bc } = s;',
    `const ONE = 1;`,
    'const n = p.length;',
    'for (let i = 0; i < n; i++) {',
    `  let p_ = p[i], g_ = g[i], ${state.map((q) => `${q}_ = ${q}[i]`).join(', ')};`,
    ...body,
    `  p[i] = p_; ${state.map((q) => `${q}[i] = ${q}_;`).join(' ')}`,
    '}',
  ].join('\n');
}

/**
 * One compiled loop per variant, dtype and lerp branch (the lerp branch depends on the weight, a
 * per-step scalar, so both are compiled lazily).
 */
export function compileFusedStep(variant: Variant, dtype: Dtype): FusedStep {
  const compiled = new Map<boolean, FusedStep>();
  const fma = dtype === 'float32' ? fma32 : fma64;
  return (p, g, v, m, b, s) => {
    const small = Math.abs(s.oneMinusDecay) < 0.5;
    let fn = compiled.get(small);
    if (!fn) {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from enumerated axis values only, never from user strings
      const factory = new Function('F', 'FMA', `return function fusedStep(p, g, v, m, b, s) {\n${kernelSource(variant, dtype, small)}\n};`);
      fn = factory(Math.fround, fma) as FusedStep;
      compiled.set(small, fn);
    }
    fn(p, g, v, m, b, s);
  };
}
