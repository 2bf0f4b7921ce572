/* nn_mlp.h — the MLP score network for point targets (twopeak, gauss25,
 * swissroll), built from the nn.h kernels (AdamW: nn_adamw.h).
 *
 *   input  [x (dim) | sin, cos of 2 pi w_j t (2J)], or with J = 0 [x | t]
 *          (the published networks of the Hirono talk: concat(x, t))
 *   hidden `layers` x (dense to `hidden`, swish)
 *   output dense to dim
 * All parameters live in one flat buffer (p), all gradients in another (g)
 * of the same layout: the one buffer an MPI_Allreduce sums. The
 * activations of a batch live in an arena sized once. Points are small, so
 * this network runs in double (the kernels exist in float for the lattice
 * networks).
 *
 *   nn_mlp_create     sizes, layout, arena for at most `batch` samples
 *   nn_mlp_init       weights ~ N(0, 1/fan_in) from (seed), biases 0
 *   nn_mlp_forward    out [B][dim] from x [B][dim], t [B]
 *   nn_mlp_backward   g += d loss / d p for dout = d loss / d out (after
 *                     a forward of the same batch)
 *   nn_mlp_jet        derivatives of the outputs in the inputs to third
 *                     order (mlp_jet.c)
 *   nn_net_create_mlp the kind "mlp" behind nn_net.h, for at most `batch`
 *                     samples per call
 * None is collective.
 */
#ifndef LATDIFF_NN_MLP_H
#define LATDIFF_NN_MLP_H

#include "latdiff/jet.h"
#include "latdiff/nn.h"

#define NN_MLP_MAXLAYERS 8
#define NN_MLP_TIME_FEATURES(J) ((J) ? 2 * (J) : 1)

typedef struct {
  int dim, hidden, layers, J;
  int64_t batch, nparams;
  double *p, *g;                      /* flat parameters, gradients */
  double *w[NN_MLP_MAXLAYERS + 1], *b[NN_MLP_MAXLAYERS + 1]; /* into p */
  double *gw[NN_MLP_MAXLAYERS + 1], *gb[NN_MLP_MAXLAYERS + 1]; /* into g */
  double freq[32];
  /* arena: input, pre-activations and activations of each hidden layer,
   * and their gradients */
  double *arena, *in, *a[NN_MLP_MAXLAYERS], *h[NN_MLP_MAXLAYERS], *da, *dh;
  double *jet_arena; /* nn_mlp_jet's, grown to the largest call */
  int64_t jet_size;
} nn_mlp;

PetscErrorCode nn_mlp_create(int dim, int hidden, int layers, int J, int64_t batch, nn_mlp **out);
PetscErrorCode nn_mlp_destroy(nn_mlp **m);
void nn_mlp_init(nn_mlp *m, uint64_t seed);
void nn_mlp_time_features(const nn_mlp *m, double t, double *row);
PetscErrorCode nn_mlp_forward(nn_mlp *m, int64_t B, const double *x, const double *t, double *out);
PetscErrorCode nn_mlp_backward(nn_mlp *m, int64_t B, const double *dout);
/* The jets (jet.h) of the outputs at x [B][dim] along the directions
 * dirs [B][n][dim] of each sample (n = js->n): out [B][dim][ncoef]. The
 * time embedding does not depend on x; dense layers act on every
 * coefficient, swish by composition with its derivatives. */
PetscErrorCode nn_mlp_jet(nn_mlp *m, int64_t B, const double *x, const double *t, const jet_space *js,
                          const double *dirs, double *out);

/* nn_net.h's interface on this kind */
typedef struct nn_net nn_net;
PetscErrorCode nn_net_create_mlp(int dim, int hidden, int layers, int J, int64_t batch, PetscBool odd, nn_net **out);

#endif
