/* ensemble.h — ensembles of lattice configurations in parallel HDF5.
 *
 * File layout (format "latdiff-ensemble", version 1):
 *   /configs        float64 [N, L_0, ..., L_{d-1}], last index fastest
 *   /action         float64 [N]   S of each configuration
 *   /magnetisation  float64 [N]   M = (1/V) sum_x phi(x)
 *   attributes on /: format, format_version, theory, kappa, lambda, lattice,
 *     generator, seed, replicas, configs_per_replica, code_version,
 *     git_commit, options; generator settings on /generator.
 * With R replicas, configuration r * configs_per_replica + i is the i-th of
 * chain r. The writer works on "<output>.partial" and renames it to the
 * final name only when every configuration is in.
 *
 *   ensemble_writer_create   C  new partial file (refuses to overwrite without force)
 *   ensemble_writer_reopen   C  continue a partial file after a restart
 *   ensemble_write_config    C  store configuration i of every replica
 *   ensemble_writer_create_rows, ensemble_write_rows
 *                            C  the same for whole configurations per rank
 *   ensemble_writer_flush    C  make what is written durable (before a checkpoint)
 *   ensemble_writer_put_array C a dataset of n values at the root (a generator's
 *                               state, e.g. HMC's mass propagator) with attributes,
 *                               from world rank 0's data
 *   ensemble_writer_finish   C  summary attributes, close, rename to the final name
 *   ensemble_writer_close    C  close without finishing (run stopped)
 *   ensemble_open            C  open for reading; validates the attributes, the
 *                              completeness mark, every dataset's shape
 *                              against /configs, and that none is truncated
 *   ensemble_read_scalars    C  whole /action or /magnetisation; refuses
 *                              non-finite values
 *   ensemble_read_config        one configuration, all sites (independent I/O)
 *   ensemble_read_configs       whole configurations, each checked: finite,
 *                              and /magnetisation its mean
 *   ensemble_read_rows          a slab of rows of one configuration
 *   ensemble_check_rows      C  the same checks of configuration i, whose
 *                              slabs the ranks of comm hold
 *   ensemble_close           C
 *   ensemble_meta_compare       name the first difference of two metadata
 * C = collective on the communicator the file was opened with.
 */
#ifndef LATDIFF_ENSEMBLE_H
#define LATDIFF_ENSEMBLE_H

#include "latdiff/h5.h"
#include "latdiff/lattice.h"

#define ENSEMBLE_FORMAT "latdiff-ensemble"
#define ENSEMBLE_FORMAT_VERSION 1
/* attribute of / written last by ensemble_writer_finish; readers refuse a
 * file without it */
#define ENSEMBLE_COMPLETE "complete"

/* A generator's own setting, stored as an attribute of /generator under
 * the name of its option (without the dash): io knows no generator. */
#define META_MAX_PARAMS 24
typedef enum { META_INT, META_REAL, META_STRING } meta_kind;
typedef struct {
  char name[24];
  meta_kind kind;
  int64_t i;
  double r;
  char s[24];
} meta_param;

typedef struct {
  char theory[16];
  double kappa, lambda;
  int d, L[LATTICE_MAXDIM];
  char generator[16];
  uint64_t seed;
  int replicas;
  int64_t per_replica;
  int nparams;
  meta_param params[META_MAX_PARAMS]; /* the generator's settings */
} ensemble_meta;

/* Add (or replace) a generator setting. */
void ensemble_meta_set_int(ensemble_meta *m, const char *name, int64_t v);
void ensemble_meta_set_real(ensemble_meta *m, const char *name, double v);
void ensemble_meta_set_string(ensemble_meta *m, const char *name, const char *v);
/* The setting called name, or NULL. */
const meta_param *ensemble_meta_get(const ensemble_meta *m, const char *name);

typedef struct {
  char final_path[PETSC_MAX_PATH_LEN], partial_path[PETSC_MAX_PATH_LEN + 16];
  const lattice *lat; /* NULL for a writer of whole configurations (ensemble_write_rows) */
  MPI_Comm world;
  ensemble_meta meta;
  hid_t file, configs, action, magnetisation, dxpl;
} ensemble_writer;

typedef struct {
  char path[PETSC_MAX_PATH_LEN];
  MPI_Comm comm; /* every rank opened it: errors found by all are raised on it */
  ensemble_meta meta;
  int64_t n;      /* configurations */
  int64_t volume; /* sites per configuration */
  hid_t file;
} ensemble_reader;

/* The caller owns the output (output.h) and has checked it may be written. */
PetscErrorCode ensemble_writer_create(const lattice *lat, const ensemble_meta *meta, const char *path,
                                      const char *options, ensemble_writer **out);
/* The same for configurations that are not domain-decomposed: each rank
 * writes whole configurations with ensemble_write_rows. */
PetscErrorCode ensemble_writer_create_rows(MPI_Comm world, const ensemble_meta *meta, const char *path,
                                           const char *options, ensemble_writer **out);
/* rows [row0, row0 + nrows) from this rank: configs (nrows x volume), S, M */
PetscErrorCode ensemble_write_rows(ensemble_writer *w, int64_t row0, int64_t nrows, const double *configs,
                                   const double *S, const double *M);
PetscErrorCode ensemble_writer_reopen(const lattice *lat, const ensemble_meta *meta, const char *path,
                                      ensemble_writer **out);
PetscErrorCode ensemble_write_config(ensemble_writer *w, int64_t i, const double *phi, double S, double M);
PetscErrorCode ensemble_writer_flush(ensemble_writer *w);
PetscErrorCode ensemble_writer_put_array(ensemble_writer *w, const char *name, int64_t n, const double *v, int nattr,
                                         const char *const *attr_names, const double *attr_values);
PetscErrorCode ensemble_writer_finish(ensemble_writer **w, int nsummary, const char *const *names, const double *values);
PetscErrorCode ensemble_writer_close(ensemble_writer **w);

PetscErrorCode ensemble_open(MPI_Comm comm, const char *path, ensemble_reader **out);
PetscErrorCode ensemble_read_scalars(ensemble_reader *r, const char *name, double *out);
PetscErrorCode ensemble_read_config(ensemble_reader *r, int64_t i, double *out);
/* configurations [i0, i0 + count), all sites (independent I/O) */
PetscErrorCode ensemble_read_configs(ensemble_reader *r, int64_t i0, int64_t count, double *out);
/* rows [row0, row0 + nrows) of the first direction of configuration i (independent I/O) */
PetscErrorCode ensemble_read_rows(ensemble_reader *r, int64_t i, int64_t row0, int64_t nrows, double *out);
/* mag: the file's /magnetisation[i] (the caller reads the whole of it once) */
PetscErrorCode ensemble_check_rows(const ensemble_reader *r, MPI_Comm comm, int64_t i, int64_t n, const double *x,
                                   double mag);
PetscErrorCode ensemble_close(ensemble_reader **r);

/* Metadata I/O shared with checkpoints. */
PetscErrorCode ensemble_meta_write(hid_t obj, const ensemble_meta *m);
PetscErrorCode ensemble_meta_read(hid_t obj, const char *path, ensemble_meta *m);
/* Error (naming `what` and the field) unless a and b describe the same run. */
PetscErrorCode ensemble_meta_compare(MPI_Comm comm, const char *what, const ensemble_meta *found,
                                     const ensemble_meta *wanted);

#endif
