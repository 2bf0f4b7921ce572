/* bench_fft — the forward analysis's transform: FFTW-MPI (spectrum.c, all
 * ranks, including the shell binning) next to a serial FFTW transform of
 * the same complex size on one rank, measured in the same run.
 * Usage: mpirun -n N bench_fft -lattice L0,.. [-repeat 5] */
#include "latdiff/spectrum.h"

#include <fftw3.h>

int main(int argc, char **argv)
{
  int L[4], d = 4, repeat = 5, rank, size;
  spectrum *sp;
  double best = 1e30, best_serial = 1e30, *field, *shells;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-lattice", L, &d, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-repeat", &repeat, NULL));
  MPICHECK(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  MPICHECK(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(spectrum_create(PETSC_COMM_WORLD, d, L, 16, &sp));
  const spectrum_layout *lay = spectrum_get_layout(sp);
  PetscCall(PetscMalloc1((size_t)PetscMax(lay->local_sites, 1), &field));
  PetscCall(PetscCalloc1(16, &shells));
  for (int64_t j = 0; j < lay->local_sites; j++) field[j] = (double)((j * 7919) % 1000) / 1000.0;
  for (int r = 0; r <= repeat; r++) {
    PetscLogDouble t0, t1;
    MPICHECK(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t0));
    PetscCall(spectrum_power(sp, field, shells));
    MPICHECK(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t1));
    if (r) best = PetscMin(best, t1 - t0); /* r = 0 warms up */
  }
  int64_t V = 1;
  int n[4];
  for (int mu = 0; mu < d; mu++) V *= L[mu], n[mu] = L[mu];
  if (rank == 0) { /* serial FFTW: same transform, one rank, while the others wait */
    fftw_complex *in = fftw_alloc_complex((size_t)V), *out = fftw_alloc_complex((size_t)V);
    fftw_plan p = fftw_plan_dft(d, n, in, out, FFTW_FORWARD, FFTW_ESTIMATE);
    for (int64_t j = 0; j < V; j++) in[j] = (double)((j * 7919) % 1000) / 1000.0;
    for (int r = 0; r <= repeat; r++) {
      PetscLogDouble t0, t1;
      PetscCall(PetscTime(&t0));
      fftw_execute(p);
      PetscCall(PetscTime(&t1));
      if (r) best_serial = PetscMin(best_serial, t1 - t0);
    }
    fftw_destroy_plan(p);
    fftw_free(in);
    fftw_free(out);
  }
  char dims[64] = "";
  for (int mu = 0, k = 0; mu < d; mu++) k += snprintf(dims + k, sizeof dims - (size_t)k, mu ? "x%d" : "%d", L[mu]);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "%-12s FFTW-MPI on %d rank%s (with shell binning): %.4f s  %.3e sites/s | serial FFTW: %.4f s"
                        "  %.3e sites/s | speed-up %.2f\n",
                        dims, size, size > 1 ? "s" : " ", best, (double)V / best, best_serial, (double)V / best_serial,
                        best_serial / best));
  PetscCall(PetscFree(field));
  PetscCall(PetscFree(shells));
  PetscCall(spectrum_destroy(&sp));
  PetscCall(PetscFinalize());
  return 0;
}
