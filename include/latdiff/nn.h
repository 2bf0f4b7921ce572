/* nn.h — the score-network engine's kernels, organised as Karpathy's
 * llm.c: one forward/backward pair per layer on plain arrays, backward
 * ACCUMULATING (+=) into the input and parameter gradients, no autograd.
 * Every kernel exists in float (suffix _f, production) and in double
 * (suffix _d, for exact gradient tests): one source, nn_kernels.inc,
 * compiled twice.
 *
 * Layout: activations are channels-last, a batch of B samples of V sites
 * times C channels is [B][V][C]; a point sample is a 1-site "lattice".
 * GEMMs go through CBLAS (OpenBLAS).
 *
 *   nn_dense      out[n][O] = in[n][I] W^T + b, W [O][I]         (n rows)
 *   nn_conv       3^d stencil convolution on a lattice, periodic or zero
 *                 padded, whole or split (nn_stencil), W [O][K][C] with
 *                 K = 3^d offsets:
 *                 out[v][o] = b[o] + sum_k,c W[o][k][c] in[nbr(v,k)][c],
 *                 by im2col over chunks of sites + one GEMM per chunk, so
 *                 the work buffer is bounded (chunk x K x C values)
 *   nn_swish      y = x sigmoid(x)
 *   nn_add_swish_forward, nn_swish_backward_sum
 *                 a per-sample add (the time embedding) and swish fused into
 *                 one sweep, and its backward with the add's gradient sums
 *   nn_embed      Gaussian Fourier features of t (no parameters):
 *                 e = [sin(2 pi w_j t), cos(2 pi w_j t)], j < J
 *   nn_norm_swish GroupNorm (G groups, affine) with the per-sample add of
 *                 the time embedding before it and swish after it, fused;
 *                 its _sums / _apply halves (and those of its backward and
 *                 tangent) let a split lattice sum the statistics over
 *                 the field's ranks in between
 *   nn_down, nn_up  down-sampling by 2 per direction (block mean) and
 *                 up-sampling (each fine site takes its block's value);
 *                 coarse[v] is the block of fine site v (nn_coarse_map)
 *   nn_concat     [a, b] along channels (skip connections)
 *   nn_cubic      [x, x^3] per site: input channels (no backward: the
 *                 input needs no gradient)
 * Tangents (forward-mode derivatives, the Jacobian-vector products of
 * likelihoods): a linear layer's tangent is the layer without its bias;
 *   nn_swish_tangent       y' = swish'(x) x'
 *   nn_add_swish_tangent   a' += add' per sample, then h' = swish'(a) a'
 *                          (a as nn_add_swish_forward left it)
 *   nn_norm_swish_tangent  a' += add' per sample, then the tangent of
 *                          swish(GroupNorm(a)) (a, stats as the forward
 *                          left them)
 *   nn_cubic_tangent       [x', 3 x^2 x']
 * None is collective.
 */
#ifndef LATDIFF_NN_H
#define LATDIFF_NN_H

#include "latdiff/base.h"
#include "latdiff/ghosts.h"

#define NN_MAXDIM 4

/* The neighbour table of a 3^d stencil on an L_0 x ... x L_{d-1} lattice
 * (sites lexicographic, last index fastest): nbr[v * K + k] is the site at
 * offset k of site v, offsets in lexicographic order of (-1, 0, 1)^d, or
 * -1 outside the lattice with zero padding. A convolution reads Vin sites
 * per sample and writes V: Vin = V on a lattice held whole; on a split
 * lattice (nn_stencil_create_split) L is the local box, the input is an
 * extended array of ghosts.h (local sites, then ghosts, Vin in all) and
 * nbr indexes it. */
typedef struct {
  int d, L[NN_MAXDIM], K;
  int64_t V, Vin;
  PetscBool periodic;
  int64_t *nbr;
} nn_stencil;

PetscErrorCode nn_stencil_create(int d, const int *L, PetscBool periodic, nn_stencil **out);
/* the periodic stencil of lat's local box, neighbours across a cut read
 * from g's ghosts */
PetscErrorCode nn_stencil_create_split(const lattice *lat, const ghosts *g, nn_stencil **out);
PetscErrorCode nn_stencil_destroy(nn_stencil **st);

#define NN_DECLARE(R, S)                                                                                             \
  void nn_dense_forward_##S(R *out, const R *in, const R *w, const R *b, int64_t n, int ni, int no);                     \
  void nn_dense_backward_##S(R *din, R *dw, R *db, const R *dout, const R *in, const R *w, int64_t n, int ni, int no);   \
  /* work: nn_conv_work() values */                                                                                   \
  void nn_conv_forward_##S(R *out, const R *in, const R *w, const R *b, const nn_stencil *st, int64_t B, int nc, int no, \
                           R *work);                                                                                  \
  /* by the path given: direct (1, where nn_conv_direct) or im2col + GEMM (0) */                                    \
  void nn_conv_forward_path_##S(R *out, const R *in, const R *w, const R *b, const nn_stencil *st, int64_t B, int nc,  \
                                int no, R *work, int direct);                                                         \
  void nn_conv_backward_##S(R *din, R *dw, R *db, const R *dout, const R *in, const R *w, const nn_stencil *st,       \
                            int64_t B, int nc, int no, R *work);                                                        \
  void nn_conv_backward_path_##S(R *din, R *dw, R *db, const R *dout, const R *in, const R *w, const nn_stencil *st,  \
                                 int64_t B, int nc, int no, R *work, int direct);                                       \
  void nn_swish_forward_##S(R *out, const R *in, int64_t n);                                                          \
  void nn_swish_backward_##S(R *din, const R *dout, const R *in, int64_t n);                                          \
  void nn_add_swish_forward_##S(R *a, R *h, const R *add, int64_t B, int64_t V, int C);                             \
  void nn_swish_backward_sum_##S(R *da, R *dsum, const R *dh, const R *a, int64_t B, int64_t V, int C);              \
  void nn_embed_forward_##S(R *out, const double *t, const R *freq, int64_t B, int J);                               \
  void nn_norm_swish_forward_##S(R *a, R *h, R *stats, const R *add, const R *gamma, const R *beta, int64_t B,        \
                                 int64_t V, int C, int G);                                                          \
  void nn_norm_swish_backward_##S(R *da, R *dadd, R *dgamma, R *dbeta, const R *dh, const R *a, const R *stats,     \
                                  const R *gamma, const R *beta, int64_t B, int64_t V, int C, int G);               \
  /* the same in two sweeps for a split lattice: sums [B][G][2] of this rank's V sites, summed over the field's \
   * ranks by the caller, then the rest with Vtotal the whole lattice's sites */                                   \
  void nn_norm_swish_forward_sums_##S(R *a, const R *add, int64_t B, int64_t V, int C, int G, double *sums);         \
  void nn_norm_swish_forward_apply_##S(const R *a, R *h, R *stats, const double *sums, int64_t Vtotal, const R *gamma, \
                                       const R *beta, int64_t B, int64_t V, int C, int G);                           \
  void nn_norm_swish_backward_sums_##S(R *da, R *dgamma, R *dbeta, const R *dh, const R *a, const R *stats,          \
                                       const R *gamma, const R *beta, int64_t B, int64_t V, int C, int G,            \
                                       double *sums);                                                                \
  void nn_norm_swish_backward_apply_##S(R *da, R *dadd, const R *a, const R *stats, const R *gamma, const double *sums, \
                                        int64_t Vtotal, int64_t B, int64_t V, int C, int G);                         \
  void nn_norm_swish_tangent_sums_##S(R *at, const R *addt, const R *a, const R *stats, int64_t B, int64_t V, int C,   \
                                      int G, double *sums);                                                          \
  void nn_norm_swish_tangent_apply_##S(const R *at, R *ht, const R *a, const R *stats, const R *gamma, const R *beta,  \
                                       const double *sums, int64_t Vtotal, int64_t B, int64_t V, int C, int G);      \
  void nn_down_forward_##S(R *out, const R *in, const int64_t *coarse, int64_t B, int64_t Vf, int64_t Vc, int C);   \
  void nn_down_backward_##S(R *din, const R *dout, const int64_t *coarse, int64_t B, int64_t Vf, int64_t Vc, int C); \
  void nn_up_forward_##S(R *out, const R *in, const int64_t *coarse, int64_t B, int64_t Vf, int64_t Vc, int C);     \
  void nn_up_backward_##S(R *din, const R *dout, const int64_t *coarse, int64_t B, int64_t Vf, int64_t Vc, int C);   \
  void nn_cubic_forward_##S(R *out, const R *x, int64_t n);                                                         \
  void nn_concat_forward_##S(R *out, const R *a, const R *b, int64_t n, int c1, int c2);                            \
  void nn_concat_backward_##S(R *da, R *db, const R *dout, int64_t n, int c1, int c2);                            \
  void nn_swish_tangent_##S(R *yt, const R *x, const R *xt, int64_t n);                                              \
  void nn_add_swish_tangent_##S(R *at, R *ht, const R *addt, const R *a, int64_t B, int64_t V, int C);               \
  void nn_norm_swish_tangent_##S(R *at, R *ht, const R *addt, const R *a, const R *stats, const R *gamma,          \
                                 const R *beta, int64_t B, int64_t V, int C, int G);                               \
  void nn_cubic_tangent_##S(R *outt, const R *x, const R *xt, int64_t n);

NN_DECLARE(float, f)
NN_DECLARE(double, d)

/* what a network computes in: double (exact tests) or single (production) */
typedef enum { NN_DOUBLE, NN_SINGLE } nn_precision;

/* a network's pass in its precision on double data: n values from x into
 * the arena (of that precision) at offset `at`, or out of it into y;
 * nn_round: the float copy of the parameters; nn_widen_add: g += gf */
void nn_stage_in(nn_precision precision, void *arena, int64_t at, const double *x, int64_t n);
void nn_stage_out(nn_precision precision, const void *arena, int64_t at, double *y, int64_t n);
void nn_round(float *pf, const double *p, int64_t n);
void nn_widen_add(double *g, const float *gf, int64_t n);
/* rows 1..m-1 of the arena buffer at `at` (rows of `row` values) become
 * copies of row 0: one forward pass shared by m tangent passes */
void nn_replicate_row(nn_precision precision, void *arena, int64_t at, int64_t row, int64_t m);

/* v[0..n-1] summed over the ranks of lat's split field, in place (the
 * global parts of a network on a split lattice: moments, GroupNorm's
 * statistics); nothing for lat NULL or one rank. Collective on lat->comm. */
PetscErrorCode nn_field_sum(const lattice *lat, double *v, int64_t n);

/* coarse[v] for the V sites of an L lattice (every L_mu even): the site
 * x / 2 of the L / 2 lattice, lexicographic as nn_stencil */
void nn_coarse_map(int d, const int *L, int64_t *coarse);

/* values of the conv work buffer for C input and O output channels:
 * im2col of a chunk of sites and the weights of the direct kernels or of
 * backward-data (forward and backward share it) */
int64_t nn_conv_work(const nn_stencil *st, int nc, int no);
/* the sites of one im2col block */
int64_t nn_conv_chunk(const nn_stencil *st);
/* whether a convolution from nc to no channels takes the direct kernel
 * (nn_kernels.inc: 16 or 32 outputs, or one from a multiple of 16 inputs);
 * backward-data is the one from no to nc */
int nn_conv_direct(int nc, int no);

#endif
