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
  PetscCheck(md.tau_jitter >= 0 && md.tau_jitter < 1, lat->world, PETSC_ERR_USER_INPUT,
             "-tau_jitter: %g is not in [0, 1)", md.tau_jitter);
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
  PetscCall(fourier_destroy(&s->ft));
  PetscCall(PetscFree3(s->G, s->sqrt_M, s->v));
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

/* the fourier object of lat's slabs, and this rank's modes of it */
static PetscErrorCode fourier_on(hmc *s)
{
  const lattice *lat = s->lat;

  PetscFunctionBeginUser;
  if (s->ft) PetscFunctionReturn(PETSC_SUCCESS);
  for (int mu = 1; mu < lat->d; mu++)
    PetscCheck(lat->P[mu] == 1, lat->world, PETSC_ERR_USER_INPUT,
               "-mass fourier: the lattice must be split in slabs of the first direction (FFTW-MPI's layout), but "
               "direction %d is split in %d: give -proc_grid %d%s",
               mu, lat->P[mu], lat->nranks, lat->d == 2 ? ",1" : lat->d == 3 ? ",1,1" : ",1,1,1");
  PetscCall(fourier_create(lat->comm, lat->d, lat->L, 1, &s->ft));
  const fourier_layout *lay = fourier_get_layout(s->ft);
  PetscCheck(lay->local_sites == lat->V && lay->row0 == lat->origin[0], PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "-mass fourier: FFTW's slab (rows %lld + %lld) is not the lattice's (%d + %d)", (long long)lay->row0,
             (long long)lay->nrows, lat->origin[0], lat->l[0]);
  PetscCall(PetscMalloc3((size_t)PetscMax(lay->out_sites, 1), &s->G, (size_t)PetscMax(lay->out_sites, 1), &s->sqrt_M,
                         (size_t)lat->V, &s->v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_modes(hmc *s, int64_t *k0, int64_t *nk)
{
  PetscFunctionBeginUser;
  PetscCall(fourier_on(s));
  const fourier_layout *lay = fourier_get_layout(s->ft);
  *k0 = lay->out_row0 * (lay->volume / lay->L[0]), *nk = lay->out_sites;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_set_mass(hmc *s, const double *G)
{
  int64_t k0, nk;
  int ok = 1;

  PetscFunctionBeginUser;
  s->accel = PETSC_FALSE;
  if (!G) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(hmc_modes(s, &k0, &nk));
  for (int64_t j = 0; j < nk; j++) {
    ok &= isfinite(G[j]) && G[j] > 0;
    s->G[j] = G[j], s->sqrt_M[j] = 1 / sqrt(G[j]);
  }
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, s->lat->comm));
  PetscCheck(ok, s->lat->comm, PETSC_ERR_USER_INPUT, "-mass fourier: the propagator is not positive and finite on every mode");
  s->accel = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_power_of(hmc *s, const double *field, double *power)
{
  PetscFunctionBeginUser;
  PetscCall(fourier_on(s));
  PetscCall(fourier_power(s->ft, 1, field, power));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_power(hmc *s, double *power) { return hmc_power_of(s, s->phi, power); }

/* v = M^-1 pi */
static PetscErrorCode velocity(hmc *s)
{
  PetscFunctionBeginUser;
  if (s->accel) PetscCall(fourier_multiply(s->ft, 1, s->G, s->pi, s->v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode update_field(hmc *s, double eps)
{
  double *restrict phi = s->phi;
  const double *restrict pi = s->accel ? s->v : s->pi;

  PetscFunctionBeginUser;
  PetscCall(velocity(s));
  PetscCall(PetscLogEventBegin(EV_UPDATE, 0, 0, 0, 0));
  for (int64_t i = 0; i < s->lat->V; i++) phi[i] += eps * pi[i];
  PetscCall(PetscLogEventEnd(EV_UPDATE, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Adjacent momentum updates of consecutive steps are merged into one force
 * evaluation: leapfrog costs nmd + 1 forces, Omelyan 2 nmd + 1. */
static PetscErrorCode integrate(hmc *s, double tau)
{
  const int n = s->md.nmd;
  const double eps = tau / n;

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

PetscErrorCode hmc_integrate(hmc *s) { return integrate(s, s->md.tau); }

PetscErrorCode hmc_hamiltonian(hmc *s, double *H)
{
  double S, kin_local = 0, kin;
  const double *v = s->accel ? s->v : s->pi;

  PetscFunctionBeginUser;
  PetscCall(phi4_action(s->theory, s->h, s->phi, &S));
  PetscCall(velocity(s));
  for (int64_t i = 0; i < s->lat->V; i++) kin_local += s->pi[i] * v[i];
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
  const double u = s->md.tau_jitter > 0 ? rng_uniform((rng_key){s->seed, RNG_TRAJECTORY, traj, (uint64_t)lat->replica}, 0) : 0.5;
  PetscCall(PetscArraycpy(s->phi_old, s->phi, lat->V));
  rng_field_normal(lat, mom, s->pi);
  if (s->accel) PetscCall(fourier_multiply(s->ft, 1, s->sqrt_M, s->pi, s->pi)); /* covariance M: coloured by M^1/2 */
  PetscCall(hmc_hamiltonian(s, &H0));
  PetscCall(integrate(s, s->md.tau * (1 + s->md.tau_jitter * (2 * u - 1))));
  PetscCall(hmc_hamiltonian(s, &H1));
  res->dH = H1 - H0;
  /* dH comes from an Allreduce and u from the key alone: every rank of the
   * replica takes the same decision without another message. */
  res->accepted = rng_uniform(acc, 0) < exp(-res->dH);
  if (!res->accepted) PetscCall(PetscArraycpy(s->phi, s->phi_old, lat->V));
  PetscFunctionReturn(PETSC_SUCCESS);
}
