// AssemblyScript source of the memory-bandwidth probes the benchmark's roofline is built from
// (compiled like rmsprop.as, by adapters/wasm/loader.ts, into bandwidth.wasm and
// bandwidth-shared.wasm). Kept apart from the RMSprop kernels so that the probes can change
// without touching the step's source, and the step's source can be regenerated without them.
//
// Three access patterns, f32x4 / f64x2 lanes unrolled 4x (64 bytes, one cache line, per array per
// iteration), scalar tail:
//   triad  a = b + s*c   reads b, c; writes a
//   copy   a = b         reads b; writes a
//   sum    s += b        reads b only (returns the sum, so the loads cannot be dropped)
// Every kernel takes an element range [lo, hi) so that worker threads can split the arrays.

@inline function triad<T>(pA: usize, pB: usize, pC: usize, lo: i32, hi: i32, s: T): void {
  const L: i32 = 16 / sizeof<T>();
  const size = sizeof<T>();
  const vs = v128.splat<T>(s);
  let i = lo;
  const uEnd = lo + ((hi - lo) & ~(4 * L - 1));
  for (; i < uEnd; i += 4 * L) {
    const o = <usize>i * size;
    v128.store(pA + o, v128.add<T>(v128.load(pB + o), v128.mul<T>(vs, v128.load(pC + o))));
    v128.store(pA + o + 16, v128.add<T>(v128.load(pB + o + 16), v128.mul<T>(vs, v128.load(pC + o + 16))));
    v128.store(pA + o + 32, v128.add<T>(v128.load(pB + o + 32), v128.mul<T>(vs, v128.load(pC + o + 32))));
    v128.store(pA + o + 48, v128.add<T>(v128.load(pB + o + 48), v128.mul<T>(vs, v128.load(pC + o + 48))));
  }
  for (; i < hi; i++) {
    const o = <usize>i * size;
    store<T>(pA + o, load<T>(pB + o) + s * load<T>(pC + o));
  }
}

@inline function copy<T>(pA: usize, pB: usize, lo: i32, hi: i32): void {
  const L: i32 = 16 / sizeof<T>();
  const size = sizeof<T>();
  let i = lo;
  const uEnd = lo + ((hi - lo) & ~(4 * L - 1));
  for (; i < uEnd; i += 4 * L) {
    const o = <usize>i * size;
    v128.store(pA + o, v128.load(pB + o));
    v128.store(pA + o + 16, v128.load(pB + o + 16));
    v128.store(pA + o + 32, v128.load(pB + o + 32));
    v128.store(pA + o + 48, v128.load(pB + o + 48));
  }
  for (; i < hi; i++) {
    const o = <usize>i * size;
    store<T>(pA + o, load<T>(pB + o));
  }
}

@inline function sum<T>(pB: usize, lo: i32, hi: i32): f64 {
  const L: i32 = 16 / sizeof<T>();
  const size = sizeof<T>();
  // Four independent accumulators: the adds do not serialise on one register.
  let s0 = v128.splat<T>(0), s1 = v128.splat<T>(0), s2 = v128.splat<T>(0), s3 = v128.splat<T>(0);
  let i = lo;
  const uEnd = lo + ((hi - lo) & ~(4 * L - 1));
  for (; i < uEnd; i += 4 * L) {
    const o = <usize>i * size;
    s0 = v128.add<T>(s0, v128.load(pB + o));
    s1 = v128.add<T>(s1, v128.load(pB + o + 16));
    s2 = v128.add<T>(s2, v128.load(pB + o + 32));
    s3 = v128.add<T>(s3, v128.load(pB + o + 48));
  }
  const v = v128.add<T>(v128.add<T>(s0, s1), v128.add<T>(s2, s3));
  let total: f64 = sizeof<T>() == 4
    ? <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3)
    : f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
  for (; i < hi; i++) total += <f64>load<T>(pB + <usize>i * size);
  return total;
}

/** STREAM triad a = b + s*c over elements [lo, hi), float32. */
export function bw_triad_f32(pA: usize, pB: usize, pC: usize, lo: i32, hi: i32, s: f64): void {
  triad<f32>(pA, pB, pC, lo, hi, <f32>s);
}

/** STREAM triad a = b + s*c over elements [lo, hi), float64. */
export function bw_triad_f64(pA: usize, pB: usize, pC: usize, lo: i32, hi: i32, s: f64): void {
  triad<f64>(pA, pB, pC, lo, hi, s);
}

/** STREAM copy a = b over elements [lo, hi), float32 (the third pointer and s are unused: one signature for all probes). */
export function bw_copy_f32(pA: usize, pB: usize, pC: usize, lo: i32, hi: i32, s: f64): void {
  copy<f32>(pA, pB, lo, hi);
}

/** STREAM copy a = b over elements [lo, hi), float64. */
export function bw_copy_f64(pA: usize, pB: usize, pC: usize, lo: i32, hi: i32, s: f64): void {
  copy<f64>(pA, pB, lo, hi);
}

/** Read-only sum of b over elements [lo, hi), float32; stored at pA (one f64 per call site) so it is used. */
export function bw_sum_f32(pA: usize, pB: usize, pC: usize, lo: i32, hi: i32, s: f64): void {
  store<f64>(pA, sum<f32>(pB, lo, hi));
}

/** Read-only sum of b over elements [lo, hi), float64. */
export function bw_sum_f64(pA: usize, pB: usize, pC: usize, lo: i32, hi: i32, s: f64): void {
  store<f64>(pA, sum<f64>(pB, lo, hi));
}

/** Fill [lo, hi) with x (float32): the first touch of each page happens in the thread that will use it. */
export function bw_fill_f32(ptr: usize, lo: i32, hi: i32, x: f64): void {
  const v = f32x4.splat(<f32>x);
  let i = lo;
  const vEnd = lo + ((hi - lo) & ~3);
  for (; i < vEnd; i += 4) v128.store(ptr + (<usize>i << 2), v);
  for (; i < hi; i++) store<f32>(ptr + (<usize>i << 2), <f32>x);
}

/** Fill [lo, hi) with x (float64). */
export function bw_fill_f64(ptr: usize, lo: i32, hi: i32, x: f64): void {
  const v = f64x2.splat(x);
  let i = lo;
  const vEnd = lo + ((hi - lo) & ~1);
  for (; i < vEnd; i += 2) v128.store(ptr + (<usize>i << 3), v);
  for (; i < hi; i++) store<f64>(ptr + (<usize>i << 3), x);
}

/** First free byte after the module's static data. */
export function bw_heap_base(): usize {
  return __heap_base;
}
