/* geometry.c — lattice geometry, process grid and replicas (lattice.h). */
#include "latdiff/lattice.h"

#include <limits.h>

/* Faces between ranks cost communication: pick the factorisation of n
 * ranks into P[0..d-1] with P_mu | L_mu that minimises the total area of
 * the faces actually cut. Ties go to splitting slow directions first, which
 * keeps the contiguous lines along the last direction long. */
static void best_grid(int d, const int *L, int mu, int n, int *P, int *best, double *bestcost)
{
  if (mu == d - 1) {
    if (L[mu] % n) return;
    P[mu] = n;
    double vol = 1, cost = 0;
    for (int nu = 0; nu < d; nu++) vol *= (double)L[nu] / P[nu];
    for (int nu = 0; nu < d; nu++)
      if (P[nu] > 1) cost += vol / ((double)L[nu] / P[nu]);
    if (cost < *bestcost) {
      *bestcost = cost;
      for (int nu = 0; nu < d; nu++) best[nu] = P[nu];
    }
    return;
  }
  for (int p = 1; p <= n; p++) {
    if (n % p || L[mu] % p) continue;
    P[mu] = p;
    best_grid(d, L, mu + 1, n / p, P, best, bestcost);
  }
}

static PetscErrorCode choose_grid(MPI_Comm world, int d, const int *L, const int *grid, int nranks, int *P)
{
  PetscBool given = PETSC_FALSE;

  PetscFunctionBeginUser;
  for (int mu = 0; grid && mu < d; mu++)
    if (grid[mu]) given = PETSC_TRUE;
  if (given) {
    int prod = 1;
    for (int mu = 0; mu < d; mu++) {
      PetscCheck(grid[mu] > 0, world, PETSC_ERR_USER_INPUT,
                 "-proc_grid: entry %d is %d; every entry must be a positive rank count", mu, grid[mu]);
      PetscCheck(L[mu] % grid[mu] == 0, world, PETSC_ERR_USER_INPUT,
                 "-proc_grid: %d ranks in direction %d do not divide the extent %d of -lattice", grid[mu], mu, L[mu]);
      prod *= grid[mu];
      P[mu] = grid[mu];
    }
    PetscCheck(prod == nranks, world, PETSC_ERR_USER_INPUT,
               "-proc_grid: the grid has %d ranks but each replica has %d (ranks / -replicas)", prod, nranks);
  } else {
    int trial[LATTICE_MAXDIM];
    double cost = 1e300;
    for (int mu = 0; mu < d; mu++) P[mu] = 0;
    best_grid(d, L, 0, nranks, trial, P, &cost);
    PetscCheck(P[0] > 0, world, PETSC_ERR_USER_INPUT,
               "-lattice: no process grid of %d ranks divides the extents evenly; choose extents divisible by the rank count or give -proc_grid",
               nranks);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode build_faces(lattice *lat)
{
  int x[LATTICE_MAXDIM];

  PetscFunctionBeginUser;
  for (int mu = 0; mu < lat->d; mu++)
    for (int s = 0; s < 2; s++) PetscCall(PetscMalloc1(lat->face[mu], &lat->face_sites[mu][s]));
  int64_t count[LATTICE_MAXDIM][2] = {{0}};
  for (int64_t i = 0; i < lat->V; i++) {
    lattice_local_coords(lat, i, x);
    for (int mu = 0; mu < lat->d; mu++) {
      if (x[mu] == 0) lat->face_sites[mu][0][count[mu][0]++] = i;
      if (x[mu] == lat->l[mu] - 1) lat->face_sites[mu][1][count[mu][1]++] = i;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

void lattice_extents_text(int d, const int *L, char *out, size_t len)
{
  size_t at = 0;
  out[0] = 0;
  for (int mu = 0; mu < d && at < len; mu++) at += (size_t)snprintf(out + at, len - at, "%s%d", mu ? "x" : "", L[mu]);
}

PetscBool lattice_volume(int d, const int *L, int64_t *V)
{
  const int64_t limit = (int64_t)1 << 40;
  int64_t v = 1;
  for (int mu = 0; mu < d; mu++) {
    if (L[mu] <= 0 || v > limit / L[mu]) return PETSC_FALSE;
    v *= L[mu];
  }
  *V = v;
  return PETSC_TRUE;
}

PetscErrorCode lattice_create(MPI_Comm world, int d, const int *L, const int *grid, int nreplicas, lattice **out)
{
  lattice *lat;
  int wrank, wsize, periods[LATTICE_MAXDIM];

  PetscFunctionBeginUser;
  PetscCheck(d >= 1 && d <= LATTICE_MAXDIM, world, PETSC_ERR_USER_INPUT,
             "-lattice: %d extents given; latdiff supports 1 to %d dimensions", d, LATTICE_MAXDIM);
  for (int mu = 0; mu < d; mu++)
    PetscCheck(L[mu] > 0, world, PETSC_ERR_USER_INPUT, "-lattice: extent %d is %d; extents must be positive", mu, L[mu]);
  {
    int64_t V;
    PetscCheck(lattice_volume(d, L, &V), world, PETSC_ERR_USER_INPUT,
               "-lattice: the lattice has more than 2^40 sites; latdiff cannot hold it");
  }
  MPICHECK(MPI_Comm_rank(world, &wrank));
  MPICHECK(MPI_Comm_size(world, &wsize));
  PetscCheck(nreplicas >= 1 && wsize % nreplicas == 0, world, PETSC_ERR_USER_INPUT,
             "-replicas: %d replicas cannot share %d ranks equally", nreplicas, wsize);

  PetscCall(PetscNew(&lat));
  lat->d = d;
  lat->world = world;
  lat->nreplicas = nreplicas;
  int per = wsize / nreplicas;
  lat->replica = wrank / per;
  PetscCall(choose_grid(world, d, L, grid, per, lat->P));

  MPI_Comm split;
  MPICHECK(MPI_Comm_split(world, lat->replica, wrank, &split));
  for (int mu = 0; mu < d; mu++) periods[mu] = 1;
  MPICHECK(MPI_Cart_create(split, d, lat->P, periods, 0, &lat->comm));
  MPICHECK(MPI_Comm_free(&split));
  MPICHECK(MPI_Comm_rank(lat->comm, &lat->rank));
  MPICHECK(MPI_Comm_size(lat->comm, &lat->nranks));
  MPICHECK(MPI_Cart_coords(lat->comm, lat->rank, d, lat->coords));

  lat->V = 1;
  lat->Vglobal = 1;
  for (int mu = 0; mu < d; mu++) {
    lat->L[mu] = L[mu];
    lat->l[mu] = L[mu] / lat->P[mu];
    lat->origin[mu] = lat->coords[mu] * lat->l[mu];
    lat->V *= lat->l[mu];
    lat->Vglobal *= L[mu];
    MPICHECK(MPI_Cart_shift(lat->comm, mu, 1, &lat->neighbour[mu][0], &lat->neighbour[mu][1]));
  }
  PetscCheck(lat->V <= INT_MAX, world, PETSC_ERR_USER_INPUT,
             "-lattice: %lld sites per rank is more than one rank can address; use more ranks", (long long)lat->V);
  lat->stride[d - 1] = 1;
  for (int mu = d - 2; mu >= 0; mu--) lat->stride[mu] = lat->stride[mu + 1] * lat->l[mu + 1];
  int64_t off = lat->V;
  for (int mu = 0; mu < d; mu++) {
    lat->face[mu] = lat->V / lat->l[mu];
    lat->halo_offset[mu][0] = off;
    lat->halo_offset[mu][1] = off + lat->face[mu];
    off += 2 * lat->face[mu];
  }
  PetscCall(build_faces(lat));
  PetscCall(PetscCalloc1(lat->l[d - 1], &lat->zero_line));
  *out = lat;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode lattice_destroy(lattice **lat)
{
  PetscFunctionBeginUser;
  if (!*lat) PetscFunctionReturn(PETSC_SUCCESS);
  for (int mu = 0; mu < (*lat)->d; mu++)
    for (int s = 0; s < 2; s++) PetscCall(PetscFree((*lat)->face_sites[mu][s]));
  PetscCall(PetscFree((*lat)->zero_line));
  MPICHECK(MPI_Comm_free(&(*lat)->comm));
  PetscCall(PetscFree(*lat));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int64_t lattice_field_size(const lattice *lat)
{
  int64_t n = lat->V;
  for (int mu = 0; mu < lat->d; mu++) n += 2 * lat->face[mu];
  return n;
}

void lattice_local_coords(const lattice *lat, int64_t site, int *x)
{
  for (int mu = lat->d - 1; mu >= 0; mu--) {
    x[mu] = (int)(site % lat->l[mu]);
    site /= lat->l[mu];
  }
}

int64_t lattice_global_index(const lattice *lat, int64_t site)
{
  int x[LATTICE_MAXDIM];
  int64_t g = 0;

  lattice_local_coords(lat, site, x);
  for (int mu = 0; mu < lat->d; mu++) g = g * lat->L[mu] + x[mu] + lat->origin[mu];
  return g;
}

PetscErrorCode lattice_sum(const lattice *lat, double local, double *global)
{
  PetscFunctionBeginUser;
  MPICHECK(MPI_Allreduce(&local, global, 1, MPI_DOUBLE, MPI_SUM, lat->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}
