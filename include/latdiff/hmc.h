/* hmc.h — Hybrid Monte Carlo for phi^4 on the distributed lattice.
 *
 *   hmc_create / hmc_destroy     state: field, momenta, theory, halo
 *   hmc_integrate             R  molecular dynamics from (phi, pi) over time tau
 *   hmc_hamiltonian           R  H = sum pi^2 / 2 + S(phi)
 *   hmc_trajectory            R  one trajectory: momentum refresh, MD,
 *                                Metropolis; random numbers keyed by the
 *                                trajectory index, so a restart repeats them
 * All randomness is keyed by (seed, purpose, global site, trajectory, replica).
 */
#ifndef LATDIFF_HMC_H
#define LATDIFF_HMC_H

#include "latdiff/markov.h"
#include "latdiff/phi4.h"

typedef enum { MD_LEAPFROG = 0, MD_OMELYAN = 1 } md_integrator;
extern const char *const md_integrator_names[]; /* for PetscOptionsEnum */

typedef struct {
  md_integrator integrator;
  int nmd;    /* steps per trajectory */
  double tau; /* trajectory length */
} md_params;

typedef struct {
  const lattice *lat;
  phi4 *theory;
  md_params md;
  uint64_t seed;
  double *phi;     /* field with halo */
  double *pi;      /* momenta, V */
  double *phi_old; /* V, for rejection */
  halo *h;
} hmc;


PetscErrorCode hmc_create(const lattice *lat, phi4 *theory, md_params md, uint64_t seed, hmc **out);
PetscErrorCode hmc_destroy(hmc **s);
PetscErrorCode hmc_integrate(hmc *s);
PetscErrorCode hmc_hamiltonian(hmc *s, double *H);
PetscErrorCode hmc_trajectory(hmc *s, uint64_t traj, markov_result *res);

#endif
