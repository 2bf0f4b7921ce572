/* langevin.h — stochastic quantisation (Parisi-Wu) of phi^4 on the
 * distributed lattice: Langevin dynamics in fictitious time,
 *   dphi/dtheta = F(phi) + eta,  F = -dS/dphi,  <eta eta> = 2 delta,
 * whose equilibrium is e^-S. One update advances theta by the step e:
 *   euler  phi' = phi + e F(phi) + sqrt(2e) z                 bias O(e)
 *   heun   phibar = phi + e F(phi) + sqrt(2e) z,
 *          phi' = phi + e/2 [F(phi) + F(phibar)] + sqrt(2e) z  bias O(e^2)
 *   mala   the euler step as a proposal psi, accepted with
 *          min{1, e^-S(psi) q(phi|psi) / (e^-S(phi) q(psi|phi))},
 *          q(y|x) ~ exp(-|y - x - e F(x)|^2 / 4e): exact for any e.
 * For the free field the equilibrium of euler and heun is known at every e
 * (langevin_free_propagator), which the tests use.
 * Random numbers are keyed by (seed, step, replica, global site), so a
 * restart repeats the chain bit for bit.
 *
 *   langevin_create / _destroy
 *   langevin_prepare  R  after phi changed from outside (start, restart):
 *                        recompute what the next update reuses
 *   langevin_update   R  one step
 */
#ifndef LATDIFF_LANGEVIN_H
#define LATDIFF_LANGEVIN_H

#include "latdiff/markov.h"
#include "latdiff/phi4.h"

typedef enum { LANGEVIN_EULER = 0, LANGEVIN_HEUN = 1, LANGEVIN_MALA = 2 } langevin_scheme;
extern const char *const langevin_scheme_names[]; /* for PetscOptionsEnum */

typedef struct {
  const lattice *lat;
  phi4 *theory;
  langevin_scheme scheme;
  double step;
  uint64_t seed;
  double *phi, *prop; /* fields with halo: the state, a proposal or predictor */
  double *force;      /* F(phi), V */
  double *force_prop; /* F(prop), V */
  double *z;          /* the step's Gaussian noise, V */
  double S;           /* S(phi), mala */
  halo *h, *hprop;
} langevin;

PetscErrorCode langevin_create(const lattice *lat, phi4 *theory, langevin_scheme scheme, double step, uint64_t seed,
                               langevin **out);
PetscErrorCode langevin_destroy(langevin **s);
PetscErrorCode langevin_prepare(langevin *s);
PetscErrorCode langevin_update(langevin *s, uint64_t step, markov_result *res);

/* <|phi(p)|^2>/V in the equilibrium of the euler or heun scheme for the
 * free field with G(p) = 1/K(p) (mala: G(p) itself) */
double langevin_free_propagator(langevin_scheme scheme, double step, double G);

#endif
