/* nn_net.h — a score network of any kind behind one interface, for the
 * training and sampling code: samples of `dim` values in, `dim` values out,
 * one flat parameter buffer p and gradient buffer g.
 *
 * A kind is its own file: it creates its network and hands it over with
 * its operations (nn_net_ops) through nn_net_wrap. The kinds so far:
 *   mlp      nn_mlp.h (nn_net_create_mlp), point targets
 *   conv     nn_convnet.h (nn_net_create_conv), lattice fields (periodic,
 *            translation equivariant), computing in double or single
 *   unet, tutorial  nn_unet.h (nn_net_create_unet), lattice U-Nets
 * and model_net.h registers which kind a model file's "net" names.
 *
 * With odd, the network is made odd in its input, s(-x, t) = -s(x, t)
 * exactly (the Z2 symmetry phi -> -phi of phi^4): it evaluates the inner
 * network n on x and -x in one batch of 2B and returns (n(x) - n(-x)) / 2.
 *
 *   nn_net_wrap       a kind's network behind this interface (the kind
 *                     created it for 2 x batch samples when odd)
 *   nn_net_init       weights from the seed
 *   nn_net_forward    out [B][dim] from x [B][dim], t [B]
 *   nn_net_backward   g += d loss / d p (after a forward of the same batch)
 *   nn_net_jet        the outputs' jets in the inputs (jet.h), exact: the
 *                     kind's own jets where it has them (the mlp, to third
 *                     order), else first order from its tangent passes
 *   nn_net_trace      the exact trace of d out / d x per sample, for kinds
 *                     that have one (conv: O(1) tangents per sample, not dim)
 *   nn_net_destroy
 * None is collective. */
#ifndef LATDIFF_NN_NET_H
#define LATDIFF_NN_NET_H

#include "latdiff/jet.h"
#include "latdiff/nn.h"

/* what a kind provides, on its own network (impl) */
typedef struct {
  void (*init)(void *impl, uint64_t seed);
  PetscErrorCode (*forward)(void *impl, int64_t B, const double *x, const double *t, double *out);
  PetscErrorCode (*backward)(void *impl, int64_t B, const double *dout);
  /* exact jets to the order the kind offers (NULL: first order from tangent) */
  PetscErrorCode (*jet)(void *impl, int64_t B, const double *x, const double *t, const jet_space *js,
                        const double *dirs, double *out);
  /* out and outt = (d out / d x) xt for B tangents xt (shared: at one x) */
  PetscErrorCode (*tangent)(void *impl, int64_t B, const double *x, const double *t, const double *xt, double *out,
                            double *outt, PetscBool shared);
  PetscErrorCode (*trace)(void *impl, const double *x, double t, double *tr); /* NULL: none */
  PetscErrorCode (*destroy)(void *impl);
} nn_net_ops;

typedef struct nn_net {
  char kind[16];
  int64_t dim, batch, nparams;
  PetscBool odd;
  double *p, *g; /* the kind's buffers */
  void *impl;    /* the kind's network */
  nn_net_ops ops;
  double *xx, *tt, *oo; /* odd: the batch [x; -x], its times and outputs */
} nn_net;

PetscErrorCode nn_net_wrap(const char *kind, void *impl, const nn_net_ops *ops, int64_t dim, int64_t batch,
                           int64_t nparams, double *p, double *g, PetscBool odd, nn_net **out);
void nn_net_init(nn_net *n, uint64_t seed);
PetscErrorCode nn_net_forward(nn_net *n, int64_t B, const double *x, const double *t, double *out);
PetscErrorCode nn_net_backward(nn_net *n, int64_t B, const double *dout);
/* out [B][dim][ncoef] at x [B][dim] along dirs [B][js->n][dim] */
PetscErrorCode nn_net_jet(nn_net *n, int64_t B, const double *x, const double *t, const jet_space *js,
                          const double *dirs, double *out);
PetscErrorCode nn_net_trace(nn_net *n, int64_t B, const double *x, const double *t, double *tr);
PetscErrorCode nn_net_destroy(nn_net **n);

#endif
