/* options.c — option parsing with messages that name the option
 * (latdiff/options.h). */
#include "latdiff/options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

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

PetscErrorCode opt_enum(PetscOptionItems *o, const char *name, const char *help, const char *const *list, PetscEnum *v)
{
  char buf[256], allowed[512] = "";
  PetscBool set, found = PETSC_FALSE;
  int n = 0;

  PetscFunctionBeginUser;
  while (list[n]) n++;
  n -= 2; /* PETSc's lists end with the type name and the prefix (then NULL) */
  PetscCall(raw(name, buf, sizeof buf, &set));
  for (int k = 0; set && k < n; k++) {
    PetscBool same;
    PetscCall(PetscStrcasecmp(buf, list[k], &same));
    if (same) found = PETSC_TRUE;
    PetscCall(PetscStrlcat(allowed, k ? (k + 1 == n ? " or " : ", ") : "", sizeof allowed));
    PetscCall(PetscStrlcat(allowed, list[k], sizeof allowed));
  }
  PetscCheck(!set || found, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s: '%s' is not one of %s", name, buf, allowed);
  PetscCall(PetscOptionsEnum_Private(o, name, help, "latdiff", list, *v, v, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the number of comma-separated values of an option (0 if not given) */
static PetscErrorCode count_values(const char *name, int *n)
{
  const char *value = NULL;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsFindPair(NULL, NULL, name, &value, &set));
  *n = set && value && value[0];
  for (const char *c = set && value ? value : ""; *c; c++) *n += *c == ',';
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode opt_reals_any(PetscOptionItems *o, const char *name, const char *help, double **v, int *n,
                             PetscBool *set)
{
  int count;
  PetscInt got;

  PetscFunctionBeginUser;
  PetscCall(validate(name, PETSC_TRUE, PETSC_TRUE));
  PetscCall(count_values(name, &count));
  if (count == 0) { /* register it for -help with the defaults (an empty list: no array for PETSc to print) */
    double none = 0;
    got = *n;
    PetscCall(PetscOptionsRealArray_Private(o, name, help, "latdiff", *n ? *v : &none, &got, set));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscFree(*v));
  PetscCall(PetscMalloc1(count, v));
  got = count;
  PetscCall(PetscOptionsRealArray_Private(o, name, help, "latdiff", *v, &got, set));
  PetscCheck(got == count, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s: %d values given but %d read", name, count,
             (int)got);
  *n = count;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode opt_strings_any(PetscOptionItems *o, const char *name, const char *help, char ***v, int *n)
{
  int count;
  PetscInt got;

  PetscFunctionBeginUser;
  PetscCall(count_values(name, &count));
  PetscCall(PetscCalloc1(count + 1, v));
  got = count;
  PetscCall(PetscOptionsStringArray_Private(o, name, help, "latdiff", *v, &got, NULL));
  PetscCheck(got == count, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s: %d values given but %d read", name, count,
             (int)got);
  for (int k = 0; k < count; k++)
    PetscCheck((*v)[k] && (*v)[k][0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s: value %d is empty", name, k + 1);
  *n = count;
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

