/* kernels_f.c — the nn.h kernels in float (production). */
#include "latdiff/nn.h"
#include "latdiff/profile.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#define R float
#define S f
#define GEMM cblas_sgemm
/* e^u for u in [-87, 0] in plain arithmetic the compiler vectorizes
 * (libm's expf is one call per value, and swish needs one per activation:
 * half the time of a narrow network). u = k ln 2 + r, |r| <= ln 2 / 2, k
 * rounded by the 1.5 2^23 shift (round to nearest), ln 2 split in two
 * (Cody-Waite) so r is exact; e^r by its Taylor series to r^7 (remainder
 * below 7e-9 relative), times 2^k built in the exponent bits (k >= -126: a
 * normal number). sigmoid_f below is within 3 ulp (1.8e-7 relative) of
 * the exact value down to x = -86.9. */
static inline float exp_nonpositive(float u)
{
  const float shift = 12582912.0f, k = (u * 1.44269504f + shift) - shift;
  const float r = (u - k * 0.693359375f) + k * 2.12194440e-4f;
  const float p =
    1 + r * (1 + r * (0.5f + r * (1.f / 6 + r * (1.f / 24 + r * (1.f / 120 + r * (1.f / 720 + r * (1.f / 5040)))))));
  const uint32_t bits = (uint32_t)((int32_t)k + 127) << 23;
  float two_k;
  memcpy(&two_k, &bits, sizeof two_k);
  return p * two_k;
}

/* 1 / (1 + e^-x) from e = e^-min(|x|, 87): 1 / (1 + e) for x >= 0, e / (1 +
 * e) below; no branch (the compiler's vectorizer takes none): |x|, its
 * clamp and the choice of numerator are done on the bits (for x >= 0 the
 * order of the bits is that of the values; a NaN clamps to 87, and swish's
 * x keeps it). For x below -87 sigmoid is under float's smallest normal. */
static inline float sigmoid_f(float x)
{
  uint32_t xb, eb;
  memcpy(&xb, &x, sizeof xb);
  uint32_t ab = xb & 0x7fffffffu;
  ab = ab < 0x42ae0000u ? ab : 0x42ae0000u; /* 87.0f */
  float a;
  memcpy(&a, &ab, sizeof a);
  const float e = exp_nonpositive(-a);
  memcpy(&eb, &e, sizeof eb);
  const uint32_t neg = 0u - (xb >> 31), nb = (eb & neg) | (0x3f800000u & ~neg); /* e, or 1.0f */
  float num;
  memcpy(&num, &nb, sizeof num);
  return num / (1 + e);
}
#define SIGMOID sigmoid_f
/* the kernels that evaluate sigmoid: compiled for AVX-512, AVX2 + FMA and
 * the baseline, the version chosen at load time by the CPU (GCC's function
 * multiversioning; an ifunc), so a binary built for any x86-64 uses the
 * widest vectors the machine has and runs everywhere */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
#endif
#define SIN sin
#define COS cos
#include "nn_kernels.inc"
