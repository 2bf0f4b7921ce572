/* hmc.h — Hybrid Monte Carlo for phi^4 on the distributed lattice.
 *
 *   hmc_create / hmc_destroy     state: field, momenta, theory, halo
 *   hmc_integrate             R  molecular dynamics from (phi, pi) over time tau
 *   hmc_hamiltonian           R  H = sum pi^2 / 2 + S(phi)
 *   hmc_trajectory            R  one trajectory: momentum refresh, MD,
 *                                Metropolis; random numbers keyed by the
 *                                trajectory index, so a restart repeats them
 *   hmc_set_mass              R  Fourier acceleration: the kinetic term
 *                                pi M^-1 pi / 2 with M(p) = 1 / G(p), G given
 *                                on this rank's modes (hmc_modes); NULL: the
 *                                identity. Momenta are drawn with covariance
 *                                M, the field moves by M^-1 pi: one FFT pair
 *                                per field update and per kinetic energy
 *                                (FFTW-MPI, fourier.h: the lattice must be in
 *                                slabs of the first direction). A Gaussian
 *                                action with propagator G then moves every
 *                                mode at frequency 1 (tau = pi / 2 turns each
 *                                a quarter period)
 *   hmc_modes                    the first global mode and the count of this
 *                                rank's modes (the layout of hmc_set_mass's G)
 *   hmc_power                 R  |phi(p)|^2 of the field on this rank's modes
 *                                (to measure G); hmc_power_of: of another
 *                                field in the lattice's layout
 * With md.tau_jitter J > 0 trajectory t has length tau (1 + J (2u - 1)),
 * u uniform keyed by (seed, t, replica), the nmd steps stretched with it.
 * All randomness is keyed by (seed, purpose, global site, trajectory, replica).
 */
#ifndef LATDIFF_HMC_H
#define LATDIFF_HMC_H

#include "latdiff/fourier.h"
#include "latdiff/markov.h"
#include "latdiff/phi4.h"

typedef enum { MD_LEAPFROG = 0, MD_OMELYAN = 1 } md_integrator;
extern const char *const md_integrator_names[]; /* for PetscOptionsEnum */

typedef struct {
  md_integrator integrator;
  int nmd;           /* steps per trajectory */
  double tau;        /* trajectory length */
  double tau_jitter; /* relative jitter of the length, in [0, 1) */
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
  fourier *ft;     /* of lat's slabs, once hmc_modes or hmc_set_mass asked */
  PetscBool accel; /* Fourier acceleration on (hmc_set_mass) */
  double *G, *sqrt_M, *v; /* M^-1 and M^1/2 on the local modes; M^-1 pi (V) */
} hmc;


PetscErrorCode hmc_create(const lattice *lat, phi4 *theory, md_params md, uint64_t seed, hmc **out);
PetscErrorCode hmc_destroy(hmc **s);
PetscErrorCode hmc_integrate(hmc *s);
PetscErrorCode hmc_hamiltonian(hmc *s, double *H);
PetscErrorCode hmc_trajectory(hmc *s, uint64_t traj, markov_result *res);
PetscErrorCode hmc_set_mass(hmc *s, const double *G);
PetscErrorCode hmc_modes(hmc *s, int64_t *k0, int64_t *nk);
PetscErrorCode hmc_power(hmc *s, double *power);
PetscErrorCode hmc_power_of(hmc *s, const double *field, double *power);

#endif
