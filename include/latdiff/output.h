/* output.h — an output owned by exactly one run.
 *
 * An output PATH comes with the names PATH.partial (the file being written),
 * PATH.ckpt (a Markov chain's checkpoint), PATH.tmp and PATH.ckpt.tmp
 * (written, then renamed). A run claims all of them before it touches any:
 * rank 0 takes an exclusive fcntl lock on PATH.lock (host and pid written
 * into it) and checks, once for all ranks, what can be checked before the
 * work. The kernel drops the lock when the process ends, however it ends,
 * so a killed run never blocks the next one; a finished run removes the
 * lock file.
 *
 *   output_claim        C  lock and check; refuses (one line naming the
 *                          option, the file and what is wrong) an output
 *                          that is a directory, a missing or read-only
 *                          directory, an output of a run still going (the
 *                          owner's host and pid), and one that needs more
 *                          space than the file system has free
 *   output_state        C  which of PATH, PATH.partial, PATH.ckpt exist
 *   output_discard_on_failure
 *                          the run's temporaries (partial, tmp, checkpoint)
 *                          are deleted if it fails: verbs that cannot
 *                          restart, and a chain that diverged
 *   output_release         end the claim: on failure delete the temporaries
 *                          if asked, then remove the lock file (rank 0)
 *   file_exists_collective C  existence decided on rank 0, the same answer
 *                          on every rank
 * C = collective on the communicator given to output_claim.
 */
#ifndef LATDIFF_OUTPUT_H
#define LATDIFF_OUTPUT_H

#include "latdiff/base.h"

typedef struct {
  PetscBool final, partial, ckpt; /* which names exist */
} output_files;

typedef struct {
  MPI_Comm comm;
  char option[32];
  char path[PETSC_MAX_PATH_LEN];
  int lock_fd; /* rank 0 only; -1 elsewhere */
  PetscBool discard_on_failure;
} output_claim;

/* bytes: the size the finished file will have (0: unknown). */
PetscErrorCode output_claim_acquire(MPI_Comm comm, const char *option, const char *path, double bytes,
                                    output_claim **out);
PetscErrorCode output_state(const output_claim *c, output_files *f);
/* Error naming the option unless -force or none of PATH, PATH.partial,
 * PATH.ckpt exists; with -force, a stale checkpoint is removed. */
PetscErrorCode output_check_fresh(const output_claim *c, PetscBool force);
void output_discard_on_failure(output_claim *c);
void output_release(output_claim **c, PetscBool failed);

/* the names that belong to an output */
void output_name(const char *path, const char *suffix, char *out, size_t len);

PetscErrorCode file_exists_collective(MPI_Comm comm, const char *path, PetscBool *exists);
/* FNV-1a of a file's bytes, read on rank 0, the same on every rank: a
 * file identified by its content (an input replaced under the same name). */
PetscErrorCode file_checksum(MPI_Comm comm, const char *path, uint64_t *sum);
/* Error (collective, the file and "No space left on device") unless the
 * directory of path has bytes free: a file written whole by one rank
 * (models, checkpoints) is refused before HDF5 opens it, because a write
 * that fails inside HDF5 can leave a file it cannot close. */
PetscErrorCode file_check_space(MPI_Comm comm, const char *path, double bytes);
/* Remove a file on rank 0 of comm (if it exists). */
PetscErrorCode file_remove(MPI_Comm comm, const char *path);

#endif
