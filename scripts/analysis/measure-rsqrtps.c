/*
 * Measures the x86 RSQRTPS estimate of the CPU it runs on and prints it as the delta string that
 * reference/op-implementations/amd-rsqrtps.ts holds (RSQRTPS_DELTAS).
 *
 * RSQRTPS depends only on the exponent's parity and the top 12 mantissa bits of its input (this
 * program checks that), so the whole estimate is 2 x 4096 values. Each value is 0.5 + k/8192 for
 * x in [1, 4); k falls from 4095 to 0 over the 8192 entries in steps of 0, 1 or 2, printed as
 * digits. Intel's RSQRTPS is a different table: run this on the AMD machine whose results you
 * model.
 *
 * Build and run: gcc -O2 -msse2 -o measure-rsqrtps measure-rsqrtps.c && ./measure-rsqrtps
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static float rsqrtps(uint32_t bits) {
  float x;
  memcpy(&x, &bits, 4);
  return _mm_cvtss_f32(_mm_rsqrt_ss(_mm_set_ss(x)));
}

int main(void) {
  static int k[8192];
  for (uint32_t i = 0; i < 8192; i++) {
    uint32_t first = 0x3f800000u + (i << 11); /* [1,2) for i < 4096, then [2,4) */
    float y = rsqrtps(first);
    for (uint32_t low = 1; low < (1u << 11); low++)
      if (rsqrtps(first + low) != y) {
        fprintf(stderr, "RSQRTPS depends on more than the top 12 mantissa bits (entry %u)\n", i);
        return 1;
      }
    double scaled = ((double)y - 0.5) * 8192;
    k[i] = (int)scaled;
    if (scaled != k[i] || k[i] < 0 || k[i] > 4095) {
      fprintf(stderr, "entry %u: %.9g is not 0.5 + k/8192\n", i, (double)y);
      return 1;
    }
  }
  if (k[0] != 4095 || k[8191] != 0) {
    fprintf(stderr, "unexpected ends %d, %d\n", k[0], k[8191]);
    return 1;
  }
  for (int i = 1; i < 8192; i++) {
    int d = k[i - 1] - k[i];
    if (d < 0 || d > 2) {
      fprintf(stderr, "step %d at entry %d\n", d, i);
      return 1;
    }
    putchar('0' + d);
    if (i % 128 == 0) putchar('\n');
  }
  putchar('\n');
  return 0;
}
