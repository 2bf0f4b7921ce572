/* score_exact_points.c — the exact scores of the point targets
 * (score_model.h): the two-peak mixture in 0 dimensions, and the Gaussian
 * mixtures gauss25 and swissroll in the plane. Each rank holds whole
 * samples, a contiguous block of them; they run as one batch, since the
 * ensemble is written collectively. */
#include "latdiff/mixture.h"
#include "latdiff/options.h"
#include "latdiff/score_model.h"
#include "latdiff/twopeak.h"

#include <math.h>

/* --- twopeak ----------------------------------------------------------- */

typedef struct {
  twopeak tp;
  mixture *mx; /* the same target as a mixture: its derivatives and density */
} twopeak_model;

static PetscErrorCode twopeak_options(PetscOptionItems *o, score_model *m)
{
  twopeak *tp = &((twopeak_model *)m->data)->tp;

  PetscFunctionBeginUser;
  PetscCall(opt_real(o, "-mu0", "twopeak: peak position", &tp->mu0));
  PetscCall(opt_real(o, "-s0", "twopeak: peak width", &tp->s0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode twopeak_setup(score_model *m)
{
  twopeak_model *p = m->data;

  PetscFunctionBeginUser;
  PetscCall(twopeak_check(m->comm, &p->tp));
  PetscCall(mixture_create_twopeak(m->comm, p->tp.mu0, p->tp.s0, &p->mx));
  PetscCall(score_model_split_points(m, 1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode twopeak_apply(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                    double *s)
{
  (void)t;
  for (int64_t b = 0; b < nb; b++) s[b] = twopeak_score(&((twopeak_model *)m->data)->tp, f, xi, x[b]);
  return PETSC_SUCCESS;
}

static PetscErrorCode twopeak_diffused(score_model *m, double f, double xi, int64_t nb, uint64_t first, uint64_t seed,
                                       double *x)
{
  rng_key start = {seed, RNG_START, 0, 0}, diffuse = {seed, RNG_DIFFUSION, 0, 0};
  for (int64_t b = 0; b < nb; b++)
    x[b] = f * twopeak_sample(&((twopeak_model *)m->data)->tp, start, first + (uint64_t)b) + sqrt(xi) * rng_normal(diffuse, first + (uint64_t)b);
  return PETSC_SUCCESS;
}

/* -log P_0(x) up to a constant, without overflow of cosh */
static PetscErrorCode twopeak_action(score_model *m, int64_t nb, const double *x, double *S)
{
  const twopeak *tp = &((twopeak_model *)m->data)->tp;
  const double v = tp->s0 * tp->s0;
  for (int64_t b = 0; b < nb; b++) {
    const double a = fabs(tp->mu0 * x[b] / v);
    S[b] = (x[b] * x[b] + tp->mu0 * tp->mu0) / (2 * v) - (a + log1p(exp(-2 * a)) - log(2.0));
  }
  return PETSC_SUCCESS;
}

static PetscErrorCode twopeak_attrs(const score_model *m, hid_t file)
{
  const twopeak *tp = &((const twopeak_model *)m->data)->tp;

  PetscFunctionBeginUser;
  PetscCall(h5_attr_put_double(file, "mu0", tp->mu0));
  PetscCall(h5_attr_put_double(file, "s0", tp->s0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode twopeak_read_attrs(score_model *m, hid_t obj, const char *path)
{
  twopeak *tp = &((twopeak_model *)m->data)->tp;

  PetscFunctionBeginUser;
  PetscCall(h5_attr_get_double(obj, path, "mu0", &tp->mu0));
  PetscCall(h5_attr_get_double(obj, path, "s0", &tp->s0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode points_jet(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                 const jet_space *js, const double *dirs, double *out);
static PetscErrorCode points_log_prior(score_model *m, double f, double xi, int64_t nb, const double *x, double *lp);

static PetscErrorCode twopeak_destroy(score_model *m)
{
  twopeak_model *p = m->data;

  PetscFunctionBeginUser;
  PetscCall(mixture_destroy(&p->mx));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_exact_twopeak(score_model *m)
{
  twopeak_model *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  p->tp = (twopeak){1.0, 0.25};
  m->data = p;
  m->ops = (score_model_ops){.set_from_options = twopeak_options, .setup = twopeak_setup, .apply = twopeak_apply,
                             .diffused = twopeak_diffused, .action = twopeak_action, .jet = points_jet,
                             .log_prior = points_log_prior, .write_attrs = twopeak_attrs,
                             .read_attrs = twopeak_read_attrs, .destroy = twopeak_destroy};
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* --- gauss25 and swissroll: Gaussian mixtures in the plane ------------- */

typedef struct {
  PetscBool grid; /* gauss25, else swissroll */
  double spacing, width, scale;
  int components;
  mixture *mx;
} planar;

static PetscErrorCode planar_options(PetscOptionItems *o, score_model *m)
{
  planar *p = m->data;

  PetscFunctionBeginUser;
  if (p->grid) PetscCall(opt_real(o, "-spacing", "gauss25: distance of neighbouring centres", &p->spacing));
  else {
    PetscCall(opt_int(o, "-components", "swissroll: Gaussians along the spiral", 2, &p->components));
    PetscCall(opt_real(o, "-scale", "swissroll: the spiral is scale (u cos u, u sin u)", &p->scale));
  }
  PetscCall(opt_real(o, "-width", "width of each Gaussian", &p->width));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode planar_setup(score_model *m)
{
  planar *p = m->data;

  PetscFunctionBeginUser;
  if (p->grid) PetscCall(mixture_create_gauss25(m->comm, p->spacing, p->width, &p->mx));
  else PetscCall(mixture_create_swissroll(m->comm, p->components, p->scale, p->width, &p->mx));
  PetscCall(score_model_split_points(m, 2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode planar_apply(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                   double *s)
{
  const mixture *mx = ((planar *)m->data)->mx;
  (void)t;
  for (int64_t b = 0; b < nb; b++) mixture_score(mx, f, xi, x + b * mx->dim, s + b * mx->dim);
  return PETSC_SUCCESS;
}

static PetscErrorCode planar_diffused(score_model *m, double f, double xi, int64_t nb, uint64_t first, uint64_t seed,
                                      double *x)
{
  const mixture *mx = ((planar *)m->data)->mx;
  rng_key start = {seed, RNG_START, 0, 0}, diffuse = {seed, RNG_DIFFUSION, 0, 0};
  for (int64_t b = 0; b < nb; b++) {
    const uint64_t i = first + (uint64_t)b;
    mixture_sample(mx, start, i, x + b * mx->dim);
    for (int j = 0; j < mx->dim; j++)
      x[b * mx->dim + j] = f * x[b * mx->dim + j] + sqrt(xi) * rng_normal(diffuse, i * (uint64_t)mx->dim + (uint64_t)j);
  }
  return PETSC_SUCCESS;
}

static PetscErrorCode planar_action(score_model *m, int64_t nb, const double *x, double *S)
{
  const mixture *mx = ((planar *)m->data)->mx;
  for (int64_t b = 0; b < nb; b++) S[b] = mixture_action(mx, x + b * mx->dim);
  return PETSC_SUCCESS;
}

static void planar_describe(const score_model *m, ensemble_meta *meta)
{
  (void)m;
  meta->L[0] = 2; /* points in the plane: configurations of two values */
}

static PetscErrorCode planar_attrs(const score_model *m, hid_t file)
{
  const planar *p = m->data;

  PetscFunctionBeginUser;
  PetscCall(h5_attr_put_double(file, "width", p->width));
  if (p->grid) PetscCall(h5_attr_put_double(file, "spacing", p->spacing));
  else {
    PetscCall(h5_attr_put_int(file, "components", p->components));
    PetscCall(h5_attr_put_double(file, "scale", p->scale));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode planar_read_attrs(score_model *m, hid_t obj, const char *path)
{
  planar *p = m->data;
  int64_t n;

  PetscFunctionBeginUser;
  PetscCall(h5_attr_get_double(obj, path, "width", &p->width));
  if (p->grid) PetscCall(h5_attr_get_double(obj, path, "spacing", &p->spacing));
  else {
    PetscCall(h5_attr_get_int(obj, path, "components", &n));
    PetscCheck(n >= 2 && n <= MIXTURE_MAXCOMP, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: components %lld", path,
               (long long)n);
    p->components = (int)n;
    if (H5Aexists(obj, "scale") > 0) PetscCall(h5_attr_get_double(obj, path, "scale", &p->scale)); /* else 1/5, as before it */
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode planar_destroy(score_model *m)
{
  planar *p = m->data;

  PetscFunctionBeginUser;
  PetscCall(mixture_destroy(&p->mx));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode create_planar(score_model *m, PetscBool grid)
{
  planar *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  *p = (planar){.grid = grid, .spacing = 1, .width = 0.05, .scale = 0.2, .components = 100};
  m->data = p;
  m->ops = (score_model_ops){.set_from_options = planar_options, .setup = planar_setup, .apply = planar_apply,
                             .diffused = planar_diffused, .action = planar_action, .jet = points_jet,
                             .log_prior = points_log_prior, .describe = planar_describe,
                             .write_attrs = planar_attrs, .read_attrs = planar_read_attrs, .destroy = planar_destroy};
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* --- the likelihood's needs, from the mixture (both kinds) ------------- */

static mixture *mixture_of(score_model *m)
{
  return strcmp(m->type, "twopeak") ? ((planar *)m->data)->mx : ((twopeak_model *)m->data)->mx;
}

static PetscErrorCode points_jet(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                 const jet_space *js, const double *dirs, double *out)
{
  const mixture *mx = mixture_of(m);
  const int D = mx->dim, K = js->ncoef;
  double *work;

  PetscFunctionBeginUser;
  (void)t;
  PetscCall(PetscMalloc1((size_t)((D + 9) * K), &work));
  for (int64_t b = 0; b < nb; b++) mixture_score_jet(mx, f, xi, x + b * D, js, dirs + b * js->n * D, out + b * D * K, work);
  PetscCall(PetscFree(work));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode points_log_prior(score_model *m, double f, double xi, int64_t nb, const double *x, double *lp)
{
  const mixture *mx = mixture_of(m);
  for (int64_t b = 0; b < nb; b++) lp[b] = mixture_logpdf(mx, f, xi, x + b * mx->dim);
  return PETSC_SUCCESS;
}

PetscErrorCode score_exact_gauss25(score_model *m) { return create_planar(m, PETSC_TRUE); }
PetscErrorCode score_exact_swissroll(score_model *m) { return create_planar(m, PETSC_FALSE); }
