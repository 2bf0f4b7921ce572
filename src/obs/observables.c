/* observables.c — M, |M|, chi_2, Binder cumulant, cumulants of M and of the
 * site field, action density, tau_int (observables.h). */
#include "latdiff/observables.h"
#include "latdiff/profile.h"
#include "latdiff/spectrum.h"
#include "latdiff/theory.h"

#include <math.h>

const char *const observable_names[OBS_COUNT] = {
  "M",           "absM",        "chi2",        "chi2_abs",    "UL",          "kappa2",      "kappa3",
  "kappa4",      "kappa5",      "kappa6",      "kappa7",      "kappa8",      "site_kappa2", "site_kappa3",
  "site_kappa4", "site_kappa5", "site_kappa6", "site_kappa7", "site_kappa8", "action_density", "xi2"};
const char *const tau_int_names[TAU_COUNT] = {"absM", "M2", "action"};

/* Primary series per configuration. Cumulants use powers of the deviation
 * from the sample mean c (they are shift invariant, and this keeps the
 * high moments well conditioned). */
enum { P_M, P_ABSM, P_M2, P_M4, P_DM1, P_SITE1 = P_DM1 + 8, P_ACTION = P_SITE1 + 8, P_GMIN, P_COUNT };

typedef struct {
  int obs;
  double volume;
  int lmax; /* the largest extent (0: not a lattice field) */
} derived_ctx;

static double cumulant(const double *means, int first, int n)
{
  double m[9] = {0}, k[9];
  for (int j = 1; j <= 8; j++) m[j] = means[first + j - 1];
  stats_cumulants(m, 8, k);
  return k[n];
}

static double derived(const double *p, void *vctx)
{
  const derived_ctx *c = vctx;
  const int o = c->obs;
  if (o == OBS_M) return p[P_M];
  if (o == OBS_ABSM) return p[P_ABSM];
  if (o == OBS_CHI2) return c->volume * cumulant(p, P_DM1, 2);
  if (o == OBS_CHI2_ABS) return c->volume * (p[P_M2] - p[P_ABSM] * p[P_ABSM]);
  if (o == OBS_UL) return 1 - p[P_M4] / (3 * p[P_M2] * p[P_M2]);
  if (o >= OBS_KAPPA2 && o < OBS_KAPPA2 + 7) return cumulant(p, P_DM1, o - OBS_KAPPA2 + 2);
  if (o >= OBS_SITE_KAPPA2 && o < OBS_SITE_KAPPA2 + 7) return cumulant(p, P_SITE1, o - OBS_SITE_KAPPA2 + 2);
  if (o == OBS_ACTION_DENSITY) return p[P_ACTION];
  if (o == OBS_XI2) {
    const double ratio = c->volume * p[P_M2] / p[P_GMIN];
    /* L >> xi makes G(0) / G(p_min) - 1 small and noisy: a jackknife sample
     * below 0 counts as 0 rather than making the estimate NaN */
    return c->lmax > 1 ? sqrt(PetscMax(ratio - 1, 0)) / (2 * sin(PETSC_PI / c->lmax)) : NAN;
  }
  return p[P_COUNT + o - OBS_COUNT]; /* a shell of the spectrum */
}

/* |phi(p)|^2 / V at p = 2 pi / L_mu along each direction mu of the
 * largest extent, averaged over those directions (xi2) */
typedef struct {
  int d, L[LATTICE_MAXDIM], lmax, ndir;
  int64_t stride[LATTICE_MAXDIM], V;
  double *c, *s; /* cos and sin of 2 pi x / lmax */
} pmin_power;

static PetscErrorCode pmin_create(const ensemble_meta *m, int64_t V, pmin_power *pp)
{
  PetscFunctionBeginUser;
  *pp = (pmin_power){.d = m->d, .V = V};
  for (int mu = 0; mu < m->d; mu++) pp->L[mu] = m->L[mu], pp->lmax = PetscMax(pp->lmax, m->L[mu]);
  for (int mu = m->d - 1, st = 1; mu >= 0; st *= m->L[mu], mu--) pp->stride[mu] = st;
  for (int mu = 0; mu < m->d; mu++) pp->ndir += m->L[mu] == pp->lmax;
  PetscCall(PetscMalloc2((size_t)pp->lmax, &pp->c, (size_t)pp->lmax, &pp->s));
  for (int x = 0; x < pp->lmax; x++) pp->c[x] = cos(2 * PETSC_PI * x / pp->lmax), pp->s[x] = sin(2 * PETSC_PI * x / pp->lmax);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static double pmin_of(const pmin_power *pp, const double *phi)
{
  double sum = 0;
  for (int mu = 0; mu < pp->d; mu++) {
    if (pp->L[mu] != pp->lmax) continue;
    double re = 0, im = 0;
    for (int64_t i = 0; i < pp->V; i++) {
      const int x = (int)(i / pp->stride[mu] % pp->L[mu]);
      re += phi[i] * pp->c[x], im -= phi[i] * pp->s[x];
    }
    sum += (re * re + im * im) / (double)pp->V;
  }
  return sum / pp->ndir;
}

/* Site moments (1/V) sum_x (phi(x) - c)^k, k = 1..8, of every configuration,
 * with pp G(p_min) (gmin[i], xi2), and with sp its power per shell of the
 * spectrum (shell[s][i]).
 * Each rank reads a contiguous share of the configurations, in blocks of
 * at most 16 MiB (one read per block, not per configuration: an ensemble
 * of a 0-dimensional theory has a million configurations of one value). */
static PetscErrorCode site_moments(MPI_Comm comm, ensemble_reader *r, double c, spectrum *sp, const pmin_power *pp,
                                   double *data, double *gmin, double *shell)
{
  int rank, size;
  double *cfg, *mine, shells[OBS_MAXSHELLS];
  const int64_t n = r->n, V = r->volume;
  const spectrum_layout *lay = sp ? spectrum_get_layout(sp) : NULL;
  const int K = 9 + (lay ? lay->nshells : 0); /* 8 moments, G(p_min), the shells */

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(comm, &rank));
  MPICHECK(MPI_Comm_size(comm, &size));
  const int64_t first = n * rank / size, last = n * (rank + 1) / size;
  const int64_t chunk = PetscMax((int64_t)1, ((int64_t)1 << 21) / V);
  PetscCall(PetscMalloc1((size_t)(PetscMin(chunk, PetscMax(last - first, 1)) * V), &cfg));
  PetscCall(PetscCalloc1((size_t)(K * n), &mine));
  for (int64_t i0 = first; i0 < last; i0 += chunk) {
    const int64_t cnt = PetscMin(chunk, last - i0);
    PetscCall(ensemble_read_configs(r, i0, cnt, cfg));
    PetscCall(PetscLogEventBegin(EV_MEASURE, 0, 0, 0, 0));
    for (int64_t b = 0; b < cnt; b++) {
      double s[8] = {0};
      for (int64_t x = 0; x < V; x++) {
        const double y = cfg[b * V + x] - c;
        double p = y;
        for (int k = 0; k < 8; k++, p *= y) s[k] += p;
      }
      for (int k = 0; k < 8; k++) mine[k * n + i0 + b] = s[k] / (double)V;
      if (pp) mine[8 * n + i0 + b] = pmin_of(pp, cfg + b * V);
      if (!lay) continue;
      PetscCall(PetscArrayzero(shells, lay->nshells));
      PetscCall(spectrum_power(sp, cfg + b * V, shells));
      for (int k = 0; k < lay->nshells; k++)
        mine[(9 + k) * n + i0 + b] = lay->shell_modes[k] > 0 ? shells[k] / lay->shell_modes[k] : 0;
    }
    PetscCall(PetscLogEventEnd(EV_MEASURE, 0, 0, 0, 0));
  }
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, mine, (int)(K * n), MPI_DOUBLE, MPI_SUM, comm));
  PetscCall(PetscArraycpy(data, mine, 8 * n));
  PetscCall(PetscArraycpy(gmin, mine + 8 * n, n));
  if (lay) PetscCall(PetscArraycpy(shell, mine + 9 * n, (K - 9) * n));
  /* a NaN or inf anywhere in a configuration reaches its sums on every rank */
  for (int64_t i = 0; i < 8 * n; i++)
    PetscCheck(isfinite(data[i]), comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: configuration %lld holds a non-finite value (or one so large that its powers overflow)", r->path,
               (long long)(i % n));
  PetscCall(PetscFree(cfg));
  PetscCall(PetscFree(mine));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* (last quarter - first quarter) / its standard error, quarters of each
 * replica's chain pooled; 0 when a quarter holds fewer than 2 values */
static double drift_sigma(const double *a, int64_t n, int R, double tau)
{
  const int64_t per = n / R, q = per / 4;
  double mean = 0, var = 0, first = 0, last = 0;

  if (q < 2) return 0;
  for (int64_t i = 0; i < n; i++) mean += a[i] / (double)n;
  for (int64_t i = 0; i < n; i++) var += (a[i] - mean) * (a[i] - mean) / (double)(n - 1);
  for (int r = 0; r < R; r++)
    for (int64_t i = 0; i < q; i++) {
      first += a[r * per + i];
      last += a[r * per + per - q + i];
    }
  const double m = (double)(R * q), err = sqrt(2 * PetscMax(tau, 0.5) * var / m);
  return err > 0 ? (last - first) / m / (sqrt(2.0) * err) : 0;
}

PetscErrorCode observables_measure(MPI_Comm comm, ensemble_reader *r, int64_t block, int nshells,
                                   observables_report *out)
{
  const int64_t n = r->n;
  const int R = r->meta.replicas;
  double *data, *M, *S, c = 0;
  spectrum *sp = NULL;

  PetscFunctionBeginUser;
  PetscCheck(n >= 2, comm, PETSC_ERR_USER_INPUT, "%s: %lld configurations; at least 2 are needed for errors", r->path,
             (long long)n);
  PetscCheck(nshells >= 0 && nshells <= OBS_MAXSHELLS, comm, PETSC_ERR_USER_INPUT, "-shells %d: at most %d", nshells,
             OBS_MAXSHELLS);
  out->nshells = 0;
  if (nshells > 0 && r->meta.d >= 1 && r->volume > 1) { /* whole configurations per rank: a one-rank transform */
    PetscCall(spectrum_create(PETSC_COMM_SELF, r->meta.d, r->meta.L, nshells, &sp));
    out->nshells = nshells;
    for (int k = 0; k < nshells; k++) out->shell_k[k] = spectrum_get_layout(sp)->shell_k[k];
  }
  /* the P_COUNT series, then one per shell */
  PetscCall(PetscCalloc1((size_t)((P_COUNT + out->nshells) * n), &data));
  M = data + P_M * n;
  S = data + P_ACTION * n;
  PetscCall(ensemble_read_scalars(r, "magnetisation", M));
  PetscCall(ensemble_read_scalars(r, "action", S));
  for (int64_t i = 0; i < n; i++) c += M[i];
  c /= (double)n;
  for (int64_t i = 0; i < n; i++) {
    const double m2 = M[i] * M[i], y = M[i] - c;
    double p = y;
    data[P_ABSM * n + i] = fabs(M[i]);
    data[P_M2 * n + i] = m2;
    data[P_M4 * n + i] = m2 * m2;
    for (int k = 0; k < 8; k++, p *= y) data[(P_DM1 + k) * n + i] = p;
    S[i] /= (double)r->volume;
  }
  pmin_power pp = {0};
  const PetscBool lattice_field = theory_is_lattice(r->meta.theory) && r->volume > 1;
  if (lattice_field) PetscCall(pmin_create(&r->meta, r->volume, &pp));
  PetscCall(site_moments(comm, r, c, sp, lattice_field ? &pp : NULL, data + P_SITE1 * n, data + P_GMIN * n,
                         data + P_COUNT * n));
  if (lattice_field) PetscCall(PetscFree2(pp.c, pp.s));

  PetscCall(stats_tau_int(data + P_ABSM * n, n, R, 1.5, &out->tau[TAU_ABSM]));
  PetscCall(stats_tau_int(data + P_M2 * n, n, R, 1.5, &out->tau[TAU_M2]));
  PetscCall(stats_tau_int(S, n, R, 1.5, &out->tau[TAU_ACTION]));
  if (block <= 0) {
    double tmax = 0.5;
    for (int k = 0; k < TAU_COUNT; k++) tmax = PetscMax(tmax, out->tau[k].tau);
    block = (int64_t)ceil(4 * tmax);
  }
  out->block = block;
  out->n = n;
  out->drift[TAU_ABSM] = drift_sigma(data + P_ABSM * n, n, R, out->tau[TAU_ABSM].tau);
  out->drift[TAU_M2] = drift_sigma(data + P_M2 * n, n, R, out->tau[TAU_M2].tau);
  out->drift[TAU_ACTION] = drift_sigma(S, n, R, out->tau[TAU_ACTION].tau);
  for (int o = 0; o < OBS_COUNT + out->nshells; o++) {
    derived_ctx ctx = {o, (double)r->volume, lattice_field ? pp.lmax : 0};
    PetscCall(stats_jackknife(data, P_COUNT + out->nshells, n, R, block, derived, &ctx,
                              o < OBS_COUNT ? &out->obs[o] : &out->shell[o - OBS_COUNT]));
  }
  if (sp) { /* only the shells that hold modes (a small lattice leaves some empty) */
    const spectrum_layout *lay = spectrum_get_layout(sp);
    int kept = 0;
    for (int k = 0; k < out->nshells; k++)
      if (lay->shell_modes[k] > 0) out->shell_k[kept] = out->shell_k[k], out->shell[kept++] = out->shell[k];
    out->nshells = kept;
  }
  PetscCall(PetscFree(data));
  PetscCall(spectrum_destroy(&sp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
