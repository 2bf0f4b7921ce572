/* freefield.c — the free field's exact sampler, score and action in
 * momentum space (freefield.h). */
#include "latdiff/freefield.h"
#include "latdiff/phi4.h"

#include <math.h>

PetscErrorCode freefield_create(MPI_Comm comm, int d, const int *L, double kappa, int batch, freefield **out)
{
  freefield *ff;
  double p[4];

  PetscFunctionBeginUser;
  PetscCall(phi4_check_couplings(comm, d, kappa, 0));
  PetscCall(PetscNew(&ff));
  ff->comm = comm;
  ff->kappa = kappa;
  PetscCall(fourier_create(comm, d, L, batch, &ff->ft));
  const fourier_layout *lay = fourier_get_layout(ff->ft);
  const size_t modes = (size_t)PetscMax(lay->out_sites, 1);
  PetscCall(PetscMalloc3(modes, &ff->G, modes, &ff->m, (size_t)PetscMax(batch * lay->local_sites, 1), &ff->w));
  for (int64_t j = 0; j < lay->out_sites; j++) {
    fourier_momentum(ff->ft, j, p);
    ff->G[j] = phi4_free_propagator(d, kappa, p);
  }
  *out = ff;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode freefield_destroy(freefield **ffp)
{
  freefield *ff = *ffp;

  PetscFunctionBeginUser;
  if (!ff) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(fourier_destroy(&ff->ft));
  PetscCall(PetscFree3(ff->G, ff->m, ff->w));
  PetscCall(PetscFree(*ffp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode freefield_diffused(freefield *ff, double f, double xi, int nb, double *z)
{
  const int64_t modes = fourier_get_layout(ff->ft)->out_sites;

  PetscFunctionBeginUser;
  for (int64_t j = 0; j < modes; j++) ff->m[j] = sqrt(f * f * ff->G[j] + xi);
  PetscCall(fourier_multiply(ff->ft, nb, ff->m, z, z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode freefield_posterior_color(freefield *ff, double f, double xi, int nb, double *z)
{
  const int64_t modes = fourier_get_layout(ff->ft)->out_sites;

  PetscFunctionBeginUser;
  for (int64_t j = 0; j < modes; j++) ff->m[j] = sqrt(ff->G[j] * xi / (f * f * ff->G[j] + xi));
  PetscCall(fourier_multiply(ff->ft, nb, ff->m, z, z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode freefield_score(freefield *ff, double f, double xi, int nb, const double *x, double *s)
{
  const int64_t modes = fourier_get_layout(ff->ft)->out_sites;

  PetscFunctionBeginUser;
  for (int64_t j = 0; j < modes; j++) ff->m[j] = -1 / (f * f * ff->G[j] + xi);
  PetscCall(fourier_multiply(ff->ft, nb, ff->m, x, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode freefield_action(freefield *ff, int nb, const double *x, double *S)
{
  const fourier_layout *lay = fourier_get_layout(ff->ft);

  PetscFunctionBeginUser;
  /* S = (1/2) sum_x phi(x) (K phi)(x), K = 1/G(p) the quadratic form */
  for (int64_t j = 0; j < lay->out_sites; j++) ff->m[j] = 1 / ff->G[j];
  PetscCall(fourier_multiply(ff->ft, nb, ff->m, x, ff->w));
  for (int b = 0; b < nb; b++) {
    S[b] = 0;
    for (int64_t s = 0; s < lay->local_sites; s++) S[b] += 0.5 * x[b * lay->local_sites + s] * ff->w[b * lay->local_sites + s];
  }
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, S, nb, MPI_DOUBLE, MPI_SUM, ff->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode freefield_sums(freefield *ff, double f, double xi, double *logdet, double *trace_inv)
{
  const int64_t modes = fourier_get_layout(ff->ft)->out_sites;
  double sums[2] = {0, 0};

  PetscFunctionBeginUser;
  for (int64_t j = 0; j < modes; j++) {
    const double c = f * f * ff->G[j] + xi;
    sums[0] += log(c), sums[1] += 1 / c;
  }
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, ff->comm));
  *logdet = sums[0], *trace_inv = sums[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}
