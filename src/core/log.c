/* log.c — rank-0 logging with a verbosity level (base.h). */
#include "latdiff/base.h"

#include <stdarg.h>

/* The verbosity is process state in the same sense as PETSc's own output
 * settings: set once by the driver, read by every module. */
static log_level current_level = LOG_INFO;

void log_set_level(log_level level) { current_level = level; }

PetscErrorCode log_printf(MPI_Comm comm, log_level level, const char *fmt, ...)
{
  int rank;
  va_list ap;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(comm, &rank));
  if (rank == 0 && level <= current_level) {
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fflush(stdout);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
