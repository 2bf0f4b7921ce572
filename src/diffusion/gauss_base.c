/* gauss_base.c — the exact score of a Gaussian field (gauss_base.h). */
#include "latdiff/gauss_base.h"

#include <math.h>

PetscErrorCode gauss_base_create(int d, const int *L, gauss_base **out)
{
  gauss_base *g;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&g));
  g->d = d;
  g->V = 1;
  for (int mu = 0; mu < d; mu++) g->L[mu] = L[mu], g->V *= L[mu];
  PetscCall(fourier_create(PETSC_COMM_SELF, d, L, 1, &g->ft));
  PetscCheck(fourier_get_layout(g->ft)->out_sites == g->V, PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "gauss_base: a one-rank transform without all modes");
  PetscCall(PetscCalloc2((size_t)g->V, &g->G, (size_t)g->V, &g->work));
  *out = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the mode of n with the components in `flip` (a bit mask) reflected */
static int64_t reflected(const gauss_base *g, int64_t j, unsigned flip)
{
  int n[4];
  int64_t r = j, k = 0;
  for (int mu = g->d - 1; mu >= 0; mu--) n[mu] = (int)(r % g->L[mu]), r /= g->L[mu];
  for (int mu = 0; mu < g->d; mu++) k = k * g->L[mu] + ((flip >> mu & 1) ? (g->L[mu] - n[mu]) % g->L[mu] : n[mu]);
  return k;
}

/* G(p) averaged over the 2^d reflections of p */
static void symmetrise(gauss_base *g)
{
  const unsigned nf = 1u << g->d;
  for (int64_t j = 0; j < g->V; j++) {
    double sum = 0;
    for (unsigned fl = 0; fl < nf; fl++) sum += g->G[reflected(g, j, fl)];
    g->work[j] = sum / nf;
  }
  PetscArraycpy(g->G, g->work, g->V);
}

PetscErrorCode gauss_base_measure(gauss_base *g, MPI_Comm comm, int64_t n, const double *x)
{
  double count = (double)n;

  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(g->G, g->V));
  for (int64_t b = 0; b < n; b++) {
    PetscCall(fourier_power(g->ft, 1, x + b * g->V, g->work));
    for (int64_t j = 0; j < g->V; j++) g->G[j] += g->work[j];
  }
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, g->G, (int)g->V, MPI_DOUBLE, MPI_SUM, comm));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &count, 1, MPI_DOUBLE, MPI_SUM, comm));
  for (int64_t j = 0; j < g->V; j++) g->G[j] /= count * (double)g->V;
  symmetrise(g);
  for (int64_t j = 0; j < g->V; j++)
    PetscCheck(isfinite(g->G[j]) && g->G[j] >= 0, comm, PETSC_ERR_USER_INPUT,
               "-base gaussian: the data's propagator is not finite at mode %lld", (long long)j);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_set(gauss_base *g, const double *G)
{
  PetscFunctionBeginUser;
  PetscCall(PetscArraycpy(g->G, G, g->V)); /* finite and >= 0: model_read checks it */
  symmetrise(g); /* keeps the multipliers real even for a file written by other hands */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_score(gauss_base *g, int64_t nb, const double *f, const double *xi, const double *x, double *s)
{
  PetscFunctionBeginUser;
  for (int64_t b = 0; b < nb; b++) {
    for (int64_t j = 0; j < g->V; j++) g->work[j] = -1 / (f[b] * f[b] * g->G[j] + xi[b]);
    PetscCall(fourier_multiply(g->ft, 1, g->work, x + b * g->V, s + b * g->V));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* s_G is -1 / (f^2 G(p) + Xi) on each Fourier mode */
double gauss_base_trace(const gauss_base *g, double f, double xi)
{
  double tr = 0;
  for (int64_t j = 0; j < g->V; j++) tr -= 1 / (f * f * g->G[j] + xi);
  return tr;
}

/* in the orthonormal Fourier basis: each mode p != 0 Gaussian with
 * variance f^2 G(p) + Xi (|x(p)|^2 / V per mode); the zero mode u_0 =
 * sqrt(V) m Gaussian too, or with magnetisations p(u_0) = p_m(m) / sqrt(V) */
PetscErrorCode gauss_base_logpdf(gauss_base *g, double f, double xi, const double *x, const double *mag, int64_t nmag,
                                 double *lp)
{
  const double V = (double)g->V;

  PetscFunctionBeginUser;
  PetscCall(fourier_power(g->ft, 1, x, g->work));
  double sum = 0;
  for (int64_t j = nmag > 0 ? 1 : 0; j < g->V; j++) { /* mode 0 is p = 0 */
    const double c = f * f * g->G[j] + xi;
    sum -= 0.5 * (g->work[j] / V / c + log(2 * PETSC_PI * c));
  }
  if (nmag > 0) {
    double m = 0, emax = -INFINITY;
    for (int64_t i = 0; i < g->V; i++) m += x[i] / V;
    const double v = xi / V;
    for (int64_t k = 0; k < nmag; k++) emax = PetscMax(emax, -(m - f * mag[k]) * (m - f * mag[k]) / (2 * v));
    double z = 0;
    for (int64_t k = 0; k < nmag; k++) z += exp(-(m - f * mag[k]) * (m - f * mag[k]) / (2 * v) - emax);
    sum += emax + log(z / (double)nmag) - 0.5 * log(2 * PETSC_PI * v) - 0.5 * log(V);
  }
  *lp = sum;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_color(gauss_base *g, double f, double xi, int64_t nb, double *x)
{
  PetscFunctionBeginUser;
  for (int64_t j = 0; j < g->V; j++) g->work[j] = sqrt(f * f * g->G[j] + xi);
  for (int64_t b = 0; b < nb; b++) PetscCall(fourier_multiply(g->ft, 1, g->work, x + b * g->V, x + b * g->V));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_mix(gauss_base *g, double f, double xi, const double *u, const double *v, double *out)
{
  PetscFunctionBeginUser;
  for (int64_t j = 0; j < g->V; j++) g->work[j] = xi / (f * f * g->G[j] + xi);
  for (int64_t i = 0; i < g->V; i++) out[i] = u[i] - v[i];
  PetscCall(fourier_multiply(g->ft, 1, g->work, out, out));
  for (int64_t i = 0; i < g->V; i++) out[i] += v[i];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_destroy(gauss_base **gp)
{
  PetscFunctionBeginUser;
  if (!*gp) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(fourier_destroy(&(*gp)->ft));
  PetscCall(PetscFree2((*gp)->G, (*gp)->work));
  PetscCall(PetscFree(*gp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
