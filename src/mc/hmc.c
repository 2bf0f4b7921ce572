/* hmc.c — molecular dynamics integrators and the HMC trajectory (hmc.h). */
#include "latdiff/hmc.h"
#include "latdiff/profile.h"
#include "latdiff/rng.h"

#include <math.h>

const char *const md_integrator_names[] = {"leapfrog", "omelyan", "md_integrator", "MD_", NULL};

/* Omelyan, Mryglod, Folk (2003) second-order minimum-norm parameter. */
static const double OMELYAN_LAMBDA = 0.1931833275037836;

PetscErrorCode hmc_create(const lattice *lat, phi4 *theory, md_params md, uint64_t seed, hmc **out)
{
  hmc *s;

  PetscFunctionBeginUser;
  PetscCheck(md.nmd >= 1, lat->world, PETSC_ERR_USER_INPUT, "-nmd: %d steps; need at least 1", md.nmd);
  PetscCheck(md.tau > 0 && isfinite(md.tau), lat->world, PETSC_ERR_USER_INPUT, "-tau: %g; the trajectory length must be positive",
             md.tau);
  PetscCall(PetscNew(&s));
  s->lat = lat;
  s->theory = theory;
  s->md = md;
  s->seed = seed;
  PetscCall(PetscCalloc1(lattice_field_size(lat), &s->phi));
  PetscCall(PetscCalloc1(lat->V, &s->pi));
  PetscCall(PetscCalloc1(lat->V, &s->phi_old));
  PetscCall(halo_create(lat, s->phi, &s->h));
  *out = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_destroy(hmc **sp)
{
  hmc *s = *sp;

  PetscFunctionBeginUser;
  if (!s) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(halo_destroy(&s->h));
  PetscCall(PetscFree(s->phi));
  PetscCall(PetscFree(s->pi));
  PetscCall(PetscFree(s->phi_old));
  PetscCall(PetscFree(*sp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode update_momenta(hmc *s, double eps)
{
  PetscFunctionBeginUser;
  PetscCall(phi4_force_add(s->theory, s->h, s->phi, eps, s->pi));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode update_field(hmc *s, double eps)
{
  double *restrict phi = s->phi;
  const double *restrict pi = s->pi;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(EV_UPDATE, 0, 0, 0, 0));
  for (int64_t i = 0; i < s->lat->V; i++) phi[i] += eps * pi[i];
  PetscCall(PetscLogEventEnd(EV_UPDATE, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Adjacent momentum updates of consecutive steps are merged into one force
 * evaluation: leapfrog costs nmd + 1 forces, Omelyan 2 nmd + 1. */
PetscErrorCode hmc_integrate(hmc *s)
{
  const int n = s->md.nmd;
  const double eps = s->md.tau / n;

  PetscFunctionBeginUser;
  if (s->md.integrator == MD_LEAPFROG) {
    PetscCall(update_momenta(s, 0.5 * eps));
    for (int k = 1; k <= n; k++) {
      PetscCall(update_field(s, eps));
      PetscCall(update_momenta(s, k < n ? eps : 0.5 * eps));
    }
  } else {
    const double l = OMELYAN_LAMBDA;
    PetscCall(update_momenta(s, l * eps));
    for (int k = 1; k <= n; k++) {
      PetscCall(update_field(s, 0.5 * eps));
      PetscCall(update_momenta(s, (1 - 2 * l) * eps));
      PetscCall(update_field(s, 0.5 * eps));
      PetscCall(update_momenta(s, k < n ? 2 * l * eps : l * eps));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_hamiltonian(hmc *s, double *H)
{
  double S, kin_local = 0, kin;

  PetscFunctionBeginUser;
  PetscCall(phi4_action(s->theory, s->h, s->phi, &S));
  for (int64_t i = 0; i < s->lat->V; i++) kin_local += s->pi[i] * s->pi[i];
  PetscCall(lattice_sum(s->lat, 0.5 * kin_local, &kin));
  *H = kin + S;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_trajectory(hmc *s, uint64_t traj, markov_result *res)
{
  const lattice *lat = s->lat;
  rng_key mom = {s->seed, RNG_MOMENTUM, traj, (uint64_t)lat->replica};
  rng_key acc = {s->seed, RNG_ACCEPT, traj, (uint64_t)lat->replica};
  double H0, H1;

  PetscFunctionBeginUser;
  PetscCall(PetscArraycpy(s->phi_old, s->phi, lat->V));
  rng_field_normal(lat, mom, s->pi);
  PetscCall(hmc_hamiltonian(s, &H0));
  PetscCall(hmc_integrate(s));
  PetscCall(hmc_hamiltonian(s, &H1));
  res->dH = H1 - H0;
  /* dH comes from an Allreduce and u from the key alone: every rank of the
   * replica takes the same decision without another message. */
  res->accepted = rng_uniform(acc, 0) < exp(-res->dH);
  if (!res->accepted) PetscCall(PetscArraycpy(s->phi, s->phi_old, lat->V));
  PetscFunctionReturn(PETSC_SUCCESS);
}
