/* mlp.c — the MLP score network and AdamW (nn_mlp.h). */
#include "latdiff/nn_mlp.h"
#include "latdiff/nn_net.h"
#include "latdiff/rng.h"

#include <math.h>

PetscErrorCode nn_mlp_create(int dim, int hidden, int layers, int J, int64_t batch, nn_mlp **out)
{
  nn_mlp *m;
  int64_t off = 0;

  PetscFunctionBeginUser;
  PetscCheck(dim >= 1 && hidden >= 1 && layers >= 1 && layers <= NN_MLP_MAXLAYERS && J >= 0 && J <= 16 && batch >= 1,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_mlp: dim %d hidden %d layers %d J %d batch %lld", dim,
             hidden, layers, J, (long long)batch);
  PetscCall(PetscNew(&m));
  *m = (nn_mlp){.dim = dim, .hidden = hidden, .layers = layers, .J = J, .batch = batch};
  /* frequencies 1/2, 1, 2, ...: t in [0, 1] resolved from coarse to fine */
  for (int j = 0; j < J; j++) m->freq[j] = 0.5 * pow(2.0, j);
  for (int l = 0; l <= layers; l++) {
    const int in = l == 0 ? dim + NN_MLP_TIME_FEATURES(J) : hidden, outn = l == layers ? dim : hidden;
    off += (int64_t)in * outn + outn;
  }
  m->nparams = off;
  PetscCall(PetscCalloc2((size_t)off, &m->p, (size_t)off, &m->g));
  off = 0;
  for (int l = 0; l <= layers; l++) {
    const int in = l == 0 ? dim + NN_MLP_TIME_FEATURES(J) : hidden, outn = l == layers ? dim : hidden;
    m->w[l] = m->p + off, m->gw[l] = m->g + off;
    off += (int64_t)in * outn;
    m->b[l] = m->p + off, m->gb[l] = m->g + off;
    off += outn;
  }
  const int64_t nin = batch * (dim + NN_MLP_TIME_FEATURES(J)), nh = batch * hidden;
  PetscCall(PetscCalloc1((size_t)(nin + 2 * layers * nh + 2 * nh), &m->arena));
  m->in = m->arena;
  for (int l = 0; l < layers; l++) m->a[l] = m->in + nin + 2 * l * nh, m->h[l] = m->a[l] + nh;
  m->da = m->in + nin + 2 * layers * nh;
  m->dh = m->da + nh;
  *out = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_mlp_destroy(nn_mlp **mp)
{
  PetscFunctionBeginUser;
  if (!*mp) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree2((*mp)->p, (*mp)->g));
  PetscCall(PetscFree((*mp)->arena));
  PetscCall(PetscFree((*mp)->jet_arena));
  PetscCall(PetscFree(*mp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void nn_mlp_init(nn_mlp *m, uint64_t seed)
{
  uint64_t k = 0;
  for (int l = 0; l <= m->layers; l++) {
    const int in = l == 0 ? m->dim + NN_MLP_TIME_FEATURES(m->J) : m->hidden, outn = l == m->layers ? m->dim : m->hidden;
    const double sd = 1 / sqrt((double)in);
    for (int64_t i = 0; i < (int64_t)in * outn; i++) m->w[l][i] = sd * rng_normal((rng_key){seed, RNG_INIT, 0, 0}, k++);
    for (int i = 0; i < outn; i++) m->b[l][i] = 0;
  }
}

/* what the network sees of t: Fourier features, or t itself (J = 0) */
void nn_mlp_time_features(const nn_mlp *m, double t, double *row)
{
  if (m->J) nn_embed_forward_d(row, &t, m->freq, 1, m->J);
  else row[0] = t;
}

PetscErrorCode nn_mlp_forward(nn_mlp *m, int64_t B, const double *x, const double *t, double *out)
{
  const int D = m->dim, E = NN_MLP_TIME_FEATURES(m->J), H = m->hidden;

  PetscFunctionBeginUser;
  PetscCheck(B <= m->batch, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_mlp: batch %lld > %lld", (long long)B,
             (long long)m->batch);
  for (int64_t s = 0; s < B; s++) {
    for (int c = 0; c < D; c++) m->in[s * (D + E) + c] = x[s * D + c];
    nn_mlp_time_features(m, t[s], m->in + s * (D + E) + D);
  }
  const double *prev = m->in;
  int nprev = D + E;
  for (int l = 0; l < m->layers; l++) {
    nn_dense_forward_d(m->a[l], prev, m->w[l], m->b[l], B, nprev, H);
    nn_swish_forward_d(m->h[l], m->a[l], B * H);
    prev = m->h[l], nprev = H;
  }
  nn_dense_forward_d(out, prev, m->w[m->layers], m->b[m->layers], B, nprev, D);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_mlp_backward(nn_mlp *m, int64_t B, const double *dout)
{
  const int D = m->dim, E = NN_MLP_TIME_FEATURES(m->J), H = m->hidden, L = m->layers;

  PetscFunctionBeginUser;
  /* dh = d loss / d h[L-1] */
  PetscCall(PetscArrayzero(m->dh, B * H));
  nn_dense_backward_d(m->dh, m->gw[L], m->gb[L], dout, m->h[L - 1], m->w[L], B, H, D);
  for (int l = L - 1; l >= 0; l--) {
    PetscCall(PetscArrayzero(m->da, B * H));
    nn_swish_backward_d(m->da, m->dh, m->a[l], B * H);
    if (l > 0) {
      PetscCall(PetscArrayzero(m->dh, B * H));
      nn_dense_backward_d(m->dh, m->gw[l], m->gb[l], m->da, m->h[l - 1], m->w[l], B, H, H);
    } else nn_dense_backward_d(NULL, m->gw[0], m->gb[0], m->da, m->in, m->w[0], B, D + E, H);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* nn_net_ops on an nn_mlp (nn_net.h) */
static void mlp_init(void *impl, uint64_t seed) { nn_mlp_init(impl, seed); }
static PetscErrorCode mlp_forward(void *impl, int64_t B, const double *x, const double *t, double *out)
{
  return nn_mlp_forward(impl, B, x, t, out);
}
static PetscErrorCode mlp_backward(void *impl, int64_t B, const double *dout) { return nn_mlp_backward(impl, B, dout); }
static PetscErrorCode mlp_jet(void *impl, int64_t B, const double *x, const double *t, const jet_space *js,
                              const double *dirs, double *out)
{
  return nn_mlp_jet(impl, B, x, t, js, dirs, out);
}
static PetscErrorCode mlp_destroy(void *impl)
{
  nn_mlp *m = impl;
  return nn_mlp_destroy(&m);
}

PetscErrorCode nn_net_create_mlp(int dim, int hidden, int layers, int J, int64_t batch, PetscBool odd, nn_net **out)
{
  static const nn_net_ops ops = {.init = mlp_init, .forward = mlp_forward, .backward = mlp_backward, .jet = mlp_jet,
                                 .destroy = mlp_destroy};
  nn_mlp *m;

  PetscFunctionBeginUser;
  PetscCall(nn_mlp_create(dim, hidden, layers, J, odd ? 2 * batch : batch, &m));
  PetscCall(nn_net_wrap("mlp", m, &ops, dim, batch, m->nparams, m->p, m->g, odd, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
