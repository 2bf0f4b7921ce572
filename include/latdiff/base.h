/* base.h — what every latdiff module uses: PETSc's error machinery, checks
 * for MPI and HDF5 return codes in the same style, and rank-0 logging.
 *
 * Errors: every function returns PetscErrorCode and wraps each call in
 * PetscCall(). User mistakes are raised with
 *   PetscCheck(cond, comm, PETSC_ERR_USER_INPUT, "what is wrong, what to do")
 * and the driver prints them as one line (see app/errors.c).
 */
#ifndef LATDIFF_BASE_H
#define LATDIFF_BASE_H

#include <petscsys.h>
#include <stdint.h>

/* PETSc 3.18 (Debian 12) predates the PETSC_SUCCESS name. */
#ifndef PETSC_SUCCESS
#define PETSC_SUCCESS 0
#endif

/* MPI calls: turn a non-success code into a PETSc error with the MPI text. */
#define MPICHECK(call)                                                        \
  do {                                                                        \
    int mpierr_ = (call);                                                     \
    if (mpierr_ != MPI_SUCCESS) {                                             \
      char mpimsg_[MPI_MAX_ERROR_STRING];                                     \
      int mpilen_ = 0;                                                        \
      MPI_Error_string(mpierr_, mpimsg_, &mpilen_);                           \
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "MPI: %s in %s", mpimsg_, #call); \
    }                                                                         \
  } while (0)

/* Verbosity of rank-0 logging; set once by the driver from -verbose. */
typedef enum { LOG_QUIET = 0, LOG_INFO = 1, LOG_DEBUG = 2 } log_level;

/* Print on rank 0 of comm if level <= the driver's level (collective: no). */
PetscErrorCode log_printf(MPI_Comm comm, log_level level, const char *fmt, ...)
    PETSC_ATTRIBUTE_FORMAT(3, 4);
void log_set_level(log_level level);

/* Version strings baked in at build time. */
const char *latdiff_version(void);
const char *latdiff_git_commit(void);

#endif
