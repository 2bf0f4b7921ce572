/* train.c — data-parallel training of a score network (train.h). */
#include "latdiff/train.h"
#include "latdiff/theory.h"
#include "latdiff/model_net.h"
#include "latdiff/profile.h"
#include "latdiff/rng.h"
#include "latdiff/score_model.h"
#include "latdiff/symmetry.h"

#include <math.h>

/* The sub-streams of RNG_TRAIN at one step: for each set, which
 * configuration, which time and which noise; and the training set's
 * lattice symmetries. */
typedef enum { SET_TRAINING, SET_VALIDATION } train_set;
enum { STREAM_PICK, STREAM_TIME, STREAM_NOISE, STREAMS_PER_SET, STREAM_SYMMETRY = 2 * STREAMS_PER_SET };

static rng_key stream(const trainer *t, uint64_t step, train_set set, int which)
{
  return (rng_key){t->s.seed, RNG_TRAIN, step, (uint64_t)((int)set * STREAMS_PER_SET + which)};
}

/* this rank's shard (with a grid: its group's, whole on every rank of it) */
static PetscErrorCode read_shard(trainer *t, int64_t first, int64_t count, train_shard *s)
{
  int rank, size;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(t->comm, &rank));
  MPICHECK(MPI_Comm_size(t->comm, &size));
  if (t->lat) rank = t->lat->replica, size = t->lat->nreplicas;
  s->dim = t->data->volume;
  s->lo = count * rank / size;
  s->hi = count * (rank + 1) / size;
  PetscCall(PetscMalloc1((size_t)PetscMax((s->hi - s->lo) * s->dim, 1), &s->x));
  PetscCall(ensemble_read_configs(t->data, first + s->lo, s->hi - s->lo, s->x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The data's own score at every configuration of the shard: -dS/dphi for
 * phi^4, the exact score at t = 0 (f = 1, Xi = 0) of a point target,
 * restored from the data file's attributes */
static PetscErrorCode data_scores(trainer *t, train_shard *s)
{
  const ensemble_reader *r = t->data;
  const int64_t n = s->hi - s->lo;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((size_t)PetscMax(n * s->dim, 1), &s->s0));
  const theory_kind *theory = theory_get(r->meta.theory);
  if (theory && theory->field_score)
    PetscCall(theory->field_score(r->meta.d, r->meta.L, r->meta.kappa, r->meta.lambda, n, s->x, s->s0));
  else {
    score_model *target;
    PetscCall(score_model_create_from_attrs(t->comm, r->meta.theory, r->file, r->path, &target));
    PetscCall(score_model_setup(target, 1));
    PetscCall(score_model_apply(target, 0, 1, 0, n, s->x, s->s0));
    PetscCall(score_model_destroy(&target));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the scale per value of a set of configurations, sqrt(<x^2>); a NaN, inf
 * or value whose square overflows on any rank makes the reduced sums
 * non-finite: a collective check that the data are finite */
static PetscErrorCode data_sigma(const trainer *t, const train_shard *s, double *sigma)
{
  double sums[3] = {0, 0, 0};

  PetscFunctionBeginUser;
  for (int64_t i = 0; i < (s->hi - s->lo) * s->dim; i++) sums[0] += s->x[i], sums[1] += s->x[i] * s->x[i], sums[2] += 1;
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, sums, 3, MPI_DOUBLE, MPI_SUM, t->comm));
  PetscCheck(isfinite(sums[1]), t->comm, PETSC_ERR_FILE_UNEXPECTED, "%s: the training data hold non-finite values",
             t->data_path);
  const double mean = sums[0] / sums[2], var = sums[1] / sums[2] - mean * mean;
  *sigma = sqrt(PetscMax(var, 0) + mean * mean); /* the scale of the values about 0, which the prior is centred on */
  PetscCheck(*sigma > 0, t->comm, PETSC_ERR_USER_INPUT, "%s: all training values are 0", t->data_path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The mean loss of the batch of step `step` of a set (training: B random
 * configurations; validation: all of it); with backward, the summed
 * gradient; with loss_off, the loss with the network's output at zero as
 * well. This rank's part: the caller sums over the ranks. */
static PetscErrorCode batch_loss(trainer *t, train_set set, uint64_t step, int64_t B, PetscBool backward,
                                 double *loss, double *loss_off)
{
  const train_shard *s = set == SET_TRAINING ? &t->train : &t->val;
  /* D: a configuration's values; Dl: this rank's of them (its slab from off on) */
  const int64_t D = s->dim, Dl = t->net->dim, off = t->lat ? t->lat->origin[0] * (D / t->lat->L[0]) : 0;
  const int64_t cap = t->net->batch, ntotal = set == SET_TRAINING ? t->ntrain : t->nval;
  const rng_key pick = stream(t, step, set, STREAM_PICK), when = stream(t, step, set, STREAM_TIME),
                noise = stream(t, step, set, STREAM_NOISE);
  const rng_key symmetry = {t->s.seed, RNG_TRAIN, step, STREAM_SYMMETRY};
  const PetscBool augment = t->s.augment && set == SET_TRAINING;
  /* the data's score: the training set only (validation stays plain dsm, comparable between runs) */
  const PetscBool with_s0 = s->s0 && set == SET_TRAINING;
  const double eps = t->info.eps, tmax = t->info.tmax;
  int64_t n = 0;
  double part = 0, part_off = 0, l, l_off;

  PetscFunctionBeginUser;
  for (int64_t g = 0; g <= B; g++) {
    if (g < B) {
      /* training: a random configuration; validation: configuration g */
      const int64_t j =
        set == SET_TRAINING ? PetscMin((int64_t)(rng_uniform(pick, (uint64_t)g) * (double)ntotal), ntotal - 1) : g;
      if (j < s->lo || j >= s->hi) continue;
      const double *cfg = s->x + (j - s->lo) * D, *score = with_s0 ? s->s0 + (j - s->lo) * D : NULL;
      /* whole into the batch, or (a grid) into t->whole, then the slab */
      double *x0 = t->lat ? t->whole : t->x0 + n * D, *s0 = t->lat ? t->whole + D : t->s0 + n * D;
      if (augment) { /* a random symmetry from 53 random bits of (seed, step, g) */
        lattice_symmetry sym;
        const ensemble_meta *m = &t->data->meta;
        symmetry_draw(m->d, m->L, (uint64_t)(rng_uniform(symmetry, (uint64_t)g) * 9007199254740992.0), &sym);
        symmetry_apply(&sym, cfg, x0);
        if (score) symmetry_apply(&sym, score, s0); /* -dS/dphi transforms as the field */
      } else {
        PetscCall(PetscArraycpy(x0, cfg, D));
        if (score) PetscCall(PetscArraycpy(s0, score, D));
      }
      if (t->lat) {
        PetscCall(PetscArraycpy(t->x0 + n * Dl, x0 + off, Dl));
        if (score) PetscCall(PetscArraycpy(t->s0 + n * Dl, s0 + off, Dl));
      }
      for (int64_t k = 0; k < Dl; k++) t->z[n * Dl + k] = rng_normal(noise, (uint64_t)(g * D + off + k));
      t->t[n++] = eps + (tmax - eps) * rng_uniform(when, (uint64_t)g);
    }
    if (n == cap || (g == B && n > 0)) {
      PetscCall(dsm_loss_grad(t->net, &t->form, &t->sched, t->s.weighting, n, t->x0, with_s0 ? t->s0 : NULL,
                              t->t, t->z, 1.0 / (double)B, backward, t->work, &l, loss_off ? &l_off : NULL));
      part += l;
      if (loss_off) part_off += l_off;
      n = 0;
    }
  }
  *loss = part;
  if (loss_off) *loss_off = part_off;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* warm-up, then cosine decay to lr_floor lr at the last step */
static double learning_rate(const train_settings *s, int64_t k)
{
  if (k < s->warmup) return s->lr * (double)(k + 1) / s->warmup;
  const double x = (double)(k - s->warmup) / PetscMax(1, s->steps - s->warmup);
  return s->lr * (s->lr_floor + (1 - s->lr_floor) * 0.5 * (1 + cos(PETSC_PI * x)));
}

/* parameters bitwise equal on all ranks: compare every rank's bits with rank 0's */
static PetscErrorCode check_identical(MPI_Comm comm, const double *p, int64_t n)
{
  double *ref;
  int same = 1;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((size_t)n, &ref));
  PetscCall(PetscArraycpy(ref, p, n));
  MPICHECK(MPI_Bcast(ref, (int)n, MPI_DOUBLE, 0, comm));
  same = memcmp(ref, p, (size_t)n * sizeof *p) == 0;
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &same, 1, MPI_INT, MPI_MIN, comm));
  PetscCall(PetscFree(ref));
  PetscCheck(same, comm, PETSC_ERR_PLIB, "the parameters differ between ranks");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char *const target_names[] = {"dsm", "action"};
static const char *const weighting_names[] = {"sigma2", "likelihood"};

static void put_number(model_info *info, const char *name, double v)
{
  model_setting *m = &info->settings[info->nsettings++];
  *m = (model_setting){.value = v};
  snprintf(m->name, sizeof m->name, "%s", name);
}

static void put_text(model_info *info, const char *name, const char *v)
{
  model_setting *m = &info->settings[info->nsettings++];
  *m = (model_setting){.value = 0};
  snprintf(m->name, sizeof m->name, "%s", name);
  snprintf(m->text, sizeof m->text, "%s", v);
}

/* What the model records of the training, each under the name of the
 * option that sets it: every setting that changes the result, so that a
 * restart can compare them. The seed as text: 64 bits do not fit a double. */
static void record_settings(const train_settings *s, model_info *info)
{
  char seed[24];

  info->nsettings = 0;
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->seed);
  put_text(info, "seed", seed);
  put_number(info, "steps", s->steps);
  put_number(info, "batch", s->batch);
  put_number(info, "lr", s->lr);
  put_number(info, "warmup", s->warmup);
  put_number(info, "lr_floor", s->lr_floor);
  put_number(info, "clip", s->clip);
  put_number(info, "ema", s->ema);
  put_number(info, "weight_decay", s->weight_decay);
  put_number(info, "validation", s->validation);
  put_text(info, "target", target_names[s->target]);
  put_text(info, "weighting", weighting_names[s->weighting]);
  put_text(info, "augment", s->augment ? "yes" : "no");
}

PetscErrorCode trainer_create(MPI_Comm comm, const train_settings *s, const model_info *info, ensemble_reader *data,
                              const char *data_path, trainer **out)
{
  trainer *t;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&t));
  *t = (trainer){.comm = comm, .s = *s, .info = *info, .data = data, .data_path = data_path, .loss = NAN, .vloss = NAN,
                 .vloss_off = NAN};
  *out = t;
  PetscCall(schedule_from_name(comm, info->schedule, info->sigma, info->beta_min, info->beta_max, info->cosine_s,
                               &t->sched));
  if (s->ngrid) {
    const ensemble_meta *m = &data->meta;
    PetscCheck(theory_is_lattice(m->theory), comm, PETSC_ERR_USER_INPUT,
               "-proc_grid: the data (%s) are of points, not of a lattice", data_path);
    PetscCall(model_net_split_lattice(comm, m->d, m->L, s->grid, s->ngrid, &t->lat));
    PetscCall(model_net_create_split(&t->info, t->lat, &t->net));
  } else PetscCall(model_net_create(&t->info, &t->net));
  t->info.nparams = t->net->nparams;
  record_settings(s, &t->info);
  t->nval = (int64_t)floor(s->validation * (double)data->n);
  t->ntrain = data->n - t->nval;
  PetscCheck(data->n >= 2 && t->nval >= 1 && t->ntrain >= 1, comm, PETSC_ERR_USER_INPUT,
             "%s: %lld configurations cannot be split by -validation %g into training and validation sets", data_path,
             (long long)data->n, s->validation);
  PetscCheck(s->batch <= t->ntrain, comm, PETSC_ERR_USER_INPUT, "-batch %d: larger than the %lld training configurations",
             s->batch, (long long)t->ntrain);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the Gaussian part from the training configurations (the fit, or the
 * measurement), and their magnetisations: the base's zero mode */
static PetscErrorCode measure_base(trainer *t)
{
  const ensemble_reader *r = t->data;

  PetscFunctionBeginUser;
  PetscCall(gauss_base_create(r->meta.d, r->meta.L, &t->base));
  /* with a grid every rank of a group holds its shard: one of them counts it */
  const int64_t n = t->lat && t->lat->rank ? 0 : t->train.hi - t->train.lo;
  PetscCall(gauss_base_measure(t->base, t->comm, n, t->train.x));
  PetscCall(PetscMalloc1((size_t)r->n, &t->mag));
  PetscCall(ensemble_read_scalars(t->data, "magnetisation", t->mag));
  PetscCall(gauss_base_set_magnetisations(t->base, t->ntrain, t->mag)); /* the training configurations' */
  if (t->s.propagator == TRAIN_PROPAGATOR_FIT) {
    int nterms;
    double chi2;
    PetscCall(gauss_base_fit(t->base, &nterms, &chi2));
    if (nterms)
      PetscCall(log_printf(t->comm, LOG_INFO,
                           "base propagator: 1/G(p) fitted with %d lattice invariants; chi2/dof %.2f against the "
                           "measurement (1 for a Gaussian field on independent configurations; autocorrelation and "
                           "the interaction raise it)\n", nterms, chi2));
    else
      PetscCall(log_printf(t->comm, LOG_INFO, "base propagator: measured (the lattice has too few momenta for the fit)\n"));
  }
  if (t->lat) { /* the network's slabs: the same base on FFTW-MPI */
    gauss_base *split;
    PetscCall(gauss_base_create_on(t->lat->comm, r->meta.d, r->meta.L, &split));
    PetscCall(gauss_base_set_from(split, t->base));
    PetscCall(gauss_base_destroy(&t->base));
    t->base = split;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode trainer_setup(trainer *t)
{
  const int64_t D = t->net->dim, cap = t->net->batch;
  double unused; /* the validation set only needs the finiteness check */

  PetscFunctionBeginUser;
  PetscCall(read_shard(t, 0, t->ntrain, &t->train));
  PetscCall(read_shard(t, t->ntrain, t->nval, &t->val));
  PetscCall(data_sigma(t, &t->train, &t->info.sigma_data));
  PetscCall(data_sigma(t, &t->val, &unused));
  nn_net_init(t->net, t->s.seed);
  PetscCall(nn_adamw_create(t->net->nparams, t->s.lr, &t->opt));
  t->opt->weight_decay = t->s.weight_decay;
  PetscCall(PetscMalloc1((size_t)t->net->nparams, &t->ema));
  PetscCall(PetscArraycpy(t->ema, t->net->p, t->net->nparams));
  if (!strcmp(t->info.base, "gaussian")) PetscCall(measure_base(t));
  if (t->lat) PetscCall(PetscMalloc1((size_t)(2 * t->data->volume), &t->whole));
  t->form = (dsm_form){.base = t->base, .sigma_data = t->info.sigma_data, .plain = !strcmp(t->info.score_form, "plain")};
  PetscCall(PetscMalloc5((size_t)(cap * D), &t->x0, (size_t)(cap * D), &t->s0, (size_t)cap, &t->t, (size_t)(cap * D),
                         &t->z, (size_t)dsm_work_size(t->net), &t->work));
  if (t->s.target == TRAIN_TARGET_ACTION) PetscCall(data_scores(t, &t->train));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The first attribute of the network, its schedule or its data in which two
 * models differ, by the option that sets it (NULL: none). sigma_data is a
 * reduction over the ranks: its last bits depend on the rank count. */
/* equal, or both not a number (point targets have no couplings) */
static int same_number(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static const char *network_difference(const model_info *a, const model_info *b)
{
  if (strcmp(a->net, b->net)) return "-net";
  if (a->hidden != b->hidden || a->levels != b->levels || memcmp(a->channels, b->channels, sizeof a->channels))
    return a->levels ? "-channels" : "-hidden";
  if (a->layers != b->layers) return "-layers";
  if (a->blocks != b->blocks) return "-blocks";
  if (strcmp(a->padding, b->padding)) return "-padding";
  if (a->J != b->J) return "-embed";
  if (strcmp(a->base, b->base)) return "-base";
  if (strcmp(a->base_propagator, b->base_propagator)) return "-base_propagator";
  if (strcmp(a->score_form, b->score_form)) return "-score_form";
  if (a->odd != b->odd) return "-odd";
  if (strcmp(a->precision, b->precision)) return "-precision";
  if (strcmp(a->schedule, b->schedule) || a->sigma != b->sigma || a->beta_min != b->beta_min ||
      a->beta_max != b->beta_max || a->cosine_s != b->cosine_s)
    return "-schedule (or its -sigma, -beta_min, -beta_max, -cosine_s)";
  if (a->eps != b->eps) return "-eps";
  if (a->tmax != b->tmax) return "-tmax";
  if (a->dim != b->dim || a->nparams != b->nparams || a->data_meta.d != b->data_meta.d ||
      memcmp(a->data_meta.L, b->data_meta.L, sizeof a->data_meta.L))
    return "-input (another lattice)";
  if (strcmp(a->data_meta.theory, b->data_meta.theory) || !same_number(a->data_meta.kappa, b->data_meta.kappa) ||
      !same_number(a->data_meta.lambda, b->data_meta.lambda))
    return "-input (another theory or couplings)";
  if (fabs(a->sigma_data - b->sigma_data) > 1e-12 * b->sigma_data) return "-input (other configurations)";
  if (strcmp(a->data, b->data)) return "-input";
  return NULL;
}

static void setting_text(const model_setting *m, char *buf, size_t len)
{
  if (m->text[0]) snprintf(buf, len, "%s", m->text);
  else snprintf(buf, len, "%.15g", m->value);
}

PetscErrorCode trainer_resume(trainer *t, const char *ckpt)
{
  model_info got;
  model_state st;
  model_setting settings[MODEL_MAXSETTINGS];
  const char *missing, *differ;

  PetscFunctionBeginUser;
  PetscCall(model_read(t->comm, ckpt, &got, &st));
  PetscCall(model_read_settings(t->comm, ckpt, t->info.nsettings, t->info.settings, settings, &missing));
  PetscCheck(!missing, t->comm, PETSC_ERR_USER_INPUT, "-restart: %s does not record the -%s it was made with (an "
             "older latdiff); -force starts over", ckpt, missing);
  for (int k = 0; k < t->info.nsettings; k++) {
    const model_setting *a = &settings[k], *b = &t->info.settings[k];
    char was[32], now[32];
    if (a->text[0] ? !strcmp(a->text, b->text) : a->value == b->value) continue;
    setting_text(a, was, sizeof was);
    setting_text(b, now, sizeof now);
    SETERRQ(t->comm, PETSC_ERR_USER_INPUT, "-restart: %s was made with -%s %s, this run has -%s %s; -force starts over",
            ckpt, a->name, was, b->name, now);
  }
  /* the settings first: another -validation also changes the training set and its sigma_data */
  differ = network_difference(&got, &t->info);
  PetscCheck(!differ, t->comm, PETSC_ERR_USER_INPUT, "-restart: %s was made with another %s than this run's; -force "
             "starts over", ckpt, differ);
  PetscCheck(!t->base || !memcmp(st.propagator, t->base->G, sizeof(double) * (size_t)t->base->V), t->comm,
             PETSC_ERR_USER_INPUT, "-restart: %s has another base propagator (-base_propagator, or the data); -force "
             "starts over", ckpt);
  PetscCheck(got.steps_done <= t->s.steps && got.adam_step == got.steps_done, t->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %lld steps done of -steps %d (damaged checkpoint?)", ckpt, (long long)got.steps_done, t->s.steps);
  /* the recorded normalisation: on another rank count the data's differs in its last bits */
  t->info.sigma_data = t->form.sigma_data = got.sigma_data;
  PetscCall(PetscArraycpy(t->net->p, st.params, t->net->nparams));
  PetscCall(PetscArraycpy(t->ema, st.ema, t->net->nparams));
  PetscCall(PetscArraycpy(t->opt->m, st.m, t->net->nparams));
  PetscCall(PetscArraycpy(t->opt->v, st.v, t->net->nparams));
  t->opt->step = got.adam_step;
  t->done = got.steps_done;
  PetscCall(model_state_free(&st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode trainer_step(trainer *t)
{
  nn_net *m = t->net;
  const int64_t k = t->done;

  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(m->g, m->nparams));
  PetscCall(PetscLogEventBegin(EV_TRAIN_LOSS, 0, 0, 0, 0));
  PetscCall(batch_loss(t, SET_TRAINING, (uint64_t)k, t->s.batch, PETSC_TRUE, &t->loss, NULL));
  PetscCall(PetscLogEventEnd(EV_TRAIN_LOSS, 0, 0, 0, 0));
  PetscCall(PetscLogEventBegin(EV_GRAD_ALLREDUCE, 0, 0, 0, 0));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, m->g, (int)m->nparams, MPI_DOUBLE, MPI_SUM, t->comm));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &t->loss, 1, MPI_DOUBLE, MPI_SUM, t->comm));
  PetscCall(PetscLogEventEnd(EV_GRAD_ALLREDUCE, 0, 0, 0, 0));
  PetscCheck(isfinite(t->loss), t->comm, PETSC_ERR_USER_INPUT,
             "training diverged at step %lld (loss %g): lower -lr or -clip", (long long)k, t->loss);
  if (t->s.clip > 0) {
    double norm = 0;
    for (int64_t i = 0; i < m->nparams; i++) norm += m->g[i] * m->g[i];
    norm = sqrt(norm);
    if (norm > t->s.clip)
      for (int64_t i = 0; i < m->nparams; i++) m->g[i] *= t->s.clip / norm;
  }
  nn_adamw_step(t->opt, learning_rate(&t->s, k), m->nparams, m->p, m->g);
  /* the average forgets the random start: its decay grows to -ema as (1 + k) / (10 + k) */
  const double decay = PetscMin(t->s.ema, (1.0 + (double)k) / (10.0 + (double)k));
  for (int64_t i = 0; i < m->nparams; i++) t->ema[i] = decay * t->ema[i] + (1 - decay) * m->p[i];
  t->done = k + 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The validation draws are fixed (step 0 of the validation streams): the
 * loss with the network off is computed once. A loss far above it is a
 * training that diverged without overflowing (a learning rate far too
 * large leaves finite but meaningless weights): an error, as a diverged
 * chain is. */
PetscErrorCode trainer_validate(trainer *t)
{
  const PetscBool first = isnan(t->vloss_off);
  double v[2];

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(EV_VALIDATION, 0, 0, 0, 0));
  PetscCall(batch_loss(t, SET_VALIDATION, 0, t->nval, PETSC_FALSE, v, first ? v + 1 : NULL));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, v, first ? 2 : 1, MPI_DOUBLE, MPI_SUM, t->comm));
  PetscCall(PetscLogEventEnd(EV_VALIDATION, 0, 0, 0, 0));
  t->vloss = v[0];
  if (first) t->vloss_off = v[1];
  PetscCheck(t->vloss <= 100 * t->vloss_off, t->comm, PETSC_ERR_USER_INPUT,
             "training diverged by step %lld: validation loss %g, more than 100 times the %g of the network's output "
             "at zero; lower -lr or -clip; nothing was written",
             (long long)t->done, t->vloss, t->vloss_off);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the lattices sample -lattice may apply the model to: its network's, unless
 * its base is bound to the training lattice */
static void applies_to(trainer *t)
{
  model_info *info = &t->info;
  char why[200], L[32];

  lattice_extents_text(info->data_meta.d, info->data_meta.L, L, sizeof L);
  if (!theory_is_lattice(info->data_meta.theory)) info->applies_to[0] = 0;
  else if (t->base && strcmp(info->base_propagator, "fit"))
    snprintf(info->applies_to, sizeof info->applies_to, "%s only (a measured base propagator)", L);
  else if (t->base && !gauss_base_transfers(t->base, why, sizeof why))
    snprintf(info->applies_to, sizeof info->applies_to, "%s only (%s)", L, why);
  else model_net_applies_text(info, info->applies_to, sizeof info->applies_to);
}

PetscErrorCode trainer_save(trainer *t, const char *path, const char *options)
{
  nn_net *m = t->net;
  const model_state st = {m->p, t->ema, t->opt->m, t->opt->v, t->base ? t->base->G : NULL, t->base ? t->mag : NULL,
                          t->ntrain};

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(EV_CHECKPOINT, 0, 0, 0, 0));
  PetscCall(check_identical(t->comm, m->p, m->nparams));
  t->info.steps_done = t->done;
  t->info.adam_step = t->opt->step;
  applies_to(t);
  PetscCall(model_write(t->comm, path, &t->info, &st, options, t->data->file));
  PetscCall(PetscLogEventEnd(EV_CHECKPOINT, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode trainer_destroy(trainer **tp)
{
  trainer *t = *tp;

  PetscFunctionBeginUser;
  if (!t) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree5(t->x0, t->s0, t->t, t->z, t->work));
  PetscCall(PetscFree(t->train.s0));
  PetscCall(PetscFree(t->train.x));
  PetscCall(PetscFree(t->val.x));
  PetscCall(gauss_base_destroy(&t->base));
  PetscCall(PetscFree(t->mag));
  PetscCall(PetscFree(t->whole));
  PetscCall(PetscFree(t->ema));
  PetscCall(nn_adamw_destroy(&t->opt));
  PetscCall(nn_net_destroy(&t->net));
  PetscCall(lattice_destroy(&t->lat)); /* after the network and the base, which use it */
  PetscCall(PetscFree(t));
  *tp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
