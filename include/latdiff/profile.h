/* profile.h — PETSc log events, so that -log_view shows where time goes.
 * These ids are the one kind of global latdiff keeps: PETSc's logging
 * registry is global by design. profile_register() is called once by the
 * driver (and by tests) after PetscInitialize; before that the ids are 0
 * and logging calls are no-ops. */
#ifndef LATDIFF_PROFILE_H
#define LATDIFF_PROFILE_H

#include "latdiff/base.h"

extern PetscLogEvent EV_HALO, EV_FORCE, EV_UPDATE, EV_REDUCE, EV_IO, EV_MEASURE, EV_FFT;

PetscErrorCode profile_register(void);

#endif
