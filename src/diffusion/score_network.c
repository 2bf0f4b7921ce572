/* score_network.c — the trained score network as a score model
 * (score_model.h), from a model file written by `latdiff train`
 * (model.h): the exponential moving average of the weights, the
 * normalisation and the schedule it was trained with. Each rank holds a
 * block of whole samples (points, or small lattices), applied in chunks of
 * the network's batch; or with -proc_grid every rank its slab of every
 * sample (a conv net or U-Net on a split lattice, its base on FFTW-MPI's
 * slabs). */
#include "latdiff/dsm.h"
#include "latdiff/phi4.h"
#include "latdiff/phi4_whole.h"
#include "latdiff/rng.h"
#include "latdiff/model_net.h"
#include "latdiff/score_model.h"
#include "latdiff/theory.h"
#include "latdiff/options.h"


typedef struct {
  char path[PETSC_MAX_PATH_LEN];
  model_info info;
  nn_net *net; /* the network of any kind */
  gauss_base *base; /* -base gaussian models */
  dsm_form form;    /* the score from the network's output */
  double *work;
  score_model *target; /* the training data's theory: its action (point targets) */
  phi4_whole *phi4; /* phi^4 data: the action of whole fields on this rank */
  int d, L[LATTICE_MAXDIM]; /* the lattice it is applied to */
  int64_t V;
  PetscBool transferred;    /* ... another than its training lattice */
  PetscBool lattice_option; /* asked for by -lattice (else by the verb, nll: where the model applies) */
  char asked[64];           /* "-lattice 16x16" or "the data's lattice 16x16", for messages */
  int grid[LATTICE_MAXDIM], ngrid; /* -proc_grid: a split lattice (ngrid > 0) */
  phi4 *phi4_split;         /* ... its action, on a field with halo */
  halo *halo;
  double *field;
} network;

static PetscErrorCode net_options(PetscOptionItems *o, score_model *m)
{
  network *n = m->data;

  PetscFunctionBeginUser;
  PetscBool set;
  int d = LATTICE_MAXDIM;

  PetscCall(PetscOptionsString_Private(o, "-model", "a model file written by latdiff train", "latdiff", n->path,
                                       n->path, sizeof n->path, NULL));
  PetscCall(opt_ints(o, "-lattice",
                     "with -model: the lattice L0,L1,... to sample (default: the training lattice); a translation-"
                     "equivariant network (conv; unet where every level halves it) on a fitted base applies to any "
                     "lattice of its dimension", LATTICE_MAXDIM, m->apply_L, &d, &set));
  if (set) m->apply_d = d, n->lattice_option = PETSC_TRUE;
  d = LATTICE_MAXDIM;
  PetscCall(opt_ints(o, "-proc_grid",
                     "with -model: ranks per direction of one sample, P0,1,..,1: each rank holds its slab of the "
                     "samples of its group, size / P0 groups sharing the samples (sample: -nsamples, nll: the "
                     "configurations; conv, unet or tutorial with periodic padding; default: each rank "
                     "whole samples)",
                     LATTICE_MAXDIM, n->grid, &d, &set));
  if (set) n->ngrid = d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode net_diffused(score_model *m, double f, double xi, int64_t nb, uint64_t first, uint64_t seed,
                                   double *x);
static PetscErrorCode net_log_prior(score_model *m, double f, double xi, int64_t nb, const double *x, double *lp);
static PetscErrorCode net_posterior_color(score_model *m, double f, double xi, int64_t nb, double *z);

/* the base's G on modes k0 .. k0 + nk - 1 (this rank's, once localised) */
static PetscErrorCode net_propagator(score_model *m, int64_t k0, int64_t nk, double *G)
{
  const gauss_base *b = ((network *)m->data)->base;

  PetscFunctionBeginUser;
  PetscCheck(!b->local || (k0 == b->k0 && nk == b->nk), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "score_model_propagator: modes %lld + %lld, the base holds %lld + %lld", (long long)k0, (long long)nk,
             (long long)b->k0, (long long)b->nk);
  PetscCheck(k0 >= 0 && k0 + nk <= b->V, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "score_model_propagator: modes");
  PetscCall(PetscArraycpy(G, b->local ? b->Gl : b->G + k0, nk));
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode net_divergence(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                     double *div);

/* the training lattice, or the one asked for (m->apply_*) where the
 * network applies to it */
static PetscErrorCode choose_lattice(score_model *m)
{
  network *n = m->data;
  const ensemble_meta *dm = &n->info.data_meta;
  char why[256], L[32];

  PetscFunctionBeginUser;
  n->d = dm->d;
  for (int mu = 0; mu < dm->d; mu++) n->L[mu] = dm->L[mu];
  PetscBool same = m->apply_d == dm->d;
  for (int mu = 0; same && mu < dm->d; mu++) same = m->apply_L[mu] == dm->L[mu];
  if (!m->apply_d || same) { /* its own lattice */
    n->V = n->info.dim;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  lattice_extents_text(m->apply_d, m->apply_L, L, sizeof L);
  snprintf(n->asked, sizeof n->asked, "%s %s", n->lattice_option ? "-lattice" : "the data's lattice", L);
  const PetscBool of_lattice = theory_is_lattice(dm->theory), applies = of_lattice && model_net_applies(&n->info,
                                                                                  m->apply_d, m->apply_L, why, sizeof why);
  if (!applies && !n->lattice_option) { /* the verb compares the lattices and says what differs */
    n->V = n->info.dim;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(of_lattice, m->comm, PETSC_ERR_USER_INPUT, "-lattice %s: the model %s is of points (theory '%s'), not of a "
             "lattice", L, n->path, dm->theory);
  PetscCheck(applies, m->comm, PETSC_ERR_USER_INPUT, "-lattice %s: the model %s does not apply to it: %s", L, n->path,
             why);
  n->transferred = PETSC_TRUE;
  n->d = m->apply_d, n->V = 1;
  for (int mu = 0; mu < n->d; mu++) n->L[mu] = m->apply_L[mu], n->V *= n->L[mu];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the base on the new lattice: the fitted propagator is a function of the
 * momenta (gauss_base_transfer); a measured one is not */
static PetscErrorCode transfer_base(score_model *m)
{
  network *n = m->data;
  gauss_base *to;
  char why[256];

  PetscFunctionBeginUser;
  PetscCheck(!strcmp(n->info.base_propagator, "fit"), m->comm, PETSC_ERR_USER_INPUT,
             "%s: the model %s has a base propagator measured mode by mode on its training lattice; only a "
             "fitted one (train -base_propagator fit, the default) extends to other momenta", n->asked, n->path);
  PetscCall(gauss_base_create_on(m->lat ? m->lat->comm : PETSC_COMM_SELF, n->d, n->L, &to));
  PetscCall(gauss_base_transfer(n->base, to, why, sizeof why));
  if (why[0]) PetscCall(gauss_base_destroy(&to));
  PetscCheck(!why[0], m->comm, PETSC_ERR_USER_INPUT, "%s: the model %s does not apply to it: %s", n->asked, n->path,
             why);
  PetscCall(gauss_base_destroy(&n->base));
  n->base = to;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -proc_grid: the lattice split over prod(P) ranks in slabs of the first
 * direction (the layout of the base's FFT and of sample's recorders); the
 * ranks form size / prod(P) groups, each with its share of the samples
 * (the lattice's replicas; sample asks for equal shares) */
static PetscErrorCode split_lattice(score_model *m)
{
  network *n = m->data;

  PetscFunctionBeginUser;
  PetscCheck(theory_is_lattice(n->info.data_meta.theory), m->comm, PETSC_ERR_USER_INPUT,
             "-proc_grid: the model %s is of points (theory '%s'), not of a lattice", n->path, n->info.data_meta.theory);
  PetscCall(model_net_split_lattice(m->comm, n->d, n->L, n->grid, n->ngrid, &m->lat));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode net_setup(score_model *m)
{
  network *n = m->data;
  model_state st;

  PetscFunctionBeginUser;
  PetscCall(model_read(m->comm, n->path, &n->info, &st));
  PetscCall(choose_lattice(m));
  if (n->ngrid) {
    PetscCall(split_lattice(m));
    PetscCall(model_net_create_split(&n->info, m->lat, &n->net));
  } else PetscCall(model_net_create_on(&n->info, n->d, n->L, &n->net));
  if (n->net->ops.trace) m->ops.divergence = net_divergence; /* the generic one from jets costs dim tangents */
  PetscCheck(n->net->dim == (m->lat ? m->lat->V : n->V), m->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: dim %d, but the lattice has %lld sites", n->path, n->info.dim, (long long)n->net->dim);
  PetscCheck(n->net->nparams == n->info.nparams, m->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %lld parameters, but a network of these sizes has %lld", n->path, (long long)n->info.nparams,
             (long long)n->net->nparams);
  PetscCall(PetscArraycpy(n->net->p, st.ema, n->info.nparams));
  if (st.propagator) {
    PetscCheck(theory_is_lattice(n->info.data_meta.theory), m->comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: a Gaussian base for theory '%s' (damaged?)", n->path, n->info.data_meta.theory);
    /* on the training lattice (split as the samples unless it is transferred) */
    PetscCall(gauss_base_create_on(m->lat && !n->transferred ? m->lat->comm : PETSC_COMM_SELF, n->info.data_meta.d,
                                   n->info.data_meta.L, &n->base));
    PetscCall(gauss_base_set(n->base, st.propagator));
    m->ops.diffused = net_diffused; /* the default prior: the base's Gaussian, diffused */
    m->ops.log_prior = net_log_prior;
    m->ops.posterior_color = net_posterior_color;
    m->ops.propagator = net_propagator;
    if (st.magnetisation) PetscCall(gauss_base_set_magnetisations(n->base, st.nmagnetisation, st.magnetisation));
    if (n->transferred) PetscCall(transfer_base(m));
    if (m->lat) PetscCall(gauss_base_localise(n->base));
  }
  PetscCall(model_state_free(&st));
  n->form = (dsm_form){.base = n->base, .sigma_data = n->info.sigma_data, .plain = !strcmp(n->info.score_form, "plain")};
  PetscCall(PetscMalloc1((size_t)dsm_work_size(n->net), &n->work));
  if (m->lat) { /* every rank its slab of every sample of its group */
    const lattice *lat = m->lat;
    m->shape = (reverse_shape){lat->V, lat->origin[0] * (lat->Vglobal / lat->L[0]), lat->Vglobal, n->net->batch};
    m->lo = m->nsamples * lat->replica / lat->nreplicas, m->hi = m->nsamples * (lat->replica + 1) / lat->nreplicas;
    m->spread = PETSC_TRUE;
  } else PetscCall(score_model_split_points(m, n->V));
  m->prior_var = n->info.sigma_data * n->info.sigma_data;
  m->trained = PETSC_TRUE;
  PetscCall(schedule_from_name(m->comm, n->info.schedule, n->info.sigma, n->info.beta_min, n->info.beta_max,
                               n->info.cosine_s, &m->sched));
  if (m->lat) { /* the action of a split field: its halo exchanged */
    const ensemble_meta *dm = &n->info.data_meta;
    PetscCall(phi4_create(m->lat, dm->kappa, dm->lambda, &n->phi4_split));
    PetscCall(PetscCalloc1((size_t)lattice_field_size(m->lat), &n->field));
    PetscCall(halo_create(m->lat, n->field, &n->halo));
  } else if (theory_is_lattice(n->info.data_meta.theory)) { /* whole fields on this rank: a lattice of one rank */
    const ensemble_meta *dm = &n->info.data_meta;
    PetscCall(phi4_whole_create(dm->d, n->L, dm->kappa, dm->lambda, &n->phi4));
  } else { /* the target the data came from, restored from the model's /data_source: its action */
    hid_t f, g;
    PetscCall(h5_open(m->comm, n->path, PETSC_FALSE, &f));
    H5CALL(g = H5Gopen2(f, "data_source", H5P_DEFAULT));
    PetscCall(score_model_create_from_attrs(m->comm, n->info.data_meta.theory, g, n->path, &n->target));
    H5CALL(H5Gclose(g));
    PetscCall(h5_close(&f));
    PetscCall(score_model_setup(n->target, m->nsamples));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode net_apply(score_model *m, double t, double f, double xi, int64_t nb, const double *x, double *s)
{
  network *n = m->data;
  return dsm_score(n->net, &n->form, t, f, xi, nb, x, s, n->work);
}

static PetscErrorCode net_jet(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                              const jet_space *js, const double *dirs, double *out)
{
  network *n = m->data;

  PetscFunctionBeginUser;
  PetscCall(dsm_score_jet(n->net, &n->form, t, f, xi, nb, x, js, dirs, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the conv net's exact divergence in O(1) tangents per sample (nn_convnet_trace) */
static PetscErrorCode net_divergence(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                     double *div)
{
  network *n = m->data;
  return dsm_score_trace(n->net, &n->form, t, f, xi, nb, x, div);
}

/* the prior sample -model draws from with a base (net_diffused) */
static PetscErrorCode net_log_prior(score_model *m, double f, double xi, int64_t nb, const double *x, double *lp)
{
  network *n = m->data;

  PetscFunctionBeginUser;
  for (int64_t b = 0; b < nb; b++)
    PetscCall(gauss_base_logpdf(n->base, f, xi, x + b * m->shape.dim, lp + b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode net_posterior_color(score_model *m, double f, double xi, int64_t nb, double *z)
{
  return gauss_base_posterior_color(((network *)m->data)->base, f, xi, nb, z);
}

/* with a Gaussian base, its exact prior: white noise keyed by (sample,
 * site), colored to the diffused propagator f^2 G + Xi; the zero mode then
 * replaced by a draw of the base's pair of vacua, diffused (the broken
 * phase, gauss_base.h) */
static PetscErrorCode net_diffused(score_model *m, double f, double xi, int64_t nb, uint64_t first, uint64_t seed,
                                   double *x)
{
  network *n = m->data;

  PetscFunctionBeginUser;
  score_model_white_noise(m, seed, nb, first, x);
  PetscCall(gauss_base_color(n->base, f, xi, nb, x));
  if (n->base->nmu) { /* the zero mode: one of the pair, by the sample's own draws */
    const rng_key key = {seed, RNG_DIFFUSION, 1, 0};
    for (int64_t b = 0; b < nb; b++) {
      const uint64_t i = first + (uint64_t)b;
      gauss_base_draw_zero_mode(n->base, f, xi, rng_uniform(key, 2 * i), rng_normal(key, 2 * i + 1), x + b * m->shape.dim);
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode net_action(score_model *m, int64_t nb, const double *x, double *S)
{
  network *n = m->data;

  PetscFunctionBeginUser;
  if (n->target) PetscCall(score_model_action(n->target, nb, x, S));
  else if (n->phi4_split)
    for (int64_t b = 0; b < nb; b++) {
      PetscCall(PetscArraycpy(n->field, x + b * m->lat->V, m->lat->V));
      PetscCall(phi4_action(n->phi4_split, n->halo, n->field, S + b));
    }
  else PetscCall(phi4_whole_action(n->phi4, nb, x, S));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void net_describe(const score_model *m, ensemble_meta *meta)
{
  const network *n = m->data;
  const ensemble_meta *src = &n->info.data_meta;
  snprintf(meta->theory, sizeof meta->theory, "%s", src->theory);
  meta->kappa = src->kappa;
  meta->lambda = src->lambda;
  meta->d = n->d;
  for (int mu = 0; mu < n->d; mu++) meta->L[mu] = n->L[mu];
}

static PetscErrorCode net_attrs(const score_model *m, hid_t file)
{
  const network *n = m->data;

  PetscFunctionBeginUser;
  PetscCall(h5_attr_put_string(file, "model", n->path));
  PetscCall(h5_attr_put_int(file, "model_steps", n->info.steps_done));
  if (n->transferred) { /* generated on another lattice than the model's */
    char L[32];
    lattice_extents_text(n->info.data_meta.d, n->info.data_meta.L, L, sizeof L);
    PetscCall(h5_attr_put_string(file, "model_lattice", L));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode net_destroy(score_model *m)
{
  network *n = m->data;

  PetscFunctionBeginUser;
  PetscCall(nn_net_destroy(&n->net));
  PetscCall(gauss_base_destroy(&n->base));
  PetscCall(score_model_destroy(&n->target));
  PetscCall(phi4_whole_destroy(&n->phi4));
  PetscCall(halo_destroy(&n->halo));
  PetscCall(phi4_destroy(&n->phi4_split));
  PetscCall(PetscFree(n->field));
  PetscCall(PetscFree(n->work));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_network(score_model *m)
{
  network *n;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&n));
  m->data = n;
  m->ops = (score_model_ops){.set_from_options = net_options, .setup = net_setup, .apply = net_apply, .jet = net_jet,
                             .action = net_action, .describe = net_describe, .write_attrs = net_attrs, .destroy = net_destroy};
  PetscFunctionReturn(PETSC_SUCCESS);
}
