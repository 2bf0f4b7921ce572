/* freefield.h — the lattice free field (phi^4 at lambda = 0) in momentum
 * space, where it is diagonal: P_0 ~ e^-S with
 *   S = (1/V) sum_p |phi(p)|^2 / (2 G(p)),  G(p) = 1 / (2 (1 - 2 kappa sum_mu cos p_mu)),
 * and the diffused field phi_t = f phi_0 + sqrt(Xi) eta is Gaussian with
 * <|phi_t(p)|^2>/V = f^2 G(p) + Xi, so
 *   exact sample   phi_t = F^-1 [ sqrt(f^2 G + Xi) F z ],  z white noise
 *   exact score    s_t   = -F^-1 [ F phi_t / (f^2 G + Xi) ]
 * on batches of fields in FFTW's slab layout (fourier.h), every rank
 * holding its slab of the same fields. All calls but create's checks are
 * collective on comm.
 *
 *   freefield_create / _destroy   couplings checked (|kappa| < 1/(2d))
 *   freefield_diffused    C  x = exact sample of P_t from white noise z (in place)
 *   freefield_posterior_color C  z <- F^-1 [ sqrt(G Xi / (f^2 G + Xi)) F z ] (in
 *                            place): white noise in, a draw of phi_0 - E[phi_0 | phi_t]
 *                            out (phi_0 given phi_t is Gaussian)
 *   freefield_score       C  s = exact score of P_t at x
 *   freefield_action      C  S of each field
 *   freefield_sums        C  sum_p log(f^2 G + Xi) and sum_p 1 / (f^2 G + Xi)
 *                            over all modes: log det of the covariance of
 *                            P_t and minus the divergence of its score
 */
#ifndef LATDIFF_FREEFIELD_H
#define LATDIFF_FREEFIELD_H

#include "latdiff/fourier.h"

typedef struct {
  MPI_Comm comm;
  double kappa;
  fourier *ft;
  double *G; /* G(p) on the local modes */
  double *m; /* a multiplier on the local modes */
  double *w; /* one batch of fields */
} freefield;

PetscErrorCode freefield_create(MPI_Comm comm, int d, const int *L, double kappa, int batch, freefield **out);
PetscErrorCode freefield_destroy(freefield **ff);
PetscErrorCode freefield_diffused(freefield *ff, double f, double xi, int nb, double *z);
PetscErrorCode freefield_posterior_color(freefield *ff, double f, double xi, int nb, double *z);
PetscErrorCode freefield_score(freefield *ff, double f, double xi, int nb, const double *x, double *s);
PetscErrorCode freefield_action(freefield *ff, int nb, const double *x, double *S);
PetscErrorCode freefield_sums(freefield *ff, double f, double xi, double *logdet, double *trace_inv);

#endif
