/* fourier.h — batched FFTW-MPI transforms of real lattice fields in slab
 * layout, for every d = 1..4.
 *
 * A field lives in FFTW's slab layout: rows [row0, row0 + nrows) of the
 * first direction on each rank, all of the other directions, row-major
 * (the layout of an HDF5 configuration, and of a lattice whose process
 * grid is P x 1 x ... x 1). Up to `howmany` fields are transformed together,
 * so one all-to-all serves a whole batch. The transform is complex: FFTW-MPI
 * has no real-data transform in one dimension, and one code path serves
 * every d. Momenta are p_mu = 2 pi n_mu / L_mu, n_mu = 0 .. L_mu - 1.
 *
 *   fourier_create    C  plan forward and backward transforms for a batch
 *   fourier_power     C  |phi_b(p)|^2 of each local mode of nb fields
 *   fourier_multiply  C  out_b = F^-1 [ m(p) F[in_b] ] for a real m(p) given
 *                        on the local modes, m(p) = m(-p): a real field again
 *   fourier_momentum     the momentum of local mode j
 *   fourier_destroy
 * Fields in and out: nb x local_sites doubles, field-major. Local modes:
 * out_sites of them, in the slab [out_row0, out_row0 + out_nrows) (the same
 * slab as the fields for d >= 2).
 */
#ifndef LATDIFF_FOURIER_H
#define LATDIFF_FOURIER_H

#include "latdiff/base.h"

typedef struct {
  int d, L[4], howmany;
  int64_t volume;
  int64_t row0, nrows, local_sites;         /* this rank's slab of a field */
  int64_t out_row0, out_nrows, out_sites;   /* this rank's modes */
} fourier_layout;

typedef struct fourier fourier;

PetscErrorCode fourier_create(MPI_Comm comm, int d, const int *L, int howmany, fourier **out);
const fourier_layout *fourier_get_layout(const fourier *f);
void fourier_momentum(const fourier *f, int64_t j, double *p);
/* power[b * out_sites + j] = |sum_x e^{-ip.x} in_b(x)|^2, b < nb <= howmany */
PetscErrorCode fourier_power(fourier *f, int nb, const double *in, double *power);
/* in and out may be the same array */
PetscErrorCode fourier_multiply(fourier *f, int nb, const double *m, const double *in, double *out);
PetscErrorCode fourier_destroy(fourier **f);

#endif
