/* observables.h — the standard observables of a phi^4 ensemble with errors.
 *
 *   observables_measure  C  read an ensemble (configurations spread over the
 *                           ranks of comm) and estimate every observable;
 *                           all ranks get the result; with nshells > 0
 *                           (lattice fields only) also the spectrum
 *                           P(|p_hat|) = <|phi(p)|^2>/V shell by shell
 *                           (spectrum.h), each shell with its error
 * xi2 is the second-moment correlation length of the symmetric phase,
 *   xi_2 = sqrt(G(0) / G(p_min) - 1) / (2 sin(pi / L)),
 * G(0) = V <M^2>, G(p_min) = <|phi(p)|^2> / V at the smallest non-zero
 * momentum p = 2 pi / L along each direction of the largest extent L
 * (averaged over them); NaN for point targets, 0 where G(0) <= G(p_min). It
 * needs L of a few xi: at L >> xi the ratio's excess over 1, (p_min xi)^2,
 * drowns in its noise.
 * Errors: blocked jackknife with blocks of at least 4 tau_int (the largest
 * of |M|, M^2 and the action) unless a block size is given.
 */
#ifndef LATDIFF_OBSERVABLES_H
#define LATDIFF_OBSERVABLES_H

#include "latdiff/ensemble.h"
#include "latdiff/stats.h"

enum {
  OBS_M,
  OBS_ABSM,
  OBS_CHI2,
  OBS_CHI2_ABS,
  OBS_UL,
  OBS_KAPPA2, /* .. OBS_KAPPA2 + 6 = kappa8 */
  OBS_SITE_KAPPA2 = OBS_KAPPA2 + 7,
  OBS_ACTION_DENSITY = OBS_SITE_KAPPA2 + 7,
  OBS_XI2, /* second-moment correlation length (lattice fields; NaN otherwise) */
  OBS_COUNT
};
enum { TAU_ABSM, TAU_M2, TAU_ACTION, TAU_COUNT };

extern const char *const observable_names[OBS_COUNT];
extern const char *const tau_int_names[TAU_COUNT];

#define OBS_MAXSHELLS 64

typedef struct {
  int64_t n, block;
  int nshells;                        /* 0: no spectrum (point targets) */
  double shell_k[OBS_MAXSHELLS];      /* mean |p_hat| of each shell */
  estimate shell[OBS_MAXSHELLS];
  estimate obs[OBS_COUNT];
  tau_int_result tau[TAU_COUNT];
  /* equilibrium: the mean of the last quarter of each chain minus that of
   * the first quarter, in standard errors (from the variance and tau_int
   * of the whole series), for |M|, M^2 and the action density */
  double drift[TAU_COUNT];
} observables_report;

PetscErrorCode observables_measure(MPI_Comm comm, ensemble_reader *r, int64_t block, int nshells, observables_report *out);

#endif
