// AssemblyScript template of the WASM SIMD RMSprop kernels (compiled by adapters/wasm/compile.ts;
// the .as extension keeps it out of the TypeScript project — it is AssemblyScript, not TypeScript).
// The step itself is not written here: adapters/wasm/kernel-source.ts generates the flag constants
// (from adapters/wasm/flags.ts), the per-element body (from the step program, reference/program)
// and the specialised exports into the @generated markers below.
//
// One fused step over flat arrays in linear memory: p, g, v, m, b at byte addresses, n elements.
// f32x4 lanes for float32, f64x2 for float64, then a scalar tail over the remaining elements. The
// body is generic over X = v128 (vector) or X = T (scalar) and follows the program op by op with
// fma = [] (WASM has no deterministic FMA): every op is one IEEE operation in the dtype, so float32
// results are bit-exact against the reference's float32 interpreter.
//
// Axis choices come as one i32 of flag bits. The general exports step_f32/step_f64 run the loop
// with branches on the loop-invariant flags; the common combinations have their own exports
// (step_f32_<name>) where the word is a constant, so Binaryen folds every branch away. The host
// picks the export (adapters/wasm/flags.ts).

/* @generated:flags */

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
@inline function clip<T, X>(g: X, c: X): X {
  const nc = neg<T, X>(c);
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
/* @generated:body */

/** The fused step over [lo, hi) elements: SIMD lanes, then the scalar tail. */
@inline function run<T>(
  pP: usize, pG: usize, pV: usize, pM: usize, pB: usize, lo: i32, hi: i32, mode: i32,
  lr: T, decay: T, w: T, eps: T, mu: T, wd: T, rescale: T, c: T, ns: T, bc: T, nd: T,
): void {
  const L: i32 = 16 / sizeof<T>();
  const size = sizeof<T>();
  const one = <T>1;
  const wSmall = abs<T>(w) < <T>0.5;
  let i = lo;
  const vEnd = lo + ((hi - lo) & ~(L - 1));
  const vlr = spl<T, v128>(lr), vdecay = spl<T, v128>(decay), vw = spl<T, v128>(w);
  const veps = spl<T, v128>(eps), vmu = spl<T, v128>(mu), vwd = spl<T, v128>(wd), vrescale = spl<T, v128>(rescale);
  const vc = spl<T, v128>(c), vns = spl<T, v128>(ns), vbc = spl<T, v128>(bc), vnd = spl<T, v128>(nd), vone = spl<T, v128>(one);
  // Four vectors per iteration: the square root and the division of one vector take longer than its
  // loads, and four independent ones let the core overlap them with each other and with memory
  // (measured at 1e7 float32 on a 2-core EPYC: 1x 9.3 ms/step, 4x 7.8 ms/step).
  const uEnd = lo + ((hi - lo) & ~(4 * L - 1));
  for (; i < uEnd; i += 4 * L) {
    const o = <usize>i * size;
    body<T, v128>(o, pP, pG, pV, pM, pB, mode, vlr, vdecay, vw, wSmall, veps, vmu, vwd, vrescale, vc, vns, vbc, vnd, vone);
    body<T, v128>(o + 16, pP, pG, pV, pM, pB, mode, vlr, vdecay, vw, wSmall, veps, vmu, vwd, vrescale, vc, vns, vbc, vnd, vone);
    body<T, v128>(o + 32, pP, pG, pV, pM, pB, mode, vlr, vdecay, vw, wSmall, veps, vmu, vwd, vrescale, vc, vns, vbc, vnd, vone);
    body<T, v128>(o + 48, pP, pG, pV, pM, pB, mode, vlr, vdecay, vw, wSmall, veps, vmu, vwd, vrescale, vc, vns, vbc, vnd, vone);
  }
  for (; i < vEnd; i += L) {
    body<T, v128>(<usize>i * size, pP, pG, pV, pM, pB, mode, vlr, vdecay, vw, wSmall, veps, vmu, vwd, vrescale, vc, vns, vbc, vnd, vone);
  }
  for (; i < hi; i++) {
    body<T, T>(<usize>i * size, pP, pG, pV, pM, pB, mode, lr, decay, w, wSmall, eps, mu, wd, rescale, c, ns, bc, nd, one);
  }
}

/* @generated:exports */

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
