/* test_cluster — the embedded Ising cluster updates (cluster.h).
 *
 *   -mode exact    (default) cluster updates alone on a lattice of at most
 *                  16 sites with fixed random |phi|: every |phi_x| is kept
 *                  bit for bit, and the frequency of each sign pattern
 *                  agrees with exp(sum 2 kappa |phi_x phi_y| s_x s_y) / Z
 *                  from enumerating all 2^V patterns. The errors are batch
 *                  means (50 batches), so the chain's autocorrelation is in
 *                  them; per pattern with at least 20 expected visits a
 *                  batch, |z| < 5, and the mean z^2 < 1.5 (its spread is
 *                  sqrt(2 / patterns); 1.5 is more than 5 of them)
 *   -mode wrap     phi = 1, kappa 10 (every bond set with probability
 *                  1 - e^-40): one cluster spanning every rank, so an
 *                  update leaves all signs equal (4 updates, each from
 *                  phi = 1)
 *   -mode stripes  phi = +1 on even and -1 on odd values of x_0, kappa 10:
 *                  the clusters are the L_0 slices (each crossing every
 *                  rank of the other directions and wrapping), none
 *                  crossing between slices (anti-aligned); each slice
 *                  keeps one sign (4 updates, each from the stripes)
 * Usage: test_cluster -lattice L0,.. [-proc_grid P0,..] [-mode M]
 *        [-kind swendsen-wang|wolff] [-kappa K] [-n UPDATES] */
#include "latdiff/cluster.h"
#include "latdiff/rng.h"
#include "testing.h"

/* the sign pattern of the whole lattice: bit g set where phi(g) < 0 */
static PetscErrorCode pattern(const lattice *lat, const double *phi, int64_t *bits)
{
  int64_t mine = 0;

  PetscFunctionBeginUser;
  for (int64_t v = 0; v < lat->V; v++)
    if (phi[v] < 0) mine |= (int64_t)1 << lattice_global_index(lat, v);
  MPICHECK(MPI_Allreduce(&mine, bits, 1, MPI_INT64_T, MPI_BOR, lat->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |phi| of global site g: fixed, in [0.4, 1.6] */
static double modulus(int64_t g) { return 0.4 + 1.2 * rng_uniform((rng_key){5, RNG_TEST, 0, 0}, (uint64_t)g); }

/* the global index of global coordinates y */
static int64_t index_of(const lattice *lat, const int *y)
{
  int64_t g = 0;
  for (int mu = 0; mu < lat->d; mu++) g = g * lat->L[mu] + (y[mu] + lat->L[mu]) % lat->L[mu];
  return g;
}

static PetscErrorCode check_exact(const lattice *lat, cluster *c, double *phi, halo *h, double kappa, int64_t n,
                                  int *fails)
{
  const int64_t V = lat->Vglobal, K = (int64_t)1 << V, nb = 50, per = n / nb;
  double *p, *count, *sum, *sum2;
  int y[LATTICE_MAXDIM];

  PetscFunctionBeginUser;
  PetscCheck(V <= 16, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-mode exact: %lld sites (at most 16)", (long long)V);
  PetscCall(PetscCalloc4((size_t)K, &p, (size_t)K, &count, (size_t)K, &sum, (size_t)K, &sum2));
  /* the exact law of the signs: every pattern's Boltzmann weight */
  double Z = 0;
  for (int64_t s = 0; s < K; s++) {
    double e = 0;
    for (int64_t g = 0; g < V; g++) {
      for (int64_t r = g, mu = lat->d - 1; mu >= 0; mu--) y[mu] = (int)(r % lat->L[mu]), r /= lat->L[mu];
      for (int mu = 0; mu < lat->d; mu++) {
        y[mu]++;
        const int64_t f = index_of(lat, y);
        y[mu]--;
        const double sg = (((s >> g) ^ (s >> f)) & 1) ? -1 : 1;
        e += 2 * kappa * modulus(g) * modulus(f) * sg;
      }
    }
    p[s] = exp(e), Z += p[s];
  }
  for (int64_t s = 0; s < K; s++) p[s] /= Z;
  for (int64_t v = 0; v < lat->V; v++) phi[v] = modulus(lattice_global_index(lat, v));
  for (int64_t b = 0; b < nb; b++) {
    for (int64_t s = 0; s < K; s++) count[s] = 0;
    for (int64_t i = 0; i < per; i++) {
      int64_t bits;
      PetscCall(cluster_update(c, phi, h, 3, (uint64_t)(b * per + i)));
      PetscCall(pattern(lat, phi, &bits));
      count[bits] += 1;
    }
    for (int64_t s = 0; s < K; s++) sum[s] += count[s] / (double)per, sum2[s] += count[s] * count[s] / ((double)per * (double)per);
  }
  int kept = 1;
  for (int64_t v = 0; v < lat->V; v++) kept &= fabs(phi[v]) == modulus(lattice_global_index(lat, v));
  EXPECT(*fails, kept, "a cluster update changed some |phi_x|");
  double zmax = 0, z2 = 0;
  int64_t tested = 0;
  for (int64_t s = 0; s < K; s++) {
    if (p[s] * (double)per < 5) continue;
    const double mean = sum[s] / (double)nb, var = (sum2[s] / (double)nb - mean * mean) * (double)nb / (double)(nb - 1);
    const double z = (mean - p[s]) / sqrt(var / (double)nb);
    zmax = fmax(zmax, fabs(z)), z2 += z * z, tested++;
  }
  z2 /= (double)PetscMax(tested, 1);
  const double z2max = 1.05 + 5 * sqrt(2.0 / (double)PetscMax(tested, 1));
  PetscCall(PetscPrintf(lat->comm, "%lld of %lld sign patterns tested: max |z| %.2f, mean z^2 %.3f\n",
                        (long long)tested, (long long)K, zmax, z2));
  EXPECT(*fails, tested >= 16, "only %lld patterns are visited often enough to test", (long long)tested);
  EXPECT(*fails, zmax < 5 && z2 < z2max,
         "the signs' frequencies do not follow the exact law: max |z| %.2f, mean z^2 %.3f (bound %.3f)", zmax, z2, z2max);
  PetscCall(PetscFree4(p, count, sum, sum2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* after one update: wrap, every sign equal; stripes, each slice x_0 of one sign */
static PetscErrorCode check_geometry(const lattice *lat, cluster *c, double *phi, halo *h, PetscBool stripes, int *fails)
{
  int x[LATTICE_MAXDIM];
  const int L0 = lat->L[0];
  int *sign;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1((size_t)(2 * L0), &sign)); /* per slice: negative and positive sites seen */
  for (uint64_t t = 0; t < 4; t++) {
    for (int64_t v = 0; v < lat->V; v++) {
      lattice_local_coords(lat, v, x);
      phi[v] = stripes && (x[0] + lat->origin[0]) % 2 ? -1 : 1;
    }
    PetscCall(cluster_update(c, phi, h, 9, t));
    for (int k = 0; k < 2 * L0; k++) sign[k] = 0;
    for (int64_t v = 0; v < lat->V; v++) {
      lattice_local_coords(lat, v, x);
      const int slice = stripes ? x[0] + lat->origin[0] : 0;
      sign[2 * slice + (phi[v] > 0)] = 1;
    }
    MPICHECK(MPI_Allreduce(MPI_IN_PLACE, sign, 2 * L0, MPI_INT, MPI_MAX, lat->comm));
    for (int k = 0; k < (stripes ? L0 : 1); k++)
      EXPECT(*fails, sign[2 * k] + sign[2 * k + 1] == 1, "update %d: slice %d holds both signs", (int)t, k);
  }
  const cluster_stats *s = cluster_get_stats(c);
  const double want = stripes ? L0 : 1;
  EXPECT(*fails, s->clusters == 4 * want, "%g clusters in 4 updates, want %g", s->clusters, 4 * want);
  PetscCall(PetscPrintf(lat->comm, "%g clusters per update, at most %d labelling rounds\n", s->clusters / 4,
                        s->max_rounds));
  PetscCall(PetscFree(sign));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  int L[LATTICE_MAXDIM], grid[LATTICE_MAXDIM] = {0}, d = LATTICE_MAXDIM, nd = LATTICE_MAXDIM, fails = 0;
  char mode[16] = "exact";
  PetscEnum kind = (PetscEnum)CLUSTER_SWENDSEN_WANG;
  double kappa = 0.15;
  PetscInt n = 100000;
  lattice *lat;
  cluster *c;
  halo *h;
  double *phi;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-lattice", L, &d, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-proc_grid", grid, &nd, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-mode", mode, sizeof mode, NULL));
  PetscCall(PetscOptionsGetEnum(NULL, NULL, "-kind", cluster_kind_names, &kind, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-kappa", &kappa, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &n, NULL));
  if (strcmp(mode, "exact")) kappa = 10;
  PetscCall(lattice_create(PETSC_COMM_WORLD, d, L, grid, 1, &lat));
  PetscCall(cluster_create(lat, kappa, (cluster_kind)kind, &c));
  PetscCall(PetscCalloc1((size_t)lattice_field_size(lat), &phi));
  PetscCall(halo_create(lat, phi, &h));
  if (!strcmp(mode, "exact")) PetscCall(check_exact(lat, c, phi, h, kappa, n, &fails));
  else PetscCall(check_geometry(lat, c, phi, h, !strcmp(mode, "stripes"), &fails));
  PetscCall(halo_destroy(&h));
  PetscCall(PetscFree(phi));
  PetscCall(cluster_destroy(&c));
  PetscCall(lattice_destroy(&lat));
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
