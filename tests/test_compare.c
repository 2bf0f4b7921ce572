/* test_compare — two ensembles hold the same configurations, actions and
 * magnetisations to within a tolerance (the action relative to max(1, |S|),
 * times V).
 * Usage: test_compare -a A.h5 -b B.h5 [-tol 1e-12] */
#include "latdiff/ensemble.h"
#include "testing.h"

/* a NaN or infinite difference is infinitely large: PetscMax(m, NaN) is m,
 * so two ensembles that differ by NaN used to agree */
static double finite_diff(double d) { return isfinite(d) ? d : INFINITY; }

static double max_diff(const double *x, const double *y, int64_t n)
{
  double m = 0;
  for (int64_t i = 0; i < n; i++) m = PetscMax(m, finite_diff(fabs(x[i] - y[i])));
  return m;
}

/* the largest difference relative to max(1, |x|) */
static double max_rel_diff(const double *x, const double *y, int64_t n)
{
  double m = 0;
  for (int64_t i = 0; i < n; i++) m = PetscMax(m, finite_diff(fabs(x[i] - y[i]) / PetscMax(1, fabs(x[i]))));
  return m;
}

int main(int argc, char **argv)
{
  char a[PETSC_MAX_PATH_LEN], b[PETSC_MAX_PATH_LEN];
  double tol = 1e-12, *x, *y, dc = 0;
  ensemble_reader *ra, *rb;
  int fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-a", a, sizeof a, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-b", b, sizeof b, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-tol", &tol, NULL));
  PetscCall(ensemble_open(PETSC_COMM_WORLD, a, &ra));
  PetscCall(ensemble_open(PETSC_COMM_WORLD, b, &rb));
  EXPECT(fails, ra->n == rb->n && ra->volume == rb->volume, "shapes differ: %lld x %lld vs %lld x %lld",
         (long long)ra->n, (long long)ra->volume, (long long)rb->n, (long long)rb->volume);
  if (!fails) {
    PetscCall(PetscMalloc1(PetscMax(ra->n, ra->volume), &x));
    PetscCall(PetscMalloc1(PetscMax(ra->n, ra->volume), &y));
    for (int64_t i = 0; i < ra->n; i++) {
      PetscCall(ensemble_read_config(ra, i, x));
      PetscCall(ensemble_read_config(rb, i, y));
      dc = PetscMax(dc, max_diff(x, y, ra->volume));
    }
    EXPECT(fails, dc <= tol, "configurations differ by up to %.3g (tolerance %.3g)", dc, tol);
    const char *scalars[] = {"action", "magnetisation"};
    for (int k = 0; k < 2; k++) {
      PetscCall(ensemble_read_scalars(ra, scalars[k], x));
      PetscCall(ensemble_read_scalars(rb, scalars[k], y));
      /* the action is a sum over V sites: rounding grows with V, and
       * relative to its size (a large action amplifies a config's rounding) */
      double d = k == 0 ? max_rel_diff(x, y, ra->n) : max_diff(x, y, ra->n);
      double t = k == 0 ? tol * (double)ra->volume : tol;
      EXPECT(fails, d <= t, "/%s differs by up to %.3g (tolerance %.3g)", scalars[k], d, t);
    }
    PetscCall(PetscFree(x));
    PetscCall(PetscFree(y));
    printf("max |difference| of configurations: %.3g\n", dc);
  }
  PetscCall(ensemble_close(&ra));
  PetscCall(ensemble_close(&rb));
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
