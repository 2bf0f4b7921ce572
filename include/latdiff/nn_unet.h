/* nn_unet.h — the U-Net score networks for lattice fields, from the nn.h
 * kernels, as a list of layers run forward in order and backward in
 * reverse (llm.c style: no autograd, every activation kept in one arena
 * with its gradient next to it).
 *
 * With n levels of channels C_0 .. C_{n-1} and `blocks` blocks per level,
 * a block being  h = swish(GroupNorm(conv(x) + E e))  (conv 3^d, no bias;
 * E e the time embedding's projection, added at every site):
 *   encoder  level i: blocks to C_i, on the input (i = 0) or on the
 *            previous level's output (down-sampled by 2 with resample);
 *            its output is kept as the skip s_i
 *   decoder  level n-1 starts from s_{n-1}, level i < n-1 from
 *            [up(h), s_i] (concatenated; up-sampled with resample); level
 *            i > 0 runs blocks ending in C_{i-1}; level 0 ends in the
 *            output convolution (with bias, zero at initialisation) to 1
 *            channel.
 * The time embedding: e = swish(dense(features)), features = Fourier
 * features of t (frequencies 0.5 2^j, or N(0, scale^2) drawn from a fixed
 * stream when fourier_scale > 0) and, with moments, the sample mean m,
 * m^2, m^3 (the order parameter; m is not differentiated).
 *
 * With cubic the input channels are [x, x^3] (the local form of the phi^4
 * interaction, as for the conv net: nn_convnet.h).
 *
 *   unet      (the default): resample, periodic padding, moments, cubic
 *   tutorial  the network of Wang, Aarts and Zhou (arXiv 2309.17082) and
 *             of Song's score-SDE tutorial: channels 32/64/128/256 at full
 *             resolution (no resampling), zero padding (or periodic),
 *             GroupNorm with 4 groups in the first block and 32 after,
 *             256 Gaussian Fourier features of scale 30 through
 *             dense(256) + swish. Its output division by sigma(t) is the
 *             1 / sqrt(Xi(t)) of dsm.h.
 * With resample the lattice extents must be divisible by 2^(n-1); the
 * network is then equivariant under translations by multiples of
 * 2^(n-1) (periodic padding), not by one site: -augment adds random
 * translations.
 *
 *   nn_unet_spec_default  the sizes of `unet` or `tutorial` on a lattice
 *   nn_unet_check         whether a spec can be built (message in why)
 *   nn_unet_create / _destroy / _init / _forward / _backward
 *   nn_unet_tangent   out and its tangent (d out / d x) xt: every slot's
 *                     tangent computed in its gradient's place; shared: B
 *                     tangents at one x (the forward runs once)
 *                         as nn_convnet.h (parameters double, computing in
 *                         `precision`)
 * None is collective on a lattice held whole.
 *
 * On a split lattice (nn_unet_create_split: periodic padding) every level
 * is split over the same process grid: level l's local box is the fine
 * one halved l times (nn_unet_split_check: every local extent divisible
 * by 2^(levels-1), so down- and up-sampling never cross a rank), each
 * convolution first copies its input into an extended array and fills its
 * one-site halo (ghosts.h; backward also its output gradient's), the
 * moments m and GroupNorm's statistics (and their backward and tangent
 * sums) are summed over the field's ranks, and backward leaves in g this
 * rank's share of the gradient (the caller's allreduce sums it). Then
 * forward, tangent and backward are collective on lat->comm. */
#ifndef LATDIFF_NN_UNET_H
#define LATDIFF_NN_UNET_H

#include "latdiff/nn_convnet.h"

#define NN_UNET_MAXLEVELS 6
#define NN_UNET_MAXOPS (8 * NN_UNET_MAXLEVELS * 4 + 8)

typedef struct {
  int d, L[NN_MAXDIM];
  int levels, channels[NN_UNET_MAXLEVELS], blocks;
  int groups_first, groups; /* GroupNorm groups of the first block, of all others */
  PetscBool resample, periodic, moments, cubic; /* cubic: input channels [x, x^3] */
  int J;                /* Fourier frequencies */
  double fourier_scale; /* 0: 0.5 2^j; > 0: N(0, scale^2) from a fixed stream */
  int embed;            /* width of the time embedding */
} nn_unet_spec;

typedef struct {
  int type, in, in2, out, level, cin, cout, groups;
  int64_t w, b, ew, eb, gamma, beta, stats;
} nn_unet_op;

typedef struct {
  int level, C;
  int64_t val, grad;
} nn_unet_slot;

typedef struct {
  nn_unet_spec spec;
  nn_precision precision;
  int64_t batch, V, nparams, F; /* F: features per sample */
  const lattice *lat;                          /* the split lattice, or NULL (held whole) */
  lattice *level_lat[NN_UNET_MAXLEVELS];       /* levels 1..: the coarser lattices on lat's grid */
  ghosts *gh[NN_UNET_MAXLEVELS];               /* per level, on a split lattice */
  int64_t Vglobal[NN_UNET_MAXLEVELS];          /* sites of each level's whole lattice */
  double *gsums;                               /* GroupNorm's [batch][groups][2] sums */
  nn_stencil *st[NN_UNET_MAXLEVELS];
  int64_t *coarse[NN_UNET_MAXLEVELS]; /* coarse[l]: level l's site -> level l+1's */
  double *p, *g;
  float *pf, *gf;
  int nops, nslots, ninputs;
  nn_unet_op op[NN_UNET_MAXOPS];
  nn_unet_slot slot[NN_UNET_MAXOPS];
  int64_t emb_w, emb_b; /* the embedding's dense, in p */
  void *arena;
  int64_t freq_at, feat_at, eraw_at, e_at, de_at, deraw_at, dsum_at, eadd_at, work_at, ext_at, ext2_at, arena_size;
} nn_unet;

void nn_unet_spec_default(const char *kind, int d, const int *L, nn_unet_spec *spec);
PetscBool nn_unet_check(const nn_unet_spec *spec, char *why, size_t len);
PetscErrorCode nn_unet_create(const nn_unet_spec *spec, int64_t batch, nn_precision precision, nn_unet **out);
/* whether spec (its L the whole lattice's) runs split on lat's grid (why not, naming the extent and level) */
PetscBool nn_unet_split_check(const nn_unet_spec *spec, const lattice *lat, char *why, size_t len);
/* the same on lat's split field (spec->L = lat->L). Collective on lat->comm. */
PetscErrorCode nn_unet_create_split(const nn_unet_spec *spec, const lattice *lat, int64_t batch, nn_precision precision,
                                    nn_unet **out);
PetscErrorCode nn_unet_destroy(nn_unet **n);
void nn_unet_init(nn_unet *n, uint64_t seed);
PetscErrorCode nn_unet_forward(nn_unet *n, int64_t B, const double *x, const double *t, double *out);
PetscErrorCode nn_unet_backward(nn_unet *n, int64_t B, const double *dout);
PetscErrorCode nn_unet_tangent(nn_unet *n, int64_t B, const double *x, const double *t, const double *xt, double *out,
                               double *outt, PetscBool shared);
/* the kinds "unet" and "tutorial" (the name given) behind nn_net.h */
typedef struct nn_net nn_net;
PetscErrorCode nn_net_create_unet(const char *kind, const nn_unet_spec *spec, int64_t batch, PetscBool odd,
                                  nn_precision precision, nn_net **out);
/* ... on lat's split field (dim: the local sites) */
PetscErrorCode nn_net_create_unet_split(const char *kind, const nn_unet_spec *spec, const lattice *lat, int64_t batch,
                                        PetscBool odd, nn_precision precision, nn_net **out);

#endif
