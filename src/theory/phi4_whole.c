/* phi4_whole.c — phi^4 on whole configurations on one rank (phi4_whole.h). */
#include "latdiff/phi4_whole.h"

PetscErrorCode phi4_whole_create(int d, const int *L, double kappa, double lambda, phi4_whole **out)
{
  phi4_whole *w;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&w));
  PetscCall(lattice_create(PETSC_COMM_SELF, d, L, NULL, 1, &w->lat));
  PetscCall(phi4_create(w->lat, kappa, lambda, &w->th));
  PetscCall(PetscCalloc1((size_t)lattice_field_size(w->lat), &w->field));
  PetscCall(halo_create(w->lat, w->field, &w->h));
  *out = w;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode phi4_whole_action(phi4_whole *w, int64_t nb, const double *x, double *S)
{
  const int64_t V = w->lat->V;

  PetscFunctionBeginUser;
  for (int64_t b = 0; b < nb; b++) {
    PetscCall(PetscArraycpy(w->field, x + b * V, V));
    PetscCall(phi4_action(w->th, w->h, w->field, &S[b]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode phi4_whole_score(phi4_whole *w, int64_t nb, const double *x, double *s)
{
  const int64_t V = w->lat->V;

  PetscFunctionBeginUser;
  for (int64_t b = 0; b < nb; b++) {
    PetscCall(PetscArraycpy(w->field, x + b * V, V));
    PetscCall(PetscArrayzero(s + b * V, V));
    PetscCall(phi4_force_add(w->th, w->h, w->field, 1.0, s + b * V));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode phi4_whole_destroy(phi4_whole **wp)
{
  PetscFunctionBeginUser;
  if (!*wp) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(halo_destroy(&(*wp)->h));
  PetscCall(phi4_destroy(&(*wp)->th));
  PetscCall(PetscFree((*wp)->field));
  PetscCall(lattice_destroy(&(*wp)->lat));
  PetscCall(PetscFree(*wp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
