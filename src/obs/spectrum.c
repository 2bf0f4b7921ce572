/* spectrum.c — shell-averaged power spectrum (spectrum.h), on the
 * FFTW-MPI transforms of fourier.h. */
#include "latdiff/spectrum.h"
#include "latdiff/fourier.h"

#include <math.h>

struct spectrum {
  spectrum_layout layout;
  fourier *ft;
  double *power;   /* |phi(p)|^2 of each local mode */
  int *mode_shell; /* shell of each local mode */
  double *shell_k, *shell_modes;
};

PetscErrorCode spectrum_create(MPI_Comm comm, int d, const int *L, int nshells, spectrum **out)
{
  spectrum *sp;
  double p[4];

  PetscFunctionBeginUser;
  PetscCheck(nshells >= 1, comm, PETSC_ERR_USER_INPUT, "-shells: %d; need at least 1", nshells);
  PetscCall(PetscNew(&sp));
  PetscCall(fourier_create(comm, d, L, 1, &sp->ft));
  const fourier_layout *fl = fourier_get_layout(sp->ft);
  spectrum_layout *lay = &sp->layout;
  lay->d = d;
  for (int mu = 0; mu < d; mu++) lay->L[mu] = L[mu];
  lay->row0 = fl->row0;
  lay->nrows = fl->nrows;
  lay->local_sites = fl->local_sites;
  lay->nshells = nshells;

  /* shells of |p_hat| in [0, 2 sqrt(d)] */
  const double kmax = 2 * sqrt((double)d);
  double *ksum, *cnt;
  PetscCall(PetscCalloc1((size_t)nshells, &ksum));
  PetscCall(PetscCalloc1((size_t)nshells, &cnt));
  PetscCall(PetscMalloc1((size_t)PetscMax(fl->out_sites, 1), &sp->mode_shell));
  PetscCall(PetscMalloc1((size_t)PetscMax(fl->out_sites, 1), &sp->power));
  for (int64_t j = 0; j < fl->out_sites; j++) {
    double k2 = 0;
    fourier_momentum(sp->ft, j, p);
    for (int mu = 0; mu < d; mu++) k2 += 4 * sin(p[mu] / 2) * sin(p[mu] / 2);
    const double k = sqrt(k2);
    int sh = (int)(k / kmax * nshells + 1e-9); /* modes of equal |p_hat| on a shell edge stay together despite rounding */
    if (sh >= nshells) sh = nshells - 1;
    sp->mode_shell[j] = sh;
    ksum[sh] += k;
    cnt[sh] += 1;
  }
  PetscCall(PetscMalloc1((size_t)nshells, &sp->shell_k));
  PetscCall(PetscMalloc1((size_t)nshells, &sp->shell_modes));
  MPICHECK(MPI_Allreduce(ksum, sp->shell_k, nshells, MPI_DOUBLE, MPI_SUM, comm));
  MPICHECK(MPI_Allreduce(cnt, sp->shell_modes, nshells, MPI_DOUBLE, MPI_SUM, comm));
  for (int s = 0; s < nshells; s++) sp->shell_k[s] = sp->shell_modes[s] > 0 ? sp->shell_k[s] / sp->shell_modes[s] : NAN;
  lay->shell_k = sp->shell_k;
  lay->shell_modes = sp->shell_modes;
  PetscCall(PetscFree(ksum));
  PetscCall(PetscFree(cnt));
  *out = sp;
  PetscFunctionReturn(PETSC_SUCCESS);
}

const spectrum_layout *spectrum_get_layout(const spectrum *sp) { return &sp->layout; }

PetscErrorCode spectrum_power(spectrum *sp, const double *field, double *shell_sum)
{
  const fourier_layout *fl = fourier_get_layout(sp->ft);

  PetscFunctionBeginUser;
  PetscCall(fourier_power(sp->ft, 1, field, sp->power));
  for (int64_t j = 0; j < fl->out_sites; j++) shell_sum[sp->mode_shell[j]] += sp->power[j] / (double)fl->volume;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode spectrum_destroy(spectrum **spp)
{
  spectrum *sp = *spp;

  PetscFunctionBeginUser;
  if (!sp) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(fourier_destroy(&sp->ft));
  PetscCall(PetscFree(sp->power));
  PetscCall(PetscFree(sp->mode_shell));
  PetscCall(PetscFree(sp->shell_k));
  PetscCall(PetscFree(sp->shell_modes));
  PetscCall(PetscFree(*spp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
