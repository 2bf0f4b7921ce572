/* theory.c — the registry of theories (theory.h). */
#include "latdiff/theory.h"
#include "latdiff/phi4_whole.h"

/* process-wide, like PETSc's type lists; the built-ins on first use */
#define MAX_THEORIES 16
static theory_kind registry[MAX_THEORIES];
static int ntheories = 0;

static void register_builtin(void);

PetscErrorCode theory_register(const theory_kind *kind)
{
  PetscFunctionBeginUser;
  register_builtin();
  for (int k = 0; k < ntheories; k++)
    if (!strcmp(registry[k].name, kind->name)) {
      registry[k] = *kind;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  PetscCheck(ntheories < MAX_THEORIES, PETSC_COMM_SELF, PETSC_ERR_PLIB, "theory_register: too many theories");
  registry[ntheories++] = *kind;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -dS/dphi of phi^4 on whole configurations */
static PetscErrorCode phi4_field_score(int d, const int *L, double kappa, double lambda, int64_t n, const double *x,
                                       double *s)
{
  phi4_whole *w;

  PetscFunctionBeginUser;
  PetscCall(phi4_whole_create(d, L, kappa, lambda, &w));
  PetscCall(phi4_whole_score(w, n, x, s));
  PetscCall(phi4_whole_destroy(&w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void register_builtin(void)
{
  static const theory_kind builtin[] = {
    {THEORY_PHI4, PETSC_TRUE, PETSC_TRUE, phi4_field_score},
    {"twopeak", PETSC_FALSE, PETSC_FALSE, NULL},
    {"gauss25", PETSC_FALSE, PETSC_FALSE, NULL},
    {"swissroll", PETSC_FALSE, PETSC_FALSE, NULL},
  };
  if (ntheories) return;
  for (size_t k = 0; k < sizeof builtin / sizeof builtin[0]; k++) registry[ntheories++] = builtin[k];
}

const theory_kind *theory_get(const char *name)
{
  register_builtin();
  for (int k = 0; k < ntheories; k++)
    if (!strcmp(registry[k].name, name)) return &registry[k];
  return NULL;
}

PetscBool theory_is_lattice(const char *name)
{
  const theory_kind *t = theory_get(name);
  return t && t->lattice ? PETSC_TRUE : PETSC_FALSE;
}
