/* app.h — the driver's own helpers: verbs, option parsing with messages
 * that name the option, and the check that refuses unknown options. */
#ifndef LATDIFF_APP_H
#define LATDIFF_APP_H

#include "latdiff/base.h"
#include "latdiff/schedule.h"
#include "latdiff/stats.h"

PetscErrorCode cmd_hmc(void);
PetscErrorCode cmd_langevin(void);
PetscErrorCode cmd_analyze(void);
PetscErrorCode cmd_forward(void);
PetscErrorCode cmd_sample(void);

/* Errors raised by latdiff for the user print as one line (errors.c). The
 * handler records whether the error was raised on all ranks together, so
 * the driver can exit cleanly instead of aborting. */
typedef struct {
  PetscBool collective;
} app_error_state;
PetscErrorCode app_error_handler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n,
                                 PetscErrorType p, const char *mess, void *ctx);

/* Option helpers for use between PetscOptionsBegin/End. Each validates the
 * raw text first, so "-ntraj ten" says "-ntraj: 'ten' is not an integer",
 * then registers the option for -help. */
PetscErrorCode opt_int(PetscOptionItems *o, const char *name, const char *help, int lo, int *v);
PetscErrorCode opt_real(PetscOptionItems *o, const char *name, const char *help, double *v);
PetscErrorCode opt_ints(PetscOptionItems *o, const char *name, const char *help, int max, int *v, int *n, PetscBool *set);
PetscErrorCode opt_reals(PetscOptionItems *o, const char *name, const char *help, int max, double *v, PetscInt *n,
                         PetscBool *set);
PetscErrorCode opt_seed(PetscOptionItems *o, const char *name, const char *help, uint64_t *v);

/* -schedule, -sigma, -beta_min, -beta_max into s (s holds the defaults). */
PetscErrorCode opt_schedule(PetscOptionItems *o, schedule *s);

/* Error naming `option` if path exists and -force was not given. */
PetscErrorCode options_check_output(const char *option, const char *path, PetscBool force);

/* value(error) with two significant digits of the error, for tables */
void format_estimate(estimate e, char *out, size_t len);

/* Error if any option was given that nothing read (a typo, or an option of
 * another verb). Call after all options are parsed, before any work. */
PetscErrorCode options_check_unused(const char *verb);

/* The options in force, as one string, for the log and for output files. */
PetscErrorCode options_echo(char **out);

/* The common start of every verb: the header line with version and commit. */
PetscErrorCode log_banner(const char *verb);

#endif
