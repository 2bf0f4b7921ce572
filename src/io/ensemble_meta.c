/* ensemble_meta.c — the attributes that make an ensemble self-describing.
 * The common ones (theory, couplings, lattice, seed, sizes) are known here;
 * a generator's own settings are a list of named values that each verb
 * fills, written to and read from /generator as they are. */
#include "latdiff/ensemble.h"
#include "latdiff/theory.h"

#include <math.h>

static meta_param *slot(ensemble_meta *m, const char *name)
{
  for (int k = 0; k < m->nparams; k++)
    if (!strcmp(m->params[k].name, name)) return &m->params[k];
  if (m->nparams == META_MAX_PARAMS) return NULL;
  meta_param *p = &m->params[m->nparams++];
  *p = (meta_param){0};
  snprintf(p->name, sizeof p->name, "%s", name);
  return p;
}

void ensemble_meta_set_int(ensemble_meta *m, const char *name, int64_t v)
{
  meta_param *p = slot(m, name);
  if (p) p->kind = META_INT, p->i = v;
}

void ensemble_meta_set_real(ensemble_meta *m, const char *name, double v)
{
  meta_param *p = slot(m, name);
  if (p) p->kind = META_REAL, p->r = v;
}

void ensemble_meta_set_string(ensemble_meta *m, const char *name, const char *v)
{
  meta_param *p = slot(m, name);
  if (p) p->kind = META_STRING, snprintf(p->s, sizeof p->s, "%s", v);
}

const meta_param *ensemble_meta_get(const ensemble_meta *m, const char *name)
{
  for (int k = 0; k < m->nparams; k++)
    if (!strcmp(m->params[k].name, name)) return &m->params[k];
  return NULL;
}

PetscErrorCode ensemble_meta_write(hid_t obj, const ensemble_meta *m)
{
  hid_t g;

  PetscFunctionBeginUser;
  PetscCall(h5_attr_put_string(obj, "format", ENSEMBLE_FORMAT));
  PetscCall(h5_attr_put_int(obj, "format_version", ENSEMBLE_FORMAT_VERSION));
  PetscCall(h5_attr_put_string(obj, "theory", m->theory));
  PetscCall(h5_attr_put_double(obj, "kappa", m->kappa));
  PetscCall(h5_attr_put_double(obj, "lambda", m->lambda));
  PetscCall(h5_attr_put_ints(obj, "lattice", m->d, m->L));
  PetscCall(h5_attr_put_string(obj, "generator", m->generator));
  PetscCall(h5_attr_put_int(obj, "seed", (int64_t)m->seed));
  PetscCall(h5_attr_put_int(obj, "replicas", m->replicas));
  PetscCall(h5_attr_put_int(obj, "configs_per_replica", m->per_replica));
  PetscCall(h5_attr_put_string(obj, "code_version", latdiff_version()));
  PetscCall(h5_attr_put_string(obj, "git_commit", latdiff_git_commit()));
  H5CALL(g = H5Gcreate2(obj, "generator", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int k = 0; k < m->nparams; k++) {
    const meta_param *p = &m->params[k];
    if (p->kind == META_INT) PetscCall(h5_attr_put_int(g, p->name, p->i));
    else if (p->kind == META_REAL) PetscCall(h5_attr_put_double(g, p->name, p->r));
    else PetscCall(h5_attr_put_string(g, p->name, p->s));
  }
  H5CALL(H5Gclose(g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  ensemble_meta *m;
  const char *path;
  PetscErrorCode err;
} read_ctx;

static herr_t read_param(hid_t g, const char *name, const H5A_info_t *info, void *ptr)
{
  read_ctx *c = ptr;
  hid_t a = H5Aopen(g, name, H5P_DEFAULT), type = a >= 0 ? H5Aget_type(a) : -1;
  const H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
  (void)info;
  if (type >= 0) H5Tclose(type);
  if (a >= 0) H5Aclose(a);
  if (cls == H5T_INTEGER) {
    int64_t v;
    c->err = h5_attr_get_int(g, c->path, name, &v);
    if (!c->err) ensemble_meta_set_int(c->m, name, v);
  } else if (cls == H5T_FLOAT) {
    double v;
    c->err = h5_attr_get_double(g, c->path, name, &v);
    if (!c->err) ensemble_meta_set_real(c->m, name, v);
  } else if (cls == H5T_STRING) {
    char v[24];
    c->err = h5_attr_get_string(g, c->path, name, sizeof v, v);
    if (!c->err) ensemble_meta_set_string(c->m, name, v);
  }
  return c->err ? -1 : 0;
}

PetscErrorCode ensemble_meta_read(hid_t obj, const char *path, ensemble_meta *m)
{
  char format[64];
  int64_t v, seed, reps, volume;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(m, sizeof(*m)));
  PetscCall(h5_attr_get_string(obj, path, "format", sizeof format, format));
  PetscCheck(!strcmp(format, ENSEMBLE_FORMAT), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: format is '%s', not a latdiff ensemble", path, format);
  PetscCall(h5_attr_get_int(obj, path, "format_version", &v));
  PetscCheck(v == ENSEMBLE_FORMAT_VERSION, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: ensemble format version %lld; this latdiff reads version %d", path, (long long)v,
             ENSEMBLE_FORMAT_VERSION);
  PetscCall(h5_attr_get_string(obj, path, "theory", sizeof m->theory, m->theory));
  PetscCall(h5_attr_get_double(obj, path, "kappa", &m->kappa));
  PetscCall(h5_attr_get_double(obj, path, "lambda", &m->lambda));
  PetscCall(h5_attr_get_ints(obj, path, "lattice", LATTICE_MAXDIM, &m->d, m->L));
  PetscCall(h5_attr_get_string(obj, path, "generator", sizeof m->generator, m->generator));
  PetscCall(h5_attr_get_int(obj, path, "seed", &seed));
  PetscCall(h5_attr_get_int(obj, path, "replicas", &reps));
  PetscCall(h5_attr_get_int(obj, path, "configs_per_replica", &m->per_replica));
  m->seed = (uint64_t)seed;
  for (int mu = 0; mu < m->d; mu++)
    PetscCheck(m->L[mu] > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: lattice extent %d is %d", path, mu, m->L[mu]);
  /* couplings are finite or absent (NaN: a point target's); infinities
   * would reach the theory as if given on the command line */
  PetscCheck(!isinf(m->kappa) && !isinf(m->lambda), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: couplings kappa %g, lambda %g out of range (damaged?)", path, m->kappa, m->lambda);
  const theory_kind *theory = theory_get(m->theory);
  PetscCheck(theory, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: theory '%s' is not one this latdiff knows", path,
             m->theory);
  PetscCheck(!theory->couplings || (isfinite(m->kappa) && isfinite(m->lambda)), PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED, "%s: %s with couplings kappa %g, lambda %g (damaged?)", path, m->theory, m->kappa,
             m->lambda);
  PetscCheck(lattice_volume(m->d, m->L, &volume), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the lattice attribute gives more sites than latdiff can count", path);
  /* the file can hold at most 2^60 values: replicas x configs x sites */
  PetscCheck(reps >= 1 && reps <= INT32_MAX && m->per_replica >= 0 &&
               (double)reps * (double)m->per_replica * (double)volume < 0x1p60,
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: replicas %lld, configs_per_replica %lld make no sense", path,
             (long long)reps, (long long)m->per_replica);
  m->replicas = (int)reps;
  if (H5Lexists(obj, "generator", H5P_DEFAULT) > 0) {
    read_ctx c = {m, path, PETSC_SUCCESS};
    hid_t g;
    H5CALL(g = H5Gopen2(obj, "generator", H5P_DEFAULT));
    H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, NULL, read_param, &c);
    H5CALL(H5Gclose(g));
    PetscCall(c.err);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void format_extents(int d, const int *L, char *out, size_t len)
{
  size_t k = 0;
  out[0] = 0;
  for (int mu = 0; mu < d && k < len; mu++) k += (size_t)snprintf(out + k, len - k, mu ? "x%d" : "%d", L[mu]);
}

static void format_param(const meta_param *p, char *out, size_t len)
{
  if (!p) snprintf(out, len, "(none)");
  else if (p->kind == META_INT) snprintf(out, len, "%lld", (long long)p->i);
  else if (p->kind == META_REAL) snprintf(out, len, "%.17g", p->r);
  else snprintf(out, len, "%s", p->s);
}

static PetscBool same_param(const meta_param *a, const meta_param *b)
{
  if (!a || !b || a->kind != b->kind) return PETSC_FALSE;
  if (a->kind == META_INT) return a->i == b->i ? PETSC_TRUE : PETSC_FALSE;
  if (a->kind == META_REAL) return a->r == b->r ? PETSC_TRUE : PETSC_FALSE;
  return strcmp(a->s, b->s) ? PETSC_FALSE : PETSC_TRUE;
}

PetscErrorCode ensemble_meta_compare(MPI_Comm comm, const char *what, const ensemble_meta *f, const ensemble_meta *w)
{
  char a[64], b[64];
  PetscBool same_lattice = f->d == w->d;

  PetscFunctionBeginUser;
  PetscCheck(!strcmp(f->theory, w->theory), comm, PETSC_ERR_USER_INPUT, "%s holds theory '%s', this run is '%s'", what,
             f->theory, w->theory);
  for (int mu = 0; same_lattice && mu < f->d; mu++) same_lattice = f->L[mu] == w->L[mu];
  format_extents(f->d, f->L, a, sizeof a);
  format_extents(w->d, w->L, b, sizeof b);
  PetscCheck(same_lattice, comm, PETSC_ERR_USER_INPUT, "%s holds a %s lattice, but -lattice asks for %s", what, a, b);
  PetscCheck(f->kappa == w->kappa, comm, PETSC_ERR_USER_INPUT, "%s has kappa %.17g, but -kappa is %.17g", what, f->kappa,
             w->kappa);
  PetscCheck(f->lambda == w->lambda, comm, PETSC_ERR_USER_INPUT, "%s has lambda %.17g, but -lambda is %.17g", what,
             f->lambda, w->lambda);
  PetscCheck(!strcmp(f->generator, w->generator), comm, PETSC_ERR_USER_INPUT, "%s was made by '%s', this run is '%s'",
             what, f->generator, w->generator);
  PetscCheck(f->seed == w->seed, comm, PETSC_ERR_USER_INPUT, "%s has seed %llu, but -seed is %llu", what,
             (unsigned long long)f->seed, (unsigned long long)w->seed);
  PetscCheck(f->replicas == w->replicas, comm, PETSC_ERR_USER_INPUT, "%s has %d replicas, but -replicas is %d", what,
             f->replicas, w->replicas);
  PetscCheck(f->per_replica == w->per_replica, comm, PETSC_ERR_USER_INPUT,
             "%s stores %lld configurations per replica, but -ntraj is %lld", what, (long long)f->per_replica,
             (long long)w->per_replica);
  /* every setting of either side, compared by name */
  for (int side = 0; side < 2; side++) {
    const ensemble_meta *x = side ? f : w;
    for (int k = 0; k < x->nparams; k++) {
      const meta_param *pf = ensemble_meta_get(f, x->params[k].name), *pw = ensemble_meta_get(w, x->params[k].name);
      format_param(pf, a, sizeof a);
      format_param(pw, b, sizeof b);
      PetscCheck(same_param(pf, pw), comm, PETSC_ERR_USER_INPUT, "%s used -%s %s; this run has -%s %s", what,
                 x->params[k].name, a, x->params[k].name, b);
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
