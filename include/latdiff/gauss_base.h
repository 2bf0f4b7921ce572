/* gauss_base.h — the exact score of a Gaussian lattice field with a given
 * propagator, the base a network's score is written on (-base gaussian).
 *
 * A Gaussian field with <phi(p) phi(-p)> = V G(p), noised by the forward
 * kernel x_t = f x_0 + sqrt(Xi) z, stays Gaussian with propagator
 * f^2 G(p) + Xi; its score is diagonal in momentum space,
 *   s_G(x, t) = -F^-1 [ F[x](p) / (f^2 G(p) + Xi) ].
 * G is measured from the training data and averaged over the reflections
 * p_mu -> -p_mu of every axis (symmetries of the lattice, and what keeps
 * the multiplier real). The network then only learns what the data have
 * beyond a Gaussian: the interaction. Whole fields on one rank (the
 * network's own layout), FFTW on PETSC_COMM_SELF.
 *
 *   gauss_base_create    for d, L; fields are transformed `howmany` at once
 *   gauss_base_measure   C (comm)  G from the n configurations each rank holds
 *   gauss_base_set       G from stored values (a model file)
 *   gauss_base_score     s_G for nb fields, one (f, xi) per field
 *   gauss_base_trace     the trace of d s_G / d x (a number: s_G is linear)
 *   gauss_base_color     x <- F^-1 [ sqrt(f^2 G(p) + Xi) F[x] ] for nb fields: white
 *                        noise in, a sample of the diffused Gaussian out
 *   gauss_base_mix       out = v + F^-1 [ A(p) F[u - v] ], A(p) = Xi / (f^2 G(p) + Xi),
 *                        for one field: the mixture of two estimates of the
 *                        score that is exact for this Gaussian (dsm.h)
 *   gauss_base_logpdf    log-density of the diffused Gaussian for one field, its
 *                        zero mode instead (nmag > 0) the mixture over the
 *                        magnetisations mag of N(f M, Xi / V) for the mean: the
 *                        prior that sample -model draws from
 */
#ifndef LATDIFF_GAUSS_BASE_H
#define LATDIFF_GAUSS_BASE_H

#include "latdiff/fourier.h"

typedef struct {
  int d, L[4];
  int64_t V;
  fourier *ft;
  double *G;    /* [V]: the propagator per mode, row-major in n_mu */
  double *work; /* [V] multiplier */
} gauss_base;

PetscErrorCode gauss_base_create(int d, const int *L, gauss_base **out);
PetscErrorCode gauss_base_measure(gauss_base *g, MPI_Comm comm, int64_t n, const double *x);
PetscErrorCode gauss_base_set(gauss_base *g, const double *G);
PetscErrorCode gauss_base_score(gauss_base *g, int64_t nb, const double *f, const double *xi, const double *x, double *s);
double gauss_base_trace(const gauss_base *g, double f, double xi);
PetscErrorCode gauss_base_color(gauss_base *g, double f, double xi, int64_t nb, double *x);
PetscErrorCode gauss_base_mix(gauss_base *g, double f, double xi, const double *u, const double *v, double *out);
PetscErrorCode gauss_base_logpdf(gauss_base *g, double f, double xi, const double *x, const double *mag, int64_t nmag,
                                 double *lp);
PetscErrorCode gauss_base_destroy(gauss_base **g);

#endif
