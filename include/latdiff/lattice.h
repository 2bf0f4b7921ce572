/* lattice.h — geometry of a periodic lattice in d = 1..4 dimensions,
 * distributed over a Cartesian process grid, with optional replicas.
 *
 * Index conventions (written down once, used everywhere):
 *  - Global and local sites are lexicographic with the LAST coordinate
 *    fastest, the same order as an HDF5 dataset [L_0, ..., L_{d-1}].
 *  - A field is `lattice_field_size()` doubles: the V local sites first,
 *    then the halo: for each direction mu, the face of "down" neighbours
 *    phi(x - mu) of the sites with x_mu = 0, then the face of "up"
 *    neighbours phi(x + mu) of the sites with x_mu = l_mu - 1. A face is
 *    ordered lexicographically in the remaining coordinates.
 *  - Replicas: the world communicator is split into R groups of equal size;
 *    each holds a complete copy of the lattice (an independent chain).
 *
 * Exported (C = collective on the world communicator, R = on the replica):
 *   lattice_create    C  geometry from extents, optional process grid, replicas
 *   lattice_destroy      free it
 *   lattice_volume       product of extents, false on overflow (any caller
 *                        that multiplies extents checks with it)
 *   lattice_extents_text the extents as "8x8" (for messages)
 *   lattice_field_size   doubles in a field with halo
 *   lattice_global_index global lexicographic index of a local site
 *   lattice_local_coords coordinates of a local site
 *   lattice_hop_line     interior neighbour sum along one line of sites
 *   lattice_hop_boundary add the halo neighbours of boundary sites
 *   lattice_hop_sum      full neighbour sum (needs a filled halo)
 *   lattice_sum       R  global sum of a local double
 */
#ifndef LATDIFF_LATTICE_H
#define LATDIFF_LATTICE_H

#include "latdiff/base.h"

#define LATTICE_MAXDIM 4

typedef struct {
  int d;                       /* dimensions, 1..4 */
  int L[LATTICE_MAXDIM];       /* global extents */
  int P[LATTICE_MAXDIM];       /* process grid of one replica */
  int l[LATTICE_MAXDIM];       /* local extents, L / P */
  int coords[LATTICE_MAXDIM];  /* this rank's position in the process grid */
  int origin[LATTICE_MAXDIM];  /* global coordinates of local site 0 */
  int64_t V;                   /* local sites */
  int64_t Vglobal;             /* global sites */
  int64_t stride[LATTICE_MAXDIM];
  int64_t face[LATTICE_MAXDIM];             /* sites in the face normal to mu */
  int64_t halo_offset[LATTICE_MAXDIM][2];   /* [mu][0 down, 1 up] in a field */
  int64_t *face_sites[LATTICE_MAXDIM][2];   /* local sites with x_mu = 0 / l_mu-1 */
  int neighbour[LATTICE_MAXDIM][2];         /* ranks in `comm` down / up */

  int replica, nreplicas;      /* which copy of the lattice this rank holds */
  MPI_Comm world;              /* all ranks (not owned) */
  MPI_Comm comm;               /* Cartesian communicator of this replica */
  int rank, nranks;            /* in comm */

  double *zero_line;           /* l[d-1] zeros: stands in for an absent neighbour line */

} lattice;

/* Geometry of extents L[0..d-1]. grid: d process counts, or NULL (or all
 * zero) to let MPI_Dims_create choose. The world size must be divisible by
 * nreplicas. Errors name the offending option (-lattice, -proc_grid,
 * -replicas). Collective on world. */
PetscErrorCode lattice_create(MPI_Comm world, int d, const int *L, const int *grid,
                              int nreplicas, lattice **out);
PetscErrorCode lattice_destroy(lattice **lat);
/* V = L_0 ... L_{d-1}; PETSC_FALSE if an extent is not positive or the
 * product (times 8 bytes, times the sample count a file may hold) could
 * overflow: V must stay below 2^40 sites. */
PetscBool lattice_volume(int d, const int *L, int64_t *V);
void lattice_extents_text(int d, const int *L, char *out, size_t len);

int64_t lattice_field_size(const lattice *lat);
int64_t lattice_global_index(const lattice *lat, int64_t site);
void lattice_local_coords(const lattice *lat, int64_t site, int *x);

/* Lines: the V / l[d-1] runs of sites along the last direction. */
static inline int64_t lattice_nlines(const lattice *lat) { return lat->V / lat->l[lat->d - 1]; }

/* out[i] = sum over neighbours of site (line*l[d-1] + i) that are in the
 * local volume (no wrap-around): no communication needed. */
void lattice_hop_line(const lattice *lat, const double *field, int64_t line, double *restrict out);

/* out[x] += alpha * (neighbours of x that live in the halo), for all
 * boundary sites x. Needs the halo of field to be filled. */
void lattice_hop_boundary(const lattice *lat, const double *field, double alpha, double *out);

/* out[x] = sum_mu phi(x+mu) + phi(x-mu) for all local x; halo must be filled. */
void lattice_hop_sum(const lattice *lat, const double *field, double *out);

/* Sum of a local value over the replica (MPI_Allreduce). Collective on comm. */
PetscErrorCode lattice_sum(const lattice *lat, double local, double *global);

#endif
