/* convnet.c — the periodic convolutional score network (nn_convnet.h). */
#include "latdiff/nn_convnet.h"
#include "latdiff/rng.h"

#include <math.h>

PetscErrorCode nn_convnet_create(int d, const int *L, int channels, int layers, int J, int64_t batch,
                                 nn_convnet **out)
{
  nn_convnet *n;
  int64_t off = 0;

  PetscFunctionBeginUser;
  PetscCheck(channels >= 1 && layers >= 1 && layers <= NN_CONV_MAXLAYERS && J >= 1 && J <= 16 && batch >= 1,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_convnet: channels %d layers %d J %d batch %lld", channels,
             layers, J, (long long)batch);
  PetscCall(PetscNew(&n));
  PetscCall(nn_stencil_create(d, L, PETSC_TRUE, &n->st));
  n->channels = channels, n->layers = layers, n->J = J, n->batch = batch, n->V = n->st->V;
  for (int j = 0; j < J; j++) n->freq[j] = 0.5 * pow(2.0, j);
  const int K = n->st->K, C = channels;
  /* layer l: conv in_l -> out_l (W [out][K][in], b [out]), and for l < layers E_l [C][2J] */
  for (int l = 0; l <= layers; l++) {
    const int in = l == 0 ? 1 : C, o = l == layers ? 1 : C;
    off += (int64_t)o * K * in + o + (l < layers ? (int64_t)C * 2 * J : 0);
  }
  n->nparams = off;
  PetscCall(PetscCalloc2((size_t)off, &n->p, (size_t)off, &n->g));
  off = 0;
  for (int l = 0; l <= layers; l++) {
    const int in = l == 0 ? 1 : C, o = l == layers ? 1 : C;
    n->w[l] = n->p + off, n->gw[l] = n->g + off;
    off += (int64_t)o * K * in;
    n->b[l] = n->p + off, n->gb[l] = n->g + off;
    off += o;
    if (l < layers) {
      n->e[l] = n->p + off, n->ge[l] = n->g + off;
      off += (int64_t)C * 2 * J;
    }
  }
  const int64_t nh = batch * n->V * C, work = nn_conv_work(n->st, C, C);
  PetscCall(PetscCalloc1((size_t)(batch * 2 * J + batch * C + 2 * layers * nh + 2 * nh + work + batch * C), &n->arena));
  n->emb = n->arena;
  n->eadd = n->emb + batch * 2 * J;
  for (int l = 0; l < layers; l++) n->a[l] = n->eadd + batch * C + 2 * l * nh, n->h[l] = n->a[l] + nh;
  n->da = n->eadd + batch * C + 2 * layers * nh;
  n->dh = n->da + nh;
  n->work = n->dh + nh;
  n->dsum = n->work + work;
  *out = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_convnet_destroy(nn_convnet **np)
{
  PetscFunctionBeginUser;
  if (!*np) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(nn_stencil_destroy(&(*np)->st));
  PetscCall(PetscFree2((*np)->p, (*np)->g));
  PetscCall(PetscFree((*np)->arena));
  PetscCall(PetscFree(*np));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void nn_convnet_init(nn_convnet *n, uint64_t seed)
{
  uint64_t k = 0;
  const int K = n->st->K, C = n->channels;
  for (int l = 0; l <= n->layers; l++) {
    const int in = l == 0 ? 1 : C, o = l == n->layers ? 1 : C;
    /* the output layer starts at 0: an untrained network adds nothing to
     * the base score (-base gaussian starts from the Gaussian's exact score) */
    const double sd = l == n->layers ? 0 : 1 / sqrt((double)(K * in));
    for (int64_t i = 0; i < (int64_t)o * K * in; i++) n->w[l][i] = sd * rng_normal((rng_key){seed, RNG_INIT, 0, 0}, k++);
    for (int i = 0; i < o; i++) n->b[l][i] = 0;
    if (l < n->layers)
      for (int64_t i = 0; i < (int64_t)C * 2 * n->J; i++)
        n->e[l][i] = rng_normal((rng_key){seed, RNG_INIT, 0, 0}, k++) / sqrt(2.0 * n->J);
  }
}

/* a[b][v][c] += eadd[b][c] at every site */
static void add_per_sample(double *a, const double *eadd, int64_t B, int64_t V, int C)
{
  for (int64_t s = 0; s < B; s++)
    for (int64_t v = 0; v < V; v++)
      for (int c = 0; c < C; c++) a[(s * V + v) * C + c] += eadd[s * C + c];
}

PetscErrorCode nn_convnet_forward(nn_convnet *n, int64_t B, const double *x, const double *t, double *out)
{
  const int C = n->channels, J = n->J;
  const int64_t V = n->V;

  PetscFunctionBeginUser;
  PetscCheck(B <= n->batch, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_convnet: batch %lld > %lld", (long long)B,
             (long long)n->batch);
  nn_embed_forward_d(n->emb, t, n->freq, B, J);
  n->x = x;
  const double *prev = x;
  int nin = 1;
  for (int l = 0; l < n->layers; l++) {
    nn_conv_forward_d(n->a[l], prev, n->w[l], n->b[l], n->st, B, nin, C, n->work);
    nn_dense_forward_d(n->eadd, n->emb, n->e[l], NULL, B, 2 * J, C);
    add_per_sample(n->a[l], n->eadd, B, V, C);
    nn_swish_forward_d(n->h[l], n->a[l], B * V * C);
    prev = n->h[l], nin = C;
  }
  nn_conv_forward_d(out, prev, n->w[n->layers], n->b[n->layers], n->st, B, C, 1, n->work);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_convnet_backward(nn_convnet *n, int64_t B, const double *dout)
{
  const int C = n->channels, J = n->J, L = n->layers;
  const int64_t V = n->V, nh = B * V * C;

  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(n->dh, nh));
  nn_conv_backward_d(n->dh, n->gw[L], n->gb[L], dout, n->h[L - 1], n->w[L], n->st, B, C, 1, n->work);
  for (int l = L - 1; l >= 0; l--) {
    PetscCall(PetscArrayzero(n->da, nh));
    nn_swish_backward_d(n->da, n->dh, n->a[l], nh);
    /* the embedding term: d/dE_l of sum_v da[b][v][c] * (E_l e_b)[c] */
    PetscCall(PetscArrayzero(n->dsum, B * C));
    for (int64_t s = 0; s < B; s++)
      for (int64_t v = 0; v < V; v++)
        for (int c = 0; c < C; c++) n->dsum[s * C + c] += n->da[(s * V + v) * C + c];
    nn_dense_backward_d(NULL, n->ge[l], NULL, n->dsum, n->emb, n->e[l], B, 2 * J, C);
    if (l > 0) {
      PetscCall(PetscArrayzero(n->dh, nh));
      nn_conv_backward_d(n->dh, n->gw[l], n->gb[l], n->da, n->h[l - 1], n->w[l], n->st, B, C, C, n->work);
    } else nn_conv_backward_d(NULL, n->gw[0], n->gb[0], n->da, n->x, n->w[0], n->st, B, 1, C, n->work);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
