// The x86 AVX-512 reciprocal square root estimate VRSQRT14PS/PD (also SS/SD), bit for bit. The SDM
// bounds it (relative error < 2^-14) and refers to Intel's reference implementation for the exact
// result: a linear interpolation on 32 segments of [1,2) and 32 of [2,4), evaluated exactly and
// truncated to a 17-bit significand. Frameworks refine this estimate with Newton-Raphson steps
// (XLA's CPU rsqrt); a result that is "1 ulp off" there is deterministic once this is exact.
//
// Source: Intel, "Reference Implementations for IA Approximation Instructions VRCP14, VRSQRT14,
// VRCP28, VRSQRT28, and VEXP2" (recip14.c, RSQRT14S/RSQRT14D and the RSQRT14 coefficient table;
// BSD licence), https://www.intel.com/content/dam/develop/external/us/en/documents/recip14.c

/**
 * Coefficients per segment i (0..31), in units of 2^-19: [slope, value at the segment's centre] on
 * [1,2) (centre 1 + (2i+1)/64), then the same on [2,4) (centre 2 + (2i+1)/32). Intel's table.
 */
const RSQRT14_SEGMENTS: readonly (readonly [number, number, number, number])[] = [
  [1001, 520261, 707, 367881],
  [955, 512437, 675, 362349],
  [915, 504953, 647, 357056],
  [877, 497790, 619, 351992],
  [841, 490922, 595, 347136],
  [807, 484331, 571, 342475],
  [775, 478001, 549, 337997],
  [747, 471909, 527, 333693],
  [719, 466046, 509, 329545],
  [693, 460397, 491, 325551],
  [669, 454947, 473, 321697],
  [647, 449688, 457, 317977],
  [625, 444606, 441, 314385],
  [603, 439694, 427, 310910],
  [585, 434939, 413, 307549],
  [567, 430335, 401, 304295],
  [549, 425875, 389, 301139],
  [533, 421551, 377, 298079],
  [517, 417355, 365, 295115],
  [501, 413284, 355, 292237],
  [487, 409329, 345, 289439],
  [473, 405487, 335, 286722],
  [461, 401748, 325, 284080],
  [449, 398111, 317, 281508],
  [437, 394571, 309, 279006],
  [425, 391127, 301, 276569],
  [415, 387770, 293, 274195],
  [403, 384498, 285, 271882],
  [393, 381307, 279, 269625],
  [385, 378194, 271, 267425],
  [375, 375155, 265, 265276],
  [367, 372190, 259, 263178],
];

const bits = new DataView(new ArrayBuffer(8));

/** x = 2^e * (1 + f), f's top 15 fraction bits, and whether f is zero; x positive and finite, of the dtype. */
function split(x: number, dtype: 'float32' | 'float64'): { e: number; top15: number; fractionZero: boolean } {
  // Subnormals are normalized by an exact power-of-two scaling.
  const scale = dtype === 'float32' ? (x < 2 ** -126 ? 64 : 0) : x < 2 ** -1022 ? 64 : 0;
  const y = x * 2 ** scale;
  if (dtype === 'float32') {
    bits.setFloat32(0, y);
    const w = bits.getUint32(0);
    const fraction = w & 0x7fffff;
    return { e: ((w >>> 23) & 0xff) - 127 - scale, top15: fraction >>> 8, fractionZero: fraction === 0 };
  }
  bits.setFloat64(0, y);
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  const fractionHi = hi & 0xfffff;
  return { e: ((hi >>> 20) & 0x7ff) - 1023 - scale, top15: fractionHi >>> 5, fractionZero: fractionHi === 0 && lo === 0 };
}

/**
 * VRSQRT14 of x in a dtype, with DAZ off: exact as the hardware returns it. +0/-0 give +/-Inf,
 * +Inf gives +0, a negative number gives NaN, NaN stays NaN.
 */
export function x86Rsqrt14(x: number, dtype: 'float32' | 'float64'): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return 1 / x;
  if (x === Infinity) return 0;
  const { e, top15, fractionZero } = split(x, dtype);
  const odd = (e & 1) !== 0;
  // 1/sqrt(2^e (1+f)) = 2^-n / sqrt(1+f) (e = 2n) or 2^-n / sqrt(2(1+f)) (e = 2n+1).
  const n = odd ? (e - 1) / 2 : e / 2;
  if (!odd && fractionZero) return 2 ** -n;
  const segment = top15 >> 10;
  const [slopeEven, valueEven, slopeOdd, valueOdd] = RSQRT14_SEGMENTS[segment];
  const slope = odd ? slopeOdd : slopeEven;
  const value = odd ? valueOdd : valueEven;
  // Offset of the 15-bit fraction from the segment's centre, in units of 2^-15 (exact integers).
  const offset = top15 - ((2 * segment + 1) << 9);
  const significand17 = Math.trunc((value * 128 - slope * offset) / 512);
  // A significand that reaches 2^17 is 1.0 (the estimate rounds up to the next binade).
  return (significand17 === 2 ** 17 ? 1 : significand17 / 2 ** 17) * 2 ** -n;
}
