/* test_freefield — an HMC or Langevin ensemble of the free field
 * (lambda = 0) against the exact results: chi_2 = G(0) and the propagator
 *   G(p) = <|phi(p)|^2>/V = 1 / (2 (1 - 2 kappa sum_mu cos p_mu)),
 * for the Langevin euler and heun schemes the exact propagator of their
 * equilibrium at the step used (langevin_free_propagator),
 * at the on-axis momenta p = (2 pi n / L_0, 0, ...) and the diagonal one,
 * each within 4 standard errors (blocked jackknife, blocks of 4 tau_int);
 * and, with a Metropolis test (hmc, mala), <exp(-dH)> = 1 within 4 errors. With about 10 comparisons a false
 * alarm has probability below 1e-3, and the seed is fixed.
 * Usage: test_freefield -input ens.h5 */
#include "latdiff/langevin.h"
#include "latdiff/observables.h"
#include "latdiff/phi4.h"
#include "testing.h"

static double mean0(const double *m, void *ctx)
{
  (void)ctx;
  return m[0];
}

/* |sum_x phi(x) e^{-i p.x}|^2 / V for one configuration */
static double power(const ensemble_reader *r, const double *cfg, const double *p)
{
  double re = 0, im = 0;
  const int d = r->meta.d;
  for (int64_t s = 0; s < r->volume; s++) {
    int64_t g = s;
    double phase = 0;
    for (int mu = d - 1; mu >= 0; mu--) {
      phase += p[mu] * (double)(g % r->meta.L[mu]);
      g /= r->meta.L[mu];
    }
    re += cfg[s] * cos(phase);
    im -= cfg[s] * sin(phase);
  }
  return (re * re + im * im) / (double)r->volume;
}

/* momentum k: (2 pi (k+1) / L_0, 0, ...) for k < nmom - 1, then (2 pi / L_mu)_mu */
static void momentum(const ensemble_reader *r, int k, int nmom, double *p)
{
  for (int mu = 0; mu < r->meta.d; mu++)
    p[mu] = k < nmom - 1 ? (mu == 0 ? 2 * PETSC_PI * (k + 1) / r->meta.L[0] : 0) : 2 * PETSC_PI / r->meta.L[mu];
}

/* the exact <|phi(p)|^2>/V of the generator's equilibrium */
static double exact_propagator(const ensemble_meta *m, const double *p)
{
  const double G = phi4_free_propagator(m->d, m->kappa, p);
  if (strcmp(m->generator, "langevin")) return G;
  const meta_param *scheme = ensemble_meta_get(m, "scheme"), *step = ensemble_meta_get(m, "step");
  for (int k = 0; scheme && step && langevin_scheme_names[k] && k <= LANGEVIN_MALA; k++)
    if (!strcmp(scheme->s, langevin_scheme_names[k])) return langevin_free_propagator((langevin_scheme)k, step->r, G);
  return NAN;
}

int main(int argc, char **argv)
{
  char path[PETSC_MAX_PATH_LEN];
  ensemble_reader *r;
  observables_report rep;
  int fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-input", path, sizeof path, NULL));
  PetscCall(ensemble_open(PETSC_COMM_WORLD, path, &r));
  PetscCall(observables_measure(PETSC_COMM_WORLD, r, 0, 0, &rep));

  double p[LATTICE_MAXDIM] = {0};
  const double chi2 = exact_propagator(&r->meta, p);
  estimate c = rep.obs[OBS_CHI2];
  EXPECT(fails, fabs(c.value - chi2) < 4 * c.error, "chi2 %.5f +- %.5f, exact %.5f", c.value, c.error, chi2);
  EXPECT(fails, c.error < 0.1 * chi2, "chi2 error %.3g too large to test anything", c.error);

  /* momenta: n = 1 .. L0/2 on axis 0, and (1, 1, ..., 1) */
  const int nmom = r->meta.L[0] / 2 + 1;
  double *cfg, *G;
  PetscCall(PetscMalloc1(r->volume, &cfg));
  PetscCall(PetscMalloc1((size_t)(r->n * nmom), &G));
  for (int64_t i = 0; i < r->n; i++) {
    PetscCall(ensemble_read_config(r, i, cfg));
    for (int k = 0; k < nmom; k++) {
      momentum(r, k, nmom, p);
      G[k * r->n + i] = power(r, cfg, p);
    }
  }
  for (int k = 0; k < nmom; k++) {
    estimate e;
    momentum(r, k, nmom, p);
    PetscCall(stats_jackknife(G + k * r->n, 1, r->n, r->meta.replicas, rep.block, mean0, NULL, &e));
    const double exact = exact_propagator(&r->meta, p);
    EXPECT(fails, fabs(e.value - exact) < 4 * e.error, "G(p) at momentum %d: %.5f +- %.5f, exact %.5f", k, e.value,
           e.error, exact);
    printf("G(p%d) = %.5f +- %.5f   exact %.5f\n", k, e.value, e.error, exact);
  }

  printf("chi2 = %.5f +- %.5f exact %.5f\n", c.value, c.error, chi2);
  /* <exp(-dH)> = 1 where there is a Metropolis test */
  if (!strcmp(r->meta.generator, "hmc") || !strcmp(r->meta.generator, "independence") || (!strcmp(r->meta.generator, "langevin") && !strcmp(ensemble_meta_get(&r->meta, "scheme")->s, "mala"))) {
    hid_t g;
    double ex, exerr;
    H5CALL(g = H5Gopen2(r->file, "summary", H5P_DEFAULT));
    PetscCall(h5_attr_get_double(g, path, "mean_exp_minus_dH", &ex));
    PetscCall(h5_attr_get_double(g, path, "mean_exp_minus_dH_error", &exerr));
    H5CALL(H5Gclose(g));
    EXPECT(fails, fabs(ex - 1) < 4 * exerr && exerr > 0, "<exp(-dH)> = %.5f +- %.5f, want 1", ex, exerr);
    printf("<exp(-dH)> = %.5f +- %.5f\n", ex, exerr);
  }

  PetscCall(PetscFree(cfg));
  PetscCall(PetscFree(G));
  PetscCall(ensemble_close(&r));
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
