/* h5.c — checked parallel-HDF5 helpers (h5.h). */
#include "latdiff/h5.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <sys/statvfs.h>

#include <unistd.h>

/* The reason HDF5 gives for the latest failure: the innermost message of
 * its error stack, or the system's words where it quotes them ("No space
 * left on device"). Like strerror, the text lives in a static buffer. */
static herr_t keep_innermost(unsigned n, const H5E_error2_t *e, void *buf)
{
  (void)n;
  if (e->desc && e->desc[0]) snprintf((char *)buf, 256, "%s", e->desc);
  return 0;
}

const char *h5_error_text(void)
{
  static char text[256];
  char *q;

  text[0] = 0;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_innermost, text);
  if ((q = strstr(text, "error message = '"))) {
    char *start = q + strlen("error message = '"), *end = strchr(start, '\'');
    if (end) *end = 0;
    memmove(text, start, strlen(start) + 1);
  }
  if (!text[0]) snprintf(text, sizeof text, "unknown HDF5 error");
  return text;
}

/* MPI-IO reports a short write without the system's reason: where the
 * file system of `path` is (nearly) full, that is the reason. */
const char *h5_write_error(const char *path)
{
  static char text[320];
  char dir[PETSC_MAX_PATH_LEN];
  struct statvfs fs;

  snprintf(dir, sizeof dir, "%s", path);
  if (statvfs(dirname(dir), &fs) == 0 && (double)fs.f_bavail * (double)fs.f_frsize < 1048576.0) {
    snprintf(text, sizeof text, "No space left on device (%.0f KB free)", (double)fs.f_bavail * (double)fs.f_frsize / 1024);
    return text;
  }
  return h5_error_text();
}

PetscErrorCode h5_flush(hid_t file, const char *path)
{
  PetscFunctionBeginUser;
  PetscCheck(H5Fflush(file, H5F_SCOPE_GLOBAL) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: cannot write: %s", path,
             h5_write_error(path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void h5_close_all(void)
{
  const ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (n <= 0) return;
  hid_t *ids = malloc((size_t)n * sizeof *ids);
  if (!ids) return;
  const ssize_t got = H5Fget_obj_ids(H5F_OBJ_ALL, H5F_OBJ_ALL, (size_t)n, ids);
  /* objects inside files first, then the files */
  for (int files = 0; files < 2; files++)
    for (ssize_t k = 0; k < got; k++) {
      const H5I_type_t t = H5Iget_type(ids[k]);
      if (t == H5I_BADID) continue;
      if (!files && t == H5I_DATASET) H5Dclose(ids[k]);
      else if (!files && t == H5I_GROUP) H5Gclose(ids[k]);
      else if (!files && t == H5I_ATTR) H5Aclose(ids[k]);
      else if (!files && t == H5I_DATATYPE) H5Tclose(ids[k]);
      else if (files && t == H5I_FILE) H5Fclose(ids[k]);
    }
  free(ids);
}

/* MPI-IO for a file shared by ranks; the POSIX driver for a file one rank
 * writes alone (models, checkpoints): a write that fails there (a full
 * disk) leaves no MPI-IO handle for HDF5 to close inside MPI_Finalize,
 * where it crashed */
static hid_t mpio_access(MPI_Comm comm)
{
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  int same = MPI_UNEQUAL;
  MPI_Comm_compare(comm, PETSC_COMM_SELF, &same);
  if (fapl >= 0 && same != MPI_IDENT) H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
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
  PetscCheck(*file >= 0, comm, PETSC_ERR_FILE_OPEN, "cannot create %s: %s", path, h5_write_error(path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode h5_open(MPI_Comm comm, const char *path, PetscBool writable, hid_t *file)
{
  hid_t fapl;

  PetscFunctionBeginUser;
  int rank, state = 0; /* 0 fine, 1 missing, 2 not HDF5: decided once, on rank 0 */
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  MPICHECK(MPI_Comm_rank(comm, &rank));
  if (rank == 0) state = !file_exists(path) ? 1 : H5Fis_hdf5(path) > 0 ? 0 : 2;
  MPICHECK(MPI_Bcast(&state, 1, MPI_INT, 0, comm));
  PetscCheck(state != 1, comm, PETSC_ERR_FILE_OPEN, "%s: no such file", path);
  PetscCheck(state != 2, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: not a readable HDF5 file (truncated, or not HDF5)", path);
  H5CALL(fapl = mpio_access(comm));
  *file = H5Fopen(path, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  PetscCheck(*file >= 0, comm, PETSC_ERR_FILE_OPEN, "%s: cannot open the HDF5 file (truncated or damaged?)", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode h5_image_create(hid_t *file)
{
  hid_t fapl;

  PetscFunctionBeginUser;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  H5CALL(fapl = H5Pcreate(H5P_FILE_ACCESS));
  H5CALL(H5Pset_fapl_core(fapl, (size_t)1 << 20, 0)); /* grow by 1 MB; no backing file */
  *file = H5Fcreate("latdiff-image", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  PetscCheck(*file >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "cannot build an HDF5 file in memory: %s", h5_error_text());
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the whole buffer to fd; the system's reason on failure (0 on success) */
static int write_all(int fd, const char *buf, size_t n)
{
  while (n > 0) {
    const ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return w < 0 ? errno : ENOSPC;
    buf += w;
    n -= (size_t)w;
  }
  return fsync(fd) ? errno : 0;
}

PetscErrorCode h5_image_write(hid_t *file, const char *path)
{
  ssize_t size;
  char *buf = NULL;
  int err = 0, fd;

  PetscFunctionBeginUser;
  if (H5Fflush(*file, H5F_SCOPE_GLOBAL) < 0 || (size = H5Fget_file_image(*file, NULL, 0)) <= 0 ||
      !(buf = malloc((size_t)size)) || H5Fget_file_image(*file, buf, (size_t)size) != size) {
    free(buf);
    H5Fclose(*file);
    *file = -1;
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_MEM, "%s: cannot build the file in memory: %s", path, h5_error_text());
  }
  H5Fclose(*file); /* memory only: cannot fail on the disk */
  *file = -1;
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) err = errno;
  else {
    err = write_all(fd, buf, (size_t)size);
    if (close(fd) && !err) err = errno;
    if (err) unlink(path);
  }
  free(buf);
  PetscCheck(!err, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: cannot write: %s", path, strerror(err));
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

/* Open attribute `name` of a type class that can be read as `want`
 * (numbers convert into each other; strings may be fixed or variable
 * length, as h5py writes them), holding 1 to max values. */
static PetscErrorCode open_attr(hid_t obj, const char *path, const char *name, H5T_class_t want, int max, hid_t *a,
                                int *npts)
{
  static const char *const what[] = {"an integer", "a number", "", "a string"};
  hid_t type, space;

  PetscFunctionBeginUser;
  PetscCheck(H5Aexists(obj, name) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: attribute '%s' is missing; not a latdiff file, or written by an incompatible version", path, name);
  H5CALL(*a = H5Aopen(obj, name, H5P_DEFAULT));
  H5CALL(type = H5Aget_type(*a));
  const H5T_class_t cls = H5Tget_class(type);
  H5CALL(H5Tclose(type));
  const PetscBool ok = cls == want || (want == H5T_FLOAT && cls == H5T_INTEGER);
  H5CALL(space = H5Aget_space(*a));
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  H5CALL(H5Sclose(space));
  if (!ok || n < 1 || n > max) H5Aclose(*a);
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: attribute '%s' is not %s", path, name,
             what[want == H5T_STRING ? 3 : want == H5T_FLOAT ? 1 : 0]);
  PetscCheck(n >= 1 && n <= max, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: attribute '%s' has %lld values, expected %s%d", path, name, (long long)n, max > 1 ? "1 to " : "",
             max);
  *npts = (int)n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode get_numbers(hid_t obj, const char *path, const char *name, H5T_class_t cls, hid_t mem, int max,
                                  int *n, void *v)
{
  hid_t a;
  int npts;

  PetscFunctionBeginUser;
  PetscCall(open_attr(obj, path, name, cls, max, &a, &npts));
  PetscCheck(H5Aread(a, mem, v) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read attribute '%s': %s", path,
             name, h5_error_text());
  H5CALL(H5Aclose(a));
  if (n) *n = npts;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode h5_attr_get_double(hid_t obj, const char *path, const char *name, double *v)
{
  return get_numbers(obj, path, name, H5T_FLOAT, H5T_NATIVE_DOUBLE, 1, NULL, v);
}

PetscErrorCode h5_attr_get_int(hid_t obj, const char *path, const char *name, int64_t *v)
{
  return get_numbers(obj, path, name, H5T_INTEGER, H5T_NATIVE_INT64, 1, NULL, v);
}

PetscErrorCode h5_attr_get_ints(hid_t obj, const char *path, const char *name, int max, int *n, int *v)
{
  return get_numbers(obj, path, name, H5T_INTEGER, H5T_NATIVE_INT, max, n, v);
}

PetscErrorCode h5_attr_get_string(hid_t obj, const char *path, const char *name, size_t len, char *v)
{
  hid_t a, ftype, t;
  int npts;

  PetscFunctionBeginUser;
  PetscCall(open_attr(obj, path, name, H5T_STRING, 1, &a, &npts));
  H5CALL(ftype = H5Aget_type(a));
  H5CALL(t = H5Tcopy(H5T_C_S1));
  H5CALL(H5Tset_cset(t, H5Tget_cset(ftype)));
  if (H5Tis_variable_str(ftype) > 0) {
    char *str = NULL;
    H5CALL(H5Tset_size(t, H5T_VARIABLE));
    PetscCheck(H5Aread(a, t, &str) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read attribute '%s': %s",
               path, name, h5_error_text());
    PetscCall(PetscStrncpy(v, str ? str : "", len));
    H5free_memory(str);
  } else {
    const size_t n = H5Tget_size(ftype);
    char *buf;
    /* one more byte than stored: a null-terminated type of size n keeps only
     * n - 1 characters of a null-padded string (as h5py writes them) */
    PetscCall(PetscMalloc1(n + 2, &buf));
    H5CALL(H5Tset_size(t, n + 1));
    PetscCheck(H5Aread(a, t, buf) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read attribute '%s': %s", path,
               name, h5_error_text());
    buf[n + 1] = 0;
    PetscCall(PetscStrncpy(v, buf, len));
    PetscCall(PetscFree(buf));
  }
  H5CALL(H5Tclose(t));
  H5CALL(H5Tclose(ftype));
  H5CALL(H5Aclose(a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* every attribute of src that dst does not have, copied as it is */
typedef struct {
  hid_t dst;
  int failed;
} copy_ctx;

static herr_t copy_attr(hid_t src, const char *name, const H5A_info_t *info, void *ptr)
{
  copy_ctx *c = ptr;
  (void)info;
  if (H5Aexists(c->dst, name) > 0) return 0;
  hid_t a = H5Aopen(src, name, H5P_DEFAULT), type = H5Aget_type(a), space = H5Aget_space(a);
  const size_t bytes = H5Tget_size(type) * (size_t)H5Sget_simple_extent_npoints(space);
  void *buf = malloc(bytes ? bytes : 1);
  hid_t b = -1;
  if (buf && H5Aread(a, type, buf) >= 0 && (b = H5Acreate2(c->dst, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
      H5Awrite(b, type, buf) >= 0) {
  } else c->failed = 1;
  if (H5Tis_variable_str(type) > 0 && buf) H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
  free(buf);
  if (b >= 0) H5Aclose(b);
  H5Sclose(space), H5Tclose(type), H5Aclose(a);
  return c->failed ? -1 : 0;
}

PetscErrorCode h5_attrs_copy(hid_t src, hid_t dst)
{
  copy_ctx c = {dst, 0};

  PetscFunctionBeginUser;
  H5Aiterate2(src, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_attr, &c);
  PetscCheck(!c.failed, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot copy attributes: %s", h5_error_text());
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode write_reals(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                                  const double *data)
{
  hid_t space, ds;

  PetscFunctionBeginUser;
  H5CALL(space = H5Screate_simple(rank, dims, NULL));
  H5CALL(ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  /* the write or the close (which flushes) fails on a full disk: the file's name in the message */
  const herr_t written = H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  if (H5Dclose(ds) < 0 || written < 0) {
    char file[PETSC_MAX_PATH_LEN] = "?";
    (void)H5Fget_name(loc, file, sizeof file);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: cannot write /%s: %s", file, name, h5_write_error(file));
  }
  H5CALL(H5Sclose(space));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode h5_write_doubles(hid_t loc, const char *name, int rank, const hsize_t *dims, const double *data)
{
  return write_reals(loc, name, H5T_IEEE_F64LE, rank, dims, data);
}

PetscErrorCode h5_write_doubles_as_floats(hid_t loc, const char *name, int rank, const hsize_t *dims, const double *data)
{
  return write_reals(loc, name, H5T_IEEE_F32LE, rank, dims, data);
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
