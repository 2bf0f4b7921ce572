/* phi4.c — action and force of lattice phi^4 theory (phi4.h). */
#include "latdiff/phi4.h"
#include "latdiff/profile.h"

#include <math.h>

PetscErrorCode phi4_check_couplings(MPI_Comm comm, int d, double kappa, double lambda)
{
  PetscFunctionBeginUser;
  PetscCheck(isfinite(kappa), comm, PETSC_ERR_USER_INPUT, "-kappa: %g is not a finite number", kappa);
  PetscCheck(isfinite(lambda), comm, PETSC_ERR_USER_INPUT, "-lambda: %g is not a finite number", lambda);
  PetscCheck(lambda >= 0, comm, PETSC_ERR_USER_INPUT,
             "-lambda: %g < 0 makes the action unbounded below (the phi^4 term must be non-negative)", lambda);
  /* With lambda = 0 the action is the quadratic form sum_p |phi_p|^2 (1 - 2 kappa sum_mu cos p_mu)/V,
   * positive for every p only if |kappa| < 1/(2d). */
  PetscCheck(lambda > 0 || fabs(kappa) < 0.5 / d, comm, PETSC_ERR_USER_INPUT,
             "-kappa: %g with -lambda 0 (free field) makes the action unbounded below in %d dimensions; need |kappa| < 1/(2d) = %g",
             kappa, d, 0.5 / d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode phi4_create(const lattice *lat, double kappa, double lambda, phi4 **out)
{
  phi4 *th;

  PetscFunctionBeginUser;
  PetscCall(phi4_check_couplings(lat->world, lat->d, kappa, lambda));
  PetscCall(PetscNew(&th));
  th->lat = lat;
  th->kappa = kappa;
  th->lambda = lambda;
  PetscCall(PetscMalloc1(lat->l[lat->d - 1], &th->line));
  PetscCall(PetscMalloc1(lat->V, &th->scratch));
  *out = th;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode phi4_destroy(phi4 **th)
{
  PetscFunctionBeginUser;
  if (!*th) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*th)->line));
  PetscCall(PetscFree((*th)->scratch));
  PetscCall(PetscFree(*th));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode phi4_action(phi4 *th, halo *h, const double *phi, double *S)
{
  const lattice *lat = th->lat;
  const double k = th->kappa, c2 = 1 - 2 * th->lambda, c4 = th->lambda;
  double *hop = th->scratch, local = 0;

  PetscFunctionBeginUser;
  PetscCall(halo_exchange(h));
  lattice_hop_sum(lat, phi, hop);
  /* sum_x sum_mu phi(x) phi(x+mu) = (1/2) sum_x phi(x) hop(x) */
  for (int64_t i = 0; i < lat->V; i++) {
    const double f = phi[i], f2 = f * f;
    local += -k * f * hop[i] + f2 * (c2 + c4 * f2);
  }
  PetscCall(PetscLogEventBegin(EV_REDUCE, 0, 0, 0, 0));
  PetscCall(lattice_sum(lat, local, S));
  PetscCall(PetscLogEventEnd(EV_REDUCE, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode phi4_force_add(phi4 *th, halo *h, const double *phi, double eps, double *out)
{
  const lattice *lat = th->lat;
  const int64_t n = lat->l[lat->d - 1];
  const double a = 2 * th->kappa * eps, b2 = -2 * (1 - 2 * th->lambda) * eps, b4 = -4 * th->lambda * eps;
  double *restrict t = th->line;

  PetscFunctionBeginUser;
  PetscCall(halo_start(h));
  PetscCall(PetscLogEventBegin(EV_FORCE, 0, 0, 0, 0));
  for (int64_t j = 0; j < lattice_nlines(lat); j++) {
    const double *restrict f = phi + j * n;
    double *restrict o = out + j * n;
    lattice_hop_line(lat, phi, j, t);
    for (int64_t i = 0; i < n; i++) o[i] += a * t[i] + f[i] * (b2 + b4 * f[i] * f[i]);
  }
  PetscCall(PetscLogEventEnd(EV_FORCE, 0, 0, 0, 0));
  PetscCall(halo_finish(h));
  PetscCall(PetscLogEventBegin(EV_FORCE, 0, 0, 0, 0));
  lattice_hop_boundary(lat, phi, a, out);
  PetscCall(PetscLogEventEnd(EV_FORCE, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

double phi4_free_propagator(int d, double kappa, const double *p)
{
  double c = 0;
  for (int mu = 0; mu < d; mu++) c += cos(p[mu]);
  return 0.5 / (1 - 2 * kappa * c);
}
