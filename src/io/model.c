/* model.c — trained score networks in HDF5 (model.h). */
#include "latdiff/model.h"
#include "latdiff/output.h"

#include <math.h>

/* the float64 master copies, in the optimizer group */
static const char *const arrays[] = {"optimizer/params", "optimizer/ema", "optimizer/adam_m", "optimizer/adam_v"};

PetscErrorCode model_write(MPI_Comm comm, const char *path, const model_info *info, const model_state *st,
                           const char *options, hid_t source)
{
  char tmp[PETSC_MAX_PATH_LEN + 8];
  int rank;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(comm, &rank));
  output_name(path, ".tmp", tmp, sizeof tmp);
  /* four float64 and two float32 copies of the parameters, the base's arrays, attributes */
  PetscCall(file_check_space(comm, tmp,
                             (double)info->nparams * 40 + (double)(info->dim + st->nmagnetisation) * 8 + 65536));
  if (rank == 0) {
    hid_t f, g;
    const hsize_t n = (hsize_t)info->nparams;
    const double *data[4] = {st->params, st->ema, st->m, st->v};
    PetscCall(h5_image_create(&f));
    PetscCall(h5_attr_put_string(f, "format", MODEL_FORMAT));
    PetscCall(h5_attr_put_int(f, "format_version", MODEL_FORMAT_VERSION));
    PetscCall(h5_attr_put_string(f, "net", info->net));
    PetscCall(h5_attr_put_string(f, "base", info->base));
    if (info->base_propagator[0]) PetscCall(h5_attr_put_string(f, "base_propagator", info->base_propagator));
    PetscCall(h5_attr_put_string(f, "score_form", info->score_form));
    PetscCall(h5_attr_put_int(f, "odd", info->odd));
    PetscCall(h5_attr_put_string(f, "precision", info->precision));
    PetscCall(h5_attr_put_int(f, "dim", info->dim));
    PetscCall(h5_attr_put_int(f, "hidden", info->hidden));
    PetscCall(h5_attr_put_int(f, "layers", info->layers));
    PetscCall(h5_attr_put_int(f, "embed_frequencies", info->J));
    if (info->levels > 0) {
      PetscCall(h5_attr_put_ints(f, "channels", info->levels, info->channels));
      PetscCall(h5_attr_put_int(f, "blocks", info->blocks));
      PetscCall(h5_attr_put_string(f, "padding", info->padding));
    }
    PetscCall(h5_attr_put_string(f, "schedule", info->schedule));
    PetscCall(h5_attr_put_double(f, "sigma", info->sigma));
    PetscCall(h5_attr_put_double(f, "beta_min", info->beta_min));
    PetscCall(h5_attr_put_double(f, "beta_max", info->beta_max));
    PetscCall(h5_attr_put_double(f, "cosine_s", info->cosine_s));
    PetscCall(h5_attr_put_double(f, "eps", info->eps));
    PetscCall(h5_attr_put_double(f, "tmax", info->tmax));
    PetscCall(h5_attr_put_double(f, "sigma_data", info->sigma_data));
    PetscCall(h5_attr_put_string(f, "data", info->data));
    if (info->applies_to[0]) PetscCall(h5_attr_put_string(f, "applies_to", info->applies_to));
    PetscCall(h5_attr_put_int(f, "steps_done", info->steps_done));
    PetscCall(h5_attr_put_int(f, "adam_step", info->adam_step));
    PetscCall(h5_attr_put_string(f, "options", options ? options : ""));
    PetscCall(h5_attr_put_string(f, "code_version", latdiff_version()));
    PetscCall(h5_attr_put_string(f, "git_commit", latdiff_git_commit()));
    H5CALL(g = H5Gcreate2(f, "data_source", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    PetscCall(ensemble_meta_write(g, &info->data_meta)); /* theory, lattice, couplings of the training data */
    if (source >= 0) PetscCall(h5_attrs_copy(source, g)); /* and the target's parameters */
    H5CALL(H5Gclose(g));
    H5CALL(g = H5Gcreate2(f, "training", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    for (int k = 0; k < info->nsettings; k++) {
      const model_setting *m = &info->settings[k];
      if (m->text[0]) PetscCall(h5_attr_put_string(g, m->name, m->text));
      else PetscCall(h5_attr_put_double(g, m->name, m->value));
    }
    H5CALL(H5Gclose(g));
    H5CALL(g = H5Gcreate2(f, "optimizer", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5CALL(H5Gclose(g));
    for (int k = 0; k < 4; k++) PetscCall(h5_write_doubles(f, arrays[k], 1, &n, data[k]));
    PetscCall(h5_write_doubles_as_floats(f, "params", 1, &n, st->params));
    PetscCall(h5_write_doubles_as_floats(f, "ema", 1, &n, st->ema));
    if (st->propagator) {
      const hsize_t dim = (hsize_t)info->dim;
      PetscCall(h5_write_doubles(f, "base_propagator", 1, &dim, st->propagator));
    }
    if (st->magnetisation) {
      const hsize_t nm = (hsize_t)st->nmagnetisation;
      PetscCall(h5_write_doubles(f, "base_magnetisation", 1, &nm, st->magnetisation));
    }
    PetscCall(h5_attr_put_int(f, "complete", 1));
    PetscCall(h5_image_write(&f, tmp));
  }
  PetscCall(file_commit(comm, tmp, path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /name: a 1-d dataset of finite values, read as float64; *n its length (checked if *n > 0) */
static PetscErrorCode read_array(MPI_Comm comm, hid_t f, const char *path, const char *name, int64_t *n, double **data)
{
  hid_t ds, space;
  hsize_t len;

  PetscFunctionBeginUser;
  PetscCheck(H5Lexists(f, name, H5P_DEFAULT) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: no /%s dataset", path, name);
  H5CALL(ds = H5Dopen2(f, name, H5P_DEFAULT));
  H5CALL(space = H5Dget_space(ds));
  PetscCheck(H5Sget_simple_extent_ndims(space) == 1, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: /%s is not 1-d", path, name);
  H5CALL(H5Sget_simple_extent_dims(space, &len, NULL));
  H5CALL(H5Sclose(space));
  PetscCheck(*n == 0 || (int64_t)len == *n, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: /%s has %llu values, expected %lld",
             path, name, (unsigned long long)len, (long long)*n);
  *n = (int64_t)len;
  PetscCall(PetscMalloc1((size_t)PetscMax(len, 1), data));
  PetscCheck(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) >= 0, comm, PETSC_ERR_FILE_READ,
             "%s: cannot read /%s: %s", path, name, h5_error_text());
  H5CALL(H5Dclose(ds));
  for (hsize_t i = 0; i < len; i++)
    PetscCheck(isfinite((*data)[i]), comm, PETSC_ERR_FILE_UNEXPECTED, "%s: /%s holds non-finite values", path, name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_read(MPI_Comm comm, const char *path, model_info *info, model_state *st)
{
  hid_t f, g;
  char format[64];
  int64_t v;
  double *data[4];


  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(info, sizeof *info));
  PetscCall(h5_open(comm, path, PETSC_FALSE, &f));
  PetscCall(h5_attr_get_string(f, path, "format", sizeof format, format));
  PetscCheck(!strcmp(format, MODEL_FORMAT), comm, PETSC_ERR_FILE_UNEXPECTED, "%s: format is '%s', not a latdiff model",
             path, format);
  PetscCheck(H5Aexists(f, "complete") > 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: incomplete: the training that wrote it did not finish", path);
  PetscCall(h5_attr_get_int(f, path, "format_version", &v));
  PetscCheck(v == MODEL_FORMAT_VERSION, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: model format version %lld; this latdiff reads %d",
             path, (long long)v, MODEL_FORMAT_VERSION);
  PetscCall(h5_attr_get_string(f, path, "net", sizeof info->net, info->net));
  PetscCall(h5_attr_get_string(f, path, "base", sizeof info->base, info->base));
  PetscCheck(!strcmp(info->base, "none") || !strcmp(info->base, "gaussian"), comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: base '%s'; this latdiff knows none and gaussian", path, info->base);
  if (!strcmp(info->base, "gaussian")) {
    snprintf(info->base_propagator, sizeof info->base_propagator, "measured");
    if (H5Aexists(f, "base_propagator") > 0)
      PetscCall(h5_attr_get_string(f, path, "base_propagator", sizeof info->base_propagator, info->base_propagator));
  }
  snprintf(info->score_form, sizeof info->score_form, "scaled");
  if (H5Aexists(f, "score_form") > 0)
    PetscCall(h5_attr_get_string(f, path, "score_form", sizeof info->score_form, info->score_form));
  PetscCheck(!strcmp(info->score_form, "scaled") || (!strcmp(info->score_form, "plain") && !strcmp(info->base, "none")),
             comm, PETSC_ERR_FILE_UNEXPECTED, "%s: score_form '%s' with base '%s'; this latdiff knows scaled, and plain "
             "without a base", path, info->score_form, info->base);
  PetscCall(h5_attr_get_int(f, path, "odd", &v));
  info->odd = v != 0;
  PetscCall(h5_attr_get_string(f, path, "precision", sizeof info->precision, info->precision));
  PetscCheck(!strcmp(info->precision, "single") || !strcmp(info->precision, "double"), comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: precision '%s'; this latdiff knows single and double", path, info->precision);
  PetscCall(h5_attr_get_int(f, path, "dim", &v));
  info->dim = (int)v;
  PetscCall(h5_attr_get_int(f, path, "hidden", &v));
  info->hidden = (int)v;
  PetscCall(h5_attr_get_int(f, path, "layers", &v));
  info->layers = (int)v;
  PetscCall(h5_attr_get_int(f, path, "embed_frequencies", &v));
  info->J = (int)v;
  if (H5Aexists(f, "channels") > 0) { /* the kinds sized per level */
    PetscCall(h5_attr_get_ints(f, path, "channels", MODEL_MAXLEVELS, &info->levels, info->channels));
    PetscCall(h5_attr_get_int(f, path, "blocks", &v));
    info->blocks = (int)v;
    PetscCall(h5_attr_get_string(f, path, "padding", sizeof info->padding, info->padding));
    PetscCheck(!strcmp(info->padding, "periodic") || !strcmp(info->padding, "zero"), comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: padding '%s'; this latdiff knows periodic and zero", path, info->padding);
  }
  PetscCall(h5_attr_get_string(f, path, "schedule", sizeof info->schedule, info->schedule));
  PetscCall(h5_attr_get_double(f, path, "sigma", &info->sigma));
  PetscCall(h5_attr_get_double(f, path, "beta_min", &info->beta_min));
  PetscCall(h5_attr_get_double(f, path, "beta_max", &info->beta_max));
  info->cosine_s = 0.008;
  if (H5Aexists(f, "cosine_s") > 0) PetscCall(h5_attr_get_double(f, path, "cosine_s", &info->cosine_s));
  PetscCall(h5_attr_get_double(f, path, "eps", &info->eps));
  info->tmax = 1;
  if (H5Aexists(f, "tmax") > 0) PetscCall(h5_attr_get_double(f, path, "tmax", &info->tmax));
  PetscCall(h5_attr_get_double(f, path, "sigma_data", &info->sigma_data));
  PetscCall(h5_attr_get_string(f, path, "data", sizeof info->data, info->data));
  if (H5Aexists(f, "applies_to") > 0)
    PetscCall(h5_attr_get_string(f, path, "applies_to", sizeof info->applies_to, info->applies_to));
  PetscCall(h5_attr_get_int(f, path, "steps_done", &info->steps_done));
  PetscCall(h5_attr_get_int(f, path, "adam_step", &info->adam_step));
  PetscCheck(H5Lexists(f, "data_source", H5P_DEFAULT) > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: no /data_source group",
             path);
  H5CALL(g = H5Gopen2(f, "data_source", H5P_DEFAULT));
  PetscCall(ensemble_meta_read(g, path, &info->data_meta));
  H5CALL(H5Gclose(g));
  PetscCheck(info->dim >= 1 && info->dim <= 1 << 20 && info->hidden >= 1 && info->hidden <= 1 << 16 && info->layers >= 1 &&
               info->layers <= 8 && info->J >= 0 && info->J <= 512 && info->sigma_data > 0 && info->steps_done >= 0,
             comm, PETSC_ERR_FILE_UNEXPECTED, "%s: network sizes or normalisation out of range (damaged?)", path);
  for (int k = 0; k < 4; k++) PetscCall(read_array(comm, f, path, arrays[k], &info->nparams, &data[k]));
  for (int k = 0; k < 2; k++) { /* /params and /ema: the masters rounded to float32, or edited */
    double *single;
    PetscCall(read_array(comm, f, path, k ? "ema" : "params", &info->nparams, &single));
    for (int64_t i = 0; i < info->nparams; i++)
      PetscCheck(single[i] == (double)(float)data[k][i], comm, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: /%s[%lld] = %g is not /%s rounded to float32 (%g): edited? the float64 masters are what "
                 "sampling and -restart use",
                 path, k ? "ema" : "params", (long long)i, single[i], arrays[k], data[k][i]);
    PetscCall(PetscFree(single));
  }
  double *propagator = NULL;
  if (!strcmp(info->base, "gaussian")) {
    int64_t n = info->dim;
    PetscCall(read_array(comm, f, path, "base_propagator", &n, &propagator));
    for (int64_t i = 0; i < n; i++)
      PetscCheck(propagator[i] >= 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: /base_propagator is negative (damaged?)", path);
  }
  double *magnetisation = NULL;
  int64_t nmag = 0;
  if (H5Lexists(f, "base_magnetisation", H5P_DEFAULT) > 0) PetscCall(read_array(comm, f, path, "base_magnetisation", &nmag, &magnetisation));
  PetscCall(h5_close(&f));
  *st = (model_state){data[0], data[1], data[2], data[3], propagator, magnetisation, nmag};
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_state_free(model_state *st)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(st->params));
  PetscCall(PetscFree(st->ema));
  PetscCall(PetscFree(st->m));
  PetscCall(PetscFree(st->v));
  PetscCall(PetscFree(st->propagator));
  PetscCall(PetscFree(st->magnetisation));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_read_settings(MPI_Comm comm, const char *path, int n, const model_setting *want,
                                   model_setting *got, const char **missing)
{
  hid_t f, g = -1;

  PetscFunctionBeginUser;
  *missing = NULL;
  PetscCall(h5_open(comm, path, PETSC_FALSE, &f));
  if (H5Lexists(f, "training", H5P_DEFAULT) > 0) H5CALL(g = H5Gopen2(f, "training", H5P_DEFAULT));
  for (int k = 0; k < n; k++) {
    got[k] = want[k];
    if (g < 0 || H5Aexists(g, want[k].name) <= 0) {
      *missing = want[k].name;
      break;
    }
    if (want[k].text[0]) PetscCall(h5_attr_get_string(g, path, want[k].name, sizeof got[k].text, got[k].text));
    else PetscCall(h5_attr_get_double(g, path, want[k].name, &got[k].value));
  }
  if (g >= 0) H5CALL(H5Gclose(g));
  PetscCall(h5_close(&f));
  PetscFunctionReturn(PETSC_SUCCESS);
}
