/* main.c — the latdiff driver: one verb per job, options from PETSc. */
#include "app.h"
#include "latdiff/profile.h"

#include <unistd.h>

static const char usage[] =
  "usage: latdiff VERB [options]   (latdiff VERB -help lists the options of a verb)\n"
  "verbs:\n"
  "  hmc       generate a phi^4 ensemble with Hybrid Monte Carlo\n"
  "  langevin  generate a phi^4 ensemble by stochastic quantisation (Langevin, optional MALA)\n"
  "  analyze   observables with errors for one or more ensembles, side by side\n"
  "  forward   the forward (noising) process on an ensemble: cumulant flow, spectra, k*(t)\n"
  "  sample    generate an ensemble by the reverse process (exact scores so far)\n"
  "every verb: -options_file FILE, -quiet (only results and errors), -log_view (profile)\n";

typedef struct {
  const char *name;
  PetscErrorCode (*run)(void);
} verb;

static const verb verbs[] = {{"hmc", cmd_hmc}, {"langevin", cmd_langevin}, {"analyze", cmd_analyze}, {"forward", cmd_forward}, {"sample", cmd_sample}, {NULL, NULL}};

int main(int argc, char **argv)
{
  const verb *v = NULL;
  app_error_state err = {PETSC_FALSE};
  PetscErrorCode ierr;

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
  /* PETSc reads -options_file inside PetscInitialize, before our error
   * handler exists: check it here to say which option is wrong */
  for (int i = 1; i + 1 < argc; i++)
    if (!strcmp(argv[i], "-options_file") && access(argv[i + 1], R_OK)) {
      fprintf(stderr, "latdiff: error: -options_file: cannot read %s\n", argv[i + 1]);
      return 1;
    }
  ierr = PetscInitialize(&argc, &argv, NULL, NULL);
  if (ierr) return (int)ierr;
  if (help) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "latdiff %s options:\n", v->name));
    PetscCall(PetscOptionsSetValue(NULL, "-help", NULL));
  }
  PetscCall(PetscPushErrorHandler(app_error_handler, &err));
  PetscBool quiet = PETSC_FALSE;
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-quiet", &quiet, NULL));
  if (quiet) log_set_level(LOG_QUIET);
  PetscCall(profile_register());
  ierr = v->run();
  if (ierr) {
    /* An error raised on all ranks together ends cleanly; one raised on a
     * single rank must not leave the others waiting in a collective call. */
    if (!err.collective) MPI_Abort(PETSC_COMM_WORLD, 1);
    PetscFinalize();
    return 1;
  }
  PetscCall(PetscFinalize());
  return 0;
}
