/* nn_net.h — a score network of any kind behind one interface, for the
 * training and sampling code: samples of `dim` values in, `dim` values out,
 * one flat parameter buffer p and gradient buffer g.
 *   mlp      nn_mlp.h, point targets
 *   conv     nn_convnet.h, lattice fields (periodic, translation equivariant),
 *            computing in double or in single precision
 *   unet, tutorial  nn_unet.h, lattice fields (U-Nets, double or single)
 *
 * With odd, the network is made odd in its input, s(-x, t) = -s(x, t)
 * exactly (the Z2 symmetry phi -> -phi of phi^4): it evaluates the inner
 * network n on x and -x in one batch of 2B and returns (n(x) - n(-x)) / 2.
 *
 *   nn_net_create_mlp, nn_net_create_conv, nn_net_create_unet
 *                     (batch: the most samples per call)
 *   nn_net_init       weights from the seed
 *   nn_net_forward    out [B][dim] from x [B][dim], t [B]
 *   nn_net_backward   g += d loss / d p (after a forward of the same batch)
 *   nn_net_jet        the outputs' jets in the inputs (jet.h), exact
 *                     derivatives: to third order for the mlp, to first
 *                     order (Jacobian-vector products, by the tangent
 *                     passes) for conv and unet
 *   nn_net_trace      the exact trace of d out / d x per sample, for conv
 *                     (nn_convnet_trace: O(1) tangents per sample, not dim)
 *   nn_net_destroy
 * None is collective. */
#ifndef LATDIFF_NN_NET_H
#define LATDIFF_NN_NET_H

#include "latdiff/nn_convnet.h"
#include "latdiff/nn_mlp.h"
#include "latdiff/nn_unet.h"

typedef struct {
  char kind[16];
  int64_t dim, batch, nparams;
  PetscBool odd;
  double *p, *g; /* the implementation's buffers */
  nn_mlp *mlp;
  nn_convnet *conv;
  nn_unet *unet;
  double *xx, *tt, *oo; /* odd: the batch [x; -x], its times and outputs */
} nn_net;

PetscErrorCode nn_net_create_mlp(int dim, int hidden, int layers, int J, int64_t batch, PetscBool odd, nn_net **out);
PetscErrorCode nn_net_create_conv(int d, const int *L, int channels, int layers, int J, int64_t batch, PetscBool odd,
                                  nn_precision precision, nn_net **out);
PetscErrorCode nn_net_create_unet(const char *kind, const nn_unet_spec *spec, int64_t batch, PetscBool odd,
                                  nn_precision precision, nn_net **out);
void nn_net_init(nn_net *n, uint64_t seed);
PetscErrorCode nn_net_forward(nn_net *n, int64_t B, const double *x, const double *t, double *out);
PetscErrorCode nn_net_backward(nn_net *n, int64_t B, const double *dout);
/* out [B][dim][ncoef] at x [B][dim] along dirs [B][js->n][dim] */
PetscErrorCode nn_net_jet(nn_net *n, int64_t B, const double *x, const double *t, const jet_space *js,
                          const double *dirs, double *out);
PetscErrorCode nn_net_trace(nn_net *n, int64_t B, const double *x, const double *t, double *tr);
PetscErrorCode nn_net_destroy(nn_net **n);

#endif
