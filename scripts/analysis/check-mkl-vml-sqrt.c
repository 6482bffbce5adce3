/*
 * Writes inputs and MKL VML's sqrt of them (vmsSqrt/vmdSqrt, VML_HA | VML_FTZDAZ_OFF |
 * VML_ERRMODE_IGNORE, as pytorch's aten/src/ATen/cpu/vml.h calls them) for
 * scripts/analysis/check-mkl-vml-sqrt.ts, which compares them with
 * reference/op-implementations/mkl-vml-sqrt.ts.
 *
 * Needs MKL (Debian: apt-get install libmkl-rt with the non-free component) on the CPU being
 * modelled (an AMD machine: MKL's generic code path).
 *   gcc -O2 -o check-mkl-vml-sqrt check-mkl-vml-sqrt.c -lmkl_rt
 *   MKL_THREADING_LAYER=SEQUENTIAL ./check-mkl-vml-sqrt DIR
 * Files: DIR/f32-in.bin, f32-out.bin (float32), f64-in.bin, f64-out.bin (float64), little-endian.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void vmsSqrt(int n, const float *a, float *r, long long mode);
extern void vmdSqrt(int n, const double *a, double *r, long long mode);
extern void MKL_Get_Version_String(char *buf, int len);
static const long long MODE = 0x2 /* VML_HA */ | 0x140000 /* VML_FTZDAZ_OFF */ | 0x100 /* VML_ERRMODE_IGNORE */;

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) { /* splitmix64 */
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static void write(const char *dir, const char *name, const void *p, size_t bytes) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(p, 1, bytes, f) != bytes) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(1);
  }
  fclose(f);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: check-mkl-vml-sqrt DIR\n");
    return 2;
  }
  char version[256];
  MKL_Get_Version_String(version, sizeof version);
  fprintf(stderr, "%s\n", version);
  /* float32: every value in [1, 4), then random bit patterns (every class: subnormal, negative, NaN, ...) */
  const size_t every = (size_t)1 << 24, random32 = (size_t)1 << 23, n32 = every + random32;
  uint32_t *in32 = malloc(n32 * 4), *out32 = malloc(n32 * 4);
  for (size_t i = 0; i < every; i++) in32[i] = 0x3f800000u + (uint32_t)i;
  for (size_t i = every; i < n32; i++) in32[i] = (uint32_t)next();
  vmsSqrt((int)n32, (const float *)in32, (float *)out32, MODE);
  write(argv[1], "f32-in.bin", in32, n32 * 4);
  write(argv[1], "f32-out.bin", out32, n32 * 4);
  /* float64: random bit patterns, then uniform [0, 100), then the ends of the fast path's range */
  const size_t random64 = (size_t)1 << 23, uniform = (size_t)1 << 22, n64 = random64 + uniform + 8;
  double *in64 = malloc(n64 * 8), *out64 = malloc(n64 * 8);
  for (size_t i = 0; i < random64; i++) {
    uint64_t b = next();
    memcpy(&in64[i], &b, 8);
  }
  for (size_t i = 0; i < uniform; i++) in64[random64 + i] = (double)(next() >> 11) * 0x1p-53 * 100;
  const uint64_t ends[8] = {0x0010000000000000ull, 0x000fffffffffffffull, 0x7fcfffffffffffffull, 0x7fd0000000000000ull,
                            0x7fefffffffffffffull, 0x3ff0000000000000ull, 0x3fffffffffffffffull, 0x4000000000000000ull};
  memcpy(&in64[random64 + uniform], ends, sizeof ends);
  vmdSqrt((int)n64, in64, out64, MODE);
  write(argv[1], "f64-in.bin", in64, n64 * 8);
  write(argv[1], "f64-out.bin", out64, n64 * 8);
  fprintf(stderr, "%zu float32 and %zu float64 results written to %s\n", n32, n64, argv[1]);
  return 0;
}
