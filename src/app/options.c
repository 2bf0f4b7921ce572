/* options.c — the driver's option checks: schedule options, options no
 * verb read, the options echo and the banner (app.h). */
#include "app.h"
#include "latdiff/blas_kernels.h"

/* Options PETSc itself reads outside our parsing; never "unknown". */
static const char *const petsc_prefixes[] = {"help", "log_", "malloc", "options_", "on_error", "info", "history",
                                             "no_signal_handler", "fp_trap", "skip_petscrc", "check_pointer",
                                             "mpi_", "viewer_", "petsc", "debugger", "start_in_debugger", NULL};

const char *const prior_names[] = {"exact", "gaussian", "prior", "PRIOR_", NULL};
const char *const proposal_names[] = {"none", "independence", "proposal", "PROPOSAL_", NULL};

PetscErrorCode opt_schedule(PetscOptionItems *o, schedule *s)
{
  PetscEnum kind = (PetscEnum)s->kind;

  PetscFunctionBeginUser;
  PetscCall(opt_enum(o, "-schedule", "noise schedule", schedule_names, &kind));
  PetscCall(opt_real(o, "-sigma", "ve: g(t) = sigma^t", &s->sigma));
  PetscCall(opt_real(o, "-beta_min", "vp: beta(0)", &s->beta_min));
  PetscCall(opt_real(o, "-beta_max", "vp: beta(1)", &s->beta_max));
  PetscCall(opt_real(o, "-cosine_s", "cosine: the offset s of Nichol and Dhariwal (0: f = cos(pi t / 2))", &s->cosine_s));
  s->kind = (schedule_kind)kind;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode opt_adopt_schedule(const score_model *m, schedule *sched, double *tmax)
{
  PetscBool given, tmax_given;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-schedule", &given));
  PetscCheck(!given || sched->kind == m->sched.kind, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-schedule %s: the model was trained with the %s schedule", schedule_names[sched->kind],
             schedule_names[m->sched.kind]);
  for (int k = 0; k < 4; k++) {
    static const char *const names[] = {"-sigma", "-beta_min", "-beta_max", "-cosine_s"};
    const double mine[] = {sched->sigma, sched->beta_min, sched->beta_max, sched->cosine_s};
    const double theirs[] = {m->sched.sigma, m->sched.beta_min, m->sched.beta_max, m->sched.cosine_s};
    PetscCall(PetscOptionsHasName(NULL, NULL, names[k], &given));
    PetscCheck(!given || mine[k] == theirs[k], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "%s %g: the model was trained with %g", names[k], mine[k], theirs[k]);
  }
  *sched = m->sched;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-tmax", &tmax_given));
  if (!tmax_given) *tmax = sched->kind == SCHEDULE_COSINE ? 0.995 : 1.0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the sections an options file may hold for `latdiff run` (cmd_run.c):
 * every verb run alone on that file leaves them to run */
static const char *const run_sections[] = {"test_", "train_", "gen_", "analyze_", NULL};

PetscErrorCode options_check_unused(const char *verb)
{
  PetscInt n;
  char **names, **values;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    PetscBool petsc = PETSC_FALSE;
    for (int k = 0; petsc_prefixes[k]; k++) {
      size_t len = strlen(petsc_prefixes[k]);
      if (!strncmp(names[i], petsc_prefixes[k], len)) petsc = PETSC_TRUE;
    }
    for (int k = 0; run_sections[k]; k++)
      if (!strncmp(names[i], run_sections[k], strlen(run_sections[k]))) petsc = PETSC_TRUE;
    PetscCheck(petsc, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "unknown option -%s for 'latdiff %s' (misspelt, or an option of another verb); 'latdiff %s -help' lists them",
               names[i], verb, verb);
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_echo(char **out)
{
  char *all;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  *out = all;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode log_banner(const char *verb)
{
  char *all;
  int size;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(options_echo(&all));
  char blas[160];
  blas_kernels_name(blas, sizeof blas);
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "latdiff %s %s (commit %s) on %d rank%s; OpenBLAS kernels %s\noptions:%s\n",
                       verb, latdiff_version(), latdiff_git_commit(), size, size == 1 ? "" : "s", blas, all));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(PETSC_SUCCESS);
}
