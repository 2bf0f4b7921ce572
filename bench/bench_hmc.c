/* bench_hmc — HMC force + field update throughput next to the memory
 * bandwidth bound, measured in the same run.
 *
 * One molecular-dynamics step reads phi and pi and writes pi (momentum
 * update with the force), then reads phi and pi and writes phi (field
 * update): 48 bytes per site, all of it read-modify-write in place. The
 * bound is the triad bandwidth (all ranks at once) divided by 48. The
 * triad a = b + s c moves 32 bytes per element on x86 (the store to `a`
 * first reads its line: write-allocate), and that is what is counted, so
 * that both sides count the bytes that really cross the memory bus.
 *
 * Usage: mpirun -n N bench_hmc -lattice L0,.. [-nmd 50] [-repeat 5] */
#include "latdiff/hmc.h"
#include "latdiff/rng.h"

/* best-of-`repeat` aggregate triad bandwidth in bytes/s over all ranks */
static PetscErrorCode triad_bandwidth(int repeat, double *bw)
{
  const size_t n = (size_t)1 << 25; /* 3 x 256 MiB: far out of cache */
  double *a, *b, *c, best = 1e30;
  int size;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscMalloc3(n, &a, n, &b, n, &c));
  for (size_t i = 0; i < n; i++) a[i] = 0, b[i] = 1, c[i] = 2;
  for (int r = 0; r < repeat; r++) {
    PetscLogDouble t0, t1;
    MPICHECK(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t0));
    for (size_t i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
    MPICHECK(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t1));
    best = PetscMin(best, t1 - t0);
    b[r] = a[n - 1 - (size_t)r]; /* keep the loop alive */
  }
  *bw = 32.0 * (double)n * size / best;
  PetscCall(PetscFree3(a, b, c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  int L[LATTICE_MAXDIM], d = LATTICE_MAXDIM, nmd = 50, repeat = 5;
  lattice *lat;
  phi4 *th;
  hmc *s;
  double bw = 0, best = 1e30;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-lattice", L, &d, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-nmd", &nmd, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-repeat", &repeat, NULL));
  PetscCall(lattice_create(PETSC_COMM_WORLD, d, L, NULL, 1, &lat));
  PetscCall(phi4_create(lat, 0.2, 0.02, &th));
  PetscCall(hmc_create(lat, th, (md_params){MD_LEAPFROG, nmd, 0.01 * nmd}, 1, &s));
  rng_field_normal(lat, (rng_key){1, RNG_TEST, 0, 0}, s->phi);
  rng_field_normal(lat, (rng_key){1, RNG_TEST, 1, 0}, s->pi);
  PetscCall(hmc_integrate(s)); /* warm up */
  for (int r = 0; r < repeat; r++) {
    PetscLogDouble t0, t1;
    MPICHECK(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t0));
    PetscCall(hmc_integrate(s));
    MPICHECK(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t1));
    best = PetscMin(best, t1 - t0);
  }
  PetscCall(triad_bandwidth(repeat, &bw));
  /* leapfrog with nmd steps: nmd + 1 momentum and nmd field updates */
  const double updates = (double)lat->Vglobal * nmd / best;
  const double bound = bw / 48.0;
  char dims[64] = "";
  for (int mu = 0, k = 0; mu < d; mu++) k += snprintf(dims + k, sizeof dims - (size_t)k, mu ? "x%d" : "%d", L[mu]);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                        "%-14s ranks %d  local %8lld sites  %.3e site-updates/s  (%.2f GB/s at 48 B/site)  "
                        "triad %.2f GB/s -> bound %.3e  ratio %.2f\n",
                        dims, lat->nranks, (long long)lat->V, updates, updates * 48 / 1e9, bw / 1e9, bound,
                        updates / bound));
  PetscCall(hmc_destroy(&s));
  PetscCall(phi4_destroy(&th));
  PetscCall(lattice_destroy(&lat));
  PetscCall(PetscFinalize());
  return 0;
}
