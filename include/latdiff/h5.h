/* h5.h — small checked wrappers around parallel HDF5 used by the io layer.
 * H5CALL turns a negative HDF5 return into a PETSc error; attribute
 * helpers read and write scalars, arrays and strings on an object. */
#ifndef LATDIFF_H5_H
#define LATDIFF_H5_H

#include "latdiff/base.h"

#include <hdf5.h>

#define H5CALL(call)                                                                   \
  do {                                                                                  \
    if ((call) < 0) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5: %s failed: %s", #call, h5_error_text()); \
  } while (0)

/* Open or create a file for all ranks of comm (MPI-IO driver). create:
 * truncate; else open read-only or read-write. Errors name the path. */
PetscErrorCode h5_create(MPI_Comm comm, const char *path, hid_t *file);
PetscErrorCode h5_open(MPI_Comm comm, const char *path, PetscBool writable, hid_t *file);
PetscErrorCode h5_close(hid_t *file);
/* A file one rank builds whole in memory (HDF5's core driver) and then
 * writes to `path` with plain write(2) and fsync: a disk that fills fails
 * that write with the system's reason, and HDF5 never holds a file it
 * cannot close (models: a failed flush of an open file crashed in
 * MPI_Finalize). h5_image_write closes the image whether or not the write
 * succeeds, and removes a partial `path`. */
PetscErrorCode h5_image_create(hid_t *file);
PetscErrorCode h5_image_write(hid_t *file, const char *path);

PetscErrorCode h5_attr_put_double(hid_t obj, const char *name, double v);
PetscErrorCode h5_attr_put_int(hid_t obj, const char *name, int64_t v);
PetscErrorCode h5_attr_put_ints(hid_t obj, const char *name, int n, const int *v);
PetscErrorCode h5_attr_put_string(hid_t obj, const char *name, const char *v);

/* Readers fail with a message naming the file, the attribute and what is
 * wrong with it (missing, of another type, of another length). Integers
 * read as doubles; strings may be fixed or variable length (h5py). */
PetscErrorCode h5_attr_get_double(hid_t obj, const char *path, const char *name, double *v);
PetscErrorCode h5_attr_get_int(hid_t obj, const char *path, const char *name, int64_t *v);
PetscErrorCode h5_attr_get_ints(hid_t obj, const char *path, const char *name, int max, int *n, int *v);
PetscErrorCode h5_attr_get_string(hid_t obj, const char *path, const char *name, size_t len, char *v);

/* Copy every attribute of src that dst lacks (not collective). */
PetscErrorCode h5_attrs_copy(hid_t src, hid_t dst);

/* A float64 dataset of the given shape, written by the calling rank alone. */
PetscErrorCode h5_write_doubles(hid_t loc, const char *name, int rank, const hsize_t *dims, const double *data);
/* The same stored as float32 (rounded to nearest by HDF5's conversion). */
PetscErrorCode h5_write_doubles_as_floats(hid_t loc, const char *name, int rank, const hsize_t *dims, const double *data);

/* The reason of HDF5's latest failure, e.g. "No space left on device"
 * (static text, like strerror). */
const char *h5_error_text(void);
/* The reason a write to `path` failed: a full file system says so (MPI-IO
 * drops the system's words), else h5_error_text(). */
const char *h5_write_error(const char *path);
/* Flush a file; the error names the path and the reason. */
PetscErrorCode h5_flush(hid_t file, const char *path);
/* Close every HDF5 object still open: the error path before MPI ends. */
void h5_close_all(void);

/* Rename `from` to `to` on rank 0 after every rank has closed the file. */
PetscErrorCode file_commit(MPI_Comm comm, const char *from, const char *to);
PetscBool file_exists(const char *path);

#endif
