/* options.c — option parsing with messages that name the option (app.h). */
#include "app.h"
#include "latdiff/h5.h" /* file_exists */

#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* Options PETSc itself reads outside our parsing; never "unknown". */
static const char *const petsc_prefixes[] = {"help", "log_", "malloc", "options_", "on_error", "info", "history",
                                             "no_signal_handler", "fp_trap", "skip_petscrc", "check_pointer",
                                             "mpi_", "viewer_", "petsc", "debugger", "start_in_debugger", NULL};

static PetscErrorCode raw(const char *name, char *buf, size_t len, PetscBool *set)
{
  return PetscOptionsGetString(NULL, NULL, name, buf, len, set);
}

static PetscBool all_of(const char *s, PetscBool real)
{
  char *end;
  if (!*s) return PETSC_FALSE;
  while (1) {
    errno = 0;
    if (real) {
      double v = strtod(s, &end);
      if (!isfinite(v)) return PETSC_FALSE;
    } else {
      long v = strtol(s, &end, 10);
      if (v > PETSC_MAX_INT || v < PETSC_MIN_INT) return PETSC_FALSE;
    }
    if (end == s || errno) return PETSC_FALSE;
    if (*end == 0) return PETSC_TRUE;
    if (*end != ',') return PETSC_FALSE;
    s = end + 1;
  }
}

static PetscErrorCode validate(const char *name, PetscBool real, PetscBool list)
{
  char buf[4096];
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(raw(name, buf, sizeof buf, &set));
  if (!set) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(buf[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s: a value is required", name);
  PetscCheck(all_of(buf, real) && (list || !strchr(buf, ',')), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "%s: '%s' is not %s", name, buf,
             list ? (real ? "a comma-separated list of numbers" : "a comma-separated list of integers")
                  : (real ? "a finite number" : "an integer"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode opt_int(PetscOptionItems *o, const char *name, const char *help, int lo, int *v)
{
  PetscInt x = *v;

  PetscFunctionBeginUser;
  PetscCall(validate(name, PETSC_FALSE, PETSC_FALSE));
  PetscCall(PetscOptionsInt_Private(o, name, help, "latdiff", x, &x, NULL, PETSC_MIN_INT, PETSC_MAX_INT));
  PetscCheck(x >= lo, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s: %d is out of range; it must be at least %d", name,
             (int)x, lo);
  *v = (int)x;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode opt_real(PetscOptionItems *o, const char *name, const char *help, double *v)
{
  PetscFunctionBeginUser;
  PetscCall(validate(name, PETSC_TRUE, PETSC_FALSE));
  PetscCall(PetscOptionsReal_Private(o, name, help, "latdiff", *v, v, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode opt_ints(PetscOptionItems *o, const char *name, const char *help, int max, int *v, int *n,
                        PetscBool *set)
{
  PetscInt buf[16], nn = max;

  PetscFunctionBeginUser;
  PetscCall(validate(name, PETSC_FALSE, PETSC_TRUE));
  {
    char s[4096];
    PetscBool given;
    int count = 1;
    PetscCall(raw(name, s, sizeof s, &given));
    for (char *c = s; given && *c; c++) count += *c == ',';
    PetscCheck(!given || count <= max, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "%s: %d values given; at most %d are allowed", name, count, max);
  }
  for (int i = 0; i < max; i++) buf[i] = v[i];
  PetscCall(PetscOptionsIntArray_Private(o, name, help, "latdiff", buf, &nn, set));
  if (*set) {
    for (int i = 0; i < nn; i++) v[i] = (int)buf[i];
    *n = (int)nn;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode opt_reals(PetscOptionItems *o, const char *name, const char *help, int max, double *v, PetscInt *n,
                         PetscBool *set)
{
  PetscFunctionBeginUser;
  PetscCall(validate(name, PETSC_TRUE, PETSC_TRUE));
  *n = max;
  PetscCall(PetscOptionsRealArray_Private(o, name, help, "latdiff", v, n, set));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode opt_seed(PetscOptionItems *o, const char *name, const char *help, uint64_t *v)
{
  char buf[64], def[32], *end;
  PetscBool set;

  PetscFunctionBeginUser;
  snprintf(def, sizeof def, "%llu", (unsigned long long)*v);
  PetscCall(PetscOptionsString_Private(o, name, help, "latdiff", def, buf, sizeof buf, &set));
  if (set) {
    errno = 0;
    unsigned long long x = strtoull(buf, &end, 10);
    PetscCheck(buf[0] && *end == 0 && !errno && buf[0] != '-', PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "%s: '%s' is not a non-negative integer", name, buf);
    *v = (uint64_t)x;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode opt_schedule(PetscOptionItems *o, schedule *s)
{
  PetscEnum kind = (PetscEnum)s->kind;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsEnum_Private(o, "-schedule", "noise schedule", "latdiff", schedule_names, kind, &kind, NULL));
  PetscCall(opt_real(o, "-sigma", "ve: g(t) = sigma^t", &s->sigma));
  PetscCall(opt_real(o, "-beta_min", "vp: beta(0)", &s->beta_min));
  PetscCall(opt_real(o, "-beta_max", "vp: beta(1)", &s->beta_max));
  s->kind = (schedule_kind)kind;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_check_output(const char *option, const char *path, PetscBool force)
{
  PetscFunctionBeginUser;
  PetscCheck(force || !file_exists(path), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "%s: %s exists; choose another name or add -force to overwrite it", option, path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

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
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "latdiff %s %s (commit %s) on %d rank%s\noptions:%s\n", verb,
                       latdiff_version(), latdiff_git_commit(), size, size == 1 ? "" : "s", all));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(PETSC_SUCCESS);
}
