/* phi4.h — lattice phi^4 theory in the hopping parametrisation
 *   S = sum_x [ -2 kappa sum_mu phi(x) phi(x+mu) + (1 - 2 lambda) phi(x)^2 + lambda phi(x)^4 ]
 * in any d; lambda = 0 is the free field.
 *
 *   phi4_check_couplings     C  refuse couplings where S is unbounded below
 *   phi4_create / _destroy      theory on a lattice (owns scratch space)
 *   phi4_action              R  S of a field (exchanges the field's halo)
 *   phi4_force_add           R  out += eps * F, F = -dS/dphi; the halo exchange
 *                               overlaps the interior of the computation
 *   phi4_free_propagator        exact <|phi(p)|^2>/V of the free field
 * `h` is the halo object bound to `phi` (halo_create(lat, phi, &h)).
 */
#ifndef LATDIFF_PHI4_H
#define LATDIFF_PHI4_H

#include "latdiff/halo.h"

typedef struct {
  const lattice *lat;
  double kappa, lambda;
  double *line;    /* one line of neighbour sums */
  double *scratch; /* V doubles */
} phi4;

PetscErrorCode phi4_check_couplings(MPI_Comm comm, int d, double kappa, double lambda);
PetscErrorCode phi4_create(const lattice *lat, double kappa, double lambda, phi4 **out);
PetscErrorCode phi4_destroy(phi4 **th);
PetscErrorCode phi4_action(phi4 *th, halo *h, const double *phi, double *S);
PetscErrorCode phi4_force_add(phi4 *th, halo *h, const double *phi, double eps, double *out);

/* Free field (lambda = 0): G(p) = 1 / (2 (1 - 2 kappa sum_mu cos p_mu)).
 * p holds d lattice momenta 2 pi n_mu / L_mu. chi_2 = G(0). */
double phi4_free_propagator(int d, double kappa, const double *p);

#endif
