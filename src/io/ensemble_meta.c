/* ensemble_meta.c — the attributes that make an ensemble self-describing. */
#include "latdiff/ensemble.h"

/* the run settings every Markov chain generator (hmc, langevin) has */
static PetscErrorCode chain_settings_write(hid_t g, const ensemble_meta *m)
{
  PetscFunctionBeginUser;
  PetscCall(h5_attr_put_int(g, "therm", m->therm));
  PetscCall(h5_attr_put_int(g, "every", m->every));
  PetscCall(h5_attr_put_string(g, "start", m->start));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode chain_settings_read(hid_t g, const char *path, ensemble_meta *m)
{
  int64_t v;

  PetscFunctionBeginUser;
  PetscCall(h5_attr_get_int(g, path, "therm", &v));
  m->therm = (int)v;
  PetscCall(h5_attr_get_int(g, path, "every", &v));
  m->every = (int)v;
  PetscCall(h5_attr_get_string(g, path, "start", sizeof m->start, m->start));
  PetscFunctionReturn(PETSC_SUCCESS);
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
  if (!strcmp(m->generator, "hmc")) {
    PetscCall(h5_attr_put_string(g, "integrator", m->integrator));
    PetscCall(h5_attr_put_int(g, "nmd", m->nmd));
    PetscCall(h5_attr_put_double(g, "tau", m->tau));
    PetscCall(chain_settings_write(g, m));
  } else if (!strcmp(m->generator, "langevin")) {
    PetscCall(h5_attr_put_string(g, "scheme", m->integrator));
    PetscCall(h5_attr_put_double(g, "step", m->tau));
    PetscCall(chain_settings_write(g, m));
  } else if (!strcmp(m->generator, "sample")) {
    PetscCall(h5_attr_put_string(g, "sampler", m->sampler));
    PetscCall(h5_attr_put_string(g, "schedule", m->schedule));
    PetscCall(h5_attr_put_string(g, "score", m->score));
    PetscCall(h5_attr_put_int(g, "steps", m->steps));
    PetscCall(h5_attr_put_double(g, "eps", m->eps));
    PetscCall(h5_attr_put_double(g, "h", m->h));
  }
  H5CALL(H5Gclose(g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ensemble_meta_read(hid_t obj, const char *path, ensemble_meta *m)
{
  char format[64];
  int64_t v, seed, reps;
  hid_t g;

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
  m->replicas = (int)reps;
  for (int mu = 0; mu < m->d; mu++)
    PetscCheck(m->L[mu] > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: lattice extent %d is %d", path, mu, m->L[mu]);
  PetscCheck(m->replicas >= 1 && m->per_replica >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: replicas %d, configs_per_replica %lld make no sense", path, m->replicas, (long long)m->per_replica);
  if (H5Lexists(obj, "generator", H5P_DEFAULT) > 0) {
    H5CALL(g = H5Gopen2(obj, "generator", H5P_DEFAULT));
    if (H5Aexists(g, "integrator") > 0) {
      PetscCall(h5_attr_get_string(g, path, "integrator", sizeof m->integrator, m->integrator));
      PetscCall(h5_attr_get_int(g, path, "nmd", &v));
      m->nmd = (int)v;
      PetscCall(h5_attr_get_double(g, path, "tau", &m->tau));
      PetscCall(chain_settings_read(g, path, m));
    } else if (H5Aexists(g, "scheme") > 0) {
      PetscCall(h5_attr_get_string(g, path, "scheme", sizeof m->integrator, m->integrator));
      PetscCall(h5_attr_get_double(g, path, "step", &m->tau));
      PetscCall(chain_settings_read(g, path, m));
    }
    H5CALL(H5Gclose(g));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void format_extents(int d, const int *L, char *out, size_t len)
{
  size_t k = 0;
  out[0] = 0;
  for (int mu = 0; mu < d && k < len; mu++) k += (size_t)snprintf(out + k, len - k, mu ? "x%d" : "%d", L[mu]);
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
  PetscCheck(strcmp(w->generator, "langevin") || (!strcmp(f->integrator, w->integrator) && f->tau == w->tau), comm,
             PETSC_ERR_USER_INPUT, "%s used -scheme %s -step %g; this run has %s, %g", what, f->integrator, f->tau,
             w->integrator, w->tau);
  PetscCheck(!strcmp(f->integrator, w->integrator) && f->nmd == w->nmd && f->tau == w->tau, comm, PETSC_ERR_USER_INPUT,
             "%s used -integrator %s -nmd %d -tau %g; this run has %s, %d, %g", what, f->integrator, f->nmd, f->tau,
             w->integrator, w->nmd, w->tau);
  PetscCheck(f->therm == w->therm && f->every == w->every && !strcmp(f->start, w->start), comm, PETSC_ERR_USER_INPUT,
             "%s used -therm %d -every %d -start %s; this run has %d, %d, %s", what, f->therm, f->every, f->start,
             w->therm, w->every, w->start);
  PetscFunctionReturn(PETSC_SUCCESS);
}
