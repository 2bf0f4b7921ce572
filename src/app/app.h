/* app.h — the driver's own helpers: verbs, option parsing with messages
 * that name the option, and the check that refuses unknown options. */
#ifndef LATDIFF_APP_H
#define LATDIFF_APP_H

#include "latdiff/base.h"
#include "latdiff/options.h"
#include "latdiff/output_set.h"
#include "latdiff/schedule.h"
#include "latdiff/score_model.h"
#include "latdiff/stats.h"

/* What the driver keeps of a verb's run, to clean up after a failure: the
 * outputs it claimed (their locks, and temporaries to delete). */
typedef struct {
  output_set files;      /* the verb's inputs and claimed outputs */
  PetscBool inputs_noted; /* its input options are in files */
  PetscBool dry; /* parse and check the options, then return: `latdiff run` checks every step before the first */
} app_run;

PetscErrorCode cmd_hmc(app_run *run);
PetscErrorCode cmd_langevin(app_run *run);
PetscErrorCode cmd_analyze(app_run *run);
PetscErrorCode cmd_forward(app_run *run);
PetscErrorCode cmd_sample(app_run *run);
PetscErrorCode cmd_train(app_run *run);
PetscErrorCode cmd_run(app_run *run);
PetscErrorCode cmd_nll(app_run *run);
/* sample -proposal independence (cmd_independence.c) */
PetscErrorCode cmd_independence(app_run *run);

/* Claim an output for this run (output.h); released by the driver at the
 * end, with its temporaries deleted if the run fails and discard is set.
 * Refused if it is the file of an input option (-input, each of a comma
 * list, -model) or of another output of the run (output_set.h). */
PetscErrorCode app_claim_output(app_run *run, MPI_Comm comm, const char *option, const char *path, double bytes,
                                output_claim **claim);

/* Release the claims of a finished verb (its locks; with failed, its
 * temporaries marked for discarding): the driver does it at the end, and
 * `latdiff run` after each of its steps. */
void app_release_claims(app_run *run, PetscBool failed);

/* SIGTERM and SIGINT (what Slurm and PBS send at the time limit, and
 * Ctrl-C) set a flag instead of killing: verbs that poll it stop cleanly.
 * A second signal kills as usual. */
void app_catch_signals(void);
PetscBool app_signal_received(void);
/* The driver catches them from its first instruction (a signal before a
 * verb polls is seen at its first poll); verbs that cannot stop between
 * steps (analyze, forward) call app_stop_on_signal: a signal already
 * received is an error, a later one prints a line and ends the process. */
PetscErrorCode app_stop_on_signal(void);
/* A closed stdout (`| head`) makes writes fail with EPIPE instead of
 * killing the process with PETSc's dump: the work goes on, quietly. */
void app_ignore_sigpipe(void);
/* What every rank must agree on between two steps of a long run, in one
 * reduction on comm: stop (1 the stop file, looked for on rank 0; 2 a
 * signal on any rank) and whether a progress line is due (rank 0's clock:
 * each rank's own clock would call the collective progress sums on some
 * ranks only). Collective. */
PetscErrorCode app_poll(MPI_Comm comm, const char *stop_file, PetscBool due, int *stop, PetscBool *progress);

/* Errors (errors.c). The handler keeps the first message of this rank;
 * the driver then finds out whether every rank failed (a bounded wait),
 * and prints one line: once if all ranks failed together, else from each
 * failing rank before MPI_Abort. User mistakes print as "latdiff: error:
 * ...", out of memory says so, anything else prints with its location. */
typedef struct {
  PetscBool failed;
  PetscErrorCode code;
  char message[1024], where[256];
} app_error_state;
PetscErrorCode app_error_handler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n,
                                 PetscErrorType p, const char *mess, void *ctx);
/* After a failed verb: PETSC_TRUE if every rank of comm failed within
 * `seconds` (comm must not be used by anything else). */
PetscBool app_all_failed(MPI_Comm comm, double seconds);
void app_error_print(const app_error_state *e, int rank, PetscBool all);

/* The command line (argv[1..]) and the options files it names: every word
 * an option or one value after one, every file readable and of that form,
 * no include cycle. Returns 0, or 1 with one line in msg (args.c). */
int args_check(int argc, char **argv, char *msg, size_t len);

/* -schedule, -sigma, -beta_min, -beta_max into s (s holds the defaults). */
PetscErrorCode opt_schedule(PetscOptionItems *o, schedule *s);

/* choices shared by sample, nll and the independence chain: the prior at
 * tmax (exact: the model's diffused target; gaussian), and -proposal */
extern const char *const prior_names[], *const proposal_names[];

/* A trained score is valid only for the schedule it learned: take it
 * (and the default tmax of its kind) from the model; a conflicting
 * -schedule, -sigma, -beta_min or -beta_max option is refused. */
PetscErrorCode opt_adopt_schedule(const score_model *m, schedule *sched, double *tmax);

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
