/* mixture.c — Gaussian mixtures in the plane: sampler, exact score,
 * action, moments (mixture.h). */
#include "latdiff/mixture.h"

#include <math.h>

static PetscErrorCode create(MPI_Comm comm, int n, int dim, double s0, mixture **out)
{
  mixture *mx;

  PetscFunctionBeginUser;
  PetscCheck(s0 > 0 && isfinite(s0), comm, PETSC_ERR_USER_INPUT, "-s0: %g; the component width must be positive", s0);
  PetscCall(PetscNew(&mx));
  *mx = (mixture){.n = n, .dim = dim, .s0 = s0};
  PetscCall(PetscMalloc1((size_t)(n * dim), &mx->means));
  *out = mx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode mixture_create_gauss25(MPI_Comm comm, double spacing, double s0, mixture **out)
{
  PetscFunctionBeginUser;
  PetscCheck(spacing > 0 && isfinite(spacing), comm, PETSC_ERR_USER_INPUT, "-spacing: %g; must be positive", spacing);
  PetscCall(create(comm, 25, 2, s0, out));
  for (int c = 0; c < 25; c++) {
    (*out)->means[2 * c] = spacing * (c / 5 - 2);
    (*out)->means[2 * c + 1] = spacing * (c % 5 - 2);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode mixture_create_swissroll(MPI_Comm comm, int n, double scale, double s0, mixture **out)
{
  PetscFunctionBeginUser;
  PetscCheck(scale > 0 && isfinite(scale), comm, PETSC_ERR_USER_INPUT, "-scale: %g; must be positive", scale);
  PetscCheck(n >= 2 && n <= MIXTURE_MAXCOMP, comm, PETSC_ERR_USER_INPUT,
             "-components: %d; the Swiss roll takes 2 to %d", n, MIXTURE_MAXCOMP);
  PetscCall(create(comm, n, 2, s0, out));
  for (int c = 0; c < n; c++) {
    const double u = 1.5 * PETSC_PI * (1 + 2.0 * c / (n - 1));
    (*out)->means[2 * c] = scale * u * cos(u);
    (*out)->means[2 * c + 1] = scale * u * sin(u);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode mixture_create_twopeak(MPI_Comm comm, double mu0, double s0, mixture **out)
{
  PetscFunctionBeginUser;
  PetscCall(create(comm, 2, 1, s0, out));
  (*out)->means[0] = mu0, (*out)->means[1] = -mu0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode mixture_destroy(mixture **mx)
{
  PetscFunctionBeginUser;
  if (!*mx) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*mx)->means));
  PetscCall(PetscFree(*mx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void mixture_sample(const mixture *mx, rng_key key, uint64_t index, double *x)
{
  /* the component from a stream disjoint from the Gaussians' */
  rng_key pick = key;
  pick.stream = key.stream ^ 0x5a5a5a5aULL;
  int c = (int)(rng_uniform(pick, index) * mx->n);
  if (c >= mx->n) c = mx->n - 1;
  for (int j = 0; j < mx->dim; j++)
    x[j] = mx->means[c * mx->dim + j] + mx->s0 * rng_normal(key, index * (uint64_t)mx->dim + (uint64_t)j);
}

/* -|x - f m_c|^2 / 2v for every c, and their maximum */
static double exponents(const mixture *mx, double f, double v, const double *x, double *e)
{
  double emax = -INFINITY;
  for (int c = 0; c < mx->n; c++) {
    double r2 = 0;
    for (int j = 0; j < mx->dim; j++) {
      const double r = x[j] - f * mx->means[c * mx->dim + j];
      r2 += r * r;
    }
    e[c] = -r2 / (2 * v);
    emax = PetscMax(emax, e[c]);
  }
  return emax;
}

void mixture_score(const mixture *mx, double f, double xi, const double *x, double *s)
{
  const double v = f * f * mx->s0 * mx->s0 + xi;
  double ep[MIXTURE_MAXCOMP], z = 0, acc[MIXTURE_MAXDIM] = {0};
  const double emax = exponents(mx, f, v, x, ep);
  for (int c = 0; c < mx->n; c++) {
    const double w = exp(ep[c] - emax);
    z += w;
    for (int j = 0; j < mx->dim; j++) acc[j] += w * f * mx->means[c * mx->dim + j];
  }
  for (int j = 0; j < mx->dim; j++) s[j] = (acc[j] / z - x[j]) / v;
}

/* the same formula on jets: the weights w_c = exp(e_c - emax) / Z with
 * e_c = -|x - f m_c|^2 / 2v, then s = (sum_c w_c f m_c - x) / v */
void mixture_score_jet(const mixture *mx, double f, double xi, const double *x, const jet_space *js,
                       const double *dirs, double *out, double *work)
{
  const int K = js->ncoef, D = mx->dim;
  const double v = f * f * mx->s0 * mx->s0 + xi;
  double ep[MIXTURE_MAXCOMP], d[JET_MAXORDER + 1];
  double *r = work, *r2 = r + K, *e = r2 + K, *w = e + K, *z = w + K, *iz = z + K, *tmp = iz + K, *cw = tmp + K,
         *acc = cw + 2 * K;
  const double emax = exponents(mx, f, v, x, ep);

  for (int k = 0; k < K; k++) z[k] = 0;
  for (int k = 0; k < D * K; k++) acc[k] = 0;
  for (int c = 0; c < mx->n; c++) {
    for (int k = 0; k < K; k++) e[k] = 0;
    for (int j = 0; j < D; j++) {
      for (int k = 0; k < K; k++) r[k] = 0;
      r[0] = x[j] - f * mx->means[c * D + j];
      for (int q = 0; q < js->n; q++) r[1 + q] = dirs[q * D + j];
      jet_mul(js, r, r, r2);
      for (int k = 0; k < K; k++) e[k] -= r2[k] / (2 * v);
    }
    e[0] = ep[c] - emax; /* the same constant as mixture_score's */
    for (int k = 0; k <= js->order; k++) d[k] = exp(e[0]);
    jet_compose(js, e, d, w, cw);
    for (int k = 0; k < K; k++) z[k] += w[k];
    for (int j = 0; j < D; j++)
      for (int k = 0; k < K; k++) acc[j * K + k] += w[k] * f * mx->means[c * D + j];
  }
  d[0] = 1 / z[0], d[1] = -d[0] * d[0], d[2] = -2 * d[1] * d[0], d[3] = -3 * d[2] * d[0]; /* (1/z)^(k) */
  jet_compose(js, z, d, iz, cw);
  for (int j = 0; j < D; j++) {
    jet_mul(js, acc + j * K, iz, tmp);
    tmp[0] -= x[j];
    for (int q = 0; q < js->n; q++) tmp[1 + q] -= dirs[q * D + j];
    for (int k = 0; k < K; k++) out[j * K + k] = tmp[k] / v;
  }
}

double mixture_logpdf(const mixture *mx, double f, double xi, const double *x)
{
  const double v = f * f * mx->s0 * mx->s0 + xi;
  double ep[MIXTURE_MAXCOMP], z = 0;
  const double emax = exponents(mx, f, v, x, ep);
  for (int c = 0; c < mx->n; c++) z += exp(ep[c] - emax);
  return emax + log(z / mx->n) - 0.5 * mx->dim * log(2 * PETSC_PI * v);
}

double mixture_action(const mixture *mx, const double *x)
{
  double ep[MIXTURE_MAXCOMP], z = 0;
  const double emax = exponents(mx, 1, mx->s0 * mx->s0, x, ep);
  for (int c = 0; c < mx->n; c++) z += exp(ep[c] - emax);
  return -(emax + log(z / mx->n));
}

void mixture_moments(const mixture *mx, double *mean, double *cov)
{
  const int d = mx->dim;
  for (int j = 0; j < d; j++) {
    mean[j] = 0;
    for (int c = 0; c < mx->n; c++) mean[j] += mx->means[c * d + j] / mx->n;
  }
  for (int i = 0; i < d; i++)
    for (int j = 0; j < d; j++) {
      double sum = 0;
      for (int c = 0; c < mx->n; c++) sum += (mx->means[c * d + i] - mean[i]) * (mx->means[c * d + j] - mean[j]);
      cov[i * d + j] = sum / mx->n + (i == j ? mx->s0 * mx->s0 : 0);
    }
}
