/* spectrum.c — shell-averaged power spectrum by FFTW-MPI (spectrum.h).
 * A complex transform of the real field keeps one code path for every d
 * (FFTW-MPI has no real-data transform in one dimension). */
#include "latdiff/spectrum.h"
#include "latdiff/profile.h"

#include <fftw3-mpi.h>
#include <math.h>

struct spectrum {
  spectrum_layout layout;
  MPI_Comm comm;
  fftw_complex *in, *out;
  fftw_plan plan;
  int64_t out_row0, out_nrows, out_sites;
  int *mode_shell; /* shell of each local output mode */
  double *shell_k, *shell_modes;
};

PetscErrorCode spectrum_create(MPI_Comm comm, int d, const int *L, int nshells, spectrum **out)
{
  spectrum *sp;
  ptrdiff_t n[4], alloc, ni, i0, no, o0;
  int64_t rest = 1;

  PetscFunctionBeginUser;
  PetscCheck(nshells >= 1, comm, PETSC_ERR_USER_INPUT, "-shells: %d; need at least 1", nshells);
  PetscCall(PetscNew(&sp));
  sp->comm = comm;
  fftw_mpi_init();
  for (int mu = 0; mu < d; mu++) n[mu] = L[mu];
  for (int mu = 1; mu < d; mu++) rest *= L[mu];
  if (d == 1) {
    alloc = fftw_mpi_local_size_1d(n[0], comm, FFTW_FORWARD, FFTW_ESTIMATE, &ni, &i0, &no, &o0);
  } else {
    alloc = fftw_mpi_local_size(d, n, comm, &ni, &i0);
    no = ni;
    o0 = i0;
  }
  sp->in = fftw_alloc_complex((size_t)PetscMax(alloc, 1));
  sp->out = fftw_alloc_complex((size_t)PetscMax(alloc, 1));
  PetscCheck(sp->in && sp->out, comm, PETSC_ERR_MEM, "FFTW could not allocate the transform buffers");
  if (d == 1) sp->plan = fftw_mpi_plan_dft_1d(n[0], sp->in, sp->out, comm, FFTW_FORWARD, FFTW_ESTIMATE);
  else sp->plan = fftw_mpi_plan_dft(d, n, sp->in, sp->out, comm, FFTW_FORWARD, FFTW_ESTIMATE);
  PetscCheck(sp->plan, comm, PETSC_ERR_LIB, "FFTW-MPI could not plan the transform");

  spectrum_layout *lay = &sp->layout;
  lay->d = d;
  for (int mu = 0; mu < d; mu++) lay->L[mu] = L[mu];
  lay->row0 = i0;
  lay->nrows = ni;
  lay->local_sites = (int64_t)ni * rest;
  lay->nshells = nshells;
  sp->out_row0 = o0;
  sp->out_nrows = no;
  sp->out_sites = (int64_t)no * rest;

  /* shells of |p_hat| in [0, 2 sqrt(d)] */
  const double kmax = 2 * sqrt((double)d);
  double *ksum, *cnt;
  PetscCall(PetscCalloc1((size_t)nshells, &ksum));
  PetscCall(PetscCalloc1((size_t)nshells, &cnt));
  PetscCall(PetscMalloc1((size_t)PetscMax(sp->out_sites, 1), &sp->mode_shell));
  for (int64_t j = 0; j < sp->out_sites; j++) {
    int64_t g = j;
    double k2 = 0;
    for (int mu = d - 1; mu >= 0; mu--) {
      int64_t c = mu == 0 ? g + o0 : g % L[mu];
      if (mu) g /= L[mu];
      const double s = 2 * sin(PETSC_PI * (double)c / L[mu]);
      k2 += s * s;
    }
    const double k = sqrt(k2);
    int sh = (int)(k / kmax * nshells);
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
  double V = 1;

  PetscFunctionBeginUser;
  for (int mu = 0; mu < sp->layout.d; mu++) V *= sp->layout.L[mu];
  for (int64_t j = 0; j < sp->layout.local_sites; j++) sp->in[j] = field[j];
  PetscCall(PetscLogEventBegin(EV_FFT, 0, 0, 0, 0));
  fftw_execute(sp->plan);
  PetscCall(PetscLogEventEnd(EV_FFT, 0, 0, 0, 0));
  for (int64_t j = 0; j < sp->out_sites; j++) {
    const double re = creal(sp->out[j]), im = cimag(sp->out[j]);
    shell_sum[sp->mode_shell[j]] += (re * re + im * im) / V;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode spectrum_destroy(spectrum **spp)
{
  spectrum *sp = *spp;

  PetscFunctionBeginUser;
  if (!sp) PetscFunctionReturn(PETSC_SUCCESS);
  fftw_destroy_plan(sp->plan);
  fftw_free(sp->in);
  fftw_free(sp->out);
  PetscCall(PetscFree(sp->mode_shell));
  PetscCall(PetscFree(sp->shell_k));
  PetscCall(PetscFree(sp->shell_modes));
  PetscCall(PetscFree(*spp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
