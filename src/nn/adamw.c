/* adamw.c — AdamW over the flat parameter buffer (nn_adamw.h). */
#include "latdiff/nn_adamw.h"
#include "latdiff/profile.h"

#include <math.h>

PetscErrorCode nn_adamw_create(int64_t n, double lr, nn_adamw **out)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(out));
  **out = (nn_adamw){.lr = lr, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0};
  PetscCall(PetscCalloc2((size_t)n, &(*out)->m, (size_t)n, &(*out)->v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_adamw_destroy(nn_adamw **a)
{
  PetscFunctionBeginUser;
  if (!*a) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree2((*a)->m, (*a)->v));
  PetscCall(PetscFree(*a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void nn_adamw_step(nn_adamw *a, double lr_now, int64_t n, double *p, const double *g)
{
  LOG_BEGIN(EV_OPTIMIZER);
  a->step++;
  const double c1 = 1 - pow(a->beta1, (double)a->step), c2 = 1 - pow(a->beta2, (double)a->step);
  for (int64_t i = 0; i < n; i++) {
    a->m[i] = a->beta1 * a->m[i] + (1 - a->beta1) * g[i];
    a->v[i] = a->beta2 * a->v[i] + (1 - a->beta2) * g[i] * g[i];
    p[i] -= lr_now * ((a->m[i] / c1) / (sqrt(a->v[i] / c2) + a->eps) + a->weight_decay * p[i]);
  }
  LOG_END(EV_OPTIMIZER);
}
