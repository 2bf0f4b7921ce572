/* profile.c — registration of the PETSc log events (see profile.h). */
#include "latdiff/profile.h"

PetscLogEvent EV_HALO, EV_FORCE, EV_UPDATE, EV_REDUCE, EV_IO, EV_MEASURE, EV_FFT;

PetscErrorCode profile_register(void)
{
  PetscClassId cls;

  PetscFunctionBeginUser;
  if (EV_HALO) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscClassIdRegister("latdiff", &cls));
  PetscCall(PetscLogEventRegister("HaloExchange", cls, &EV_HALO));
  PetscCall(PetscLogEventRegister("Force", cls, &EV_FORCE));
  PetscCall(PetscLogEventRegister("FieldUpdate", cls, &EV_UPDATE));
  PetscCall(PetscLogEventRegister("Reduction", cls, &EV_REDUCE));
  PetscCall(PetscLogEventRegister("FileIO", cls, &EV_IO));
  PetscCall(PetscLogEventRegister("Measure", cls, &EV_MEASURE));
  PetscCall(PetscLogEventRegister("FFT", cls, &EV_FFT));
  PetscFunctionReturn(PETSC_SUCCESS);
}
