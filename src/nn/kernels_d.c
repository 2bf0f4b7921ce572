/* kernels_d.c — the nn.h kernels in double (exact gradient tests). */
#include "latdiff/nn.h"

#include <cblas.h>
#include <math.h>

#define R double
#define S d
#define GEMM cblas_dgemm
#define EXP exp
#define SIN sin
#define COS cos
#include "nn_kernels.inc"
