/* halo.h — split-phase halo exchange of one field, on persistent requests.
 *
 * A halo object is bound to one field array (created for it); the receives
 * land directly in the field's halo section. The halo is filled in every
 * direction, also where the process grid has one rank (by a local copy), so
 * the periodic wrap-around reaches the kernels the same way everywhere.
 *
 *   halo_create   R  bind persistent sends/receives to a field
 *   halo_start       pack the faces and start the messages
 *   halo_finish      wait for them; the halo is then valid
 *   halo_exchange    start + finish
 *   halo_destroy     free requests and buffers
 * Starting twice, or finishing what was not started, is an error.
 */
#ifndef LATDIFF_HALO_H
#define LATDIFF_HALO_H

#include "latdiff/lattice.h"

typedef struct halo halo;

PetscErrorCode halo_create(const lattice *lat, double *field, halo **out);
PetscErrorCode halo_start(halo *h);
PetscErrorCode halo_finish(halo *h);
PetscErrorCode halo_exchange(halo *h);
PetscErrorCode halo_destroy(halo **h);

#endif
