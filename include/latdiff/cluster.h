/* cluster.h — embedded Ising cluster updates of phi^4 on the distributed
 * lattice (Brower and Tamayo 1989), Swendsen-Wang and Wolff.
 *
 * With |phi_x| held fixed, the signs s_x of phi are an Ising model with
 * couplings K_xy = 2 kappa |phi_x phi_y| on the lattice's bonds (the
 * hopping term of phi4.h; the rest of the action depends on |phi| only).
 * A bond joins neighbours with phi_x phi_y > 0 with probability
 * 1 - exp(-4 kappa phi_x phi_y); the clusters of joined sites are the
 * Fortuin-Kasteleyn clusters of that Ising model, and flipping them
 * (phi -> -phi on a cluster) leaves the distribution of phi exactly
 * invariant. It only flips signs: every |phi_x| is kept bit for bit.
 *
 * On a split lattice every rank labels the clusters of its own sites
 * (union-find) and the labels meet across the faces in rounds of one halo
 * exchange each: a cluster's label is the smallest global site it holds,
 * and each round lowers a piece's label to the smallest its bonds across
 * a face see, until no label changes anywhere (the rounds are at most the
 * pieces a cluster has along its longest path; a cap of the replica's
 * ranks times its boundary sites is an error, never reached). Random
 * numbers are keyed by global site: the bond of (x, mu) by global(x) d +
 * mu, a cluster's flip by its label, so the update is the same on any
 * process grid.
 *
 *   swendsen-wang  every cluster flipped with probability 1/2
 *   wolff          the cluster of one uniformly drawn site flipped; here
 *                  from the full labelling (cost O(V) per update, not
 *                  O(cluster), but the same on any grid and any rank count)
 *
 *   cluster_create   for lat and kappa (>= 0)
 *   cluster_update R one update of phi (a field with halo, h bound to it),
 *                    random numbers keyed by (seed, step, replica)
 *   cluster_destroy
 * R = collective on lat->comm. Statistics accumulate in the object: the
 * updates, the clusters and flipped sites they saw (summed over the
 * replica's ranks), and the most labelling rounds one needed. */
#ifndef LATDIFF_CLUSTER_H
#define LATDIFF_CLUSTER_H

#include "latdiff/halo.h"

typedef enum { CLUSTER_NONE = 0, CLUSTER_SWENDSEN_WANG = 1, CLUSTER_WOLFF = 2 } cluster_kind;
extern const char *const cluster_kind_names[]; /* for PetscOptionsEnum */

typedef struct cluster cluster;

typedef struct {
  double updates, clusters, flipped; /* totals over the updates */
  int max_rounds;                    /* labelling rounds of the worst update */
} cluster_stats;

PetscErrorCode cluster_create(const lattice *lat, double kappa, cluster_kind kind, cluster **out);
PetscErrorCode cluster_update(cluster *c, double *phi, halo *h, uint64_t seed, uint64_t step);
const cluster_stats *cluster_get_stats(const cluster *c);
PetscErrorCode cluster_destroy(cluster **c);

#endif
