/* ghosts.h — the one-site halo of a 3^d stencil on a split lattice,
 * corners included, for data of any width per site: a network's channels,
 * in float or double, for a batch of samples at once.
 *
 * halo.h fills the 2d faces of one field of doubles (what the nearest-
 * neighbour action needs). A 3x3 convolution also reads the diagonal
 * neighbours, so here the local box is padded by one site in every SPLIT
 * direction, edges and corners too; a direction held whole by the rank
 * wraps around inside the stencil and has no ghost sites. The exchange
 * runs direction by direction, each forwarding the ghosts the earlier
 * directions filled, so the corners arrive in d rounds of two messages
 * with no diagonal neighbours (the classic trick of stencil codes).
 *
 * An extended array holds per sample the V local sites (lattice order)
 * followed by the G ghost sites: data [nb][V + G][width].
 *
 *   ghosts_create    the ghost sites of lat's local box (not collective)
 *   ghosts_sites     V + G, the sites of one sample in an extended array
 *   ghosts_index     the extended index of local coordinates x, x_mu in
 *                    -1 .. l_mu in a split direction (taken periodically
 *                    in a whole one)
 *   ghosts_fill   R  fill the ghosts of nb samples from their owners
 *   ghosts_destroy
 * R = collective on the lattice's replica communicator (lat->comm). */
#ifndef LATDIFF_GHOSTS_H
#define LATDIFF_GHOSTS_H

#include "latdiff/lattice.h"

typedef struct ghosts ghosts;

PetscErrorCode ghosts_create(const lattice *lat, ghosts **out);
int64_t ghosts_sites(const ghosts *g);
int64_t ghosts_index(const ghosts *g, const int *x);
PetscErrorCode ghosts_fill(ghosts *g, void *data, int64_t nb, size_t width);
PetscErrorCode ghosts_destroy(ghosts **g);

#endif
