// Prints the RSQRTPS estimate table of the x86 CPU it runs on, in the form of
// reference/op-implementations/x86-rsqrtps.ts: for each binade parity (x in [1,2), then [2,4)) and
// each of the 4096 values of the top 12 fraction bits, the estimate's significand M (the estimate is
// M * 2^-13) as its difference from round(2^13 / sqrt(x_mid)), x_mid the centre of the input
// interval: '+' (+1), '.' (0), '-' (-1), 128 per line. It also checks what the table relies on: the
// estimate depends on the top 12 fraction bits and the exponent's parity only, and RSQRTSS, RSQRTPS
// and VRSQRTPS (ymm) agree; it exits 1 otherwise.
//
//   gcc -O2 -mavx -o /tmp/rsqrtps-table scripts/x86/rsqrtps-table.c -lm && /tmp/rsqrtps-table
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static float from_bits(uint32_t b) {
  float f;
  memcpy(&f, &b, 4);
  return f;
}

static uint32_t to_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b;
}

int main(void) {
  static int significand[2][4096];
  long mismatches = 0;
  for (int parity = 0; parity < 2; parity++) {
    for (uint32_t k = 0; k < 4096; k++) {
      uint32_t base = ((127u + parity) << 23) | (k << 11);
      float first = _mm_cvtss_f32(_mm_rsqrt_ss(_mm_set_ss(from_bits(base))));
      significand[parity][k] = (int)ldexp(first, 13);
      // Every input of the interval, through each instruction, and at other exponents of the same parity.
      for (uint32_t low = 0; low < 2048; low += 8) {
        float in[8], ps[8], ymm[8];
        for (int j = 0; j < 8; j++) in[j] = from_bits(base | (low + j));
        _mm_storeu_ps(ps, _mm_rsqrt_ps(_mm_loadu_ps(in)));
        _mm_storeu_ps(ps + 4, _mm_rsqrt_ps(_mm_loadu_ps(in + 4)));
        _mm256_storeu_ps(ymm, _mm256_rsqrt_ps(_mm256_loadu_ps(in)));
        for (int j = 0; j < 8; j++) {
          float ss = _mm_cvtss_f32(_mm_rsqrt_ss(_mm_set_ss(in[j])));
          if (to_bits(ss) != to_bits(first) || to_bits(ps[j]) != to_bits(first) || to_bits(ymm[j]) != to_bits(first))
            mismatches++;
        }
      }
      for (int e = -126 + parity; e <= 126; e += 2) {
        uint32_t b = ((uint32_t)(e + 127) << 23) | (k << 11) | (k * 977u & 0x7ffu);
        float r = _mm_cvtss_f32(_mm_rsqrt_ss(_mm_set_ss(from_bits(b))));
        if (to_bits(r) != to_bits(ldexpf(first, -(e - parity) / 2))) mismatches++;
      }
    }
  }
  if (mismatches > 0) {
    fprintf(stderr, "rsqrtps-table: %ld inputs do not follow the table's structure on this CPU\n", mismatches);
    return 1;
  }
  for (int parity = 0; parity < 2; parity++) {
    for (int k = 0; k < 4096; k++) {
      double mid = (parity ? 2.0 : 1.0) * (1.0 + (k + 0.5) / 4096.0);
      long d = significand[parity][k] - lround(8192.0 / sqrt(mid));
      if (d < -1 || d > 1) {
        fprintf(stderr, "rsqrtps-table: parity %d index %d is %ld from the centre value\n", parity, k, d);
        return 1;
      }
      if (k % 128 == 0) printf("  '");
      putchar(d > 0 ? '+' : d < 0 ? '-' : '.');
      if (k % 128 == 127) printf("',\n");
    }
  }
  return 0;
}
