/* kernels_d.c — the nn.h kernels in double (exact gradient tests). */
#include "latdiff/nn.h"
#include "latdiff/profile.h"

#include <cblas.h>
#include <math.h>

#define R double
#define S d
#define GEMM cblas_dgemm
/* 1 / (1 + e^-x) from e^-|x| in (0, 1]: no overflow (exact: the tests' precision) */
static inline double sigmoid_d(double x)
{
  const double e = exp(-fabs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}
#define SIGMOID sigmoid_d
#define SIN sin
#define COS cos
#include "nn_kernels.inc"
