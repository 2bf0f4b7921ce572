/* convnet.c — the periodic convolutional score network (nn_convnet.h). */
#include "latdiff/nn_convnet.h"
#include "latdiff/nn_net.h"
#include "latdiff/rng.h"

#include <math.h>

/* v[0..n-1] summed over the ranks of a split field, in place */
static PetscErrorCode convnet_sum(const nn_convnet *n, double *v, int64_t nv) { return nn_field_sum(n->lat, v, nv); }

#define R float
#define S f
#include "convnet_impl.inc"
#undef R
#undef S
#define R double
#define S d
#include "convnet_impl.inc"
#undef R
#undef S

/* Colours of one direction of length L such that two sites of one colour
 * are more than `reach` apart on the periodic line: residues modulo m
 * (m > reach) up to the last whole block, the rest a colour each; the m
 * with the fewest colours. Returns the count; colour[x] for x < L. */
static int colour_line(int L, int reach, int *colour)
{
  int best = L, bm = L;
  for (int m = reach + 1; m < L; m++)
    if (m + L % m < best) best = m + L % m, bm = m;
  const int whole = L / bm * bm;
  for (int x = 0; x < L; x++) colour[x] = x < whole ? x % bm : bm + x - whole;
  return best;
}

/* every site's colour (lexicographic, last index fastest): the product of
 * its directions' colours on the whole lattice, for nn_convnet_trace; the
 * net's reach is layers + 1 convolutions of one site each */
static PetscErrorCode colour_sites(nn_convnet *n, int d, const int *Lglobal)
{
  int ncol[NN_MAXDIM], *line[NN_MAXDIM], x[NN_MAXDIM];

  PetscFunctionBeginUser;
  n->ncolours = 1;
  for (int mu = 0; mu < d; mu++) {
    PetscCall(PetscMalloc1((size_t)Lglobal[mu], &line[mu]));
    ncol[mu] = colour_line(Lglobal[mu], n->layers + 1, line[mu]);
    n->ncolours *= ncol[mu];
  }
  PetscCall(PetscMalloc1((size_t)n->V, &n->colour));
  for (int64_t v = 0; v < n->V; v++) {
    if (n->lat) {
      lattice_local_coords(n->lat, v, x);
      for (int mu = 0; mu < d; mu++) x[mu] += n->lat->origin[mu];
    } else
      for (int64_t r = v, mu = d - 1; mu >= 0; mu--) x[mu] = (int)(r % Lglobal[mu]), r /= Lglobal[mu];
    int64_t c = 0;
    for (int mu = 0; mu < d; mu++) c = c * ncol[mu] + line[mu][x[mu]];
    n->colour[v] = c;
  }
  for (int mu = 0; mu < d; mu++) PetscCall(PetscFree(line[mu]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* lat NULL: the lattice L held whole; else lat's split field (L unused) */
static PetscErrorCode convnet_create(const lattice *lat, int d, const int *L, int channels, int layers, int J,
                                     int64_t batch, nn_precision precision, nn_convnet **out)
{
  nn_convnet *n;
  int64_t off = 0;

  PetscFunctionBeginUser;
  PetscCheck(channels >= 1 && layers >= 1 && layers <= NN_CONV_MAXLAYERS && J >= 1 && J <= 16 && batch >= 1,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_convnet: channels %d layers %d J %d batch %lld", channels,
             layers, J, (long long)batch);
  PetscCall(PetscNew(&n));
  n->lat = lat;
  if (lat) {
    PetscCall(ghosts_create(lat, &n->gh));
    PetscCall(nn_stencil_create_split(lat, n->gh, &n->st));
    d = lat->d, L = lat->L;
  } else PetscCall(nn_stencil_create(d, L, PETSC_TRUE, &n->st));
  n->channels = channels, n->layers = layers, n->J = J, n->batch = batch, n->precision = precision;
  n->V = n->st->V, n->Vin = n->st->Vin, n->Vglobal = lat ? lat->Vglobal : n->V;
  for (int j = 0; j < J; j++) n->freq[j] = 0.5 * pow(2.0, j);
  const int K = n->st->K, C = channels;
  /* layer l: conv in_l -> out_l (W [out][K][in], b [out]), and for l < layers E_l [C][features] */
  for (int l = 0; l <= layers; l++) {
    const int in = l == 0 ? 2 : C, o = l == layers ? 1 : C;
    n->w[l] = off;
    off += (int64_t)o * K * in;
    n->b[l] = off;
    off += o;
    if (l < layers) {
      n->e[l] = off;
      off += (int64_t)C * NN_CONV_FEATURES(J);
    }
  }
  n->nparams = off;
  PetscCall(PetscCalloc2((size_t)off, &n->p, (size_t)off, &n->g));
  if (precision == NN_SINGLE) PetscCall(PetscCalloc2((size_t)off, &n->pf, (size_t)off, &n->gf));
  /* the arena, in values of the network's precision: a convolution's
   * input with its ghosts (Vin sites per sample), its output without */
  const int64_t nx = batch * n->V, nxin = batch * n->Vin, nh = nx * C, nhin = nxin * C;
  int64_t at = 0;
  n->freq_at = at, at += J;
  n->x_at = at, at += nx;
  n->in_at = at, at += 2 * nxin;
  n->out_at = at, at += nx;
  n->dout_at = at, at += nxin;
  n->embraw = at, at += batch * 2 * J;
  n->emb = at, at += batch * NN_CONV_FEATURES(J);
  n->eadd = at, at += batch * C;
  for (int l = 0; l < layers; l++) n->a[l] = at, at += nh, n->h[l] = at, at += nhin;
  n->da = at, at += nhin;
  n->dh = at, at += nhin;
  n->work = at, at += nn_conv_work(n->st, C, C);
  n->dsum = at, at += batch * C;
  if (precision == NN_SINGLE) {
    float *A;
    PetscCall(PetscCalloc1((size_t)at, &A));
    for (int j = 0; j < J; j++) A[n->freq_at + j] = (float)n->freq[j];
    n->arena = A;
  } else {
    double *A;
    PetscCall(PetscCalloc1((size_t)at, &A));
    for (int j = 0; j < J; j++) A[n->freq_at + j] = n->freq[j];
    n->arena = A;
  }
  PetscCall(colour_sites(n, d, L));
  *out = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_convnet_create(int d, const int *L, int channels, int layers, int J, int64_t batch,
                                 nn_precision precision, nn_convnet **out)
{
  return convnet_create(NULL, d, L, channels, layers, J, batch, precision, out);
}

PetscErrorCode nn_convnet_create_split(const lattice *lat, int channels, int layers, int J, int64_t batch,
                                       nn_precision precision, nn_convnet **out)
{
  return convnet_create(lat, lat->d, lat->L, channels, layers, J, batch, precision, out);
}

PetscErrorCode nn_convnet_destroy(nn_convnet **np)
{
  PetscFunctionBeginUser;
  if (!*np) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(nn_stencil_destroy(&(*np)->st));
  PetscCall(ghosts_destroy(&(*np)->gh));
  PetscCall(PetscFree2((*np)->p, (*np)->g));
  if ((*np)->pf) PetscCall(PetscFree2((*np)->pf, (*np)->gf));
  PetscCall(PetscFree((*np)->arena));
  PetscCall(PetscFree((*np)->colour));
  PetscCall(PetscFree(*np));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void nn_convnet_init(nn_convnet *n, uint64_t seed)
{
  uint64_t k = 0;
  const int K = n->st->K, C = n->channels;
  for (int l = 0; l <= n->layers; l++) {
    const int in = l == 0 ? 2 : C, o = l == n->layers ? 1 : C;
    /* the output layer starts at 0: an untrained network adds nothing to
     * the base score (-base gaussian starts from the Gaussian's exact score) */
    const double sd = l == n->layers ? 0 : 1 / sqrt((double)(K * in));
    for (int64_t i = 0; i < (int64_t)o * K * in; i++) n->p[n->w[l] + i] = sd * rng_normal((rng_key){seed, RNG_INIT, 0, 0}, k++);
    for (int i = 0; i < o; i++) n->p[n->b[l] + i] = 0;
    if (l < n->layers)
      for (int64_t i = 0; i < (int64_t)C * NN_CONV_FEATURES(n->J); i++)
        n->p[n->e[l] + i] = rng_normal((rng_key){seed, RNG_INIT, 0, 0}, k++) / sqrt((double)NN_CONV_FEATURES(n->J));
  }
}

PetscErrorCode nn_convnet_forward(nn_convnet *n, int64_t B, const double *x, const double *t, double *out)
{
  PetscFunctionBeginUser;
  PetscCheck(B <= n->batch, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_convnet: batch %lld > %lld", (long long)B,
             (long long)n->batch);
  nn_stage_in(n->precision, n->arena, n->x_at, x, B * n->V);
  if (n->precision == NN_SINGLE) {
    nn_round(n->pf, n->p, n->nparams);
    PetscCall(forward_f(n, n->pf, B, t));
  } else PetscCall(forward_d(n, n->p, B, t));
  nn_stage_out(n->precision, n->arena, n->out_at, out, B * n->V);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the tangents of B directions xt, with m' = m_t[s] or (m_t NULL) <xt> */
static PetscErrorCode tangent(nn_convnet *n, int64_t B, const double *x, const double *t, const double *xt,
                              const double *m_t, double *out, double *outt, PetscBool shared)
{
  PetscFunctionBeginUser;
  PetscCall(nn_convnet_forward(n, shared ? 1 : B, x, t, out));
  if (shared) { /* what the tangent reads of the forward, row 0 into every row */
    const int64_t V = n->V, C = n->channels;
    nn_replicate_row(n->precision, n->arena, n->x_at, V, B);
    nn_replicate_row(n->precision, n->arena, n->emb, NN_CONV_FEATURES(n->J), B);
    for (int l = 0; l < n->layers; l++) nn_replicate_row(n->precision, n->arena, n->a[l], V * C, B);
  }
  nn_stage_in(n->precision, n->arena, n->out_at, xt, B * n->V);
  if (n->precision == NN_SINGLE) PetscCall(tangent_f(n, n->pf, B, m_t));
  else PetscCall(tangent_d(n, n->p, B, m_t));
  nn_stage_out(n->precision, n->arena, n->out_at, outt, B * n->V);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_convnet_tangent(nn_convnet *n, int64_t B, const double *x, const double *t, const double *xt,
                                  double *out, double *outt, PetscBool shared)
{
  return tangent(n, B, x, t, xt, NULL, out, outt, shared);
}

PetscErrorCode nn_convnet_trace(nn_convnet *n, const double *x, double t, double *tr)
{
  const int64_t V = n->V, K = n->ncolours, B = PetscMin(n->batch, K + 1); /* probes per tangent call */
  double *xt, *outt, *mt, *tv, *out;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc5((size_t)(B * V), &xt, (size_t)(B * V), &outt, (size_t)B, &mt, (size_t)B, &tv, (size_t)V, &out));
  for (int64_t b = 0; b < B; b++) tv[b] = t;
  /* rows 0..K-1: the indicator of a colour with m' = 0 (the local
   * Jacobian, zero between two sites of a colour); row K: x' = 0, m' = 1
   * (d out / d m, which reaches every site with weight 1 / V) */
  *tr = 0;
  for (int64_t c0 = 0; c0 <= K; c0 += B) {
    const int64_t nc = PetscMin(B, K + 1 - c0);
    PetscCall(PetscArrayzero(xt, nc * V));
    for (int64_t q = 0; q < nc; q++) {
      mt[q] = c0 + q == K;
      for (int64_t v = 0; v < V; v++)
        if (n->colour[v] == c0 + q) xt[q * V + v] = 1;
    }
    PetscCall(tangent(n, nc, x, tv, xt, mt, out, outt, PETSC_TRUE));
    for (int64_t q = 0; q < nc; q++)
      for (int64_t v = 0; v < V; v++) {
        if (c0 + q == K) *tr += outt[q * V + v] / (double)n->Vglobal;
        else if (n->colour[v] == c0 + q) *tr += outt[q * V + v];
      }
  }
  PetscCall(convnet_sum(n, tr, 1));
  PetscCall(PetscFree5(xt, outt, mt, tv, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_convnet_backward(nn_convnet *n, int64_t B, const double *dout)
{
  PetscFunctionBeginUser;
  for (int64_t s = 0; s < B; s++) nn_stage_in(n->precision, n->arena, n->dout_at + s * n->Vin, dout + s * n->V, n->V);
  if (n->precision == NN_SINGLE) {
    PetscCall(PetscArrayzero(n->gf, n->nparams));
    PetscCall(backward_f(n, n->pf, n->gf, B));
    nn_widen_add(n->g, n->gf, n->nparams);
  } else PetscCall(backward_d(n, n->p, n->g, B));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* nn_net_ops on an nn_convnet (nn_net.h) */
static void conv_init(void *impl, uint64_t seed) { nn_convnet_init(impl, seed); }
static PetscErrorCode conv_forward(void *impl, int64_t B, const double *x, const double *t, double *out)
{
  return nn_convnet_forward(impl, B, x, t, out);
}
static PetscErrorCode conv_backward(void *impl, int64_t B, const double *dout)
{
  return nn_convnet_backward(impl, B, dout);
}
static PetscErrorCode conv_tangent(void *impl, int64_t B, const double *x, const double *t, const double *xt,
                                   double *out, double *outt, PetscBool shared)
{
  return nn_convnet_tangent(impl, B, x, t, xt, out, outt, shared);
}
static PetscErrorCode conv_trace(void *impl, const double *x, double t, double *tr)
{
  return nn_convnet_trace(impl, x, t, tr);
}
static PetscErrorCode conv_destroy(void *impl)
{
  nn_convnet *n = impl;
  return nn_convnet_destroy(&n);
}

static PetscErrorCode wrap(nn_convnet *n, int64_t batch, PetscBool odd, nn_net **out)
{
  static const nn_net_ops ops = {.init = conv_init, .forward = conv_forward, .backward = conv_backward,
                                 .tangent = conv_tangent, .trace = conv_trace, .destroy = conv_destroy};
  return nn_net_wrap("conv", n, &ops, n->V, batch, n->nparams, n->p, n->g, odd, out);
}

PetscErrorCode nn_net_create_conv(int d, const int *L, int channels, int layers, int J, int64_t batch, PetscBool odd,
                                  nn_precision precision, nn_net **out)
{
  nn_convnet *n;

  PetscFunctionBeginUser;
  PetscCall(nn_convnet_create(d, L, channels, layers, J, odd ? 2 * batch : batch, precision, &n));
  PetscCall(wrap(n, batch, odd, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_net_create_conv_split(const lattice *lat, int channels, int layers, int J, int64_t batch,
                                        PetscBool odd, nn_precision precision, nn_net **out)
{
  nn_convnet *n;

  PetscFunctionBeginUser;
  PetscCall(nn_convnet_create_split(lat, channels, layers, J, odd ? 2 * batch : batch, precision, &n));
  PetscCall(wrap(n, batch, odd, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
