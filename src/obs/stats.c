/* stats.c — Gamma method, blocked jackknife, cumulants (stats.h). */
#include "latdiff/stats.h"

#include <math.h>

/* Gamma(t), averaged over all pairs at distance t within each replica */
static double autocov(const double *a, int64_t nr, int replicas, double mean, int64_t t)
{
  double s = 0;
  for (int r = 0; r < replicas; r++) {
    const double *x = a + r * nr;
    for (int64_t i = 0; i + t < nr; i++) s += (x[i] - mean) * (x[i + t] - mean);
  }
  return s / (double)(replicas * (nr - t));
}

PetscErrorCode stats_tau_int(const double *a, int64_t n, int replicas, double S, tau_int_result *out)
{
  const int64_t nr = n / replicas;
  double mean = 0, *gamma;

  PetscFunctionBeginUser;
  *out = (tau_int_result){0.5, 0, 0};
  if (nr < 2) PetscFunctionReturn(PETSC_SUCCESS);
  for (int64_t i = 0; i < n; i++) mean += a[i];
  mean /= (double)n;
  const int64_t tmax = nr / 2;
  PetscCall(PetscCalloc1((size_t)(tmax + 1), &gamma));
  gamma[0] = autocov(a, nr, replicas, mean, 0);
  if (gamma[0] <= 0) { /* a constant series: no fluctuations, no correlation */
    PetscCall(PetscFree(gamma));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  /* Wolff's automatic window: the first W where the estimated systematic
   * error exp(-W/tau) stops exceeding the statistical sqrt(W/N) one.
   * Gamma(t) is computed only up to W: the cost is O(N W), not O(N^2). */
  double tau = 0.5;
  int64_t W = tmax;
  for (int64_t w = 1; w <= tmax; w++) {
    gamma[w] = autocov(a, nr, replicas, mean, w);
    tau += gamma[w] / gamma[0];
    double ts = tau <= 0.5 ? 1e-300 : S / log((2 * tau + 1) / (2 * tau - 1));
    double g = exp(-(double)w / ts) - ts / sqrt((double)w * (double)n);
    if (g < 0) {
      W = w;
      break;
    }
  }
  /* bias correction of Gamma(0) + 2 sum Gamma(t) (Wolff eq. 49) */
  double cf = gamma[0];
  for (int64_t t = 1; t <= W; t++) cf += 2 * gamma[t];
  cf *= 1 + (2.0 * (double)W + 1) / (double)n;
  double g0 = gamma[0] + cf / (double)n;
  tau = 0.5 * cf / g0;
  out->tau = PetscMax(tau, 0.5);
  out->window = W;
  out->error = out->tau * sqrt(4.0 * ((double)W + 0.5 - out->tau) / (double)n);
  if (!(out->error >= 0)) out->error = 0;
  PetscCall(PetscFree(gamma));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode stats_jackknife(const double *data, int K, int64_t n, int replicas, int64_t block, stats_derived f,
                               void *ctx, estimate *out)
{
  const int64_t nr = n / replicas;
  const int64_t per = PetscMax(nr / PetscMax(block, 1), 1); /* blocks per replica; the last takes the rest */
  const int64_t nb = per * replicas;
  double *total, *bsum, *means, *vals;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(K, &total));
  PetscCall(PetscCalloc1((size_t)(nb * K), &bsum));
  PetscCall(PetscMalloc1(K, &means));
  PetscCall(PetscMalloc1(nb, &vals));
  int64_t *bn;
  PetscCall(PetscCalloc1(nb, &bn));
  for (int r = 0; r < replicas; r++)
    for (int64_t i = 0; i < nr; i++) {
      int64_t b = r * per + PetscMin(i / PetscMax(block, 1), per - 1);
      bn[b]++;
      for (int k = 0; k < K; k++) bsum[b * K + k] += data[k * n + r * nr + i];
    }
  for (int64_t b = 0; b < nb; b++)
    for (int k = 0; k < K; k++) total[k] += bsum[b * K + k];
  const int64_t used = nr * replicas;
  for (int k = 0; k < K; k++) means[k] = total[k] / (double)used;
  out->value = f(means, ctx);
  double avg = 0;
  for (int64_t b = 0; b < nb; b++) {
    for (int k = 0; k < K; k++) means[k] = (total[k] - bsum[b * K + k]) / (double)(used - bn[b]);
    vals[b] = f(means, ctx);
    avg += vals[b];
  }
  avg /= (double)nb;
  double var = 0;
  for (int64_t b = 0; b < nb; b++) var += (vals[b] - avg) * (vals[b] - avg);
  out->error = nb > 1 ? sqrt(var * (double)(nb - 1) / (double)nb) : NAN;
  PetscCall(PetscFree(total));
  PetscCall(PetscFree(bsum));
  PetscCall(PetscFree(means));
  PetscCall(PetscFree(vals));
  PetscCall(PetscFree(bn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void stats_cumulants(const double *m, int nmax, double *kappa)
{
  /* kappa_n = m_n - sum_{k=1}^{n-1} C(n-1, k-1) kappa_k m_{n-k} */
  for (int n = 1; n <= nmax; n++) {
    double s = m[n], c = 1; /* c = C(n-1, k-1) */
    for (int k = 1; k < n; k++) {
      s -= c * kappa[k] * m[n - k];
      c = c * (double)(n - k) / (double)k;
    }
    kappa[n] = s;
  }
}

estimate stats_mean(const double *a, int64_t n)
{
  double mean = 0, var = 0;
  for (int64_t i = 0; i < n; i++) mean += a[i] / (double)n;
  for (int64_t i = 0; i < n; i++) var += (a[i] - mean) * (a[i] - mean);
  return (estimate){mean, n > 1 ? sqrt(var / (double)(n - 1) / (double)n) : 0};
}
