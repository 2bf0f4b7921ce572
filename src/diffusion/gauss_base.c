/* gauss_base.c — the exact score of a Gaussian field (gauss_base.h). */
#include "latdiff/gauss_base.h"

#include <math.h>

PetscErrorCode gauss_base_create_on(MPI_Comm comm, int d, const int *L, gauss_base **out)
{
  gauss_base *g;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&g));
  g->d = d;
  g->V = 1;
  g->comm = comm;
  for (int mu = 0; mu < d; mu++) g->L[mu] = L[mu], g->V *= L[mu];
  PetscCall(fourier_create(comm, d, L, 1, &g->ft));
  const fourier_layout *lay = fourier_get_layout(g->ft);
  g->nx = lay->local_sites, g->nk = lay->out_sites, g->k0 = lay->out_row0 * (g->V / L[0]);
  PetscCall(PetscCalloc2((size_t)g->V, &g->G, (size_t)g->V, &g->work));
  g->Gl = g->G + g->k0;
  *out = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_create(int d, const int *L, gauss_base **out)
{
  return gauss_base_create_on(PETSC_COMM_SELF, d, L, out);
}

PetscErrorCode gauss_base_localise(gauss_base *g)
{
  double *G, *work;

  PetscFunctionBeginUser;
  if (g->nk == g->V) PetscFunctionReturn(PETSC_SUCCESS);
  const int64_t n = PetscMax(PetscMax(g->nk, g->nx), 1);
  PetscCall(PetscCalloc2((size_t)n, &G, (size_t)n, &work));
  PetscCall(PetscArraycpy(G, g->Gl, g->nk));
  PetscCall(PetscFree2(g->G, g->work));
  g->G = g->Gl = G, g->work = work, g->local = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a sum over the ranks of a field in slabs (nothing to do on one) */
static double field_sum(const gauss_base *g, double local)
{
  if (g->nx < g->V) MPI_Allreduce(MPI_IN_PLACE, &local, 1, MPI_DOUBLE, MPI_SUM, g->comm);
  return local;
}

/* the components n_mu of mode j (row-major, the last fastest) */
static void mode_components(const gauss_base *g, int64_t j, int *n)
{
  for (int mu = g->d - 1; mu >= 0; mu--) n[mu] = (int)(j % g->L[mu]), j /= g->L[mu];
}

/* the mode of n with the components in `flip` (a bit mask) reflected */
static int64_t reflected(const gauss_base *g, int64_t j, unsigned flip)
{
  int n[4];
  int64_t k = 0;
  mode_components(g, j, n);
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
  PetscCheck(!g->local, PETSC_COMM_SELF, PETSC_ERR_ORDER, "gauss_base: G after gauss_base_localise");
  PetscCheck(g->nx == g->V, PETSC_COMM_SELF, PETSC_ERR_SUP, "gauss_base_measure: whole fields only");
  PetscCall(PetscArrayzero(g->G, g->V));
  for (int64_t b = 0; b < n; b++) {
    PetscCall(fourier_power(g->ft, 1, x + b * g->V, g->work));
    for (int64_t j = 0; j < g->V; j++) g->G[j] += g->work[j];
  }
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, g->G, (int)g->V, MPI_DOUBLE, MPI_SUM, comm));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &count, 1, MPI_DOUBLE, MPI_SUM, comm));
  for (int64_t j = 0; j < g->V; j++) g->G[j] /= count * (double)g->V;
  g->nconf = count;
  symmetrise(g);
  for (int64_t j = 0; j < g->V; j++)
    PetscCheck(isfinite(g->G[j]) && g->G[j] >= 0, comm, PETSC_ERR_USER_INPUT,
               "-base gaussian: the data's propagator is not finite at mode %lld", (long long)j);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_set(gauss_base *g, const double *G)
{
  PetscFunctionBeginUser;
  PetscCheck(!g->local, PETSC_COMM_SELF, PETSC_ERR_ORDER, "gauss_base: G after gauss_base_localise");
  PetscCall(PetscArraycpy(g->G, G, g->V)); /* finite and >= 0: model_read checks it */
  symmetrise(g); /* keeps the multipliers real even for a file written by other hands */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_set_from(gauss_base *to, const gauss_base *from)
{
  PetscFunctionBeginUser;
  PetscCheck(to->V == from->V && !to->local && !from->local, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "gauss_base_set_from: another lattice, or G no longer whole");
  PetscCall(PetscArraycpy(to->G, from->G, to->V));
  to->nmu = from->nmu, to->mu[0] = from->mu[0], to->mu[1] = from->mu[1], to->mu_var = from->mu_var;
  to->nconf = from->nconf;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the invariants of the hypercubic group in a_mu = phat_mu^2 = 4 sin^2(p_mu / 2)
 * up to degree 3 in the a (p^6): the monomials e1^i e2^j e3^k, i + 2 j + 3 k
 * <= 3, of the elementary symmetric polynomials (algebraically independent:
 * no two columns of the fit are the same function; e_k = 0 for k > d) */
static int fit_basis(const gauss_base *g, int64_t j, double *b)
{
  double e[4] = {1, 0, 0, 0};
  int c[4];
  mode_components(g, j, c);
  for (int mu = 0; mu < g->d; mu++) {
    const double sn = sin(PETSC_PI * (double)c[mu] / g->L[mu]), a = 4 * sn * sn;
    for (int k = PetscMin(mu + 1, 3); k >= 1; k--) e[k] += a * e[k - 1];
  }
  int n = 0;
  b[n++] = 1, b[n++] = e[1], b[n++] = e[1] * e[1], b[n++] = e[1] * e[1] * e[1];
  if (g->d >= 2) b[n++] = e[2], b[n++] = e[1] * e[2];
  if (g->d >= 3) b[n++] = e[3];
  return n;
}

/* a mode stands for its orbit under the reflections when it is the orbit's lowest */
static int orbit_first(const gauss_base *g, int64_t j)
{
  for (unsigned fl = 1; fl < 1u << g->d; fl++)
    if (reflected(g, j, fl) < j) return 0;
  return 1;
}

enum { FIT_MAXTERMS = 7 };

/* the coefficients c of 1/G(p) = sum_k c_k b_k(p) fitted to g's G on the
 * modes from `first` on: *n basis functions, *used of them independent on
 * this lattice (the others get 0), over *orbits orbits of reflections.
 * Fewer orbits than terms would interpolate, not smooth: *used = 0. */
static void fit_coefficients(const gauss_base *g, int64_t first, double *c, int *n, int *used, int64_t *orbits)
{
  enum { K = FIT_MAXTERMS };
  double A[K][K] = {{0}}, b[K], diag[K];
  int skip[K] = {0};

  *n = 0, *used = 0, *orbits = 0;
  for (int k = 0; k < K; k++) c[k] = 0;
  /* least squares in the relative residual r = 1 - G c.b: the measured
   * G's relative error is about the same on every mode, and each mode
   * counts once, so an orbit by its size */
  for (int64_t j = first; j < g->V; j++) {
    *n = fit_basis(g, j, b), *orbits += orbit_first(g, j);
    for (int k = 0; k < *n; k++) {
      c[k] += g->G[j] * b[k];
      for (int l = 0; l < *n; l++) A[k][l] += g->G[j] * g->G[j] * b[k] * b[l];
    }
  }
  /* Cholesky of the normal equations; an invariant that is a combination
   * of the others on this lattice (an extent of 1 or 2) is left out */
  for (int k = 0; k < *n; k++) diag[k] = A[k][k];
  for (int k = 0; k < *n; k++) {
    for (int l = 0; l < k; l++) A[k][k] -= A[k][l] * A[k][l];
    if (!(A[k][k] > 1e-10 * diag[k])) {
      skip[k] = 1, A[k][k] = 1;
      for (int i = k + 1; i < *n; i++) A[i][k] = 0;
      continue;
    }
    A[k][k] = sqrt(A[k][k]), (*used)++;
    for (int i = k + 1; i < *n; i++) {
      for (int l = 0; l < k; l++) A[i][k] -= A[i][l] * A[k][l];
      A[i][k] /= A[k][k];
    }
  }
  if (*orbits <= *used) {
    *used = 0;
    return;
  }
  for (int k = 0; k < *n; k++) {
    for (int l = 0; l < k; l++) c[k] -= A[k][l] * c[l];
    c[k] = skip[k] ? 0 : c[k] / A[k][k];
  }
  for (int k = *n - 1; k >= 0; k--) {
    for (int l = k + 1; l < *n; l++) c[k] -= A[l][k] * c[l];
    c[k] = skip[k] ? 0 : c[k] / A[k][k];
  }
}

/* 1/G at mode j of g from the coefficients c */
static double fitted_inverse(const gauss_base *g, int64_t j, const double *c)
{
  double b[FIT_MAXTERMS], inv = 0;
  const int n = fit_basis(g, j, b);
  for (int k = 0; k < n; k++) inv += c[k] * b[k];
  return inv;
}

/* the fit into G, or (bad: the first mode where the fitted 1/G is not
 * positive, else -1) G left as it is */
static void fit(gauss_base *g, int *nterms, double *chi2_dof, int64_t *bad)
{
  double c[FIT_MAXTERMS];
  int n, used;
  int64_t orbits;
  const int64_t first = g->nmu ? 1 : 0; /* with the pair the zero mode is theirs and stays out */

  *nterms = 0, *chi2_dof = NAN, *bad = -1;
  fit_coefficients(g, first, c, &n, &used, &orbits);
  if (!used) return;
  /* chi^2: an orbit of |O| modes of a Gaussian field measured on N
   * independent configurations has the relative variance 2 / (N |O|) (a
   * complex mode and its conjugate are one, a real mode has twice the
   * variance); summed over the orbit's modes, r^2 N / 2 each */
  double sum = 0;
  for (int64_t j = first; j < g->V; j++) {
    const double inv = fitted_inverse(g, j, c);
    if (!(inv > 0)) {
      *bad = j;
      return;
    }
    sum += (1 - g->G[j] * inv) * (1 - g->G[j] * inv);
    g->work[j] = 1 / inv;
  }
  for (int64_t j = first; j < g->V; j++) g->G[j] = g->work[j];
  *nterms = used;
  if (g->nconf > 0) *chi2_dof = sum * g->nconf / 2 / (double)(orbits - used);
}

PetscErrorCode gauss_base_fit(gauss_base *g, int *nterms, double *chi2_dof)
{
  int64_t bad;

  PetscFunctionBeginUser;
  PetscCheck(!g->local, PETSC_COMM_SELF, PETSC_ERR_ORDER, "gauss_base: G after gauss_base_localise");
  fit(g, nterms, chi2_dof, &bad);
  PetscCheck(bad < 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "-base_propagator fit: the fitted inverse propagator is not positive at mode %lld; use -base_propagator "
             "measured", (long long)bad);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_fit_or_keep(gauss_base *g, int *nterms, double *chi2_dof)
{
  int64_t bad;

  PetscFunctionBeginUser;
  PetscCheck(!g->local, PETSC_COMM_SELF, PETSC_ERR_ORDER, "gauss_base: G after gauss_base_localise");
  fit(g, nterms, chi2_dof, &bad);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the fit's coefficients c where g's propagator carries to other
 * lattices (why: the reason it does not, else empty) */
static PetscBool transfer_coefficients(const gauss_base *g, double *c, char *why, size_t len)
{
  int n, used;
  int64_t orbits;

  why[0] = 0;
  if (g->nmu && g->mu[0] > 2 * sqrt(g->mu_var))
    return snprintf(why, len, "its base holds the broken phase's pair of vacua (m = +-%.4g, spread %.3g), whose spread "
                    "depends on the volume", g->mu[0], sqrt(g->mu_var)), PETSC_FALSE;
  fit_coefficients(g, g->nmu ? 1 : 0, c, &n, &used, &orbits);
  if (!used) return snprintf(why, len, "its lattice has too few momenta for a smooth propagator"), PETSC_FALSE;
  return PETSC_TRUE;
}

PetscBool gauss_base_transfers(const gauss_base *g, char *why, size_t len)
{
  double c[FIT_MAXTERMS];
  return transfer_coefficients(g, c, why, len);
}

PetscErrorCode gauss_base_transfer(const gauss_base *from, gauss_base *to, char *why, size_t len)
{
  double c[FIT_MAXTERMS];

  PetscFunctionBeginUser;
  PetscCheck(!to->local, PETSC_COMM_SELF, PETSC_ERR_ORDER, "gauss_base: G after gauss_base_localise");
  PetscCheck(from->d == to->d, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "gauss_base_transfer: %d and %d dimensions",
             from->d, to->d);
  if (!transfer_coefficients(from, c, why, len)) PetscFunctionReturn(PETSC_SUCCESS);
  for (int64_t j = 0; j < to->V; j++) {
    const double inv = fitted_inverse(to, j, c);
    if (!(inv > 0)) {
      snprintf(why, len, "its fitted inverse propagator is not positive at mode %lld of the new lattice", (long long)j);
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    to->G[j] = 1 / inv;
  }
  to->nmu = 0, to->nconf = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the symmetric pair of Gaussians N(+-mu, w) with the magnetisations' <M^2> = a
 * and <M^4> = b: mu^2 + w = a and mu^4 + 6 mu^2 w + 3 w^2 = b give mu^4 =
 * (3 a^2 - b) / 2 = 3 a^2 U_L / 2 (U_L the Binder cumulant). U_L <= 0: a
 * Gaussian fits, and the linear base keeps the zero mode (G(0) = V a) */
PetscErrorCode gauss_base_set_magnetisations(gauss_base *g, int64_t n, const double *M)
{
  double a = 0, b = 0;

  PetscFunctionBeginUser;
  for (int64_t k = 0; k < n; k++) a += M[k] * M[k] / (double)n, b += M[k] * M[k] * M[k] * M[k] / (double)n;
  g->nmu = 0;
  if (!(3 * a * a > b)) PetscFunctionReturn(PETSC_SUCCESS);
  const double mu2 = sqrt((3 * a * a - b) / 2);
  g->nmu = 2, g->mu[0] = sqrt(mu2), g->mu[1] = -g->mu[0], g->mu_var = a - mu2;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the variance of x_0 about its mean on local mode j as the posterior sees
 * it: G(p), but with the vacua pair the zero mode's spread about one vacuum
 * (V w in the modes' units; the vacuum itself is in the mean), not G(0) =
 * V <M^2> */
static double spread_var(const gauss_base *g, int64_t j)
{
  return g->k0 + j == 0 && g->nmu ? (double)g->V * g->mu_var : g->Gl[j];
}

/* the zero mode's law diffused: m = f M + sqrt(Xi / V) z, p_t(m) = mean_k
 * N(m; f mu_k, v), v = f^2 w + Xi / V. Its log derivatives are the
 * cumulants c_j of f mu under the weights w_k ~ N(m; f mu_k, v): first
 * (E - m) / v, then -1 / v + c_2 / v^2, c_3 / v^3, c_4 / v^4. Every
 * site's score is h(m) = (log p_t)'(m) / V; d[k] = h^(k)(m), k =
 * 0..order (<= 3). Returns log p_t(m). */
static double zero_mode(const gauss_base *g, double f, double xi, double m, int order, double *d)
{
  const double V = (double)g->V, v = f * f * g->mu_var + xi / V;
  double e[2], emax = -INFINITY, z = 0, mean = 0, c2 = 0, c3 = 0, c4 = 0;
  for (int k = 0; k < g->nmu; k++) {
    e[k] = -(f * g->mu[k] - m) * (f * g->mu[k] - m) / (2 * v);
    emax = PetscMax(emax, e[k]);
  }
  for (int k = 0; k < g->nmu; k++) {
    e[k] = exp(e[k] - emax);
    z += e[k], mean += e[k] * f * g->mu[k];
  }
  mean /= z;
  for (int k = 0; k < g->nmu; k++) {
    const double c = f * g->mu[k] - mean, w = e[k] / z;
    c2 += w * c * c, c3 += w * c * c * c, c4 += w * c * c * c * c;
  }
  const double dlog[4] = {(mean - m) / v, -1 / v + c2 / (v * v), c3 / (v * v * v),
                          (c4 - 3 * c2 * c2) / (v * v * v * v)};
  for (int k = 0; k <= order; k++) d[k] = dlog[k] / V;
  return emax + log(z / g->nmu) - 0.5 * log(2 * PETSC_PI * v);
}

static double mean_of(const gauss_base *g, const double *x)
{
  double m = 0;
  for (int64_t i = 0; i < g->nx; i++) m += x[i];
  return field_sum(g, m) / (double)g->V;
}

void gauss_base_draw_zero_mode(const gauss_base *g, double f, double xi, double u, double z, double *x)
{
  if (!g->nmu) return;
  const double m = f * g->mu[u < 0.5 ? 0 : 1] + sqrt(f * f * g->mu_var + xi / (double)g->V) * z, shift = m - mean_of(g, x);
  for (int64_t i = 0; i < g->nx; i++) x[i] += shift;
}

/* the linear part: -1 / (f^2 G(p) + Xi) on the modes the Gaussian describes
 * (all of them, or all but p = 0 when the magnetisations give the zero mode) */
static PetscErrorCode linear_score(gauss_base *g, double f, double xi, const double *x, double *s)
{
  PetscFunctionBeginUser;
  for (int64_t j = 0; j < g->nk; j++) g->work[j] = -1 / (f * f * g->Gl[j] + xi);
  if (g->nmu && g->k0 == 0 && g->nk) g->work[0] = 0; /* mode 0 is p = 0 */
  PetscCall(fourier_multiply(g->ft, 1, g->work, x, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_score(gauss_base *g, int64_t nb, const double *f, const double *xi, const double *x, double *s)
{
  PetscFunctionBeginUser;
  for (int64_t b = 0; b < nb; b++) {
    PetscCall(linear_score(g, f[b], xi[b], x + b * g->nx, s + b * g->nx));
    if (!g->nmu) continue;
    double h;
    zero_mode(g, f[b], xi[b], mean_of(g, x + b * g->nx), 0, &h);
    for (int64_t i = 0; i < g->nx; i++) s[b * g->nx + i] += h;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_score_jet(gauss_base *g, double f, double xi, const double *x, const jet_space *js,
                                    const double *dirs, double *out)
{
  const int nc = js->ncoef;
  double *s, *a, *h, *work;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2((size_t)g->nx, &s, (size_t)(4 * nc), &a));
  h = a + nc, work = a + 2 * nc;
  for (int q = 0; q <= js->n; q++) {
    PetscCall(linear_score(g, f, xi, q ? dirs + (q - 1) * g->nx : x, s));
    for (int64_t j = 0; j < g->nx; j++) out[j * nc + q] += s[j];
  }
  if (g->nmu) { /* h(m(x + sum_q eps_q v_q)): m is linear in the eps */
    double d[JET_MAXORDER + 1];
    for (int c = 0; c < nc; c++) a[c] = 0;
    a[0] = mean_of(g, x);
    for (int q = 1; q <= js->n; q++) a[q] = mean_of(g, dirs + (q - 1) * g->nx);
    zero_mode(g, f, xi, a[0], js->order, d);
    jet_compose(js, a, d, h, work);
    for (int64_t j = 0; j < g->nx; j++)
      for (int c = 0; c < nc; c++) out[j * nc + c] += h[c];
  }
  PetscCall(PetscFree2(s, a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the linear part's trace is a sum over modes; the zero mode's is h'(m) */
double gauss_base_trace(gauss_base *g, double f, double xi, const double *x)
{
  double tr = 0;
  for (int64_t j = 0; j < g->nk; j++)
    if (!g->nmu || g->k0 + j) tr -= 1 / (f * f * g->Gl[j] + xi);
  tr = field_sum(g, tr);
  if (g->nmu) {
    double d[2];
    zero_mode(g, f, xi, mean_of(g, x), 1, d);
    tr += d[1];
  }
  return tr;
}

/* in the orthonormal Fourier basis: each mode p != 0 Gaussian with
 * variance f^2 G(p) + Xi (|x(p)|^2 / V per mode); the zero mode u_0 =
 * sqrt(V) m Gaussian too, or with magnetisations p(u_0) = p_t(m) / sqrt(V) */
PetscErrorCode gauss_base_logpdf(gauss_base *g, double f, double xi, const double *x, double *lp)
{
  const double V = (double)g->V;

  PetscFunctionBeginUser;
  PetscCall(fourier_power(g->ft, 1, x, g->work));
  double sum = 0;
  for (int64_t j = 0; j < g->nk; j++) {
    if (g->nmu && g->k0 + j == 0) continue; /* mode 0 is p = 0 */
    const double c = f * f * g->Gl[j] + xi;
    sum -= 0.5 * (g->work[j] / V / c + log(2 * PETSC_PI * c));
  }
  sum = field_sum(g, sum);
  if (g->nmu) {
    double h;
    sum += zero_mode(g, f, xi, mean_of(g, x), 0, &h) - 0.5 * log(V);
  }
  *lp = sum;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode color(gauss_base *g, int64_t nb, double *x)
{
  PetscFunctionBeginUser;
  for (int64_t b = 0; b < nb; b++) PetscCall(fourier_multiply(g->ft, 1, g->work, x + b * g->nx, x + b * g->nx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_color(gauss_base *g, double f, double xi, int64_t nb, double *x)
{
  PetscFunctionBeginUser;
  for (int64_t j = 0; j < g->nk; j++) g->work[j] = sqrt(f * f * g->Gl[j] + xi);
  PetscCall(color(g, nb, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* x_t = f x_0 + sqrt(Xi) z with x_0 ~ N(0, G) on a mode: x_0 given x_t has
 * the variance G Xi / (f^2 G + Xi) (G: spread_var) */
PetscErrorCode gauss_base_posterior_color(gauss_base *g, double f, double xi, int64_t nb, double *x)
{
  PetscFunctionBeginUser;
  for (int64_t j = 0; j < g->nk; j++) {
    const double G = spread_var(g, j);
    g->work[j] = sqrt(G * xi / (f * f * G + xi));
  }
  PetscCall(color(g, nb, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gauss_base_mix(gauss_base *g, double f, double xi, const double *u, const double *v, double *out)
{
  PetscFunctionBeginUser;
  /* with the vacua pair, the zero mode's u and v are both linear in x_0's
   * deviation from its vacuum: the weight that cancels it has that spread */
  for (int64_t j = 0; j < g->nk; j++) g->work[j] = xi / (f * f * spread_var(g, j) + xi);
  for (int64_t i = 0; i < g->nx; i++) out[i] = u[i] - v[i];
  PetscCall(fourier_multiply(g->ft, 1, g->work, out, out));
  for (int64_t i = 0; i < g->nx; i++) out[i] += v[i];
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
