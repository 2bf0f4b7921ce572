/* spectrum.h — momentum-space power of a lattice field (FFTW-MPI, fourier.h),
 * averaged over shells of lattice momentum |p_hat|, p_hat_mu = 2 sin(p_mu/2).
 *
 * The field lives in FFTW's slab layout: rows [row0, row0 + nrows) of the
 * first direction on each rank, all of the other directions, row-major
 * (the layout of an HDF5 configuration). Shell s holds the modes with
 * s <= nshells |p_hat| / (2 sqrt(d)) < s + 1.
 *
 *   spectrum_create   C  plan the transform, the slab layout and the shells
 *   spectrum_power    C  transform `field` (the rank's slab) and add
 *                        |phi(p)|^2 / V of each local mode to shell sums
 *   spectrum_destroy
 */
#ifndef LATDIFF_SPECTRUM_H
#define LATDIFF_SPECTRUM_H

#include "latdiff/base.h"

typedef struct spectrum spectrum;

typedef struct {
  int d, L[4];
  int64_t row0, nrows; /* this rank's slab of the first direction */
  int64_t local_sites; /* nrows * L1 * ... */
  int nshells;
  const double *shell_k;   /* mean |p_hat| of each shell (global) */
  const double *shell_modes; /* number of modes in each shell (global) */
} spectrum_layout;

PetscErrorCode spectrum_create(MPI_Comm comm, int d, const int *L, int nshells, spectrum **out);
const spectrum_layout *spectrum_get_layout(const spectrum *sp);
/* shell_sum[s] += sum over local modes in shell s of |phi(p)|^2 / V (not averaged, not reduced) */
PetscErrorCode spectrum_power(spectrum *sp, const double *field, double *shell_sum);
PetscErrorCode spectrum_destroy(spectrum **sp);

#endif
