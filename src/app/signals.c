/* signals.c — SIGTERM and SIGINT as a request to stop (app.h). */
#define _XOPEN_SOURCE 700 /* sigaction */
#include "app.h"

#include <signal.h>

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

