/* test_agree — two ensembles of the same theory made by different
 * algorithms (e.g. HMC and Langevin with MALA) agree within errors:
 * <|M|>, chi_2, the site variance and the action density, each
 * |a - b| < 4 sqrt(err_a^2 + err_b^2) (blocked jackknife, blocks of 4
 * tau_int). Four comparisons at 4 sigma: a false alarm below 1e-3, and the
 * seeds are fixed. Each error must be below 5% of the value, so that the
 * check can see a real difference.
 * Usage: test_agree -a A.h5 -b B.h5 */
#include "latdiff/observables.h"
#include "testing.h"

int main(int argc, char **argv)
{
  static const int which[] = {OBS_ABSM, OBS_CHI2, OBS_SITE_KAPPA2, OBS_ACTION_DENSITY};
  char path[2][PETSC_MAX_PATH_LEN];
  observables_report rep[2];
  int fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-a", path[0], sizeof path[0], NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-b", path[1], sizeof path[1], NULL));
  for (int f = 0; f < 2; f++) {
    ensemble_reader *r;
    PetscCall(ensemble_open(PETSC_COMM_WORLD, path[f], &r));
    PetscCall(observables_measure(PETSC_COMM_WORLD, r, 0, 0, &rep[f]));
    PetscCall(ensemble_close(&r));
  }
  for (size_t k = 0; k < sizeof which / sizeof which[0]; k++) {
    const estimate a = rep[0].obs[which[k]], b = rep[1].obs[which[k]];
    const double e = sqrt(a.error * a.error + b.error * b.error);
    printf("%-16s %.5f +- %.5f   %.5f +- %.5f   (%.1f sigma)\n", observable_names[which[k]], a.value, a.error, b.value,
           b.error, fabs(a.value - b.value) / e);
    EXPECT(fails, fabs(a.value - b.value) < 4 * e, "%s: %.5f +- %.5f vs %.5f +- %.5f", observable_names[which[k]],
           a.value, a.error, b.value, b.error);
    EXPECT(fails, a.error < 0.05 * fabs(a.value) && b.error < 0.05 * fabs(b.value),
           "%s: errors %.3g, %.3g too large to test anything", observable_names[which[k]], a.error, b.error);
  }
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
