/* test_flow — a flow file from `latdiff forward` obeys the exact laws:
 * every cumulant of M and of the site field, and the spectrum in every
 * non-empty shell, agrees with its prediction from t = 0 (kappa_n f^n, + Xi for
 * n = 2; f^2 P_0 + Xi) within 4 jackknife errors of the difference. With
 * about 150 comparisons per file a 4-sigma threshold gives an expected
 * 0.01 false alarms (Gaussian tails), and the seeds are fixed. The test is
 * not vacuous: the noise must have moved the site kappa_2 by more than 10
 * errors by the last time, and k*(t) must not grow with t.
 * Usage: test_flow -input flow.h5 */
#include "latdiff/h5.h"
#include "testing.h"

static PetscErrorCode read_all(hid_t f, const char *name, double **out, hsize_t *dims, int *rank)
{
  hid_t ds, sp;

  PetscFunctionBeginUser;
  H5CALL(ds = H5Dopen2(f, name, H5P_DEFAULT));
  H5CALL(sp = H5Dget_space(ds));
  *rank = H5Sget_simple_extent_ndims(sp);
  H5CALL(H5Sget_simple_extent_dims(sp, dims, NULL));
  hsize_t n = 1;
  for (int k = 0; k < *rank; k++) n *= dims[k];
  PetscCall(PetscMalloc1(n, out));
  H5CALL(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out));
  H5CALL(H5Sclose(sp));
  H5CALL(H5Dclose(ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* entries are [..][measured, predicted, difference][value, error] */
static int check_laws(const char *name, const double *c, hsize_t nchecks)
{
  int fails = 0;
  for (hsize_t i = 0; i < nchecks; i++) {
    const double *m = c + 6 * i, diff = m[4], err = m[5];
    if (isnan(m[0]) && isnan(m[2])) continue; /* a shell without lattice momenta */
    const double tiny = 1e-10 * (fabs(m[0]) + fabs(m[2]) + 1e-300);
    EXPECT(fails, fabs(diff) <= 4 * err + tiny, "%s entry %llu: measured %.6g, law %.6g, difference %.3g +- %.3g", name,
           (unsigned long long)i, m[0], m[2], diff, err);
  }
  return fails;
}

int main(int argc, char **argv)
{
  char path[PETSC_MAX_PATH_LEN];
  hid_t f;
  double *cm, *cs, *sp, *kstar;
  hsize_t d1[4], d2[4], d3[4], d4[4];
  int r, fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-input", path, sizeof path, NULL));
  PetscCall(h5_open(PETSC_COMM_SELF, path, PETSC_FALSE, &f));
  PetscCall(read_all(f, "cumulants_M", &cm, d1, &r));
  PetscCall(read_all(f, "cumulants_site", &cs, d2, &r));
  PetscCall(read_all(f, "spectrum", &sp, d3, &r));
  PetscCall(read_all(f, "kstar", &kstar, d4, &r));
  const hsize_t T = d1[0], Q = d1[1], S = d3[1];
  fails += check_laws("cumulants_M", cm, T * Q);
  fails += check_laws("cumulants_site", cs, T * Q);
  fails += check_laws("spectrum", sp, T * S);
  /* the noise did something: site kappa_2 at the last time vs t = 0 */
  const double *k2_last = cs + 6 * ((T - 1) * Q), *k2_first = cs;
  EXPECT(fails, k2_last[0] - k2_first[0] > 10 * (k2_last[1] + k2_first[1]),
         "site kappa2 moved from %.4g to %.4g only: the test would be vacuous", k2_first[0], k2_last[0]);
  for (hsize_t k = 1; k < T; k++)
    EXPECT(fails, kstar[k] <= kstar[k - 1] + 1e-12, "k* grows from %.4g to %.4g at time index %llu", kstar[k - 1],
           kstar[k], (unsigned long long)k);
  printf("%llu times, %llu cumulants, %llu shells checked\n", (unsigned long long)T, (unsigned long long)Q,
         (unsigned long long)S);
  PetscCall(PetscFree(cm));
  PetscCall(PetscFree(cs));
  PetscCall(PetscFree(sp));
  PetscCall(PetscFree(kstar));
  PetscCall(h5_close(&f));
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
