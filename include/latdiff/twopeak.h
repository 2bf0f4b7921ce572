/* twopeak.h — the two-peak mixture in 0 dimensions,
 *   P_0 = [N(mu0, s0^2) + N(-mu0, s0^2)] / 2,
 * with its exact sampler and the exact score of the diffused distribution
 *   P_t = [N(f mu0, f^2 s0^2 + Xi) + N(-f mu0, f^2 s0^2 + Xi)] / 2.
 * Its cumulants are known in closed form (mu0 = 1, s0 = 1/4: kappa_2 =
 * 1.0625, kappa_4 = -2, kappa_6 = 16, kappa_8 = -272).
 * Nothing here is collective. */
#ifndef LATDIFF_TWOPEAK_H
#define LATDIFF_TWOPEAK_H

#include "latdiff/rng.h"

typedef struct {
  double mu0, s0;
} twopeak;

PetscErrorCode twopeak_check(MPI_Comm comm, const twopeak *tp);
/* an exact sample of P_0, from the random numbers (key, index) */
double twopeak_sample(const twopeak *tp, rng_key key, uint64_t index);
/* d/dx log P_t(x) for the transition kernel (f, Xi) */
double twopeak_score(const twopeak *tp, double f, double xi, double x);
/* exact cumulant kappa_n of P_0, n = 1..8 */
double twopeak_cumulant(const twopeak *tp, int n);

#endif
