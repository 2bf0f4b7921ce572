/* test_points — generated gauss25 or swissroll points against the exact
 * mixture: the mean and covariance (5 numbers), and the fraction of points
 * within 3 widths of their nearest centre, 1 - e^{-9/2} = 0.98889 for a
 * Gaussian in the plane, which only a sampler that resolves every narrow
 * component reaches. The samples are independent, so the errors are plain
 * standard errors (delta method for the covariance); each within 4 sigma.
 * Usage: test_points -input gen.h5 */
#include "latdiff/ensemble.h"
#include "latdiff/mixture.h"
#include "testing.h"

/* is x within 3 widths of the nearest centre */
static int near_centre(const mixture *mx, const double *x)
{
  double best = INFINITY;
  for (int c = 0; c < mx->n; c++) {
    const double ax = x[0] - mx->means[2 * c], ay = x[1] - mx->means[2 * c + 1];
    best = PetscMin(best, ax * ax + ay * ay);
  }
  return best < 9 * mx->s0 * mx->s0;
}

int main(int argc, char **argv)
{
  char path[PETSC_MAX_PATH_LEN];
  ensemble_reader *r;
  mixture *mx;
  double width, mean[2], cov[4];
  int fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-input", path, sizeof path, NULL));
  PetscCall(ensemble_open(PETSC_COMM_WORLD, path, &r));
  PetscCall(h5_attr_get_double(r->file, path, "width", &width));
  if (!strcmp(r->meta.theory, "gauss25")) {
    double spacing;
    PetscCall(h5_attr_get_double(r->file, path, "spacing", &spacing));
    PetscCall(mixture_create_gauss25(PETSC_COMM_WORLD, spacing, width, &mx));
  } else {
    int64_t n;
    PetscCall(h5_attr_get_int(r->file, path, "components", &n));
    PetscCall(mixture_create_swissroll(PETSC_COMM_WORLD, (int)n, 0.2, width, &mx));
  }
  mixture_moments(mx, mean, cov);
  const int64_t N = r->n;
  double *x;
  PetscCall(PetscMalloc1((size_t)(2 * N), &x));
  PetscCall(ensemble_read_configs(r, 0, N, x));

  /* sums of x, y, xx, xy, yy and their squares about the exact mean */
  double m[5] = {0}, m2[5] = {0}, near = 0;
  for (int64_t i = 0; i < N; i++) {
    const double dx = x[2 * i] - mean[0], dy = x[2 * i + 1] - mean[1];
    const double v[5] = {dx, dy, dx * dx, dx * dy, dy * dy};
    for (int k = 0; k < 5; k++) {
      m[k] += v[k];
      m2[k] += v[k] * v[k];
    }
    near += near_centre(mx, x + 2 * i);
  }
  const double exact[5] = {0, 0, cov[0], cov[1], cov[3]};
  static const char *const names[5] = {"<x>", "<y>", "<xx>", "<xy>", "<yy>"};
  for (int k = 0; k < 5; k++) {
    const double n = (double)N, val = m[k] / n, err = sqrt((m2[k] / n - val * val) / (n - 1));
    printf("%-5s %.5f +- %.5f   exact %.5f\n", names[k], val, err, exact[k]);
    EXPECT(fails, fabs(val - exact[k]) < 4 * err, "%s = %.5f +- %.5f, exact %.5f", names[k], val, err, exact[k]);
  }
  const double nexact = 4e6;
  double hits = 0, y[2];
  for (uint64_t i = 0; i < (uint64_t)nexact; i++) {
    mixture_sample(mx, (rng_key){1, RNG_TEST, 0, 0}, i, y);
    hits += near_centre(mx, y);
  }
  const double p = hits / nexact, frac = near / (double)N, perr = sqrt(p * (1 - p) * (1 / (double)N + 1 / nexact));
  printf("within 3 widths of a centre: %.5f +- %.5f   exact %.5f\n", frac, perr, p);
  EXPECT(fails, fabs(frac - p) < 4 * perr, "fraction within 3 widths %.5f, exact %.5f +- %.5f", frac, p, perr);
  PetscCall(PetscFree(x));
  PetscCall(mixture_destroy(&mx));
  PetscCall(ensemble_close(&r));
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
