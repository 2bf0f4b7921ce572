/* h5.c — checked parallel-HDF5 helpers (h5.h). */
#include "latdiff/h5.h"

#include <unistd.h>

static hid_t mpio_access(MPI_Comm comm)
{
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0) H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  return fapl;
}

PetscErrorCode h5_create(MPI_Comm comm, const char *path, hid_t *file)
{
  hid_t fapl;

  PetscFunctionBeginUser;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* we report errors ourselves */
  H5CALL(fapl = mpio_access(comm));
  *file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  PetscCheck(*file >= 0, comm, PETSC_ERR_FILE_OPEN, "cannot create %s: check that its directory exists and is writable",
             path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode h5_open(MPI_Comm comm, const char *path, PetscBool writable, hid_t *file)
{
  hid_t fapl;

  PetscFunctionBeginUser;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  PetscCheck(file_exists(path), comm, PETSC_ERR_FILE_OPEN, "%s: no such file", path);
  PetscCheck(H5Fis_hdf5(path) > 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: not a readable HDF5 file (truncated, or not HDF5)", path);
  H5CALL(fapl = mpio_access(comm));
  *file = H5Fopen(path, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  PetscCheck(*file >= 0, comm, PETSC_ERR_FILE_OPEN, "%s: cannot open the HDF5 file (truncated or damaged?)", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode h5_close(hid_t *file)
{
  PetscFunctionBeginUser;
  if (*file >= 0) H5CALL(H5Fclose(*file));
  *file = -1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode put(hid_t obj, const char *name, hid_t type, hid_t space, const void *v)
{
  hid_t a;

  PetscFunctionBeginUser;
  if (H5Aexists(obj, name) > 0) H5CALL(H5Adelete(obj, name));
  H5CALL(a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
  H5CALL(H5Awrite(a, type, v));
  H5CALL(H5Aclose(a));
  H5CALL(H5Sclose(space));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode h5_attr_put_double(hid_t obj, const char *name, double v)
{
  return put(obj, name, H5T_NATIVE_DOUBLE, H5Screate(H5S_SCALAR), &v);
}

PetscErrorCode h5_attr_put_int(hid_t obj, const char *name, int64_t v)
{
  return put(obj, name, H5T_NATIVE_INT64, H5Screate(H5S_SCALAR), &v);
}

PetscErrorCode h5_attr_put_ints(hid_t obj, const char *name, int n, const int *v)
{
  hsize_t dim = (hsize_t)n;
  return put(obj, name, H5T_NATIVE_INT, H5Screate_simple(1, &dim, NULL), v);
}

PetscErrorCode h5_attr_put_string(hid_t obj, const char *name, const char *v)
{
  hid_t t;

  PetscFunctionBeginUser;
  H5CALL(t = H5Tcopy(H5T_C_S1));
  H5CALL(H5Tset_size(t, strlen(v) + 1));
  PetscCall(put(obj, name, t, H5Screate(H5S_SCALAR), v));
  H5CALL(H5Tclose(t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode open_attr(hid_t obj, const char *path, const char *name, hid_t *a)
{
  PetscFunctionBeginUser;
  PetscCheck(H5Aexists(obj, name) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: attribute '%s' is missing; not a latdiff file, or written by an incompatible version", path, name);
  H5CALL(*a = H5Aopen(obj, name, H5P_DEFAULT));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode get_scalar(hid_t obj, const char *path, const char *name, hid_t type, void *v)
{
  hid_t a;

  PetscFunctionBeginUser;
  PetscCall(open_attr(obj, path, name, &a));
  H5CALL(H5Aread(a, type, v));
  H5CALL(H5Aclose(a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode h5_attr_get_double(hid_t obj, const char *path, const char *name, double *v)
{
  return get_scalar(obj, path, name, H5T_NATIVE_DOUBLE, v);
}

PetscErrorCode h5_attr_get_int(hid_t obj, const char *path, const char *name, int64_t *v)
{
  return get_scalar(obj, path, name, H5T_NATIVE_INT64, v);
}

PetscErrorCode h5_attr_get_ints(hid_t obj, const char *path, const char *name, int max, int *n, int *v)
{
  hid_t a, space;
  hssize_t npts;

  PetscFunctionBeginUser;
  PetscCall(open_attr(obj, path, name, &a));
  H5CALL(space = H5Aget_space(a));
  npts = H5Sget_simple_extent_npoints(space);
  H5CALL(H5Sclose(space));
  PetscCheck(npts >= 1 && npts <= max, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: attribute '%s' has %lld entries, expected 1 to %d", path, name, (long long)npts, max);
  H5CALL(H5Aread(a, H5T_NATIVE_INT, v));
  H5CALL(H5Aclose(a));
  *n = (int)npts;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode h5_attr_get_string(hid_t obj, const char *path, const char *name, size_t len, char *v)
{
  hid_t a, ftype, t;

  PetscFunctionBeginUser;
  PetscCall(open_attr(obj, path, name, &a));
  H5CALL(ftype = H5Aget_type(a));
  size_t n = H5Tget_size(ftype);
  H5CALL(H5Tclose(ftype));
  char *buf;
  PetscCall(PetscMalloc1(n + 1, &buf));
  H5CALL(t = H5Tcopy(H5T_C_S1));
  H5CALL(H5Tset_size(t, n));
  H5CALL(H5Aread(a, t, buf));
  buf[n] = 0;
  PetscCall(PetscStrncpy(v, buf, len));
  PetscCall(PetscFree(buf));
  H5CALL(H5Tclose(t));
  H5CALL(H5Aclose(a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode h5_write_doubles(hid_t loc, const char *name, int rank, const hsize_t *dims, const double *data)
{
  hid_t space, ds;

  PetscFunctionBeginUser;
  H5CALL(space = H5Screate_simple(rank, dims, NULL));
  H5CALL(ds = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5CALL(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
  H5CALL(H5Dclose(ds));
  H5CALL(H5Sclose(space));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool file_exists(const char *path) { return access(path, F_OK) == 0 ? PETSC_TRUE : PETSC_FALSE; }

PetscErrorCode file_commit(MPI_Comm comm, const char *from, const char *to)
{
  int rank, ok = 1;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Barrier(comm));
  MPICHECK(MPI_Comm_rank(comm, &rank));
  if (rank == 0) ok = rename(from, to) == 0;
  MPICHECK(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "cannot rename %s to %s", from, to);
  PetscFunctionReturn(PETSC_SUCCESS);
}
