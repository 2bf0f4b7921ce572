/* test_transfer.c — a model applied to a lattice larger than its training
 * lattice (sample -lattice), checked exactly:
 *   test_transfer -model MODEL.h5 -factor K
 * MODEL.h5: a translation-equivariant network (conv, or a periodic unet)
 * on a fitted Gaussian base, computing in double, trained on L0 x L1.
 *   - the fitted propagator carried to the same lattice is itself (a fit's
 *     own values give its coefficients back), and carried to a K times
 *     larger lattice it is, on that lattice's momenta that the small one
 *     has too (every K-th), the small lattice's;
 *   - the model's score of a field tiled K x K times from a field of the
 *     training lattice is the tiled score of that field, at several t: the
 *     network is made of periodic convolutions and site-wise layers, its
 *     global features (m, m^2, m^3) are the same for the tiled field, and a
 *     tiled field has only the modes both lattices share, where the base is
 *     the same. Equality to 1e-11 relative; where the training data's
 *     magnetisations made the base's zero mode a pair of overlapping
 *     vacua (finite-volume non-Gaussian M), the larger lattice's base has
 *     the fitted Gaussian zero mode instead (gauss_base_transfer), so
 *     there the scores agree up to a constant (the zero mode's part). */
#include "latdiff/gauss_base.h"
#include "latdiff/rng.h"
#include "latdiff/score_model.h"
#include "testing.h"

/* the model on its lattice (apply_d 0) or on the lattice d, L */
static PetscErrorCode model_on(int d, const int *L, score_model **m)
{
  PetscFunctionBeginUser;
  PetscCall(score_model_create(PETSC_COMM_SELF, m));
  PetscOptionsBegin(PETSC_COMM_SELF, NULL, "test_transfer", NULL);
  PetscCall(score_model_set_from_options(PetscOptionsObject, "-theory", *m));
  PetscOptionsEnd();
  (*m)->apply_d = d;
  for (int mu = 0; mu < d; mu++) (*m)->apply_L[mu] = L[mu];
  PetscCall(score_model_setup(*m, 1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the index on the large lattice Lb of the site with the coordinates of
 * small-lattice site j shifted by (k0, k1) small lattices */
static int64_t tiled_site(const int *Ls, const int *Lb, int64_t j, int k0, int k1)
{
  const int x0 = (int)(j / Ls[1]), x1 = (int)(j % Ls[1]);
  return (int64_t)(x0 + k0 * Ls[0]) * Lb[1] + (x1 + k1 * Ls[1]);
}

static int check_base(int K)
{
  const int Ls[2] = {8, 8}, Lb[2] = {8 * K, 8 * K};
  gauss_base *small, *same, *big;
  char why[256];
  int fails = 0, nterms;
  double chi2;

  if (gauss_base_create(2, Ls, &small) || gauss_base_create(2, Ls, &same) || gauss_base_create(2, Lb, &big)) return 1;
  for (int64_t j = 0; j < small->V; j++) { /* a massive propagator with 5% noise per mode */
    const double p0 = 2 * sin(PETSC_PI * (double)(j / 8) / 8), p1 = 2 * sin(PETSC_PI * (double)(j % 8) / 8);
    small->G[j] = (1 + 0.05 * rng_normal((rng_key){1, 0, 0, 0}, (uint64_t)j)) / (0.3 + p0 * p0 + p1 * p1);
  }
  if (gauss_base_set(small, small->G) || gauss_base_fit(small, &nterms, &chi2)) return 1;
  EXPECT(fails, nterms > 0, "the fit of an 8x8 propagator has no terms");
  if (gauss_base_transfer(small, same, why, sizeof why) || gauss_base_transfer(small, big, why, sizeof why)) return 1;
  EXPECT(fails, !why[0], "transfer refused: %s", why);
  for (int64_t j = 0; j < small->V; j++) {
    EXPECT_CLOSE(fails, same->G[j], small->G[j], 1e-12 * small->G[j], "G carried to the same lattice");
    const int64_t jb = (j / 8) * K * Lb[1] + (j % 8) * K; /* the mode (K n0, K n1) */
    EXPECT_CLOSE(fails, big->G[jb], small->G[j], 1e-12 * small->G[j], "G on the shared momenta");
  }
  gauss_base_destroy(&small);
  gauss_base_destroy(&same);
  gauss_base_destroy(&big);
  return fails;
}

int main(int argc, char **argv)
{
  score_model *small, *big;
  int fails = 0, K = 2;
  ensemble_meta meta = {.d = 1, .L = {1}};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-factor", &K, NULL));
  fails += check_base(K);
  PetscCall(model_on(0, NULL, &small));
  score_model_describe(small, &meta);
  const int Ls[2] = {meta.L[0], meta.L[1]}, Lb[2] = {K * meta.L[0], K * meta.L[1]};
  PetscCall(model_on(2, Lb, &big));
  const int64_t Vs = (int64_t)Ls[0] * Ls[1], Vb = (int64_t)Lb[0] * Lb[1];
  double *x, *s, *xb, *sb;
  PetscCall(PetscMalloc4((size_t)Vs, &x, (size_t)Vs, &s, (size_t)Vb, &xb, (size_t)Vb, &sb));
  for (int64_t j = 0; j < Vs; j++) x[j] = 0.3 + 0.8 * rng_normal((rng_key){5, 0, 0, 0}, (uint64_t)j);
  for (int64_t j = 0; j < Vs; j++)
    for (int k0 = 0; k0 < K; k0++)
      for (int k1 = 0; k1 < K; k1++) xb[tiled_site(Ls, Lb, j, k0, k1)] = x[j];
  const double times[3] = {1e-3, 0.05, 0.7};
  for (int k = 0; k < 3; k++) {
    const double t = times[k], f = schedule_f(&small->sched, t), xi = schedule_xi(&small->sched, t);
    double smax = 0, dmax = 0, shift = 0;
    PetscCall(score_model_apply(small, t, f, xi, 1, x, s));
    PetscCall(score_model_apply(big, t, f, xi, 1, xb, sb));
    for (int64_t j = 0; j < Vs; j++) shift += (sb[tiled_site(Ls, Lb, j, 0, 0)] - s[j]) / (double)Vs;
    for (int64_t j = 0; j < Vs; j++)
      for (int k0 = 0; k0 < K; k0++)
        for (int k1 = 0; k1 < K; k1++) {
          smax = PetscMax(smax, fabs(s[j]));
          dmax = PetscMax(dmax, fabs(sb[tiled_site(Ls, Lb, j, k0, k1)] - s[j] - shift));
        }
    EXPECT(fails, dmax <= 1e-11 * smax, "t = %g: the score of the tiled field differs from the tiled score by %.3g "
           "beyond a constant (max |s| %.3g)", t, dmax, smax);
  }
  PetscCall(PetscFree4(x, s, xb, sb));
  PetscCall(score_model_destroy(&small));
  PetscCall(score_model_destroy(&big));
  const int result = test_result(fails);
  PetscCall(PetscFinalize());
  return result;
}
