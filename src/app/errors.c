/* errors.c — how errors reach the user (app.h).
 *
 * Mistakes in input (options, files) are raised with user-input or file
 * error codes and print as one line, without a stack trace. Anything else
 * is a bug or a system failure: it prints with its location. */
#define _XOPEN_SOURCE 700 /* clock_gettime, nanosleep */
#include "app.h"

#include <time.h>

/* errors whose message says what to change (a solve that did not converge
 * names the sample and the tolerances) print as "latdiff: error:" */
static PetscBool is_user_error(PetscErrorCode n)
{
  return n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_NOT_CONVERGED || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_READ ||
         n == PETSC_ERR_FILE_WRITE || n == PETSC_ERR_FILE_UNEXPECTED || n == PETSC_ERR_ARG_OUTOFRANGE;
}

PetscErrorCode app_error_handler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n,
                                 PetscErrorType p, const char *mess, void *ctx)
{
  app_error_state *e = (app_error_state *)ctx;

  (void)comm;
  if (p != PETSC_ERROR_INITIAL || e->failed) return n;
  e->failed = PETSC_TRUE;
  e->code = n;
  snprintf(e->message, sizeof e->message, "%s", mess ? mess : "");
  snprintf(e->where, sizeof e->where, "%s() at %s:%d", fun, file, line);
  return n;
}

PetscBool app_all_failed(MPI_Comm comm, double seconds)
{
  MPI_Request req;
  int done = 0;
  struct timespec t0, now, nap = {0, 1000000};

  if (MPI_Ibarrier(comm, &req) != MPI_SUCCESS) return PETSC_FALSE;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  while (!done) {
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (done) break;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((double)(now.tv_sec - t0.tv_sec) + 1e-9 * (double)(now.tv_nsec - t0.tv_nsec) > seconds) return PETSC_FALSE;
    nanosleep(&nap, NULL);
  }
  return PETSC_TRUE;
}

void app_error_print(const app_error_state *e, int rank, PetscBool all)
{
  char who[32] = "";

  if (!all) snprintf(who, sizeof who, " (rank %d)", rank);
  if (is_user_error(e->code)) fprintf(stderr, "latdiff: error%s: %s\n", who, e->message);
  else if (e->code == PETSC_ERR_MEM || strstr(e->where, "Malloc"))
    fprintf(stderr,
            "latdiff: error%s: out of memory in %s; the run needs more memory per rank than there is: use more ranks, "
            "a smaller lattice or a smaller -batch\n",
            who, e->where);
  else fprintf(stderr, "latdiff: internal error%s %d in %s: %s\n", who, (int)e->code, e->where, e->message);
  fflush(stderr);
}
