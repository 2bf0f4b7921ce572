/* phi4_whole.h — phi^4 on whole configurations held by one rank (a lattice
 * of PETSC_COMM_SELF with its halo): the action and the score -dS/dphi of
 * configurations as the network code holds them, V values each, row-major.
 *
 *   phi4_whole_create   for d, L and couplings
 *   phi4_whole_action   S of each of nb configurations
 *   phi4_whole_score    -dS/dphi of each of nb configurations
 * None is collective. */
#ifndef LATDIFF_PHI4_WHOLE_H
#define LATDIFF_PHI4_WHOLE_H

#include "latdiff/phi4.h"

typedef struct {
  lattice *lat;
  phi4 *th;
  halo *h;
  double *field; /* one configuration with its halo */
} phi4_whole;

PetscErrorCode phi4_whole_create(int d, const int *L, double kappa, double lambda, phi4_whole **out);
PetscErrorCode phi4_whole_action(phi4_whole *w, int64_t nb, const double *x, double *S);
PetscErrorCode phi4_whole_score(phi4_whole *w, int64_t nb, const double *x, double *s);
PetscErrorCode phi4_whole_destroy(phi4_whole **w);

#endif
