/* forward.h — the forward (noising) process on an ensemble and its
 * renormalisation-group reading.
 *
 * Every configuration phi_0 is diffused to each requested time with the
 * exact kernel phi_t = f(t) phi_0 + sqrt(Xi(t)) eta, eta keyed by (seed,
 * configuration, time, global site): the result does not depend on the
 * number of ranks. At each time the magnetisation, the site moments and the
 * shell-averaged spectrum P_t(|p_hat|) are measured, and compared with the
 * exact laws
 *   kappa_n(t) = kappa_n(0) f^n (n > 2),  kappa_2(t) = kappa_2(0) f^2 + Xi
 *     (Xi / V for the magnetisation),      P_t = f^2 P_0 + Xi,
 * where kappa_n(0), P_0 come from the same ensemble: each comparison is
 * the jackknife of measured - predicted, so their correlation is kept.
 * k*(t) is where f^2 P_0(k*) = Xi(t): above it the modes are noise.
 *
 *   forward_measure  C  diffuse and measure every configuration
 *   forward_analyze     estimates from the measurements (every rank)
 *   forward_free        release both
 * The same measurements of states that come one batch at a time (the
 * reverse process, sample -record_times), with c0 = 0 (the cumulants do
 * not depend on it) and slot T the final states:
 *   forward_samples_create  zeroed arrays for T times, S shells, n samples
 *   forward_samples_add     add the measurements of nb samples (global
 *                           indices first ..) at slot k; x holds each
 *                           sample's part of the spectrum's layout, so a
 *                           spread sample adds partial sums on every rank
 *   forward_samples_reduce  C  sum the ranks' parts
 *   forward_write    C  the flow file (format "latdiff-flow", read by
 *                       latdiff-plot-flow): times, f, Xi, k*, cumulants of
 *                       M and of the site field and the spectrum, each
 *                       [T][..][measured, predicted, difference][value,
 *                       error]; rank 0 writes PATH.partial and renames it
 */
#ifndef LATDIFF_FORWARD_H
#define LATDIFF_FORWARD_H

#include "latdiff/ensemble.h"
#include "latdiff/schedule.h"
#include "latdiff/spectrum.h"
#include "latdiff/stats.h"

#define FORWARD_NCUM 7 /* kappa_2 .. kappa_8 */

typedef struct {
  schedule sched;
  int ntimes;
  const double *times;
  uint64_t seed;
  double t0; /* the time of the baseline (slot T): 0 for an ensemble; the
              * laws then run from t0, f(t)/f(t0) and Xi(t) - (f(t)/f(t0))^2 Xi(t0) */
} forward_params;

typedef struct {
  int64_t n;
  int T, S, replicas;
  double volume, c0;
  double *M;     /* [T+1][n] magnetisation */
  double *site;  /* [T+1][8][n] (1/V) sum_x (phi_t - f c0)^j, j = 1..8 */
  double *shell; /* [T+1][S][n] shell-averaged |phi_t(p)|^2 / V */
  /* slot T is the undiffused ensemble, the baseline of the exact laws */
  const double *M0, *site0, *shell0;
} forward_samples;

/* measured, predicted by the exact law, and their difference */
typedef struct {
  estimate measured, predicted, difference;
} law_check;

typedef struct {
  int T, S;
  int64_t block;
  law_check *cum_M;    /* [T][FORWARD_NCUM] */
  law_check *cum_site; /* [T][FORWARD_NCUM] */
  law_check *spec;     /* [T][S] */
  double *kstar;       /* [T] */
} forward_result;

PetscErrorCode forward_measure(MPI_Comm comm, ensemble_reader *r, const forward_params *p, spectrum *sp,
                               forward_samples *out);
PetscErrorCode forward_analyze(const forward_samples *s, const forward_params *p, const spectrum_layout *lay,
                               int64_t block, forward_result *out);
PetscErrorCode forward_free(forward_samples *s, forward_result *res);
PetscErrorCode forward_samples_create(int T, int S, int64_t n, double volume, forward_samples *out);
PetscErrorCode forward_samples_add(forward_samples *s, spectrum *sp, int k, uint64_t first, int64_t nb,
                                   const double *x);
PetscErrorCode forward_samples_reduce(MPI_Comm comm, forward_samples *s);
/* source: the metadata of the ensemble the flow comes from; input its file */
PetscErrorCode forward_write(MPI_Comm comm, const char *path, const forward_params *p, const ensemble_meta *source,
                             const char *input, int64_t n, const forward_result *res, const spectrum_layout *lay,
                             const char *options);

#endif
