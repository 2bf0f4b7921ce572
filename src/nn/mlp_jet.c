/* mlp_jet.c — the MLP's outputs as jets in its inputs (nn_mlp.h): the
 * derivatives that likelihoods need (the divergence of the score, and for
 * the O(h) correction its derivatives to third order), exact to rounding.
 * Layout: a layer's jets are [B][ncoef][width], so each dense layer is one
 * GEMM over B ncoef rows, its bias added to the constant rows only. */
#include "latdiff/nn_mlp.h"

#include <math.h>

/* swish(u) = u sigmoid(u) and its derivatives to third order at u:
 * with s = sigmoid(u), s' = s (1 - s), s'' = s' (1 - 2 s), s''' = s'' (1 - 2 s) - 2 s'^2,
 * swish^(k) = k s^(k-1) + u s^(k) */
static void swish_derivatives(double u, double *d)
{
  const double s = 1 / (1 + exp(-u)), s1 = s * (1 - s), s2 = s1 * (1 - 2 * s), s3 = s2 * (1 - 2 * s) - 2 * s1 * s1;
  d[0] = u * s, d[1] = s + u * s1, d[2] = 2 * s1 + u * s2, d[3] = 3 * s2 + u * s3;
}

PetscErrorCode nn_mlp_jet(nn_mlp *m, int64_t B, const double *x, const double *t, const jet_space *js,
                          const double *dirs, double *out)
{
  const int D = m->dim, E = NN_MLP_TIME_FEATURES(m->J), H = m->hidden, K = js->ncoef, n = js->n;
  const int64_t rows = B * K, need = rows * (D + E) + 2 * rows * H + rows * D + 4 * K;

  PetscFunctionBeginUser;
  if (need > m->jet_size) {
    PetscCall(PetscFree(m->jet_arena));
    PetscCall(PetscMalloc1((size_t)need, &m->jet_arena));
    m->jet_size = need;
  }
  double *in = m->jet_arena, *a = in + rows * (D + E), *h = a + rows * H, *o = h + rows * H, *u = o + rows * D,
         *v = u + K, *w = v + K;
  PetscCall(PetscArrayzero(in, rows * (D + E)));
  for (int64_t b = 0; b < B; b++) { /* x0 + sum_a eps_a v_a, the embedding of t constant */
    double *row = in + b * K * (D + E);
    for (int c = 0; c < D; c++) row[c] = x[b * D + c];
    nn_mlp_time_features(m, t[b], row + D);
    for (int q = 0; q < n; q++)
      for (int c = 0; c < D; c++) row[(1 + q) * (D + E) + c] = dirs[(b * n + q) * D + c];
  }
  const double *prev = in;
  int nprev = D + E;
  for (int l = 0; l < m->layers; l++) {
    nn_dense_forward_d(a, prev, m->w[l], NULL, rows, nprev, H);
    for (int64_t b = 0; b < B; b++)
      for (int j = 0; j < H; j++) {
        double d[JET_MAXORDER + 1];
        a[b * K * H + j] += m->b[l][j];
        for (int c = 0; c < K; c++) u[c] = a[(b * K + c) * H + j];
        swish_derivatives(u[0], d);
        jet_compose(js, u, d, v, w);
        for (int c = 0; c < K; c++) h[(b * K + c) * H + j] = v[c];
      }
    prev = h, nprev = H;
  }
  nn_dense_forward_d(o, prev, m->w[m->layers], NULL, rows, nprev, D);
  for (int64_t b = 0; b < B; b++)
    for (int c = 0; c < D; c++) {
      o[b * K * D + c] += m->b[m->layers][c];
      for (int k = 0; k < K; k++) out[(b * D + c) * K + k] = o[(b * K + k) * D + c];
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}
