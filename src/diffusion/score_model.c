/* score_model.c — the score model object and its registry (score_model.h). */
#include "latdiff/score_model.h"
#include "latdiff/rng.h"
#include "latdiff/theory.h"

/* The registry of types: process-wide, like PETSc's own type lists
 * (TSAdaptList); filled with the built-in types on first use. */
#define MAX_TYPES 16
static struct {
  char name[16];
  PetscErrorCode (*create)(score_model *m);
} registry[MAX_TYPES];
static int nregistered = 0;

PetscErrorCode score_model_register(const char *name, PetscErrorCode (*create)(score_model *m))
{
  PetscFunctionBeginUser;
  for (int k = 0; k < nregistered; k++)
    if (!strcmp(registry[k].name, name)) {
      registry[k].create = create;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  PetscCheck(nregistered < MAX_TYPES, PETSC_COMM_SELF, PETSC_ERR_PLIB, "score_model_register: too many types");
  PetscCall(PetscStrncpy(registry[nregistered].name, name, sizeof registry[nregistered].name));
  registry[nregistered++].create = create;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode register_builtin(void)
{
  PetscFunctionBeginUser;
  if (nregistered) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(score_model_register("twopeak", score_exact_twopeak));
  PetscCall(score_model_register(THEORY_PHI4, score_exact_freefield)); /* -theory phi4 -lambda 0: the free field */
  PetscCall(score_model_register("gauss25", score_exact_gauss25));
  PetscCall(score_model_register("swissroll", score_exact_swissroll));
  PetscCall(score_model_register("network", score_network));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_model_create(MPI_Comm comm, score_model **out)
{
  PetscFunctionBeginUser;
  PetscCall(register_builtin());
  PetscCall(PetscNew(out));
  (*out)->comm = comm;
  (*out)->prior_var = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_model_set_from_options(PetscOptionItems *o, const char *option, score_model *m)
{
  char type[16] = "twopeak", names[256] = "", help[320];
  PetscBool set;
  int found = -1;

  PetscFunctionBeginUser;
  /* the targets a user names; the trained network is chosen by -model */
  int ntargets = 0;
  for (int k = 0; k < nregistered; k++) ntargets += registry[k].create != score_network;
  for (int k = 0, i = 0; k < nregistered; k++) {
    if (registry[k].create == score_network) continue;
    PetscCall(PetscStrlcat(names, i ? (i + 1 == ntargets ? " or " : ", ") : "", sizeof names));
    PetscCall(PetscStrlcat(names, registry[k].name, sizeof names));
    i++;
  }
  snprintf(help, sizeof help, "the target: %s (with -help: that target's options); or -model FILE, a trained network", names);
  PetscCall(PetscOptionsString_Private(o, option, help, "latdiff", type, type, sizeof type, &set));
  {
    PetscBool model;
    PetscCall(PetscOptionsHasName(NULL, NULL, "-model", &model));
    PetscCheck(!(model && set), m->comm, PETSC_ERR_USER_INPUT,
               "-model and %s exclude each other: the model file names its theory", option);
    if (model) PetscCall(PetscStrncpy(type, "network", sizeof type));
  }
  for (int k = 0; k < nregistered; k++)
    if (!strcmp(type, registry[k].name) && (registry[k].create != score_network || !set)) found = k;
  PetscCheck(found >= 0, m->comm, PETSC_ERR_USER_INPUT, "%s: '%s' is not one of %s", option, type, names);
  if (strcmp(m->type, type)) {
    if (m->ops.destroy) PetscCall(m->ops.destroy(m));
    m->ops = (score_model_ops){0};
    m->data = NULL;
    PetscCall(PetscStrncpy(m->type, type, sizeof m->type));
    PetscCall(registry[found].create(m));
  }
  if (m->ops.set_from_options) PetscCall(m->ops.set_from_options(o, m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_model_setup(score_model *m, int64_t nsamples)
{
  PetscFunctionBeginUser;
  PetscCheck(m->ops.setup, m->comm, PETSC_ERR_ORDER, "score_model_setup: no type set");
  m->nsamples = nsamples;
  PetscCall(m->ops.setup(m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void score_model_white_noise(const score_model *m, uint64_t seed, int64_t nb, uint64_t first, double *x)
{
  const reverse_shape *sh = &m->shape;
  const rng_key diffuse = {seed, RNG_DIFFUSION, 0, 0};
  for (int64_t b = 0; b < nb; b++)
    for (int64_t j = 0; j < sh->dim; j++)
      x[b * sh->dim + j] = rng_normal(diffuse, (first + (uint64_t)b) * (uint64_t)sh->stride + (uint64_t)(sh->offset + j));
}

PetscErrorCode score_model_split_points(score_model *m, int64_t dim)
{
  int rank, size;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(m->comm, &rank));
  MPICHECK(MPI_Comm_size(m->comm, &size));
  m->lo = m->nsamples * rank / size;
  m->hi = m->nsamples * (rank + 1) / size;
  m->shape = (reverse_shape){dim, 0, dim, PetscMax(m->hi - m->lo, 1)};
  m->spread = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

MPI_Comm score_model_field_comm(const score_model *m)
{
  return m->lat ? m->lat->comm : m->spread ? m->comm : PETSC_COMM_SELF;
}

PetscErrorCode score_model_apply(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                 double *s)
{
  return m->ops.apply(m, t, f, xi, nb, x, s);
}

PetscErrorCode score_model_diffused(score_model *m, double f, double xi, int64_t nb, uint64_t first, uint64_t seed,
                                    double *x)
{
  PetscFunctionBeginUser;
  PetscCheck(m->ops.diffused, m->comm, PETSC_ERR_SUP, "the %s score has no exact sampler; use -prior gaussian",
             m->type);
  PetscCall(m->ops.diffused(m, f, xi, nb, first, seed, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_model_action(score_model *m, int64_t nb, const double *x, double *S)
{
  PetscFunctionBeginUser;
  PetscCheck(m->ops.action, m->comm, PETSC_ERR_SUP, "the %s target has no known action", m->type);
  PetscCall(m->ops.action(m, nb, x, S));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_model_jet(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                               const jet_space *js, const double *dirs, double *out)
{
  PetscFunctionBeginUser;
  PetscCheck(m->ops.jet, m->comm, PETSC_ERR_SUP, "the %s score has no derivatives in its input", m->type);
  PetscCall(m->ops.jet(m, t, f, xi, nb, x, js, dirs, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the trace of the Jacobian from first-order jets along every unit vector,
 * a chunk of samples at a time (dim^2 values per sample) */
PetscErrorCode score_model_divergence(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                      double *div)
{
  const int64_t D = m->shape.dim, chunk = PetscMax(1, PetscMin(nb, (int64_t)(1 << 22) / (D * D + 1)));

  PetscFunctionBeginUser;
  if (m->ops.divergence) {
    PetscCall(m->ops.divergence(m, t, f, xi, nb, x, div));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(!m->spread, m->comm, PETSC_ERR_SUP,
             "the %s score's exact divergence needs whole samples on each rank: without -proc_grid, or -divergence hutchinson",
             m->type);
  if (chunk > m->div_chunk) { /* the ODEs ask at every right-hand side: made once */
    if (!m->div_js) PetscCall(jet_space_create((int)D, 1, &m->div_js));
    PetscCall(PetscFree2(m->div_dirs, m->div_out));
    PetscCall(PetscCalloc2((size_t)(chunk * D * D), &m->div_dirs, (size_t)(chunk * D * (D + 1)), &m->div_out));
    for (int64_t b = 0; b < chunk; b++)
      for (int64_t j = 0; j < D; j++) m->div_dirs[(b * D + j) * D + j] = 1;
    m->div_chunk = chunk;
  }
  for (int64_t b0 = 0; b0 < nb; b0 += m->div_chunk) {
    const int64_t n = PetscMin(m->div_chunk, nb - b0);
    PetscCall(score_model_jet(m, t, f, xi, n, x + b0 * D, m->div_js, m->div_dirs, m->div_out));
    for (int64_t b = 0; b < n; b++) {
      div[b0 + b] = 0;
      for (int64_t j = 0; j < D; j++) div[b0 + b] += m->div_out[(b * D + j) * (D + 1) + 1 + j];
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_model_log_prior(score_model *m, double f, double xi, int64_t nb, const double *x, double *lp)
{
  PetscFunctionBeginUser;
  PetscCheck(m->ops.log_prior, m->comm, PETSC_ERR_SUP, "the %s score has no exact prior density; use -prior gaussian",
             m->type);
  PetscCall(m->ops.log_prior(m, f, xi, nb, x, lp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_model_posterior_color(score_model *m, double f, double xi, int64_t nb, double *z)
{
  PetscFunctionBeginUser;
  PetscCheck(m->ops.posterior_color, m->comm, PETSC_ERR_SUP,
             "the %s score has no Gaussian posterior for -denoise_draw (the free field and networks with -base "
             "gaussian have)",
             m->type);
  PetscCall(m->ops.posterior_color(m, f, xi, nb, z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_model_propagator(score_model *m, int64_t k0, int64_t nk, double *G)
{
  PetscFunctionBeginUser;
  PetscCheck(m->ops.propagator, m->comm, PETSC_ERR_USER_INPUT,
             "the %s score has no propagator for -mass fourier (the free field and networks with -base gaussian have)",
             m->type);
  PetscCall(m->ops.propagator(m, k0, nk, G));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void score_model_describe(const score_model *m, ensemble_meta *meta)
{
  snprintf(meta->theory, sizeof meta->theory, "%s", m->type);
  if (m->ops.describe) m->ops.describe(m, meta);
}

PetscErrorCode score_model_write_attrs(const score_model *m, hid_t file)
{
  return m->ops.write_attrs ? m->ops.write_attrs(m, file) : PETSC_SUCCESS;
}

PetscErrorCode score_model_create_from_attrs(MPI_Comm comm, const char *type, hid_t obj, const char *path,
                                             score_model **out)
{
  int found = -1;

  PetscFunctionBeginUser;
  PetscCall(score_model_create(comm, out));
  for (int k = 0; k < nregistered; k++)
    if (!strcmp(type, registry[k].name)) found = k;
  PetscCheck(found >= 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: theory '%s' is not a registered target", path, type);
  PetscCall(PetscStrncpy((*out)->type, type, sizeof (*out)->type));
  PetscCall(registry[found].create(*out));
  PetscCheck((*out)->ops.read_attrs, comm, PETSC_ERR_SUP, "%s: the %s target cannot be restored from a file", path, type);
  PetscCall((*out)->ops.read_attrs(*out, obj, path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_model_destroy(score_model **mp)
{
  score_model *m = *mp;

  PetscFunctionBeginUser;
  if (!m) PetscFunctionReturn(PETSC_SUCCESS);
  if (m->ops.destroy) PetscCall(m->ops.destroy(m));
  if (m->lat) PetscCall(lattice_destroy(&m->lat));
  PetscCall(jet_space_destroy(&m->div_js));
  PetscCall(PetscFree2(m->div_dirs, m->div_out));
  PetscCall(PetscFree(*mp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
