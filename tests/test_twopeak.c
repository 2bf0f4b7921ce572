/* test_twopeak — an ensemble generated for the two-peak mixture has its
 * exact cumulants: kappa_2..kappa_8 within 4 standard errors (jackknife;
 * the samples are independent, so blocks of 1-2). With exact scores any
 * deviation is the sampler's discretisation error or the prior.
 * Usage: test_twopeak -input gen.h5 */
#include "latdiff/observables.h"
#include "latdiff/twopeak.h"
#include "testing.h"

int main(int argc, char **argv)
{
  char path[PETSC_MAX_PATH_LEN];
  ensemble_reader *r;
  observables_report rep;
  twopeak tp;
  int fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-input", path, sizeof path, NULL));
  PetscCall(ensemble_open(PETSC_COMM_WORLD, path, &r));
  PetscCall(h5_attr_get_double(r->file, path, "mu0", &tp.mu0));
  PetscCall(h5_attr_get_double(r->file, path, "s0", &tp.s0));
  PetscCall(observables_measure(PETSC_COMM_WORLD, r, 0, 0, &rep));
  for (int n = 2; n <= 8; n += 2) {
    const estimate e = rep.obs[OBS_KAPPA2 + n - 2];
    const double exact = twopeak_cumulant(&tp, n);
    EXPECT(fails, fabs(e.value - exact) < 4 * e.error, "kappa%d = %.5f +- %.5f, exact %.5f (%.1f sigma)", n, e.value,
           e.error, exact, fabs(e.value - exact) / e.error);
    /* not vacuous: at 1e5 samples or more the errors are below 3% */
    EXPECT(fails, e.error < 0.03 * fabs(exact), "kappa%d error %.3g is too large to test anything", n, e.error);
    printf("kappa%d = %.5f +- %.5f   exact %.5f   (%.1f sigma)\n", n, e.value, e.error, exact,
           fabs(e.value - exact) / e.error);
  }
  EXPECT(fails, fabs(rep.obs[OBS_KAPPA2 + 1].value) < 4 * rep.obs[OBS_KAPPA2 + 1].error, "kappa3 = %.5f +- %.5f, exact 0",
         rep.obs[OBS_KAPPA2 + 1].value, rep.obs[OBS_KAPPA2 + 1].error);
  PetscCall(ensemble_close(&r));
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
