/* main.c — the latdiff driver: one verb per job, options from PETSc. */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "app.h"
#include "latdiff/blas_kernels.h"
#include "latdiff/fpmode.h"
#include "latdiff/h5.h"
#include "latdiff/profile.h"


static const char usage[] =
  "usage: latdiff VERB [options]   (latdiff VERB -help lists the options of a verb)\n"
  "verbs:\n"
  "  hmc       generate a phi^4 ensemble with Hybrid Monte Carlo\n"
  "  langevin  generate a phi^4 ensemble by stochastic quantisation (Langevin, optional MALA)\n"
  "  analyze   observables with errors for one or more ensembles, side by side\n"
  "  forward   the forward (noising) process on an ensemble: cumulant flow, spectra, k*(t)\n"
  "  train     learn a score network by denoising score matching, data parallel (unet, tutorial, conv, mlp)\n"
  "  sample    generate an ensemble by the reverse process (exact scores, or -model from train)\n"
  "  nll       negative log-likelihood of configurations through the probability-flow ODE (+ the O(h) correction)\n"
  "  run       the main job: hmc training and testing ensembles, train, sample, analyze, in one directory\n"
  "every verb: -options_file FILE, -quiet (only results and errors), -log_view (profile)\n";

typedef struct {
  const char *name;
  PetscErrorCode (*run)(app_run *run);
} verb;

static const verb verbs[] = {{"hmc", cmd_hmc}, {"langevin", cmd_langevin}, {"analyze", cmd_analyze}, {"forward", cmd_forward}, {"sample", cmd_sample}, {"train", cmd_train}, {"nll", cmd_nll}, {"run", cmd_run}, {NULL, NULL}};

/* the options that name a verb's input files */
static const char *const input_options[] = {"-input", "-model", NULL};

static PetscErrorCode note_inputs(app_run *run)
{
  PetscFunctionBeginUser;
  for (int k = 0; input_options[k]; k++) {
    char value[4 * PETSC_MAX_PATH_LEN], *item, *save = NULL;
    PetscBool set;
    PetscCall(PetscOptionsGetString(NULL, NULL, input_options[k], value, sizeof value, &set));
    if (!set) continue;
    for (item = strtok_r(value, ",", &save); item; item = strtok_r(NULL, ",", &save))
      PetscCall(output_set_add_input(&run->files, input_options[k], item));
  }
  run->inputs_noted = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* app.h: the claims of the run, released at the end; a failure deletes
 * the temporaries of verbs that cannot restart */
PetscErrorCode app_claim_output(app_run *run, MPI_Comm comm, const char *option, const char *path, double bytes,
                                output_claim **claim)
{
  PetscFunctionBeginUser;
  if (!run->inputs_noted) PetscCall(note_inputs(run));
  PetscCall(output_set_claim(&run->files, comm, option, path, bytes, claim));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void app_release_claims(app_run *run, PetscBool failed)
{
  output_set_release(&run->files, failed);
  run->inputs_noted = PETSC_FALSE;
}

/* The command line and options files, checked on rank 0 before PETSc
 * reads them; every rank learns the verdict, rank 0 prints it. */
static int args_ok(int argc, char **argv)
{
  char msg[2 * PETSC_MAX_PATH_LEN + 256] = "";
  int rank, bad = 0;

  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) bad = args_check(argc, argv, msg, sizeof msg);
  MPI_Bcast(&bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (bad && rank == 0) fprintf(stderr, "latdiff: error: %s\n", msg);
  return !bad;
}

int main(int argc, char **argv)
{
  const verb *v = NULL;
  app_error_state err = {0};
  app_run run = {0};
  MPI_Comm error_comm;
  PetscErrorCode ierr;
  int wrank;

  app_catch_signals(); /* from the start: a job cancelled at once still ends with a message */
  app_ignore_sigpipe();
  blas_kernels_reexec(argv); /* before MPI: a new process image if OpenBLAS does not know this CPU */
  if (argc < 2 || argv[1][0] == '-' || !strcmp(argv[1], "help")) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 1 : 0;
  }
  for (int i = 0; verbs[i].name; i++)
    if (!strcmp(argv[1], verbs[i].name)) v = &verbs[i];
  if (!v) {
    fprintf(stderr, "latdiff: error: unknown verb '%s'\n%s", argv[1], usage);
    return 1;
  }
  /* the verb is not an option: hide it from PETSc */
  argv[1] = argv[0];
  argc--;
  argv++;
  /* -help is set only after PetscInitialize, so that it lists the verb's
   * options and not PETSc's generic ones */
  PetscBool help = PETSC_FALSE;
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "-help") || !strcmp(argv[i], "--help")) {
      help = PETSC_TRUE;
      for (int j = i; j + 1 < argc; j++) argv[j] = argv[j + 1];
      argc--;
      i--;
    }
  /* MPI first, so that the arguments are checked once, on rank 0 */
  if (MPI_Init(&argc, &argv) != MPI_SUCCESS) return 1;
  if (!args_ok(argc, argv)) {
    MPI_Finalize();
    return 1;
  }
  /* a communicator of its own for the end of a failed run (app_all_failed) */
  MPI_Comm_dup(MPI_COMM_WORLD, &error_comm);
  MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
  /* PETSc's own handlers dump a stack on SIGTERM and SIGPIPE; latdiff's
   * (from the first instruction) stop cleanly, so PETSc installs none */
  if (PetscOptionsSetValue(NULL, "-no_signal_handler", NULL)) return 1;
  ierr = PetscInitialize(&argc, &argv, NULL, NULL);
  if (ierr) return (int)ierr;
  PetscCall(PetscOptionsClearValue(NULL, "-no_signal_handler")); /* read; not the user's, not in the echo */
  if (help) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "latdiff %s options:\n", v->name));
    PetscCall(PetscOptionsSetValue(NULL, "-help", NULL));
  }
  PetscCall(PetscPushErrorHandler(app_error_handler, &err));
  PetscBool quiet = PETSC_FALSE;
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-quiet", &quiet, NULL));
  if (quiet) log_set_level(LOG_QUIET);
  PetscCall(profile_register());
  (void)fpmode_flush_subnormals(); /* subnormal floats cost Intel CPUs 100 cycles each: fpmode.h */
  ierr = v->run(&run);
  if (ierr) {
    /* All ranks failed together: one message, a clean end. A failure on
     * some ranks only must not leave the others waiting in a collective
     * call: each failing rank says why, then MPI_Abort. */
    const PetscBool all = app_all_failed(error_comm, 10.0);
    if (!all || wrank == 0) app_error_print(&err, wrank, all);
    app_release_claims(&run, PETSC_TRUE);
    if (!all) MPI_Abort(MPI_COMM_WORLD, 1);
    h5_close_all();
    PetscFinalize();
    MPI_Comm_free(&error_comm);
    MPI_Finalize();
    return 1;
  }
  app_release_claims(&run, PETSC_FALSE);
  PetscCall(PetscFinalize());
  MPI_Comm_free(&error_comm);
  MPI_Finalize();
  return 0;
}
