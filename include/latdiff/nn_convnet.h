/* nn_convnet.h — a periodic convolutional score network for lattice
 * fields, from the nn.h kernels: translation equivariant by construction
 * (every layer is a periodic 3^d convolution or acts site by site).
 *
 *   h_0 = swish(conv_2->C([x, x^3]) + E_0 e)
 *   h_l = swish(conv_C->C(h_{l-1}) + E_l e),  l = 1 .. layers - 1
 *   out = conv_C->1(h_{layers-1})
 * The input channels are the field and its cube, the local form of the
 * phi^4 interaction -dS/dphi: with them the interaction's score at small t
 * is one linear layer away (with x alone, training found it in some runs
 * of 1000 steps and not in others).
 * e = [Fourier features of t (2J), m, m^2, m^3], m the sample's mean over
 * the lattice (the order parameter: the one global quantity, which a net
 * of 3^d convolutions could not see beyond its receptive field; the
 * broken phase's double well in M needs it); E_l: dense -> C, added at
 * every site. m is an input feature, not differentiated (training needs
 * no gradient with respect to the input). All parameters in one flat buffer (p), gradients in another (g),
 * in double: the optimiser's master copy and the MPI_Allreduce target.
 * The network computes in `precision`: double (exact tests) or single
 * (production: float32 kernels, cblas_sgemm, half the memory traffic); in
 * single the parameters are rounded to a float copy at every forward, and
 * backward adds its float gradient to g. Activations in one arena of that
 * precision, sized once for the batch and lattice.
 *
 *   nn_convnet_create   lattice, channels, layers, embedding, batch, precision
 *   nn_convnet_init     weights ~ N(0, 1/fan_in), the output layer and biases 0
 *   nn_convnet_forward  out [B][V] from x [B][V], t [B]
 *   nn_convnet_backward g += d loss / d p for dout [B][V]
 *   nn_convnet_tangent  out and its tangent outt = (d out / d x) xt [B][V];
 *                       shared: all B tangents at one x (x, t, out: one
 *                       sample; the forward runs once)
 *   nn_convnet_trace    the exact trace of d out / d x at one sample x:
 *                       the net sees a site's field only within
 *                       layers + 1 sites (Chebyshev) and all of it through
 *                       m, so J = J_local + (d out / d m) 1^T / V; the
 *                       diagonal of J_local comes from one tangent per
 *                       colour of sites more than layers + 1 apart (about
 *                       (layers + 2)^d colours whatever L), the m part from
 *                       one more: O(1) tangents per sample instead of V
 * On a split lattice (nn_convnet_create_split) every array above holds
 * this rank's local sites of each sample; each convolution first fills a
 * one-site halo of its input channels (ghosts.h; backward-data reads the
 * halo of its output gradient), m and its tangent are sums over the field's
 * ranks, and backward leaves in g this rank's share of the gradient (the
 * caller's allreduce over all ranks sums space and data parallelism at
 * once). Then forward, tangent, trace and backward are collective on
 * lat->comm; on a lattice held whole none is collective. */
#ifndef LATDIFF_NN_CONVNET_H
#define LATDIFF_NN_CONVNET_H

#include "latdiff/nn.h"

#define NN_CONV_MAXLAYERS 8
#define NN_CONV_FEATURES(J) (2 * (J) + 3) /* per sample: time embedding, m, m^2, m^3 */


typedef struct {
  nn_stencil *st;
  const lattice *lat; /* the split lattice, or NULL (held whole) */
  ghosts *gh;
  int64_t Vin, Vglobal; /* sites of an input with its ghosts; of the whole lattice */
  int channels, layers, J;
  nn_precision precision;
  int64_t batch, V, nparams;
  double *p, *g;
  /* offsets into p and g (and their float copies) */
  int64_t w[NN_CONV_MAXLAYERS + 1], b[NN_CONV_MAXLAYERS + 1], e[NN_CONV_MAXLAYERS];
  double freq[16];
  float *pf, *gf; /* single: the float copies of p and of the gradient */
  int64_t *colour, ncolours; /* per site, for nn_convnet_trace: sites of a colour are beyond the net's reach */
  /* the arena (values of the network's precision) and offsets into it */
  void *arena;
  int64_t freq_at, x_at, in_at, out_at, dout_at, embraw, emb, eadd, a[NN_CONV_MAXLAYERS], h[NN_CONV_MAXLAYERS], da, dh, work, dsum;
} nn_convnet;

PetscErrorCode nn_convnet_create(int d, const int *L, int channels, int layers, int J, int64_t batch,
                                 nn_precision precision, nn_convnet **out);
/* the same on lat's split field: each rank its local box */
PetscErrorCode nn_convnet_create_split(const lattice *lat, int channels, int layers, int J, int64_t batch,
                                       nn_precision precision, nn_convnet **out);
PetscErrorCode nn_convnet_destroy(nn_convnet **n);
void nn_convnet_init(nn_convnet *n, uint64_t seed);
PetscErrorCode nn_convnet_forward(nn_convnet *n, int64_t B, const double *x, const double *t, double *out);
PetscErrorCode nn_convnet_backward(nn_convnet *n, int64_t B, const double *dout);
PetscErrorCode nn_convnet_tangent(nn_convnet *n, int64_t B, const double *x, const double *t, const double *xt,
                                  double *out, double *outt, PetscBool shared);
PetscErrorCode nn_convnet_trace(nn_convnet *n, const double *x, double t, double *tr);
/* the kind "conv" behind nn_net.h, for at most `batch` samples per call */
typedef struct nn_net nn_net;
PetscErrorCode nn_net_create_conv(int d, const int *L, int channels, int layers, int J, int64_t batch, PetscBool odd,
                                  nn_precision precision, nn_net **out);
/* ... on lat's split field (dim: the local sites) */
PetscErrorCode nn_net_create_conv_split(const lattice *lat, int channels, int layers, int J, int64_t batch,
                                        PetscBool odd, nn_precision precision, nn_net **out);

#endif
