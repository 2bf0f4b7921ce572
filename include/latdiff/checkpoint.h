/* checkpoint.h — the state of a Markov chain run, for an exact restart.
 *
 * Because random numbers are keyed by the trajectory index (rng.h), the
 * state is only: the field of every replica, the next trajectory, how many
 * configurations are stored, each replica's running statistics, and what
 * a chain's update keeps besides the field (its "stepper" state). The
 * file is written as "<path>.tmp" and renamed, so a kill during a write
 * leaves the previous checkpoint intact.
 *
 *   checkpoint_write  C  (world) write the state
 *   checkpoint_read   C  (world) read it back; refuses a checkpoint of
 *                        another run (theory, lattice, couplings, seed, ...)
 */
#ifndef LATDIFF_CHECKPOINT_H
#define LATDIFF_CHECKPOINT_H

#include "latdiff/ensemble.h"

#define CHECKPOINT_NSTATS 6
#define CHECKPOINT_NSTEPPER 4

typedef struct {
  uint64_t next_traj;
  int64_t nstored;
  double stats[CHECKPOINT_NSTATS];     /* this replica's accumulators */
  double stepper[CHECKPOINT_NSTEPPER]; /* this replica's update state (0 in files before it) */
  /* a longer update state, a row of extra_n values per replica of which
   * this rank holds [extra_off, extra_off + extra_len) in extra (e.g. a
   * spectrum on the rank's modes); none with extra_n = 0. Read back into
   * the same buffer; a checkpoint without it is refused. */
  double *extra;
  int64_t extra_n, extra_off, extra_len;
} checkpoint_state;

PetscErrorCode checkpoint_write(const lattice *lat, const ensemble_meta *meta, const char *path, const double *phi,
                                const checkpoint_state *st);
PetscErrorCode checkpoint_read(const lattice *lat, const ensemble_meta *meta, const char *path, double *phi,
                               checkpoint_state *st);

#endif
