/* test_md — the force is minus the derivative of the action (central finite
 * difference at sampled sites), the integrators are reversible to rounding,
 * and the energy violation of both integrators scales as eps^2.
 * Usage: test_md -lattice L0,.. [-proc_grid ..] [-kappa k -lambda l] */
#include "latdiff/hmc.h"
#include "latdiff/rng.h"
#include "testing.h"

static void random_field(const lattice *lat, double *f, uint64_t step, double scale)
{
  rng_key key = {2024, RNG_TEST, step, 0};
  rng_field_normal(lat, key, f);
  for (int64_t i = 0; i < lat->V; i++) f[i] *= scale;
}

/* local index of global site g, or -1 if another rank holds it */
static int64_t owner_index(const lattice *lat, int64_t g)
{
  int64_t loc = 0;
  for (int mu = lat->d - 1; mu >= 0; mu--) {
    int x = (int)(g % lat->L[mu]) - lat->origin[mu];
    g /= lat->L[mu];
    if (x < 0 || x >= lat->l[mu]) return -1;
    loc += x * lat->stride[mu];
  }
  return loc;
}

static PetscErrorCode check_force(hmc *s, int *fails)
{
  const lattice *lat = s->lat;
  const double h = 1e-5;
  double *F;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(lat->V, &F));
  random_field(lat, s->phi, 1, 1.0);
  PetscCall(phi4_force_add(s->theory, s->h, s->phi, 1.0, F));
  for (int k = 0; k < 12; k++) {
    int64_t g = (int64_t)(rng_uniform((rng_key){7, RNG_TEST, (uint64_t)k, 0}, 0) * (double)lat->Vglobal);
    int64_t i = owner_index(lat, g);
    double Sp, Sm, f0 = 0, force = 0;
    if (i >= 0) f0 = s->phi[i], s->phi[i] = f0 + h;
    PetscCall(phi4_action(s->theory, s->h, s->phi, &Sp));
    if (i >= 0) s->phi[i] = f0 - h;
    PetscCall(phi4_action(s->theory, s->h, s->phi, &Sm));
    if (i >= 0) s->phi[i] = f0, force = F[i];
    PetscCall(lattice_sum(lat, force, &force));
    double fd = -(Sp - Sm) / (2 * h);
    EXPECT_CLOSE(*fails, force, fd, 1e-6 * (1 + fabs(fd)), "force vs -dS/dphi");
  }
  PetscCall(PetscFree(F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode set_start(hmc *s, double *phi0, double *pi0)
{
  PetscFunctionBeginUser;
  PetscCall(PetscArraycpy(s->phi, phi0, s->lat->V));
  PetscCall(PetscArraycpy(s->pi, pi0, s->lat->V));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode check_integrator(hmc *s, md_integrator which, int *fails)
{
  const lattice *lat = s->lat;
  double *phi0, *pi0, H0, H1, dH[3], dev = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(lat->V, &phi0));
  PetscCall(PetscMalloc1(lat->V, &pi0));
  random_field(lat, phi0, 2, 0.5);
  random_field(lat, pi0, 3, 1.0);
  s->md = (md_params){.integrator = which, .nmd = 10, .tau = 1.0};

  /* reversibility: forward, flip momenta, forward, flip: back to the start */
  PetscCall(set_start(s, phi0, pi0));
  PetscCall(hmc_integrate(s));
  for (int64_t i = 0; i < lat->V; i++) s->pi[i] = -s->pi[i];
  PetscCall(hmc_integrate(s));
  for (int64_t i = 0; i < lat->V; i++) {
    dev = PetscMax(dev, fabs(s->phi[i] - phi0[i]));
    dev = PetscMax(dev, fabs(-s->pi[i] - pi0[i]));
  }
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &dev, 1, MPI_DOUBLE, MPI_MAX, lat->comm));
  EXPECT(*fails, dev < 1e-11, "%s: reversibility violated by %.3g", md_integrator_names[which], dev);

  /* |dH| ~ eps^2: halving the step quarters the violation */
  for (int k = 0; k < 3; k++) {
    s->md.nmd = 20 << k;
    PetscCall(set_start(s, phi0, pi0));
    PetscCall(hmc_hamiltonian(s, &H0));
    PetscCall(hmc_integrate(s));
    PetscCall(hmc_hamiltonian(s, &H1));
    dH[k] = fabs(H1 - H0);
  }
  for (int k = 0; k < 2; k++) {
    double ratio = dH[k] / dH[k + 1];
    EXPECT(*fails, ratio > 3.5 && ratio < 4.5, "%s: |dH| ratio %.3f for nmd %d -> %d (want 4; dH %.3g, %.3g)",
           md_integrator_names[which], ratio, 20 << k, 40 << k, dH[k], dH[k + 1]);
  }
  PetscCall(PetscFree(phi0));
  PetscCall(PetscFree(pi0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  int L[LATTICE_MAXDIM], grid[LATTICE_MAXDIM] = {0}, d = LATTICE_MAXDIM, nd = LATTICE_MAXDIM, fails = 0;
  double kappa = 0.15, lambda = 0.5;
  lattice *lat;
  phi4 *th;
  hmc *s;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-lattice", L, &d, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-proc_grid", grid, &nd, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-kappa", &kappa, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-lambda", &lambda, NULL));
  PetscCall(lattice_create(PETSC_COMM_WORLD, d, L, grid, 1, &lat));
  PetscCall(phi4_create(lat, kappa, lambda, &th));
  PetscCall(hmc_create(lat, th, (md_params){.integrator = MD_LEAPFROG, .nmd = 10, .tau = 1.0}, 1, &s));
  PetscCall(check_force(s, &fails));
  PetscCall(check_integrator(s, MD_LEAPFROG, &fails));
  PetscCall(check_integrator(s, MD_OMELYAN, &fails));
  PetscCall(hmc_destroy(&s));
  PetscCall(phi4_destroy(&th));
  PetscCall(lattice_destroy(&lat));
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
