/* signals.c — SIGTERM, SIGINT and the stop file as a request to stop (app.h). */
#define _XOPEN_SOURCE 700 /* sigaction */
#include "app.h"

#include <signal.h>
#include <unistd.h>

/* SIGTERM / SIGINT: the one flag POSIX lets a handler set (app.h) */
static volatile sig_atomic_t signal_received = 0;

static void on_signal(int sig)
{
  if (signal_received) { /* the second: die as the signal says */
    signal(sig, SIG_DFL);
    raise(sig);
  }
  signal_received = sig;
}

void app_catch_signals(void)
{
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
}

PetscBool app_signal_received(void) { return signal_received ? PETSC_TRUE : PETSC_FALSE; }

void app_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

/* a verb that cannot stop between steps: one line, then the signal's own
 * end (write(2) is what a handler may call) */
static void on_signal_stop(int sig)
{
  static const char msg[] = "latdiff: stopped by a signal; nothing was written\n";
  ssize_t unused = write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)unused;
  signal(sig, SIG_DFL);
  raise(sig);
}

PetscErrorCode app_stop_on_signal(void)
{
  struct sigaction sa = {0};

  PetscFunctionBeginUser;
  PetscCheck(!signal_received, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "stopped by a signal before the work; nothing was "
             "written");
  sa.sa_handler = on_signal_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  PetscFunctionReturn(PETSC_SUCCESS);
}


PetscErrorCode app_poll(MPI_Comm comm, const char *stop_file, PetscBool due, int *stop, PetscBool *progress)
{
  int flag[2], rank;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(comm, &rank));
  flag[0] = app_signal_received() ? 2 : rank == 0 && access(stop_file, F_OK) == 0 ? 1 : 0;
  flag[1] = rank == 0 && due;
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, flag, 2, MPI_INT, MPI_MAX, comm));
  *stop = flag[0];
  *progress = flag[1] ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}
