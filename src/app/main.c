/* main.c — the latdiff driver: one verb per job, options from PETSc. */
#include "app.h"
#include "latdiff/profile.h"

static const char usage[] =
  "usage: latdiff VERB [options]   (latdiff VERB -help lists the options of a verb)\n"
  "verbs:\n"
  "  hmc       generate a phi^4 ensemble with Hybrid Monte Carlo\n"
  "  analyze   observables with errors for one or more ensembles, side by side\n";

typedef struct {
  const char *name;
  PetscErrorCode (*run)(void);
} verb;

static const verb verbs[] = {{"hmc", cmd_hmc}, {"analyze", cmd_analyze}, {NULL, NULL}};

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
  ierr = PetscInitialize(&argc, &argv, NULL, usage);
  if (ierr) return (int)ierr;
  PetscCall(PetscPushErrorHandler(app_error_handler, &err));
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
