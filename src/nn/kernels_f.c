/* kernels_f.c — the nn.h kernels in float (production). */
#include "latdiff/nn.h"

#include <cblas.h>
#include <math.h>

#define R float
#define S f
#define GEMM cblas_sgemm
#define EXP expf
#define SIN sin
#define COS cos
#include "nn_kernels.inc"
