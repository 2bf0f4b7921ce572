/* cluster.c — embedded Ising cluster updates, Swendsen-Wang and Wolff,
 * labelled on the distributed lattice (cluster.h). */
#include "latdiff/cluster.h"
#include "latdiff/profile.h"
#include "latdiff/rng.h"

#include <math.h>

const char *const cluster_kind_names[] = {"none", "swendsen-wang", "wolff", "cluster_kind", "CLUSTER_", NULL};

struct cluster {
  const lattice *lat;
  double kappa;
  cluster_kind kind;
  int *parent;            /* union-find over the local sites */
  int *root;              /* each site's root after the local pass */
  int64_t *site;          /* each local site's global index */
  double *label;          /* per root: the smallest global site of its cluster so far */
  double *site_label;     /* per site with halo: its cluster's label, exchanged across the faces */
  halo *lh;               /* bound to site_label */
  char *across[LATTICE_MAXDIM][2]; /* a bond across the down / up face of each split direction, per face site */
  cluster_stats stats;
};

PetscErrorCode cluster_create(const lattice *lat, double kappa, cluster_kind kind, cluster **out)
{
  cluster *c;

  PetscFunctionBeginUser;
  PetscCheck(kappa >= 0, lat->world, PETSC_ERR_USER_INPUT,
             "-cluster: kappa %g < 0; the embedding joins aligned neighbours, which needs kappa >= 0", kappa);
  PetscCheck(kind == CLUSTER_SWENDSEN_WANG || kind == CLUSTER_WOLFF, lat->world, PETSC_ERR_ARG_OUTOFRANGE,
             "cluster_create: kind %d", (int)kind);
  PetscCall(PetscNew(&c));
  c->lat = lat, c->kappa = kappa, c->kind = kind;
  PetscCall(PetscMalloc4((size_t)lat->V, &c->parent, (size_t)lat->V, &c->root, (size_t)lat->V, &c->label,
                         (size_t)lat->V, &c->site));
  for (int64_t v = 0; v < lat->V; v++) c->site[v] = lattice_global_index(lat, v);
  PetscCall(PetscCalloc1((size_t)lattice_field_size(lat), &c->site_label));
  PetscCall(halo_create(lat, c->site_label, &c->lh));
  for (int mu = 0; mu < lat->d; mu++)
    if (lat->P[mu] > 1)
      for (int s = 0; s < 2; s++) PetscCall(PetscMalloc1((size_t)lat->face[mu], &c->across[mu][s]));
  *out = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cluster_destroy(cluster **cp)
{
  cluster *c = *cp;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(halo_destroy(&c->lh));
  PetscCall(PetscFree(c->site_label));
  PetscCall(PetscFree4(c->parent, c->root, c->label, c->site));
  for (int mu = 0; mu < LATTICE_MAXDIM; mu++)
    for (int s = 0; s < 2; s++) PetscCall(PetscFree(c->across[mu][s]));
  PetscCall(PetscFree(*cp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const cluster_stats *cluster_get_stats(const cluster *c) { return &c->stats; }

static int find(int *parent, int x)
{
  while (parent[x] != x) x = parent[x] = parent[parent[x]]; /* path halving */
  return x;
}

static void join(int *parent, int x, int y)
{
  x = find(parent, x), y = find(parent, y);
  if (x != y) parent[x < y ? y : x] = x < y ? x : y;
}

/* the global index of local coordinates x shifted by `shift` in direction
 * mu, periodic */
static int64_t global_of(const lattice *lat, const int *x, int mu, int shift)
{
  int64_t g = 0;
  for (int nu = 0; nu < lat->d; nu++) {
    const int y = (x[nu] + lat->origin[nu] + (nu == mu ? shift : 0) + lat->L[nu]) % lat->L[nu];
    g = g * lat->L[nu] + y;
  }
  return g;
}

/* whether the bond (x, mu) to x + mu is set, x's global index g: aligned
 * fields and a uniform below 1 - exp(-4 kappa phi_x phi_y) */
static int bond(const cluster *c, rng_key key, int64_t g, int mu, double a, double b)
{
  const double ab = a * b;
  return ab > 0 && rng_uniform(key, (uint64_t)g * (uint64_t)c->lat->d + (uint64_t)mu) < -expm1(-4 * c->kappa * ab);
}

/* the bonds: local ones joined, those across a split face recorded for
 * both faces (the rank below draws the same bond from its global site) */
static void draw_bonds(cluster *c, const double *phi, rng_key key)
{
  const lattice *lat = c->lat;
  int x[LATTICE_MAXDIM];

  for (int64_t v = 0; v < lat->V; v++) c->parent[v] = (int)v;
  for (int mu = 0; mu < lat->d; mu++) {
    const int64_t stride = lat->stride[mu], l = lat->l[mu];
    for (int64_t v = 0; v < lat->V; v++) {
      const int64_t xmu = v / stride % l;
      if (xmu == l - 1 && lat->P[mu] > 1) continue; /* across the up face: below */
      const int64_t y = xmu < l - 1 ? v + stride : v - (l - 1) * stride;
      if (bond(c, key, c->site[v], mu, phi[v], phi[y])) join(c->parent, (int)v, (int)y);
    }
    if (lat->P[mu] == 1) continue;
    for (int s = 0; s < 2; s++)
      for (int64_t k = 0; k < lat->face[mu]; k++) {
        const int64_t v = lat->face_sites[mu][s][k];
        const double other = phi[lat->halo_offset[mu][s] + k];
        /* down face: the bond (x - mu, mu); up face: (x, mu) */
        int64_t g = c->site[v];
        if (!s) lattice_local_coords(lat, v, x), g = global_of(lat, x, mu, -1);
        c->across[mu][s][k] = (char)bond(c, key, g, mu, s ? phi[v] : other, s ? other : phi[v]);
      }
  }
}

/* every piece's label the smallest global site of its cluster: the local
 * pieces' minima, then rounds across the faces until nothing changes */
static PetscErrorCode label_clusters(cluster *c, int *rounds)
{
  const lattice *lat = c->lat;
  int64_t boundary = 0;

  PetscFunctionBeginUser;
  for (int64_t v = 0; v < lat->V; v++) c->label[v] = INFINITY;
  for (int64_t v = 0; v < lat->V; v++) {
    const int r = find(c->parent, (int)v);
    c->root[v] = r;
    c->label[r] = fmin(c->label[r], (double)c->site[v]);
  }
  for (int mu = 0; mu < lat->d; mu++)
    if (lat->P[mu] > 1) boundary += 2 * lat->face[mu];
  const int64_t cap = (int64_t)lat->nranks * PetscMax(boundary, 1) + 2;
  for (*rounds = 0;; (*rounds)++) {
    int changed = 0;
    if (boundary == 0 && lat->nranks == 1) break; /* no face is split: nothing to meet */
    for (int64_t v = 0; v < lat->V; v++) c->site_label[v] = c->label[c->root[v]];
    PetscCall(halo_exchange(c->lh));
    for (int mu = 0; mu < lat->d; mu++) {
      if (lat->P[mu] == 1) continue;
      for (int s = 0; s < 2; s++)
        for (int64_t k = 0; k < lat->face[mu]; k++) {
          if (!c->across[mu][s][k]) continue;
          const int r = c->root[lat->face_sites[mu][s][k]];
          const double other = c->site_label[lat->halo_offset[mu][s] + k];
          if (other < c->label[r]) c->label[r] = other, changed = 1;
        }
    }
    MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &changed, 1, MPI_INT, MPI_MAX, lat->comm));
    if (!changed) break;
    PetscCheck(*rounds < cap, lat->comm, PETSC_ERR_PLIB, "cluster labelling did not settle in %lld rounds",
               (long long)cap);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cluster_update(cluster *c, double *phi, halo *h, uint64_t seed, uint64_t step)
{
  const lattice *lat = c->lat;
  const rng_key bkey = {seed, RNG_CLUSTER_BOND, step, (uint64_t)lat->replica},
                fkey = {seed, RNG_CLUSTER_FLIP, step, (uint64_t)lat->replica};
  int rounds;
  double counts[2] = {0, 0}, wolff = -1; /* clusters, flipped sites; Wolff's label */

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(EV_CLUSTER, 0, 0, 0, 0));
  PetscCall(halo_exchange(h));
  draw_bonds(c, phi, bkey);
  PetscCall(label_clusters(c, &rounds));
  if (c->kind == CLUSTER_WOLFF) { /* the label of a uniformly drawn site: its owner knows it */
    const int64_t g0 = PetscMin((int64_t)(rng_uniform(fkey, (uint64_t)lat->Vglobal) * (double)lat->Vglobal),
                                lat->Vglobal - 1);
    wolff = INFINITY;
    for (int64_t v = 0; v < lat->V; v++)
      if (c->site[v] == g0) wolff = c->label[c->root[v]];
    MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &wolff, 1, MPI_DOUBLE, MPI_MIN, lat->comm));
  }
  for (int64_t v = 0; v < lat->V; v++) {
    const double L = c->label[c->root[v]];
    if ((double)c->site[v] == L) counts[0] += 1; /* one site per cluster holds its label */
    const int flip = c->kind == CLUSTER_WOLFF ? L == wolff : rng_uniform(fkey, (uint64_t)L) < 0.5;
    if (flip) phi[v] = -phi[v], counts[1] += 1;
  }
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, counts, 2, MPI_DOUBLE, MPI_SUM, lat->comm));
  c->stats.updates += 1, c->stats.clusters += counts[0], c->stats.flipped += counts[1];
  c->stats.max_rounds = PetscMax(c->stats.max_rounds, rounds);
  PetscCall(PetscLogEventEnd(EV_CLUSTER, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
