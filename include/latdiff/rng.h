/* rng.h — counter-based random numbers (Random123 Philox-4x64).
 *
 * A number is a pure function of (seed, purpose, index, step, stream): the
 * index is a global site or sample number, the step a trajectory or time
 * step, the stream a replica or chain. Nothing is carried from call to
 * call, so the same seed gives the same numbers on any number of ranks, and
 * a restarted run continues exactly where it stopped.
 *
 *   rng_uniform       uniform in [0, 1)
 *   rng_normal        standard normal (Box-Muller)
 *   rng_field_normal  standard normal on every local site, keyed by global site
 * None is collective.
 */
#ifndef LATDIFF_RNG_H
#define LATDIFF_RNG_H

#include "latdiff/lattice.h"

/* Distinct purposes never share numbers. Append; never renumber (stored
 * ensembles depend on these values). */
typedef enum {
  RNG_MOMENTUM = 1,
  RNG_ACCEPT = 2,
  RNG_START = 3,
  RNG_LANGEVIN = 4,
  RNG_DIFFUSION = 5,
  RNG_SAMPLER = 6,
  RNG_FLIP = 7,
  RNG_INIT = 8,  /* network weights */
  RNG_TRAIN = 9, /* training: batch, time and noise draws */
  RNG_HUTCHINSON = 10, /* likelihood: the probes of the divergence */
  RNG_PROPOSAL = 11,   /* the independence chain's accept test */
  RNG_CLUSTER_BOND = 12, /* cluster updates: a bond per (site, direction) */
  RNG_CLUSTER_FLIP = 13, /* ... a cluster's flip, by its smallest site; Wolff's seed site */
  RNG_TRAJECTORY = 14,   /* HMC: the jitter of a trajectory's length */
  RNG_TEST = 99
} rng_purpose;

typedef struct {
  uint64_t seed;
  rng_purpose purpose;
  uint64_t step;
  uint64_t stream;
} rng_key;

double rng_uniform(rng_key key, uint64_t index);
double rng_normal(rng_key key, uint64_t index);
void rng_field_normal(const lattice *lat, rng_key key, double *out);

#endif
