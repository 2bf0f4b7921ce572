/* twopeak.c — the two-peak mixture: sampler, exact score, cumulants. */
#include "latdiff/twopeak.h"

#include <math.h>

PetscErrorCode twopeak_check(MPI_Comm comm, const twopeak *tp)
{
  PetscFunctionBeginUser;
  PetscCheck(isfinite(tp->mu0), comm, PETSC_ERR_USER_INPUT, "-mu0: %g is not a finite number", tp->mu0);
  PetscCheck(tp->s0 > 0 && isfinite(tp->s0), comm, PETSC_ERR_USER_INPUT, "-s0: %g; the peak width must be positive",
             tp->s0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

double twopeak_sample(const twopeak *tp, rng_key key, uint64_t index)
{
  /* the sign and the Gaussian come from disjoint streams of the same key */
  rng_key sign = key;
  sign.purpose = RNG_SAMPLER;
  sign.stream = key.stream ^ 0x5a5a5a5aULL;
  const double s = rng_uniform(sign, index) < 0.5 ? -1.0 : 1.0;
  return s * tp->mu0 + tp->s0 * rng_normal(key, index);
}

double twopeak_score(const twopeak *tp, double f, double xi, double x)
{
  const double v = f * f * tp->s0 * tp->s0 + xi, m = f * tp->mu0;
  /* P ~ exp(-(x-m)^2/2v) + exp(-(x+m)^2/2v): score = (-x + m tanh(m x / v)) / v */
  return (-x + m * tanh(m * x / v)) / v;
}

double twopeak_cumulant(const twopeak *tp, int n)
{
  /* x = s mu0 + s0 z: cumulants add; the symmetric sign has kappa_2 = mu0^2,
   * kappa_4 = -2 mu0^4, kappa_6 = 16 mu0^6, kappa_8 = -272 mu0^8 (the
   * cumulants of a +-1 coin: derivatives of log cosh), odd ones vanish */
  static const double coin[9] = {0, 0, 1, 0, -2, 0, 16, 0, -272};
  if (n < 1 || n > 8) return NAN;
  double k = coin[n] * pow(tp->mu0, n);
  if (n == 2) k += tp->s0 * tp->s0;
  return k;
}
