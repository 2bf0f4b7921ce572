/* test_params — the float64 parameters (/optimizer/params) of two model
 * files agree to a tolerance (0: bit for bit), read through the model
 * reader itself, so the training tests need no h5py:
 *   test_params -a A.h5 -b B.h5 [-tol 0] */
#include "latdiff/model.h"
#include "testing.h"

int main(int argc, char **argv)
{
  char a[PETSC_MAX_PATH_LEN] = "", b[PETSC_MAX_PATH_LEN] = "";
  double tol = 0, d = 0;
  model_info ia, ib;
  model_state sa, sb;
  int fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-a", a, sizeof a, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-b", b, sizeof b, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-tol", &tol, NULL));
  PetscCall(model_read(PETSC_COMM_WORLD, a, &ia, &sa));
  PetscCall(model_read(PETSC_COMM_WORLD, b, &ib, &sb));
  EXPECT(fails, ia.nparams == ib.nparams, "%lld against %lld parameters", (long long)ia.nparams, (long long)ib.nparams);
  for (int64_t i = 0; !fails && i < ia.nparams; i++) {
    const double e = fabs(sa.params[i] - sb.params[i]);
    d = isfinite(e) ? PetscMax(d, e) : INFINITY; /* a NaN is a difference */
  }
  printf("max |difference| of /optimizer/params: %g\n", d);
  EXPECT(fails, d <= tol, "the parameters differ by %g > %g", d, tol);
  PetscCall(model_state_free(&sa));
  PetscCall(model_state_free(&sb));
  const int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
