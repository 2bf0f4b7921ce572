/* h5.h — small checked wrappers around parallel HDF5 used by the io layer.
 * H5CALL turns a negative HDF5 return into a PETSc error; attribute
 * helpers read and write scalars, arrays and strings on an object. */
#ifndef LATDIFF_H5_H
#define LATDIFF_H5_H

#include "latdiff/base.h"

#include <hdf5.h>

#define H5CALL(call)                                                                   \
  do {                                                                                  \
    if ((call) < 0) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 call failed: %s", #call); \
  } while (0)

/* Open or create a file for all ranks of comm (MPI-IO driver). create:
 * truncate; else open read-only or read-write. Errors name the path. */
PetscErrorCode h5_create(MPI_Comm comm, const char *path, hid_t *file);
PetscErrorCode h5_open(MPI_Comm comm, const char *path, PetscBool writable, hid_t *file);
PetscErrorCode h5_close(hid_t *file);

PetscErrorCode h5_attr_put_double(hid_t obj, const char *name, double v);
PetscErrorCode h5_attr_put_int(hid_t obj, const char *name, int64_t v);
PetscErrorCode h5_attr_put_ints(hid_t obj, const char *name, int n, const int *v);
PetscErrorCode h5_attr_put_string(hid_t obj, const char *name, const char *v);

/* Readers fail with a message naming the file and the attribute. */
PetscErrorCode h5_attr_get_double(hid_t obj, const char *path, const char *name, double *v);
PetscErrorCode h5_attr_get_int(hid_t obj, const char *path, const char *name, int64_t *v);
PetscErrorCode h5_attr_get_ints(hid_t obj, const char *path, const char *name, int max, int *n, int *v);
PetscErrorCode h5_attr_get_string(hid_t obj, const char *path, const char *name, size_t len, char *v);

/* A float64 dataset of the given shape, written by the calling rank alone. */
PetscErrorCode h5_write_doubles(hid_t loc, const char *name, int rank, const hsize_t *dims, const double *data);

/* Rename `from` to `to` on rank 0 after every rank has closed the file. */
PetscErrorCode file_commit(MPI_Comm comm, const char *from, const char *to);
PetscBool file_exists(const char *path);

#endif
