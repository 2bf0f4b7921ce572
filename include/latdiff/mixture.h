/* mixture.h — equal-weight mixtures of isotropic Gaussians in `dim`
 * dimensions, P_0 = (1/n) sum_c N(m_c, s0^2), the point distributions of
 * the seed talks with their exact diffused score:
 *   P_t = (1/n) sum_c N(f m_c, v),  v = f^2 s0^2 + Xi,
 *   s_t(x) = sum_c w_c(x) (f m_c - x) / v,  w_c = softmax_c(-|x - f m_c|^2 / 2v).
 *   gauss25    the 5 x 5 grid m = spacing (i, j), i, j = -2..2
 *   swissroll  n centres on the spiral r(u) = scale (u cos u, u sin u),
 *              u = 1.5 pi (1 + 2 k / (n - 1)), k = 0..n-1 (the 2-d Swiss
 *              roll of the diffusion-model literature, made exact by
 *              giving it a width s0; scikit-learn's make_swiss_roll with
 *              noise 0.5, columns 0 and 2 divided by 6.865 as in Hirono et
 *              al.'s code, is scale 1/6.865 and s0 0.5/6.865, up to the
 *              sum over n centres for the integral over u)
 * Nothing here is collective. */
#ifndef LATDIFF_MIXTURE_H
#define LATDIFF_MIXTURE_H

#include "latdiff/jet.h"
#include "latdiff/rng.h"

#define MIXTURE_MAXDIM 2
#define MIXTURE_MAXCOMP 256

typedef struct {
  int n, dim;
  double s0;
  double *means; /* n x dim */
} mixture;

PetscErrorCode mixture_create_gauss25(MPI_Comm comm, double spacing, double s0, mixture **out);
PetscErrorCode mixture_create_swissroll(MPI_Comm comm, int n, double scale, double s0, mixture **out);
/* [N(mu0, s0^2) + N(-mu0, s0^2)] / 2 on the line (twopeak.h) */
PetscErrorCode mixture_create_twopeak(MPI_Comm comm, double mu0, double s0, mixture **out);
PetscErrorCode mixture_destroy(mixture **mx);
/* an exact sample of P_0 into x (dim values), from the numbers (key, index) */
void mixture_sample(const mixture *mx, rng_key key, uint64_t index, double *x);
/* grad log P_t at x for the kernel (f, Xi) */
void mixture_score(const mixture *mx, double f, double xi, const double *x, double *s);
/* the jets (jet.h) of grad log P_t along the directions dirs [n][dim]:
 * out [dim][ncoef]; work: (dim + 9) ncoef values */
void mixture_score_jet(const mixture *mx, double f, double xi, const double *x, const jet_space *js,
                       const double *dirs, double *out, double *work);
/* log P_t(x), normalised */
double mixture_logpdf(const mixture *mx, double f, double xi, const double *x);
/* -log P_0(x) up to a constant */
double mixture_action(const mixture *mx, const double *x);
/* exact mean (dim) and covariance (dim x dim) of P_0 */
void mixture_moments(const mixture *mx, double *mean, double *cov);

#endif
