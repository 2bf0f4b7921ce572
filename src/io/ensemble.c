/* ensemble.c — collective writing and reading of ensembles (ensemble.h). */
#include "latdiff/ensemble.h"
#include "latdiff/output.h"
#include "latdiff/profile.h"

#include <math.h>
#include <sys/stat.h>


/* Contiguous, allocated at creation: later raw-data writes never touch the
 * file's metadata, so a run killed mid-write leaves a file that a restart
 * can reopen and overwrite from its last checkpoint. */
static PetscErrorCode create_dataset(const char *path, hid_t file, const char *name, int rank, const hsize_t *dims,
                                     hid_t *ds)
{
  hid_t space, dcpl;

  PetscFunctionBeginUser;
  H5CALL(space = H5Screate_simple(rank, dims, NULL));
  H5CALL(dcpl = H5Pcreate(H5P_DATASET_CREATE));
  H5CALL(H5Pset_layout(dcpl, H5D_CONTIGUOUS));
  H5CALL(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY));
  H5CALL(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
  *ds = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  PetscCheck(*ds >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: cannot create /%s: %s", path, name,
             h5_write_error(path));
  H5CALL(H5Pclose(dcpl));
  H5CALL(H5Sclose(space));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode writer_alloc(MPI_Comm world, const lattice *lat, const ensemble_meta *meta, const char *path,
                                   ensemble_writer **out)
{
  ensemble_writer *w;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&w));
  w->lat = lat;
  w->world = world;
  w->meta = *meta;
  PetscCall(PetscStrncpy(w->final_path, path, sizeof w->final_path));
  output_name(path, ".partial", w->partial_path, sizeof w->partial_path);
  H5CALL(w->dxpl = H5Pcreate(H5P_DATASET_XFER));
  H5CALL(H5Pset_dxpl_mpio(w->dxpl, H5FD_MPIO_COLLECTIVE));
  *out = w;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_writer_create_rows(MPI_Comm world, const ensemble_meta *meta, const char *path,
                                           const char *options, ensemble_writer **out)
{
  ensemble_writer *w;
  hsize_t dims[LATTICE_MAXDIM + 1];

  PetscFunctionBeginUser;
  PetscCall(writer_alloc(world, NULL, meta, path, &w));
  PetscCall(PetscLogEventBegin(EV_IO, 0, 0, 0, 0));
  PetscCall(h5_create(world, w->partial_path, &w->file));
  PetscCall(ensemble_meta_write(w->file, meta));
  PetscCall(h5_attr_put_string(w->file, "options", options ? options : ""));
  dims[0] = (hsize_t)(meta->replicas * meta->per_replica);
  for (int mu = 0; mu < meta->d; mu++) dims[mu + 1] = (hsize_t)meta->L[mu];
  PetscCall(create_dataset(w->partial_path, w->file, "configs", meta->d + 1, dims, &w->configs));
  PetscCall(create_dataset(w->partial_path, w->file, "action", 1, dims, &w->action));
  PetscCall(create_dataset(w->partial_path, w->file, "magnetisation", 1, dims, &w->magnetisation));
  PetscCall(h5_flush(w->file, w->partial_path));
  PetscCall(PetscLogEventEnd(EV_IO, 0, 0, 0, 0));
  *out = w;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_writer_create(const lattice *lat, const ensemble_meta *meta, const char *path,
                                      const char *options, ensemble_writer **out)
{
  PetscFunctionBeginUser;
  PetscCall(ensemble_writer_create_rows(lat->world, meta, path, options, out));
  (*out)->lat = lat;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* rows [row0, row0 + nrows) of a dataset whose rows hold `per_row` values */
static PetscErrorCode write_row_block(ensemble_writer *w, hid_t ds, int rank, int64_t row0, int64_t nrows,
                                      const double *data)
{
  hsize_t start[LATTICE_MAXDIM + 1] = {0}, count[LATTICE_MAXDIM + 1], n = (hsize_t)nrows;
  hid_t fspace, mspace;

  PetscFunctionBeginUser;
  H5CALL(fspace = H5Dget_space(ds));
  H5CALL(H5Sget_simple_extent_dims(fspace, count, NULL));
  start[0] = (hsize_t)row0;
  count[0] = (hsize_t)nrows;
  for (int k = 1; k < rank; k++) n *= count[k];
  H5CALL(mspace = H5Screate_simple(1, &n, NULL));
  if (nrows > 0) {
    H5CALL(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL));
  } else {
    H5CALL(H5Sselect_none(fspace));
    H5CALL(H5Sselect_none(mspace));
  }
  PetscCheck(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, w->dxpl, data) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "%s: cannot write configurations %lld..%lld: %s", w->partial_path, (long long)row0,
             (long long)(row0 + nrows - 1), h5_write_error(w->partial_path));
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Sclose(fspace));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_write_rows(ensemble_writer *w, int64_t row0, int64_t nrows, const double *configs,
                                   const double *S, const double *M)
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(EV_IO, 0, 0, 0, 0));
  PetscCall(write_row_block(w, w->configs, w->meta.d + 1, row0, nrows, configs));
  PetscCall(write_row_block(w, w->action, 1, row0, nrows, S));
  PetscCall(write_row_block(w, w->magnetisation, 1, row0, nrows, M));
  PetscCall(PetscLogEventEnd(EV_IO, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_writer_reopen(const lattice *lat, const ensemble_meta *meta, const char *path,
                                      ensemble_writer **out)
{
  ensemble_writer *w;
  ensemble_meta found;

  PetscFunctionBeginUser;
  PetscCall(writer_alloc(lat->world, lat, meta, path, &w));
  PetscCall(h5_open(lat->world, w->partial_path, PETSC_TRUE, &w->file));
  PetscCall(ensemble_meta_read(w->file, w->partial_path, &found));
  PetscCall(ensemble_meta_compare(lat->world, w->partial_path, &found, meta));
  H5CALL(w->configs = H5Dopen2(w->file, "configs", H5P_DEFAULT));
  H5CALL(w->action = H5Dopen2(w->file, "action", H5P_DEFAULT));
  H5CALL(w->magnetisation = H5Dopen2(w->file, "magnetisation", H5P_DEFAULT));
  /* a run killed while finishing may have marked the file already */
  if (H5Aexists(w->file, ENSEMBLE_COMPLETE) > 0) H5CALL(H5Adelete(w->file, ENSEMBLE_COMPLETE));
  if (H5Lexists(w->file, "summary", H5P_DEFAULT) > 0) H5CALL(H5Ldelete(w->file, "summary", H5P_DEFAULT));
  *out = w;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One row of a 1-d dataset from the first rank of each replica; the other
 * ranks take part in the collective call with an empty selection. */
static PetscErrorCode write_scalar(ensemble_writer *w, hid_t ds, hsize_t row, double v)
{
  hid_t fspace, mspace;
  hsize_t one = 1;

  PetscFunctionBeginUser;
  H5CALL(fspace = H5Dget_space(ds));
  H5CALL(mspace = H5Screate_simple(1, &one, NULL));
  if (w->lat->rank == 0) {
    H5CALL(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &row, NULL, &one, NULL));
  } else {
    H5CALL(H5Sselect_none(fspace));
    H5CALL(H5Sselect_none(mspace));
  }
  H5CALL(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, w->dxpl, &v));
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Sclose(fspace));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_write_config(ensemble_writer *w, int64_t i, const double *phi, double S, double M)
{
  const lattice *lat = w->lat;
  const hsize_t row = (hsize_t)(lat->replica * w->meta.per_replica + i);
  hsize_t start[LATTICE_MAXDIM + 1], count[LATTICE_MAXDIM + 1], vol = (hsize_t)lat->V;
  hid_t fspace, mspace;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(EV_IO, 0, 0, 0, 0));
  start[0] = row;
  count[0] = 1;
  for (int mu = 0; mu < lat->d; mu++) {
    start[mu + 1] = (hsize_t)lat->origin[mu];
    count[mu + 1] = (hsize_t)lat->l[mu];
  }
  H5CALL(fspace = H5Dget_space(w->configs));
  H5CALL(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL));
  H5CALL(mspace = H5Screate_simple(1, &vol, NULL));
  PetscCheck(H5Dwrite(w->configs, H5T_NATIVE_DOUBLE, mspace, fspace, w->dxpl, phi) >= 0, PETSC_COMM_SELF,
             PETSC_ERR_FILE_WRITE, "%s: cannot write configuration %lld: %s", w->partial_path, (long long)i,
             h5_write_error(w->partial_path));
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Sclose(fspace));
  PetscCall(write_scalar(w, w->action, row, S));
  PetscCall(write_scalar(w, w->magnetisation, row, M));
  PetscCall(PetscLogEventEnd(EV_IO, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_writer_flush(ensemble_writer *w)
{
  PetscFunctionBeginUser;
  PetscCall(h5_flush(w->file, w->partial_path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_writer_close(ensemble_writer **wp)
{
  ensemble_writer *w = *wp;

  PetscFunctionBeginUser;
  if (!w) PetscFunctionReturn(PETSC_SUCCESS);
  H5CALL(H5Dclose(w->configs));
  H5CALL(H5Dclose(w->action));
  H5CALL(H5Dclose(w->magnetisation));
  H5CALL(H5Pclose(w->dxpl));
  PetscCall(h5_close(&w->file));
  PetscCall(PetscFree(*wp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_writer_put_array(ensemble_writer *w, const char *name, int64_t n, const double *v, int nattr,
                                         const char *const *attr_names, const double *attr_values)
{
  hsize_t dims = (hsize_t)n;
  hid_t space, ds, mspace;
  int rank;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(w->world, &rank));
  H5CALL(space = H5Screate_simple(1, &dims, NULL));
  H5CALL(ds = H5Dcreate2(w->file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5CALL(mspace = H5Screate_simple(1, &dims, NULL));
  if (rank != 0) {
    H5CALL(H5Sselect_none(space));
    H5CALL(H5Sselect_none(mspace));
  }
  PetscCheck(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, space, w->dxpl, v) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "%s: cannot write /%s: %s", w->partial_path, name, h5_write_error(w->partial_path));
  for (int k = 0; k < nattr; k++) PetscCall(h5_attr_put_double(ds, attr_names[k], attr_values[k]));
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Sclose(space));
  H5CALL(H5Dclose(ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_writer_finish(ensemble_writer **wp, int nsummary, const char *const *names, const double *values)
{
  ensemble_writer *w = *wp;
  char final_path[PETSC_MAX_PATH_LEN], partial_path[PETSC_MAX_PATH_LEN];
  MPI_Comm world = w->world;
  hid_t g;

  PetscFunctionBeginUser;
  H5CALL(g = H5Gcreate2(w->file, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int k = 0; k < nsummary; k++) PetscCall(h5_attr_put_double(g, names[k], values[k]));
  H5CALL(H5Gclose(g));
  /* the mark comes last: a reader trusts a file only with it */
  PetscCall(h5_flush(w->file, w->partial_path));
  PetscCall(h5_attr_put_int(w->file, ENSEMBLE_COMPLETE, 1));
  PetscCall(h5_flush(w->file, w->partial_path));
  PetscCall(PetscStrncpy(final_path, w->final_path, sizeof final_path));
  PetscCall(PetscStrncpy(partial_path, w->partial_path, sizeof partial_path));
  PetscCall(ensemble_writer_close(wp));
  PetscCall(file_commit(world, partial_path, final_path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A 1-d or (d+1)-d dataset of the file: present, of the announced shape,
 * and wholly inside the file (a truncated file fails here, on every rank). */
static PetscErrorCode check_dataset(ensemble_reader *r, const char *name, int rank, const hsize_t *want, off_t size)
{
  hid_t ds, space;
  hsize_t dims[LATTICE_MAXDIM + 2];
  MPI_Comm comm = r->comm;

  PetscFunctionBeginUser;
  PetscCheck(H5Lexists(r->file, name, H5P_DEFAULT) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: no /%s dataset", r->path,
             name);
  H5CALL(ds = H5Dopen2(r->file, name, H5P_DEFAULT));
  H5CALL(space = H5Dget_space(ds));
  const int got = H5Sget_simple_extent_ndims(space);
  PetscCheck(got == rank, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: /%s has %d dimensions, expected %d", r->path, name, got,
             rank);
  H5CALL(H5Sget_simple_extent_dims(space, dims, NULL));
  for (int k = 0; k < rank; k++)
    PetscCheck(dims[k] == want[k], comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: /%s has extent %llu in dimension %d, but /configs and the attributes say %llu", r->path, name,
               (unsigned long long)dims[k], k, (unsigned long long)want[k]);
  const haddr_t offset = H5Dget_offset(ds);
  const hsize_t bytes = H5Dget_storage_size(ds);
  PetscCheck(offset == HADDR_UNDEF || (double)offset + (double)bytes <= (double)size, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: /%s ends beyond the end of the file (truncated)", r->path, name);
  H5CALL(H5Sclose(space));
  H5CALL(H5Dclose(ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_open(MPI_Comm comm, const char *path, ensemble_reader **out)
{
  ensemble_reader *r;
  hid_t ds, space;
  hsize_t dims[LATTICE_MAXDIM + 2];
  int rank;
  struct stat st;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&r));
  r->comm = comm;
  PetscCall(PetscStrncpy(r->path, path, sizeof r->path));
  PetscCall(h5_open(comm, path, PETSC_FALSE, &r->file));
  PetscCall(ensemble_meta_read(r->file, path, &r->meta));
  PetscCheck(H5Lexists(r->file, "configs", H5P_DEFAULT) > 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: no /configs dataset", path);
  PetscCheck(H5Aexists(r->file, ENSEMBLE_COMPLETE) > 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: incomplete: the run writing it has not finished (still running, stopped or killed); finish it with "
             "-restart",
             path);
  H5CALL(ds = H5Dopen2(r->file, "configs", H5P_DEFAULT));
  H5CALL(space = H5Dget_space(ds));
  rank = H5Sget_simple_extent_ndims(space);
  PetscCheck(rank == r->meta.d + 1, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: /configs has %d dimensions, but the lattice attribute says d = %d", path, rank - 1, r->meta.d);
  H5CALL(H5Sget_simple_extent_dims(space, dims, NULL));
  H5CALL(H5Sclose(space));
  H5CALL(H5Dclose(ds));
  r->n = (int64_t)dims[0];
  PetscCheck(r->n == r->meta.replicas * r->meta.per_replica, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %lld configurations, but %d replicas x %lld were announced", path, (long long)r->n,
             r->meta.replicas, (long long)r->meta.per_replica);
  PetscCheck(lattice_volume(r->meta.d, r->meta.L, &r->volume), comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the lattice attribute gives more sites than latdiff can count", path);
  for (int mu = 0; mu < r->meta.d; mu++) dims[mu + 1] = (hsize_t)r->meta.L[mu];
  PetscCheck(stat(path, &st) == 0, comm, PETSC_ERR_FILE_OPEN, "%s: cannot stat the file", path);
  PetscCall(check_dataset(r, "configs", r->meta.d + 1, dims, st.st_size));
  PetscCall(check_dataset(r, "action", 1, dims, st.st_size));
  PetscCall(check_dataset(r, "magnetisation", 1, dims, st.st_size));
  *out = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_read_scalars(ensemble_reader *r, const char *name, double *out)
{
  hid_t ds;

  PetscFunctionBeginUser;
  H5CALL(ds = H5Dopen2(r->file, name, H5P_DEFAULT));
  PetscCheck(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0, r->comm, PETSC_ERR_FILE_READ,
             "%s: cannot read /%s: %s", r->path, name, h5_error_text());
  H5CALL(H5Dclose(ds));
  for (int64_t i = 0; i < r->n; i++)
    PetscCheck(isfinite(out[i]), r->comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: /%s of configuration %lld is %g; the ensemble holds non-finite values", r->path, name, (long long)i,
               out[i]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_read_rows(ensemble_reader *r, int64_t i, int64_t row0, int64_t nrows, double *out)
{
  hid_t ds, fspace, mspace;
  hsize_t start[LATTICE_MAXDIM + 1] = {0}, count[LATTICE_MAXDIM + 1], n = (hsize_t)PetscMax(nrows, 1);

  PetscFunctionBeginUser;
  if (nrows <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscLogEventBegin(EV_IO, 0, 0, 0, 0));
  start[0] = (hsize_t)i;
  start[1] = (hsize_t)row0;
  count[0] = 1;
  count[1] = (hsize_t)nrows;
  for (int mu = 1; mu < r->meta.d; mu++) {
    count[mu + 1] = (hsize_t)r->meta.L[mu];
    n *= (hsize_t)r->meta.L[mu];
  }
  H5CALL(ds = H5Dopen2(r->file, "configs", H5P_DEFAULT));
  H5CALL(fspace = H5Dget_space(ds));
  H5CALL(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL));
  H5CALL(mspace = H5Screate_simple(1, &n, NULL));
  PetscCheck(H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, out) >= 0, PETSC_COMM_SELF,
             PETSC_ERR_FILE_READ, "%s: cannot read configuration %lld (file truncated?)", r->path, (long long)i);
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Sclose(fspace));
  H5CALL(H5Dclose(ds));
  PetscCall(PetscLogEventEnd(EV_IO, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /magnetisation[i0, i0 + count) */
static PetscErrorCode read_magnetisations(const ensemble_reader *r, int64_t i0, int64_t count, double *mag)
{
  hid_t ds, fspace, mspace;
  hsize_t start = (hsize_t)i0, cnt = (hsize_t)count;

  PetscFunctionBeginUser;
  H5CALL(ds = H5Dopen2(r->file, "magnetisation", H5P_DEFAULT));
  H5CALL(fspace = H5Dget_space(ds));
  H5CALL(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &cnt, NULL));
  H5CALL(mspace = H5Screate_simple(1, &cnt, NULL));
  PetscCheck(H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, mag) >= 0, PETSC_COMM_SELF,
             PETSC_ERR_FILE_READ, "%s: cannot read /magnetisation (file truncated?)", r->path);
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Sclose(fspace));
  H5CALL(H5Dclose(ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the sum of n values and the largest |value| (infinite for a NaN) */
static void sum_and_size(const double *x, int64_t n, double s[2])
{
  s[0] = 0, s[1] = 0;
  for (int64_t j = 0; j < n; j++) s[0] += x[j], s[1] = isfinite(x[j]) ? PetscMax(s[1], fabs(x[j])) : INFINITY;
}

/* What a reader can recompute of a configuration it read, from its sum and
 * largest |value|: every value finite and small enough that its powers to
 * the 8th (the site cumulants) stay finite, and /magnetisation its mean (to
 * the rounding of another summation order), so that an edited or damaged
 * magnetisation is not used in place of the field's (a training base built
 * on it, an analysis that reports it). */
static PetscErrorCode check_config(const ensemble_reader *r, MPI_Comm comm, int64_t i, const double s[2], double mag)
{
  PetscFunctionBeginUser;
  PetscCheck(s[1] < 1e38, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: configuration %lld holds a non-finite value (or one so large that its powers overflow)", r->path,
             (long long)i);
  const double m = s[0] / (double)r->volume;
  PetscCheck(fabs(mag - m) <= 1e-10 * (1 + s[1]), comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: /magnetisation[%lld] = %.10g is not the mean of configuration %lld, %.10g (edited or damaged?)",
             r->path, (long long)i, mag, (long long)i, m);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode check_configs(const ensemble_reader *r, int64_t i0, int64_t count, const double *x)
{
  double *mag;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((size_t)count, &mag));
  PetscCall(read_magnetisations(r, i0, count, mag));
  for (int64_t c = 0; c < count; c++) {
    double s[2];
    sum_and_size(x + c * r->volume, r->volume, s);
    PetscCall(check_config(r, PETSC_COMM_SELF, i0 + c, s, mag[c]));
  }
  PetscCall(PetscFree(mag));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_check_rows(const ensemble_reader *r, MPI_Comm comm, int64_t i, int64_t n, const double *x,
                                   double mag)
{
  double s[2];

  PetscFunctionBeginUser;
  sum_and_size(x, n, s);
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, s, 1, MPI_DOUBLE, MPI_SUM, comm));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, s + 1, 1, MPI_DOUBLE, MPI_MAX, comm));
  if (isnan(s[0])) s[1] = INFINITY;
  PetscCall(check_config(r, comm, i, s, mag));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_read_configs(ensemble_reader *r, int64_t i0, int64_t count, double *out)
{
  hid_t ds, fspace, mspace;
  hsize_t start[LATTICE_MAXDIM + 1] = {0}, cnt[LATTICE_MAXDIM + 1], n = (hsize_t)(count * r->volume);

  PetscFunctionBeginUser;
  if (count <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscLogEventBegin(EV_IO, 0, 0, 0, 0));
  start[0] = (hsize_t)i0;
  cnt[0] = (hsize_t)count;
  for (int mu = 0; mu < r->meta.d; mu++) cnt[mu + 1] = (hsize_t)r->meta.L[mu];
  H5CALL(ds = H5Dopen2(r->file, "configs", H5P_DEFAULT));
  H5CALL(fspace = H5Dget_space(ds));
  H5CALL(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, cnt, NULL));
  H5CALL(mspace = H5Screate_simple(1, &n, NULL));
  PetscCheck(H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, out) >= 0, PETSC_COMM_SELF,
             PETSC_ERR_FILE_READ, "%s: cannot read configurations %lld..%lld (file truncated?)", r->path, (long long)i0,
             (long long)(i0 + count - 1));
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Sclose(fspace));
  H5CALL(H5Dclose(ds));
  PetscCall(check_configs(r, i0, count, out));
  PetscCall(PetscLogEventEnd(EV_IO, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_read_config(ensemble_reader *r, int64_t i, double *out)
{
  return ensemble_read_configs(r, i, 1, out);
}

PetscErrorCode ensemble_close(ensemble_reader **r)
{
  PetscFunctionBeginUser;
  if (!*r) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(h5_close(&(*r)->file));
  PetscCall(PetscFree(*r));
  PetscFunctionReturn(PETSC_SUCCESS);
}
