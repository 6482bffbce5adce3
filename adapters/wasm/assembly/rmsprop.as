// AssemblyScript source of the WASM SIMD RMSprop kernels (compiled by adapters/wasm/compile.ts;
// the .as extension keeps it out of the TypeScript project — it is AssemblyScript, not TypeScript).
//
// One fused step over flat arrays in linear memory: p, g, v, m, b at byte addresses, n elements.
// f32x4 lanes for float32, f64x2 for float64, then a scalar tail over the remaining elements. The
// per-element body is written once, generic over X = v128 (vector) or X = T (scalar), and follows
// reference/step.ts stepElement operation by operation with fma = [] (WASM has no deterministic
// FMA): every op is one IEEE operation in the dtype, so float32 results are bit-exact against the
// reference's float32 emulation.
//
// Axis choices come as one i32 of flag bits (see adapters/wasm/flags.ts, which must match). The
// general exports step_f32/step_f64 run the loop with branches on the loop-invariant flags; the
// common combinations have their own exports (step_f32_<name>) where the word is a constant, so
// Binaryen folds every branch away. The host picks the export (adapters/wasm/flags.ts).

// ---- flag bits (keep in sync with adapters/wasm/flags.ts) ----
const F_DECOUPLED: i32 = 1 << 0; // decoupled weight decay (wd != 0)
const F_DECOUPLED_LR: i32 = 1 << 1; // decoupled decay scaled by lr
const F_MAXIMIZE: i32 = 1 << 2;
const F_RESCALE: i32 = 1 << 3; // rescale != 1
const F_COUPLED: i32 = 1 << 4; // coupled weight decay (wd != 0)
const F_WD_BEFORE_CLIP: i32 = 1 << 5;
const F_CLIP: i32 = 1 << 6;
const F_NORM: i32 = 1 << 7; // normScale != 1
const EMA_SHIFT: i32 = 8; // 2 bits: 0 blend, 1 increment, 2 lerp
const F_SQUARE_WEIGHT_FIRST: i32 = 1 << 10; // ((1-b)*g)*g
const F_CENTERED: i32 = 1 << 11;
const MEAN_SHIFT: i32 = 12; // 2 bits: 0 blend, 1 increment, 2 lerp
const F_BIAS: i32 = 1 << 14; // biasCorrection != 1
const EPS_SHIFT: i32 = 15; // 2 bits: 0 outside, 1 inside, 2 inside-subtracted
const F_EPS_FIRST: i32 = 1 << 17; // centered grouping (v+eps)-m2
const SCALE_SHIFT: i32 = 18; // 2 bits: 0 divide, 1 rsqrt, 2 reciprocal
const ORDER_SHIFT: i32 = 20; // 2 bits: 0 lr-first, 1 lr-last, 2 lr-over-d
const F_MOMENTUM: i32 = 1 << 22; // the momentum path runs this step
const KIND_SHIFT: i32 = 23; // 2 bits: 0 lr-inside, 1 lr-outside, 2 graves, 3 nesterov

// ---- common combinations, specialised at compile time ----
// plain, eps outside, (1-b)*(g*g)                       numpy-tutorial, hinton
const K_PLAIN_OUTSIDE: i32 = 0;
// plain, eps outside, ((1-b)*g)*g                       torch (momentum 0)
const K_TORCH: i32 = F_SQUARE_WEIGHT_FIRST;
// torch momentum
const K_TORCH_MOMENTUM: i32 = F_SQUARE_WEIGHT_FIRST | F_MOMENTUM | (1 << KIND_SHIFT);
// plain, eps inside                                     d2l
const K_PLAIN_INSIDE: i32 = 1 << EPS_SHIFT;
// eps inside, momentum path always (lr-inside)          tfjs, keras3 (with momentum)
const K_TFJS: i32 = (1 << EPS_SHIFT) | F_MOMENTUM;
// eps inside, increment form, momentum always           tf-raw, tf1
const K_TF_RAW: i32 = (1 << EPS_SHIFT) | (1 << EMA_SHIFT) | F_MOMENTUM;

// ---- generic helpers: X is v128 (lanes of T) or T itself ----
@inline function ld<T, X>(ptr: usize): X {
  if (isVector<X>()) { return v128.load(ptr); } else { return load<T>(ptr); }
}
@inline function st<T, X>(ptr: usize, x: X): void {
  if (isVector<X>()) { v128.store(ptr, x); } else { store<T>(ptr, x); }
}
@inline function spl<T, X>(s: T): X {
  if (isVector<X>()) { return v128.splat<T>(s); } else { return s; }
}
@inline function add<T, X>(a: X, b: X): X {
  if (isVector<X>()) { return v128.add<T>(a, b); } else { return a + b; }
}
@inline function sub<T, X>(a: X, b: X): X {
  if (isVector<X>()) { return v128.sub<T>(a, b); } else { return a - b; }
}
@inline function mul<T, X>(a: X, b: X): X {
  if (isVector<X>()) { return v128.mul<T>(a, b); } else { return a * b; }
}
@inline function div<T, X>(a: X, b: X): X {
  if (isVector<X>()) { return v128.div<T>(a, b); } else { return a / b; }
}
@inline function sqr<T, X>(a: X): X {
  if (isVector<X>()) { return v128.sqrt<T>(a); } else { return sqrt<T>(a); }
}
@inline function neg<T, X>(a: X): X {
  if (isVector<X>()) { return v128.neg<T>(a); } else { return -a; }
}
/** g > c ? c : g < -c ? -c : g (NaN passes through, as in the reference). */
@inline function clip<T, X>(g: X, c: X, nc: X): X {
  if (isVector<X>()) {
    return v128.bitselect(c, v128.bitselect(nc, g, v128.lt<T>(g, nc)), v128.gt<T>(g, c));
  } else {
    return g > c ? c : g < nc ? nc : g;
  }
}
/** 1/sqrt(x) computed in float64 and rounded once to T (reference Arithmetic.rsqrt). */
@inline function rsq<T, X>(x: X): X {
  if (isVector<X>()) {
    if (sizeof<T>() == 4) {
      const one = f64x2.splat(1.0);
      const lo = f64x2.promote_low_f32x4(x);
      const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1));
      const rlo = f32x4.demote_f64x2_zero(f64x2.div(one, f64x2.sqrt(lo)));
      const rhi = f32x4.demote_f64x2_zero(f64x2.div(one, f64x2.sqrt(hi)));
      return v128.shuffle<f32>(rlo, rhi, 0, 1, 4, 5);
    } else {
      return f64x2.div(f64x2.splat(1.0), f64x2.sqrt(x));
    }
  } else {
    return <T>(1.0 / sqrt<f64>(<f64>x));
  }
}
/** ATen lerp(start, end, w) without FMA; small = |w| < 0.5, omw = 1 - w in T. */
@inline function lerp<T, X>(start: X, end: X, w: X, omw: X, small: bool): X {
  const diff = sub<T, X>(end, start);
  return small ? add<T, X>(start, mul<T, X>(w, diff)) : sub<T, X>(end, mul<T, X>(diff, omw));
}

/** One element (X = T) or one vector of lanes (X = v128) at byte offset o. */
@inline function body<T, X>(
  o: usize, pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, flags: i32,
  lr: X, decay: X, w: X, omw: X, wSmall: bool, eps: X, mu: X, wd: X, rescale: X, c: X, nc: X, ns: X, bc: X, one: X,
): void {
  let p = ld<T, X>(pP + o);
  let g = ld<T, X>(pG + o);
  let v = ld<T, X>(pV + o);
  const centered = (flags & F_CENTERED) != 0;
  const useMomentum = (flags & F_MOMENTUM) != 0;
  let m = centered ? ld<T, X>(pM + o) : spl<T, X>(<T>0);
  let b = useMomentum ? ld<T, X>(pB + o) : spl<T, X>(<T>0);

  if (flags & F_DECOUPLED) {
    const shrink = (flags & F_DECOUPLED_LR) ? mul<T, X>(mul<T, X>(p, wd), lr) : mul<T, X>(p, wd);
    p = sub<T, X>(p, shrink);
  }
  if (flags & F_MAXIMIZE) g = neg<T, X>(g);
  if (flags & F_RESCALE) g = mul<T, X>(rescale, g);
  const coupled = (flags & F_COUPLED) != 0;
  const before = (flags & F_WD_BEFORE_CLIP) != 0;
  if (coupled && before) g = add<T, X>(mul<T, X>(wd, p), g);
  if (flags & F_CLIP) g = clip<T, X>(g, c, nc);
  if (flags & F_NORM) g = mul<T, X>(g, ns);
  if (coupled && !before) g = add<T, X>(mul<T, X>(wd, p), g);

  // Second moment.
  const ema = (flags >> EMA_SHIFT) & 3;
  if (ema == 1) {
    v = add<T, X>(mul<T, X>(sub<T, X>(mul<T, X>(g, g), v), w), v);
  } else if (ema == 2) {
    v = lerp<T, X>(v, mul<T, X>(g, g), w, omw, wSmall);
  } else {
    const kept = mul<T, X>(decay, v);
    v = (flags & F_SQUARE_WEIGHT_FIRST)
      ? add<T, X>(mul<T, X>(mul<T, X>(w, g), g), kept)
      : add<T, X>(mul<T, X>(w, mul<T, X>(g, g)), kept);
  }

  // Centered mean.
  if (centered) {
    const mf = (flags >> MEAN_SHIFT) & 3;
    if (mf == 1) m = add<T, X>(mul<T, X>(sub<T, X>(g, m), w), m);
    else if (mf == 2) m = lerp<T, X>(m, g, w, omw, wSmall);
    else m = add<T, X>(mul<T, X>(w, g), mul<T, X>(decay, m));
  }

  // Denominator.
  const vHat = (flags & F_BIAS) ? div<T, X>(v, bc) : v;
  const epsPlacement = (flags >> EPS_SHIFT) & 3;
  const scaleForm = (flags >> SCALE_SHIFT) & 3;
  let d: X;
  let s: X = spl<T, X>(<T>0);
  if (epsPlacement == 0) {
    const variance = centered ? sub<T, X>(vHat, mul<T, X>(m, m)) : vHat;
    d = add<T, X>(sqr<T, X>(variance), eps);
    if (scaleForm != 0) s = div<T, X>(one, d);
  } else {
    let inner: X;
    if (!centered) inner = add<T, X>(vHat, eps);
    else if (epsPlacement == 2) inner = sub<T, X>(vHat, add<T, X>(mul<T, X>(m, m), eps));
    else if (flags & F_EPS_FIRST) inner = sub<T, X>(add<T, X>(vHat, eps), mul<T, X>(m, m));
    else inner = add<T, X>(sub<T, X>(vHat, mul<T, X>(m, m)), eps);
    d = sqr<T, X>(inner);
    if (scaleForm == 1) s = rsq<T, X>(inner);
    else if (scaleForm == 2) s = div<T, X>(one, d);
  }

  // Update and momentum.
  const kind = (flags >> KIND_SHIFT) & 3;
  if (useMomentum && kind == 1) {
    const gd = scaleForm == 0 ? div<T, X>(g, d) : mul<T, X>(g, s);
    b = add<T, X>(mul<T, X>(mu, b), gd);
    p = sub<T, X>(p, mul<T, X>(lr, b));
  } else {
    const order = (flags >> ORDER_SHIFT) & 3;
    let u: X;
    if (order == 0) {
      const x = mul<T, X>(lr, g);
      u = scaleForm == 0 ? div<T, X>(x, d) : mul<T, X>(x, s);
    } else if (order == 1) {
      u = mul<T, X>(lr, scaleForm == 0 ? div<T, X>(g, d) : mul<T, X>(g, s));
    } else {
      u = mul<T, X>(g, scaleForm == 0 ? div<T, X>(lr, d) : mul<T, X>(lr, s));
    }
    if (!useMomentum) {
      p = sub<T, X>(p, u);
    } else if (kind == 2) {
      b = sub<T, X>(mul<T, X>(mu, b), u);
      p = add<T, X>(p, b);
    } else if (kind == 3) {
      b = add<T, X>(mul<T, X>(mu, b), u);
      p = sub<T, X>(p, add<T, X>(mul<T, X>(mu, b), u));
    } else {
      b = add<T, X>(mul<T, X>(mu, b), u);
      p = sub<T, X>(p, b);
    }
  }
  st<T, X>(pP + o, p);
  st<T, X>(pV + o, v);
  if (centered) st<T, X>(pM + o, m);
  if (useMomentum) st<T, X>(pB + o, b);
}

/** The fused step over [lo, hi) elements: SIMD lanes, then the scalar tail. */
@inline function run<T>(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, mode: i32,
  lr: T, decay: T, w: T, eps: T, mu: T, wd: T, rescale: T, c: T, ns: T, bc: T,
): void {
  const L: i32 = 16 / sizeof<T>();
  const size = sizeof<T>();
  const one = <T>1;
  const omw = one - w;
  const wSmall = abs<T>(w) < <T>0.5;
  const nc = -c;
  let i = lo;
  const vEnd = lo + ((hi - lo) & ~(L - 1));
  const vlr = spl<T, v128>(lr), vdecay = spl<T, v128>(decay), vw = spl<T, v128>(w), vomw = spl<T, v128>(omw);
  const veps = spl<T, v128>(eps), vmu = spl<T, v128>(mu), vwd = spl<T, v128>(wd), vrescale = spl<T, v128>(rescale);
  const vc = spl<T, v128>(c), vnc = spl<T, v128>(nc), vns = spl<T, v128>(ns), vbc = spl<T, v128>(bc), vone = spl<T, v128>(one);
  for (; i < vEnd; i += L) {
    body<T, v128>(<usize>i * size, pP, pG, pV, pM, pB, mode, vlr, vdecay, vw, vomw, wSmall, veps, vmu, vwd, vrescale, vc, vnc, vns, vbc, vone);
  }
  for (; i < hi; i++) {
    body<T, T>(<usize>i * size, pP, pG, pV, pM, pB, mode, lr, decay, w, omw, wSmall, eps, mu, wd, rescale, c, nc, ns, bc, one);
  }
}

/**
 * float32 step over elements [lo, hi) for any flag word. Scalars are passed as f64 holding float32
 * values (the host's stepScalars in float32 arithmetic), so the conversion is exact. c is the clip
 * bound (ignored without F_CLIP), ns the global-norm factor, bc the bias-correction divisor.
 */
export function step_f32(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f32>(pP, pG, pV, pM, pB, lo, hi, flags, <f32>lr, <f32>decay, <f32>w, <f32>eps, <f32>mu, <f32>wd, <f32>rescale, <f32>c, <f32>ns, <f32>bc);
}

/** float64 step over elements [lo, hi) for any flag word; arguments as step_f32. */
export function step_f64(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f64>(pP, pG, pV, pM, pB, lo, hi, flags, lr, decay, w, eps, mu, wd, rescale, c, ns, bc);
}

// Specialised exports: same signature, the flag word argument is ignored and replaced by the
// constant (the host calls one only when its word equals fast_<name>()). Separate functions so that
// Binaryen propagates the constant and removes every branch.
export function fast_plain_outside(): i32 { return K_PLAIN_OUTSIDE; }
export function step_f32_plain_outside(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f32>(pP, pG, pV, pM, pB, lo, hi, K_PLAIN_OUTSIDE, <f32>lr, <f32>decay, <f32>w, <f32>eps, <f32>mu, <f32>wd, <f32>rescale, <f32>c, <f32>ns, <f32>bc);
}
export function step_f64_plain_outside(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f64>(pP, pG, pV, pM, pB, lo, hi, K_PLAIN_OUTSIDE, lr, decay, w, eps, mu, wd, rescale, c, ns, bc);
}

export function fast_torch(): i32 { return K_TORCH; }
export function step_f32_torch(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f32>(pP, pG, pV, pM, pB, lo, hi, K_TORCH, <f32>lr, <f32>decay, <f32>w, <f32>eps, <f32>mu, <f32>wd, <f32>rescale, <f32>c, <f32>ns, <f32>bc);
}
export function step_f64_torch(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f64>(pP, pG, pV, pM, pB, lo, hi, K_TORCH, lr, decay, w, eps, mu, wd, rescale, c, ns, bc);
}

export function fast_torch_momentum(): i32 { return K_TORCH_MOMENTUM; }
export function step_f32_torch_momentum(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f32>(pP, pG, pV, pM, pB, lo, hi, K_TORCH_MOMENTUM, <f32>lr, <f32>decay, <f32>w, <f32>eps, <f32>mu, <f32>wd, <f32>rescale, <f32>c, <f32>ns, <f32>bc);
}
export function step_f64_torch_momentum(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f64>(pP, pG, pV, pM, pB, lo, hi, K_TORCH_MOMENTUM, lr, decay, w, eps, mu, wd, rescale, c, ns, bc);
}

export function fast_plain_inside(): i32 { return K_PLAIN_INSIDE; }
export function step_f32_plain_inside(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f32>(pP, pG, pV, pM, pB, lo, hi, K_PLAIN_INSIDE, <f32>lr, <f32>decay, <f32>w, <f32>eps, <f32>mu, <f32>wd, <f32>rescale, <f32>c, <f32>ns, <f32>bc);
}
export function step_f64_plain_inside(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f64>(pP, pG, pV, pM, pB, lo, hi, K_PLAIN_INSIDE, lr, decay, w, eps, mu, wd, rescale, c, ns, bc);
}

export function fast_tfjs(): i32 { return K_TFJS; }
export function step_f32_tfjs(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f32>(pP, pG, pV, pM, pB, lo, hi, K_TFJS, <f32>lr, <f32>decay, <f32>w, <f32>eps, <f32>mu, <f32>wd, <f32>rescale, <f32>c, <f32>ns, <f32>bc);
}
export function step_f64_tfjs(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f64>(pP, pG, pV, pM, pB, lo, hi, K_TFJS, lr, decay, w, eps, mu, wd, rescale, c, ns, bc);
}

export function fast_tf_raw(): i32 { return K_TF_RAW; }
export function step_f32_tf_raw(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f32>(pP, pG, pV, pM, pB, lo, hi, K_TF_RAW, <f32>lr, <f32>decay, <f32>w, <f32>eps, <f32>mu, <f32>wd, <f32>rescale, <f32>c, <f32>ns, <f32>bc);
}
export function step_f64_tf_raw(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, flags: i32,
  lr: f64, decay: f64, w: f64, eps: f64, mu: f64, wd: f64, rescale: f64, c: f64, ns: f64, bc: f64,
): void {
  run<f64>(pP, pG, pV, pM, pB, lo, hi, K_TF_RAW, lr, decay, w, eps, mu, wd, rescale, c, ns, bc);
}

@inline function triad<T>(pA: usize, pB: usize, pC: usize, lo: i32, hi: i32, s: T): void {
  const L: i32 = 16 / sizeof<T>();
  const size = sizeof<T>();
  const vs = v128.splat<T>(s);
  let i = lo;
  const vEnd = lo + ((hi - lo) & ~(L - 1));
  for (; i < vEnd; i += L) {
    const o = <usize>i * size;
    v128.store(pA + o, v128.add<T>(v128.load(pB + o), v128.mul<T>(vs, v128.load(pC + o))));
  }
  for (; i < hi; i++) {
    const o = <usize>i * size;
    store<T>(pA + o, load<T>(pB + o) + s * load<T>(pC + o));
  }
}

/** STREAM triad a = b + s*c over elements [lo, hi), float32. */
export function triad_f32(pA: usize, pB: usize, pC: usize, lo: i32, hi: i32, s: f64): void {
  triad<f32>(pA, pB, pC, lo, hi, <f32>s);
}

/** STREAM triad a = b + s*c over elements [lo, hi), float64. */
export function triad_f64(pA: usize, pB: usize, pC: usize, lo: i32, hi: i32, s: f64): void {
  triad<f64>(pA, pB, pC, lo, hi, s);
}

/** Fill [lo, hi) with x (float32), for preparing benchmark arrays without JS copies. */
export function fill_f32(ptr: usize, lo: i32, hi: i32, x: f64): void {
  const v = f32x4.splat(<f32>x);
  let i = lo;
  const vEnd = lo + ((hi - lo) & ~3);
  for (; i < vEnd; i += 4) v128.store(ptr + (<usize>i << 2), v);
  for (; i < hi; i++) store<f32>(ptr + (<usize>i << 2), <f32>x);
}

/** Fill [lo, hi) with x (float64). */
export function fill_f64(ptr: usize, lo: i32, hi: i32, x: f64): void {
  const v = f64x2.splat(x);
  let i = lo;
  const vEnd = lo + ((hi - lo) & ~1);
  for (; i < vEnd; i += 2) v128.store(ptr + (<usize>i << 3), v);
  for (; i < hi; i++) store<f64>(ptr + (<usize>i << 3), x);
}

/** Deterministic pseudo-random gradient-like values in [-1, 1) for benchmarks (float32/float64 by size). */
export function fill_random(ptr: usize, lo: i32, hi: i32, size: i32, seed: i32): void {
  let state: u32 = <u32>seed * 2654435761 + 1;
  for (let i = lo; i < hi; i++) {
    state ^= state << 13; state ^= state >> 17; state ^= state << 5;
    const x = <f64>(state >> 8) / <f64>(1 << 23) - 1.0;
    if (size == 4) store<f32>(ptr + (<usize>i << 2), <f32>x);
    else store<f64>(ptr + (<usize>i << 3), x);
  }
}

/** First free byte after the module's static data: the host lays its arrays out from here. */
export function heap_base(): usize {
  return __heap_base;
}
