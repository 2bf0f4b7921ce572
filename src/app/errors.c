/* errors.c — how errors reach the user.
 *
 * Mistakes in input (options, files) are raised with user-input or file
 * error codes and print as one line, once, without a stack trace. Anything
 * else is a bug or a system failure: it prints with its location. */
#include "app.h"

static PetscBool is_user_error(PetscErrorCode n)
{
  return n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_READ ||
         n == PETSC_ERR_FILE_WRITE || n == PETSC_ERR_FILE_UNEXPECTED || n == PETSC_ERR_ARG_OUTOFRANGE;
}

PetscErrorCode app_error_handler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n,
                                 PetscErrorType p, const char *mess, void *ctx)
{
  int rank = 0;

  app_error_state *state = (app_error_state *)ctx;
  int size = 1, wsize = 1, wrank = 0;

  if (p != PETSC_ERROR_INITIAL) return n;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
  MPI_Comm_size(MPI_COMM_WORLD, &wsize);
  /* raised on the world communicator: every rank raised it together */
  state->collective = size == wsize;
  /* input errors on one rank's communicator are seen by all ranks alike
   * (they read the same files): print them once */
  if (rank != 0 || (is_user_error(n) && size < wsize && wrank != 0)) return n;
  if (is_user_error(n))
    fprintf(stderr, "latdiff: error: %s\n", mess);
  else
    fprintf(stderr, "latdiff: internal error %d in %s() at %s:%d: %s\n", (int)n, fun, file, line, mess ? mess : "");
  fflush(stderr);
  return n;
}
