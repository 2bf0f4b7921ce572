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
 * beyond a Gaussian: the interaction. Whole fields on one rank (FFTW on
 * PETSC_COMM_SELF), or with gauss_base_create_on a field in FFTW-MPI's
 * slabs of the first direction (fourier.h: a lattice on a process grid
 * P x 1 x .. x 1), where every function of a field below is collective on
 * that communicator and takes and gives this rank's slab (G itself, its
 * fit and its transfer stay whole on every rank: V values).
 *
 * With magnetisations (gauss_base_set_magnetisations) whose Binder
 * cumulant U_L is positive, the zero mode is not Gaussian: its law is the
 * symmetric pair N(+-mu, w) in the mean m with the magnetisations' <M^2>
 * and <M^4> (so the base has their chi2 and U_L; the action is even),
 * diffused to N(+-f mu, f^2 w + Xi / V), and its score the exact score of
 * that mixture. The base then holds the broken phase's two narrow vacua,
 * which the loss (1/V of it on the zero mode) never teaches a network; it
 * is no longer linear: the zero mode's part of the score is h(m), the same
 * on every site, a function of the mean m alone. With U_L <= 0 (the
 * symmetric phase) the Gaussian with G(0) = V <M^2> is the fit.
 *
 *   gauss_base_create    for d, L; whole fields
 *   gauss_base_create_on ... fields in slabs over comm
 *   gauss_base_measure   C (comm)  G from the n whole configurations each rank holds
 *   gauss_base_set       G from stored values (a model file)
 *   gauss_base_fit       G replaced by the smooth fit of 1/G(p): a polynomial of
 *                        degree 3 in the hypercubic invariants of phat_mu^2 =
 *                        4 sin^2(p_mu / 2) (4, 6, 7, 7 terms in d = 1..4; the free field's
 *                        1/G is linear in phat^2), least squares in the relative
 *                        deviation; after gauss_base_set_magnetisations (with
 *                        the pair, the zero mode keeps its measured G). Gives
 *                        the number of terms (0: the lattice has too few
 *                        orbits of modes to smooth, G is left as it is;
 *                        invariants dependent on this lattice are left out)
 *                        and chi^2 per degree of freedom
 *                        against a Gaussian field's errors on nconf
 *                        independent configurations (NAN without nconf). The
 *                        fit keeps the measurement's noise out of the base: a
 *                        network on the raw G copies the training ensemble's
 *                        fluctuation mode by mode
 *   gauss_base_fit_or_keep  the same, but where the fitted 1/G is not
 *                        positive on every mode G is kept as measured and
 *                        nterms is 0 (gauss_base_fit: an error naming
 *                        -base_propagator)
 *   gauss_base_set_from  to takes from's G and zero mode (the same lattice,
 *                        perhaps another layout)
 *   gauss_base_set_magnetisations  the zero mode's law from n magnetisations
 *   gauss_base_transfer  to's G from from's fitted propagator, a function of
 *                        the lattice momenta, evaluated on to's lattice of
 *                        the same dimension (from's G refitted: a fit's
 *                        own values give its coefficients back), the zero
 *                        mode included: G(0) is the fit's limit p -> 0, the
 *                        susceptibility, volume independent where L >> xi.
 *                        A pair of vacua that overlap (m = +-mu with mu <
 *                        2 sqrt(w): the symmetric phase's finite-volume
 *                        non-Gaussian M) is dropped, as the larger volume's
 *                        M is nearer Gaussian; separate vacua (the broken
 *                        phase) have a spread that depends on the volume:
 *                        why says so and to is unchanged, as when from's
 *                        lattice has too few momenta to fit
 *   gauss_base_transfers whether gauss_base_transfer would (why not, in why)
 *   gauss_base_localise  keep only this rank's modes of G (16 bytes per
 *                        global site per rank otherwise): after it, only the
 *                        functions of fields below
 *   gauss_base_score     s_G for nb fields, one (f, xi) per field
 *   gauss_base_score_jet adds the jet of s_G at x along dirs (jet.h) to out,
 *                        [V][ncoef], for one field
 *   gauss_base_trace     the trace of d s_G / d x at x
 *   gauss_base_color     x <- F^-1 [ sqrt(f^2 G(p) + Xi) F[x] ] for nb fields: white
 *                        noise in, a sample of the diffused Gaussian out
 *   gauss_base_posterior_color  x <- the same with sqrt(G Xi / (f^2 G + Xi)): white
 *                        noise in, a draw of x_0 - E[x_0 | x_t] out (the
 *                        posterior of x_0 given x_t; with the pair, the
 *                        zero mode's G is one vacuum's spread V w)
 *   gauss_base_draw_zero_mode  with the pair: x's mean replaced by f mu_k +
 *                        sqrt(f^2 w + Xi / V) z, k = 0 if u < 1/2 else 1 (u
 *                        uniform, z standard normal): the zero mode of a
 *                        draw of the diffused base, after gauss_base_color
 *   gauss_base_mix       out = v + F^-1 [ A(p) F[u - v] ], A(p) = Xi / (f^2 G(p) + Xi),
 *                        for one field: the mixture of two estimates of the
 *                        score that is exact for this Gaussian (dsm.h); with
 *                        the pair, A(0) has one vacuum's V w for G(0) (both
 *                        estimates are linear in x_0's distance from its
 *                        vacuum, and this weight cancels it)
 *   gauss_base_logpdf    log-density of the diffused base for one field: the
 *                        prior that sample -model draws from
 */
#ifndef LATDIFF_GAUSS_BASE_H
#define LATDIFF_GAUSS_BASE_H

#include "latdiff/fourier.h"
#include "latdiff/jet.h"

typedef struct {
  int d, L[4];
  int64_t V;
  MPI_Comm comm;      /* of the field's slabs (PETSC_COMM_SELF: whole) */
  int64_t nx, nk, k0; /* this rank's field sites and modes; its first mode */
  PetscBool local;    /* gauss_base_localise: G holds this rank's modes only */
  fourier *ft;
  double *G;    /* [V]: the propagator per mode, row-major in n_mu */
  double *Gl;   /* this rank's modes of it (G + k0, or G once local) */
  double *work; /* [V] multiplier (the local modes' in front) */
  int nmu;      /* 0 (Gaussian), or 2: the zero mode's mixture */
  double mu[2]; /* its centres, +-mu */
  double mu_var; /* and their variance w */
  double nconf;  /* configurations gauss_base_measure saw (0: G set from values) */
} gauss_base;

PetscErrorCode gauss_base_create(int d, const int *L, gauss_base **out);
PetscErrorCode gauss_base_create_on(MPI_Comm comm, int d, const int *L, gauss_base **out);
PetscErrorCode gauss_base_localise(gauss_base *g);
PetscErrorCode gauss_base_measure(gauss_base *g, MPI_Comm comm, int64_t n, const double *x);
PetscErrorCode gauss_base_set(gauss_base *g, const double *G);
PetscErrorCode gauss_base_set_from(gauss_base *to, const gauss_base *from);
PetscErrorCode gauss_base_fit(gauss_base *g, int *nterms, double *chi2_dof);
PetscErrorCode gauss_base_fit_or_keep(gauss_base *g, int *nterms, double *chi2_dof);
PetscErrorCode gauss_base_set_magnetisations(gauss_base *g, int64_t n, const double *M);
PetscBool gauss_base_transfers(const gauss_base *g, char *why, size_t len);
PetscErrorCode gauss_base_transfer(const gauss_base *from, gauss_base *to, char *why, size_t len);
PetscErrorCode gauss_base_score(gauss_base *g, int64_t nb, const double *f, const double *xi, const double *x, double *s);
PetscErrorCode gauss_base_score_jet(gauss_base *g, double f, double xi, const double *x, const jet_space *js,
                                    const double *dirs, double *out);
double gauss_base_trace(gauss_base *g, double f, double xi, const double *x);
PetscErrorCode gauss_base_color(gauss_base *g, double f, double xi, int64_t nb, double *x);
PetscErrorCode gauss_base_posterior_color(gauss_base *g, double f, double xi, int64_t nb, double *x);
void gauss_base_draw_zero_mode(const gauss_base *g, double f, double xi, double u, double z, double *x);
PetscErrorCode gauss_base_mix(gauss_base *g, double f, double xi, const double *u, const double *v, double *out);
PetscErrorCode gauss_base_logpdf(gauss_base *g, double f, double xi, const double *x, double *lp);
PetscErrorCode gauss_base_destroy(gauss_base **g);

#endif
