/* checkpoint.c — write and read the state of a run (checkpoint.h). */
#include "latdiff/checkpoint.h"
#include "latdiff/profile.h"

#include <math.h>

/* Select this rank's block of row `replica` in a [R, L_0, ...] dataset. */
static PetscErrorCode select_block(const lattice *lat, hid_t ds, hid_t *fspace, hid_t *mspace)
{
  hsize_t start[LATTICE_MAXDIM + 1], count[LATTICE_MAXDIM + 1], vol = (hsize_t)lat->V;

  PetscFunctionBeginUser;
  start[0] = (hsize_t)lat->replica;
  count[0] = 1;
  for (int mu = 0; mu < lat->d; mu++) {
    start[mu + 1] = (hsize_t)lat->origin[mu];
    count[mu + 1] = (hsize_t)lat->l[mu];
  }
  H5CALL(*fspace = H5Dget_space(ds));
  H5CALL(H5Sselect_hyperslab(*fspace, H5S_SELECT_SET, start, NULL, count, NULL));
  H5CALL(*mspace = H5Screate_simple(1, &vol, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Row `replica` of an [R, n] per-replica dataset (statistics, stepper
 * state), written by the replica's first rank */
static PetscErrorCode select_row(const lattice *lat, hid_t ds, int n, hid_t *fspace, hid_t *mspace)
{
  hsize_t start[2] = {(hsize_t)lat->replica, 0}, count[2] = {1, (hsize_t)n}, m = (hsize_t)n;

  PetscFunctionBeginUser;
  H5CALL(*fspace = H5Dget_space(ds));
  H5CALL(H5Sselect_hyperslab(*fspace, H5S_SELECT_SET, start, NULL, count, NULL));
  H5CALL(*mspace = H5Screate_simple(1, &m, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode write_rows(const lattice *lat, hid_t file, hid_t dxpl, const char *name, int n, const double *row,
                                 const char *tmp)
{
  hsize_t dims[2] = {(hsize_t)lat->nreplicas, (hsize_t)n};
  hid_t space, ds, fspace, mspace;

  PetscFunctionBeginUser;
  H5CALL(space = H5Screate_simple(2, dims, NULL));
  H5CALL(ds = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5CALL(H5Sclose(space));
  PetscCall(select_row(lat, ds, n, &fspace, &mspace));
  if (lat->rank != 0) {
    H5CALL(H5Sselect_none(fspace));
    H5CALL(H5Sselect_none(mspace));
  }
  PetscCheck(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, row) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "%s: cannot write /%s: %s", tmp, name, h5_write_error(tmp));
  H5CALL(H5Sclose(fspace));
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Dclose(ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_rows(const lattice *lat, hid_t file, const char *name, int n, double *row, const char *path)
{
  hid_t ds, fspace, mspace;

  PetscFunctionBeginUser;
  H5CALL(ds = H5Dopen2(file, name, H5P_DEFAULT));
  PetscCall(select_row(lat, ds, n, &fspace, &mspace));
  PetscCheck(H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, row) >= 0, PETSC_COMM_SELF,
             PETSC_ERR_FILE_READ, "%s: cannot read /%s", path, name);
  for (int k = 0; k < n; k++)
    PetscCheck(isfinite(row[k]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: /%s value %d is not finite", path,
               name, k);
  H5CALL(H5Sclose(fspace));
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Dclose(ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* this rank's part [off, off + len) of row `replica` of an [R, n] dataset */
static PetscErrorCode select_part(const lattice *lat, hid_t ds, const checkpoint_state *st, hid_t *fspace, hid_t *mspace)
{
  hsize_t start[2] = {(hsize_t)lat->replica, (hsize_t)st->extra_off}, count[2] = {1, (hsize_t)st->extra_len},
          m = (hsize_t)PetscMax(st->extra_len, 1);

  PetscFunctionBeginUser;
  H5CALL(*fspace = H5Dget_space(ds));
  H5CALL(*mspace = H5Screate_simple(1, &m, NULL));
  if (st->extra_len > 0) H5CALL(H5Sselect_hyperslab(*fspace, H5S_SELECT_SET, start, NULL, count, NULL));
  else {
    H5CALL(H5Sselect_none(*fspace));
    H5CALL(H5Sselect_none(*mspace));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode checkpoint_write(const lattice *lat, const ensemble_meta *meta, const char *path, const double *phi,
                                const checkpoint_state *st)
{
  char tmp[PETSC_MAX_PATH_LEN];
  hid_t file, ds, fspace, mspace, space, dxpl;
  hsize_t dims[LATTICE_MAXDIM + 1];

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(EV_IO, 0, 0, 0, 0));
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  PetscCall(h5_create(lat->world, tmp, &file));
  PetscCall(ensemble_meta_write(file, meta));
  PetscCall(h5_attr_put_int(file, "next_traj", (int64_t)st->next_traj));
  PetscCall(h5_attr_put_int(file, "nstored", st->nstored));
  H5CALL(dxpl = H5Pcreate(H5P_DATASET_XFER));
  H5CALL(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE));

  dims[0] = (hsize_t)lat->nreplicas;
  for (int mu = 0; mu < lat->d; mu++) dims[mu + 1] = (hsize_t)lat->L[mu];
  H5CALL(space = H5Screate_simple(lat->d + 1, dims, NULL));
  H5CALL(ds = H5Dcreate2(file, "phi", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5CALL(H5Sclose(space));
  PetscCall(select_block(lat, ds, &fspace, &mspace));
  PetscCheck(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, phi) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "%s: cannot write the field: %s", tmp, h5_write_error(tmp));
  H5CALL(H5Sclose(fspace));
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Dclose(ds));

  PetscCall(write_rows(lat, file, dxpl, "stats", CHECKPOINT_NSTATS, st->stats, tmp));
  PetscCall(write_rows(lat, file, dxpl, "stepper", CHECKPOINT_NSTEPPER, st->stepper, tmp));
  if (st->extra_n > 0) {
    hsize_t edims[2] = {(hsize_t)lat->nreplicas, (hsize_t)st->extra_n};
    H5CALL(space = H5Screate_simple(2, edims, NULL));
    H5CALL(ds = H5Dcreate2(file, "stepper_extra", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5CALL(H5Sclose(space));
    PetscCall(select_part(lat, ds, st, &fspace, &mspace));
    PetscCheck(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, st->extra) >= 0, PETSC_COMM_SELF,
               PETSC_ERR_FILE_WRITE, "%s: cannot write /stepper_extra: %s", tmp, h5_write_error(tmp));
    H5CALL(H5Sclose(fspace));
    H5CALL(H5Sclose(mspace));
    H5CALL(H5Dclose(ds));
  }
  H5CALL(H5Pclose(dxpl));
  PetscCheck(H5Fclose(file) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: cannot write: %s", tmp,
             h5_write_error(tmp));
  PetscCall(file_commit(lat->world, tmp, path));
  PetscCall(PetscLogEventEnd(EV_IO, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode checkpoint_read(const lattice *lat, const ensemble_meta *meta, const char *path, double *phi,
                               checkpoint_state *st)
{
  ensemble_meta found;
  hid_t file, ds, fspace, mspace;
  int64_t next;
  char what[PETSC_MAX_PATH_LEN + 16];

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(EV_IO, 0, 0, 0, 0));
  PetscCall(h5_open(lat->world, path, PETSC_FALSE, &file));
  PetscCall(ensemble_meta_read(file, path, &found));
  snprintf(what, sizeof what, "checkpoint %s", path);
  PetscCall(ensemble_meta_compare(lat->world, what, &found, meta));
  PetscCall(h5_attr_get_int(file, path, "next_traj", &next));
  PetscCall(h5_attr_get_int(file, path, "nstored", &st->nstored));
  PetscCheck(next >= 0 && st->nstored >= 0 && st->nstored <= meta->per_replica, lat->world, PETSC_ERR_FILE_UNEXPECTED,
             "%s: next_traj %lld, nstored %lld: not a state this run can be in (damaged checkpoint?)", path,
             (long long)next, (long long)st->nstored);
  st->next_traj = (uint64_t)next;

  H5CALL(ds = H5Dopen2(file, "phi", H5P_DEFAULT));
  PetscCall(select_block(lat, ds, &fspace, &mspace));
  PetscCheck(H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, phi) >= 0, PETSC_COMM_SELF,
             PETSC_ERR_FILE_READ, "%s: cannot read the field", path);
  H5CALL(H5Sclose(fspace));
  H5CALL(H5Sclose(mspace));
  H5CALL(H5Dclose(ds));
  PetscCall(read_rows(lat, file, "stats", CHECKPOINT_NSTATS, st->stats, path));
  for (int k = 0; k < CHECKPOINT_NSTEPPER; k++) st->stepper[k] = 0;
  if (H5Lexists(file, "stepper", H5P_DEFAULT) > 0)
    PetscCall(read_rows(lat, file, "stepper", CHECKPOINT_NSTEPPER, st->stepper, path));
  if (st->extra_n > 0) {
    hsize_t dims[2] = {0, 0};
    PetscCheck(H5Lexists(file, "stepper_extra", H5P_DEFAULT) > 0, lat->world, PETSC_ERR_FILE_UNEXPECTED,
               "%s: no /stepper_extra, which this run's update keeps (damaged checkpoint?)", path);
    H5CALL(ds = H5Dopen2(file, "stepper_extra", H5P_DEFAULT));
    H5CALL(fspace = H5Dget_space(ds));
    H5CALL(H5Sget_simple_extent_dims(fspace, dims, NULL));
    H5CALL(H5Sclose(fspace));
    PetscCheck(dims[0] == (hsize_t)lat->nreplicas && dims[1] == (hsize_t)st->extra_n, lat->world,
               PETSC_ERR_FILE_UNEXPECTED, "%s: /stepper_extra is not [%d, %lld] (damaged checkpoint?)", path,
               lat->nreplicas, (long long)st->extra_n);
    PetscCall(select_part(lat, ds, st, &fspace, &mspace));
    PetscCheck(H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, st->extra) >= 0, PETSC_COMM_SELF,
               PETSC_ERR_FILE_READ, "%s: cannot read /stepper_extra", path);
    for (int64_t k = 0; k < st->extra_len; k++)
      PetscCheck(isfinite(st->extra[k]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: /stepper_extra holds a value that is not finite", path);
    H5CALL(H5Sclose(fspace));
    H5CALL(H5Sclose(mspace));
    H5CALL(H5Dclose(ds));
  }
  PetscCall(h5_close(&file));
  PetscCall(PetscLogEventEnd(EV_IO, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
