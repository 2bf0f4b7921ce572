/* options.h — reading options from PETSc's database with messages that
 * name the option and what is wrong ("-ntraj: 'ten' is not an integer",
 * "-integrator: 'leepfrog' is not one of leapfrog or omelyan"). Any layer
 * that has options uses these, between PetscOptionsBegin/End. None is
 * collective; every rank sees the same options, so an error is raised on
 * PETSC_COMM_WORLD. */
#ifndef LATDIFF_OPTIONS_H
#define LATDIFF_OPTIONS_H

#include "latdiff/base.h"

/* Option helpers for use between PetscOptionsBegin/End. Each validates the
 * raw text first, so "-ntraj ten" says "-ntraj: 'ten' is not an integer",
 * then registers the option for -help. */
PetscErrorCode opt_int(PetscOptionItems *o, const char *name, const char *help, int lo, int *v);
PetscErrorCode opt_real(PetscOptionItems *o, const char *name, const char *help, double *v);
PetscErrorCode opt_ints(PetscOptionItems *o, const char *name, const char *help, int max, int *v, int *n, PetscBool *set);
/* One of the names in a PETSc enum list; a typo lists the allowed ones. */
PetscErrorCode opt_enum(PetscOptionItems *o, const char *name, const char *help, const char *const *list, PetscEnum *v);
/* Lists of any length: *v is (re)allocated with PetscMalloc to hold all
 * the values given (freed by the caller); *n is their count. */
PetscErrorCode opt_reals_any(PetscOptionItems *o, const char *name, const char *help, double **v, int *n,
                             PetscBool *set);
PetscErrorCode opt_strings_any(PetscOptionItems *o, const char *name, const char *help, char ***v, int *n);
PetscErrorCode opt_seed(PetscOptionItems *o, const char *name, const char *help, uint64_t *v);

#endif
