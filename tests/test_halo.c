/* test_halo — every halo entry and every neighbour sum of a field filled
 * with encoded global coordinates (its global site index) is checked
 * against the index computed directly.
 * Usage: test_halo -lattice L0,.. [-proc_grid P0,..] [-replicas R] */
#include "latdiff/halo.h"
#include "testing.h"

static double neighbour_index(const lattice *lat, const int *x, int mu, int step)
{
  int64_t g = 0;
  for (int nu = 0; nu < lat->d; nu++) {
    int c = x[nu] + lat->origin[nu] + (nu == mu ? step : 0);
    c = (c + lat->L[nu]) % lat->L[nu];
    g = g * lat->L[nu] + c;
  }
  return (double)g;
}

int main(int argc, char **argv)
{
  int L[LATTICE_MAXDIM], grid[LATTICE_MAXDIM] = {0}, d = LATTICE_MAXDIM, nd = LATTICE_MAXDIM, R = 1, x[LATTICE_MAXDIM];
  int fails = 0;
  lattice *lat;
  halo *h;
  double *f, *hop;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-lattice", L, &d, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-proc_grid", grid, &nd, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-replicas", &R, NULL));
  PetscCall(lattice_create(PETSC_COMM_WORLD, d, L, grid, R, &lat));
  PetscCall(PetscMalloc1(lattice_field_size(lat), &f));
  PetscCall(PetscMalloc1(lat->V, &hop));
  for (int64_t i = 0; i < lattice_field_size(lat); i++) f[i] = -1;
  for (int64_t i = 0; i < lat->V; i++) f[i] = (double)lattice_global_index(lat, i);
  PetscCall(halo_create(lat, f, &h));
  PetscCall(halo_start(h));
  /* a second start before finish must be refused */
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  EXPECT(fails, halo_start(h) != 0, "halo_start twice was accepted");
  PetscCall(PetscPopErrorHandler());
  PetscCall(halo_finish(h));

  for (int mu = 0; mu < d; mu++)
    for (int s = 0; s < 2; s++)
      for (int64_t k = 0; k < lat->face[mu]; k++) {
        lattice_local_coords(lat, lat->face_sites[mu][s][k], x);
        double want = neighbour_index(lat, x, mu, s ? +1 : -1);
        double got = f[lat->halo_offset[mu][s] + k];
        EXPECT(fails, got == want, "halo mu=%d side=%d entry %lld: %g, want %g", mu, s, (long long)k, got, want);
      }
  lattice_hop_sum(lat, f, hop);
  for (int64_t i = 0; i < lat->V; i++) {
    double want = 0;
    lattice_local_coords(lat, i, x);
    for (int mu = 0; mu < d; mu++) want += neighbour_index(lat, x, mu, +1) + neighbour_index(lat, x, mu, -1);
    EXPECT(fails, hop[i] == want, "hop sum at local site %lld: %g, want %g", (long long)i, hop[i], want);
  }
  /* the halo is reusable: exchange again after changing the field */
  for (int64_t i = 0; i < lat->V; i++) f[i] = -f[i];
  PetscCall(halo_exchange(h));
  lattice_hop_sum(lat, f, hop);
  for (int64_t i = 0; i < lat->V; i++) {
    double want = 0;
    lattice_local_coords(lat, i, x);
    for (int mu = 0; mu < d; mu++) want -= neighbour_index(lat, x, mu, +1) + neighbour_index(lat, x, mu, -1);
    EXPECT(fails, hop[i] == want, "second exchange, site %lld: %g, want %g", (long long)i, hop[i], want);
  }
  PetscCall(halo_destroy(&h));
  PetscCall(PetscFree(f));
  PetscCall(PetscFree(hop));
  PetscCall(lattice_destroy(&lat));
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
