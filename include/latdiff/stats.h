/* stats.h — statistics of Monte Carlo time series, with replicas.
 *
 * A series of N values is R replicas (independent chains) of N/R values
 * each, stored replica after replica.
 *
 *   stats_tau_int     integrated autocorrelation time by the Gamma method
 *                     with Wolff's automatic window (Comput. Phys. Commun.
 *                     156 (2004) 143), and its error
 *   stats_jackknife   value and error of a function of means, by jackknife
 *                     over blocks (blocks never straddle replicas)
 *   stats_cumulants   cumulants 1..n from raw moments 1..n
 *   stats_mean        mean and standard error of independent values
 * None is collective.
 */
#ifndef LATDIFF_STATS_H
#define LATDIFF_STATS_H

#include "latdiff/base.h"

typedef struct {
  double value, error;
} estimate;

typedef struct {
  double tau, error;
  int64_t window;
} tau_int_result;

/* S: Wolff's factor (1.5 is his recommendation). */
PetscErrorCode stats_tau_int(const double *a, int64_t n, int replicas, double S, tau_int_result *out);

/* f(means of the K series, ctx) -> the derived quantity. data is [K][n]. */
typedef double (*stats_derived)(const double *means, void *ctx);
PetscErrorCode stats_jackknife(const double *data, int K, int64_t n, int replicas, int64_t block, stats_derived f,
                               void *ctx, estimate *out);

/* kappa[1..nmax] from raw moments m[1..nmax] (index 0 unused). */
void stats_cumulants(const double *m, int nmax, double *kappa);

/* the error is the standard deviation over sqrt(n) (0 for n < 2) */
estimate stats_mean(const double *a, int64_t n);

#endif
