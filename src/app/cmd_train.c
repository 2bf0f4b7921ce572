/* cmd_train.c — `latdiff train`: a score network learned by denoising
 * score matching (dsm.h), data parallel.
 *
 * Each rank reads only its shard of the training configurations. Step k
 * draws the global batch from (seed, k): sample g of the batch is training
 * configuration j_g, at time t_g with noise z_g, whatever the rank count;
 * a rank takes the g whose j_g lies in its shard, so the union over ranks
 * is the global batch. One MPI_Allreduce of the one flat gradient buffer,
 * then the same AdamW step everywhere: the parameters stay bitwise equal on
 * all ranks (checked at every checkpoint), and the gradient on P ranks is
 * the 1-rank gradient up to the order of the sums. Every draw is keyed by
 * the step, so a run stopped and restarted from its checkpoint continues
 * exactly as if never stopped (same rank count). Networks so far: mlp for
 * point targets, conv for lattice fields. */
#include "app.h"
#include "latdiff/dsm.h"
#include "latdiff/model.h"
#include "latdiff/phi4_whole.h"
#include "latdiff/score_model.h"
#include "latdiff/rng.h"
#include "latdiff/symmetry.h"
#include "latdiff/model_net.h"

#include <math.h>

static const char *const nets[] = {"mlp", "conv", "unet", "tutorial", "net", "NET_", NULL};
static const char *const paddings[] = {"periodic", "zero", "padding", "PAD_", NULL};
#define NET_MLP ((PetscEnum)0) /* the order of nets[] */
#define NET_CONV ((PetscEnum)1)
#define NET_UNET ((PetscEnum)2)
#define NET_TUTORIAL ((PetscEnum)3)
static const char *const bases[] = {"none", "gaussian", "base", "BASE_", NULL};
static const char *const propagators[] = {"fit", "measured", "base_propagator", "BASE_PROPAGATOR_", NULL};
static const char *const targets[] = {"dsm", "action", "target", "TARGET_", NULL};
static const char *const score_forms[] = {"scaled", "plain", "score_form", "SCORE_FORM_", NULL};
static const char *const weightings[] = {"sigma2", "likelihood", "weighting", "DSM_WEIGHT_", NULL};
static const char *const precisions[] = {"double", "single", "precision", "NN_", NULL}; /* the order of nn_precision */

typedef struct {
  char input[PETSC_MAX_PATH_LEN], output[PETSC_MAX_PATH_LEN], stop_file[PETSC_MAX_PATH_LEN + 16];
  PetscEnum net, base, base_propagator, precision, target, weighting, padding, score_form;
  int hidden, layers, embed, steps, batch, warmup, checkpoint_every;
  int channels[MODEL_MAXLEVELS], levels, blocks; /* U-Nets; levels 0: the kind's default */
  double lr, lr_floor, clip, ema, validation, eps, tmax, weight_decay, progress;
  schedule sched;
  uint64_t seed;
  PetscBool force, restart, help, odd, augment, net_set, padding_set;
} train_options;

static PetscErrorCode parse(train_options *o)
{
  PetscBool channels_set;

  PetscFunctionBeginUser;
  *o = (train_options){.precision = (PetscEnum)NN_SINGLE, .hidden = 64, .layers = 3, .embed = 8, .blocks = 1, .steps = 4000, .batch = 1024, .warmup = 100,
                       .checkpoint_every = 500, .lr = 2e-3, .lr_floor = 0.1, .clip = 1, .ema = 0.999, .validation = 0.1, .eps = 1e-3,
                       .progress = 10, .seed = 1, .sched = {SCHEDULE_VE, 25.0, 0.1, 20.0, 0.008}};
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "latdiff train: a score network by denoising score matching", NULL);
  PetscCall(PetscOptionsString("-input", "training ensemble", "latdiff", o->input, o->input, sizeof o->input, NULL));
  PetscCall(PetscOptionsString("-output", "model file to write", "latdiff", o->output, o->output, sizeof o->output,
                               NULL));
  PetscCall(opt_enum(PetscOptionsObject, "-net",
                     "network (default: unet for lattice fields, mlp for point targets): mlp, conv (periodic "
                     "convolutions at one resolution), unet (periodic U-Net), tutorial (the U-Net of the Wang-Aarts-"
                     "Zhou notebook: channels 32/64/128/256 at full resolution, zero padding)",
                     nets, &o->net));
  PetscCall(opt_ints(PetscOptionsObject, "-channels",
                     "unet, tutorial: channels per level, e.g. 16,32,64 (default: unet 16,32,64; tutorial "
                     "32,64,128,256)",
                     MODEL_MAXLEVELS, o->channels, &o->levels, &channels_set));
  PetscCall(opt_int(PetscOptionsObject, "-blocks", "unet, tutorial: blocks per level (1..4)", 1, &o->blocks));
  PetscCall(opt_enum(PetscOptionsObject, "-padding",
                     "unet, tutorial: periodic (the lattice's, default for unet) or zero (the notebook's, default for "
                     "tutorial)",
                     paddings, &o->padding));
  PetscCall(opt_enum(PetscOptionsObject, "-base",
                     "lattice fields: none, or gaussian (the network adds to the exact score of a Gaussian field with "
                     "the data's measured propagator, and learns only the interaction; where the training magnetisations have "
                     "a positive Binder cumulant, the zero mode is the pair of Gaussians in M with their <M^2> and <M^4>)",
                     bases, &o->base));
  PetscCall(opt_enum(PetscOptionsObject, "-base_propagator",
                     "-base gaussian: fit (1/G(p) fitted by a polynomial of degree 3 in the lattice momenta's "
                     "invariants, smooth, so the model does not copy the training ensemble's noise mode by mode) or "
                     "measured (G(p) as measured, averaged over reflections)",
                     propagators, &o->base_propagator));
  PetscCall(opt_enum(PetscOptionsObject, "-score_form",
                     "the score from the network's output n: scaled (n(x / sqrt(f^2 sigma_data^2 + Xi), t) / sqrt(Xi), "
                     "plus the base) or plain (n(x, t): the output is the score itself, as the Hirono talk's networks)",
                     score_forms, &o->score_form));
  PetscCall(opt_enum(PetscOptionsObject, "-weighting",
                     "lambda(t) of the loss: sigma2 (Xi(t), sigma^2(t) for VE, as the seeds) or likelihood (g^2(t))",
                     weightings, &o->weighting));
  PetscCall(opt_enum(PetscOptionsObject, "-target",
                     "the score estimate the network is fitted to: dsm (-z / sqrt(Xi)), or action (mixed with the "
                     "data's own score at x_0, -dS/dphi for phi^4, the exact one of a point target: it removes the "
                     "noise of dsm at small t)",
                     targets, &o->target));
  PetscCall(opt_enum(PetscOptionsObject, "-precision",
                     "what the conv net computes in: single (float32, production) or double (exact tests); the "
                     "optimiser keeps double master weights; the mlp always computes in double",
                     precisions, &o->precision));
  PetscCall(PetscOptionsBool("-odd", "make the network odd, s(-x) = -s(x) exactly (the Z2 symmetry of phi^4)", "latdiff",
                             o->odd, &o->odd, NULL));
  PetscCall(PetscOptionsBool("-augment",
                             "lattice fields: each training sample under a random lattice symmetry (reflections, translations, "
                             "permutations of equal axes) and phi -> -phi",
                             "latdiff", o->augment, &o->augment, NULL));
  PetscCall(opt_int(PetscOptionsObject, "-hidden", "mlp, conv: width (mlp hidden units, conv channels; default 64, conv 16)",
                    1, &o->hidden));
  PetscCall(opt_int(PetscOptionsObject, "-layers", "mlp, conv: hidden layers (1..8)", 1, &o->layers));
  PetscCall(opt_int(PetscOptionsObject, "-embed",
                    "mlp, conv: frequencies of the time embedding (1..16; mlp 0: t itself as an input, concat(x, t))", 0,
                    &o->embed));
  PetscCall(opt_schedule(PetscOptionsObject, &o->sched));
  PetscCall(opt_real(PetscOptionsObject, "-eps", "training times t in [eps, tmax]", &o->eps));
  PetscCall(opt_real(PetscOptionsObject, "-tmax",
                     "... (0: 1, or 0.995 for cosine, whose g^2 diverges at t = 1: the sampler's default)", &o->tmax));
  PetscCall(opt_int(PetscOptionsObject, "-steps", "optimiser steps", 1, &o->steps));
  PetscCall(opt_int(PetscOptionsObject, "-batch", "global batch (split over the ranks)", 1, &o->batch));
  PetscCall(opt_real(PetscOptionsObject, "-lr", "peak learning rate (AdamW)", &o->lr));
  PetscCall(opt_int(PetscOptionsObject, "-warmup", "steps of linear learning-rate warm-up, then cosine decay", 0,
                    &o->warmup));
  PetscCall(opt_real(PetscOptionsObject, "-lr_floor",
                     "the fraction of -lr the cosine decays to at the last step (1: constant after the warm-up)",
                     &o->lr_floor));
  PetscCall(opt_real(PetscOptionsObject, "-clip", "clip the gradient's global norm to this (0: no clipping)", &o->clip));
  PetscCall(opt_real(PetscOptionsObject, "-ema", "decay of the moving average of the weights used for sampling",
                     &o->ema));
  PetscCall(opt_real(PetscOptionsObject, "-weight_decay", "AdamW weight decay", &o->weight_decay));
  PetscCall(opt_real(PetscOptionsObject, "-validation", "fraction of the configurations held out", &o->validation));
  PetscCall(opt_seed(PetscOptionsObject, "-seed", "seed of the initialisation and of the training draws", &o->seed));
  PetscCall(opt_int(PetscOptionsObject, "-checkpoint_every", "steps between checkpoints", 1, &o->checkpoint_every));
  PetscCall(PetscOptionsString("-stop_file", "stop cleanly when this file appears (default <output>.stop)", "latdiff",
                               o->stop_file, o->stop_file, sizeof o->stop_file, NULL));
  PetscCall(opt_real(PetscOptionsObject, "-progress", "seconds between progress lines", &o->progress));
  PetscCall(PetscOptionsBool("-force", "overwrite an existing output or discard an interrupted run", "latdiff",
                             o->force, &o->force, NULL));
  PetscCall(PetscOptionsBool("-restart", "continue from <output>.ckpt (start if there is none)", "latdiff", o->restart,
                             &o->restart, NULL));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &o->help));
  if (o->help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(options_check_unused("train"));
  PetscCheck(o->input[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-input is required, e.g. -input data.h5");
  PetscCheck(o->output[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-output is required, e.g. -output model.h5");
  {
    PetscBool width, depth, embed, blocks;
    PetscCall(PetscOptionsHasName(NULL, NULL, "-net", &o->net_set));
    PetscCall(PetscOptionsHasName(NULL, NULL, "-padding", &o->padding_set));
    PetscCall(PetscOptionsHasName(NULL, NULL, "-hidden", &width));
    PetscCall(PetscOptionsHasName(NULL, NULL, "-layers", &depth));
    PetscCall(PetscOptionsHasName(NULL, NULL, "-embed", &embed));
    PetscCall(PetscOptionsHasName(NULL, NULL, "-blocks", &blocks));
    if (!width && o->net == NET_CONV) o->hidden = 16;
    const PetscBool unet = !o->net_set || o->net >= NET_UNET, flat = !o->net_set || o->net <= NET_CONV;
    PetscCheck(unet || !(o->levels || blocks || o->padding_set), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-channels, -blocks, -padding: options of -net unet and tutorial, not of -net %s", nets[o->net]);
    PetscCheck(flat || !(width || depth || embed), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-hidden, -layers, -embed: options of -net mlp and conv; -net %s takes -channels and -blocks",
               nets[o->net]);
  }
  PetscCheck(o->layers <= NN_MLP_MAXLAYERS && o->embed <= 16, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-layers %d -embed %d: at most %d layers and 16 frequencies", o->layers, o->embed, NN_MLP_MAXLAYERS);
  PetscCheck(o->validation > 0 && o->validation < 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-validation: %g; the held-out fraction must lie in (0, 1)", o->validation);
  if (o->tmax == 0) o->tmax = o->sched.kind == SCHEDULE_COSINE ? 0.995 : 1.0;
  PetscCheck(o->eps > 0 && o->eps < o->tmax && o->tmax <= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-eps %g -tmax %g: need 0 < eps < tmax <= 1", o->eps, o->tmax);
  PetscCheck(o->lr_floor >= 0 && o->lr_floor <= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-lr_floor %g: a fraction of -lr in [0, 1]", o->lr_floor);
  PetscCheck(o->lr > 0 && o->clip >= 0 && o->ema >= 0 && o->ema < 1 && o->weight_decay >= 0, PETSC_COMM_WORLD,
             PETSC_ERR_USER_INPUT, "-lr %g -clip %g -ema %g -weight_decay %g: need lr > 0, clip >= 0, 0 <= ema < 1",
             o->lr, o->clip, o->ema, o->weight_decay);
  PetscCheck(!(o->force && o->restart), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-force and -restart contradict each other: -force starts over, -restart continues");
  PetscCall(schedule_check(PETSC_COMM_WORLD, &o->sched));
  if (!o->stop_file[0]) snprintf(o->stop_file, sizeof o->stop_file, "%s.stop", o->output);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the configurations [lo, hi) of the file: this rank's shard */
typedef struct {
  int64_t lo, hi, dim;
  double *x;
  double *s0; /* -target action: the data's score -dS/dphi at each configuration */
} shard;

static PetscErrorCode read_shard(ensemble_reader *r, int64_t first, int64_t count, shard *s)
{
  int rank, size;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  MPICHECK(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  s->dim = r->volume;
  s->lo = count * rank / size;
  s->hi = count * (rank + 1) / size;
  PetscCall(PetscMalloc1((size_t)PetscMax((s->hi - s->lo) * s->dim, 1), &s->x));
  PetscCall(ensemble_read_configs(r, first + s->lo, s->hi - s->lo, s->x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The data's own score at every configuration of the shard: -dS/dphi for
 * phi^4, the exact score at t = 0 (f = 1, Xi = 0) of a point target,
 * restored from the data file's attributes */
static PetscErrorCode data_scores(const ensemble_reader *r, shard *s)
{
  const int64_t n = s->hi - s->lo;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((size_t)PetscMax(n * s->dim, 1), &s->s0));
  if (!strcmp(r->meta.theory, "phi4")) {
    phi4_whole *w;
    PetscCall(phi4_whole_create(r->meta.d, r->meta.L, r->meta.kappa, r->meta.lambda, &w));
    PetscCall(phi4_whole_score(w, n, s->x, s->s0));
    PetscCall(phi4_whole_destroy(&w));
  } else {
    score_model *target;
    PetscCall(score_model_create_from_attrs(PETSC_COMM_WORLD, r->meta.theory, r->file, r->path, &target));
    PetscCall(score_model_setup(target, 1));
    PetscCall(score_model_apply(target, 0, 1, 0, n, s->x, s->s0));
    PetscCall(score_model_destroy(&target));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the scale per value of a set of configurations, sqrt(<x^2>); a NaN, inf
 * or value whose square overflows on any rank makes the reduced sums
 * non-finite: a collective check that the data are finite */
static PetscErrorCode data_sigma(const shard *s, const char *path, double *sigma)
{
  double sums[3] = {0, 0, 0};

  PetscFunctionBeginUser;
  for (int64_t i = 0; i < (s->hi - s->lo) * s->dim; i++) sums[0] += s->x[i], sums[1] += s->x[i] * s->x[i], sums[2] += 1;
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, sums, 3, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
  PetscCheck(isfinite(sums[1]), PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED, "%s: the training data hold non-finite values",
             path);
  const double mean = sums[0] / sums[2], var = sums[1] / sums[2] - mean * mean;
  *sigma = sqrt(PetscMax(var, 0) + mean * mean); /* the scale of the values about 0, which the prior is centred on */
  PetscCheck(*sigma > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s: all training values are 0", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The mean loss of the batch of step `step` (stream `which`: 0 training,
 * 1 validation over all of it); with backward, the summed gradient; with
 * loss_off, the loss with the network's output at zero as well. */
typedef struct {
  nn_net *mlp;
  dsm_form form;
  dsm_weighting weighting;
  const ensemble_meta *augment; /* -augment: the lattice whose symmetries act (NULL: none) */
  const schedule *sched;
  double eps, tmax;
  uint64_t seed;
  double *x0, *s0, *t, *z, *work; /* one network batch */
} dsm_ctx;

static PetscErrorCode batch_loss(dsm_ctx *c, const shard *s, int64_t ntotal, uint64_t step, int64_t B, int which,
                                 PetscBool backward, double *loss, double *loss_off)
{
  const int64_t D = s->dim, cap = c->mlp->batch;
  const rng_key pick = {c->seed, RNG_TRAIN, step, (uint64_t)(3 * which)}, when = {c->seed, RNG_TRAIN, step, (uint64_t)(3 * which + 1)},
                noise = {c->seed, RNG_TRAIN, step, (uint64_t)(3 * which + 2)};
  int64_t n = 0;
  /* the data's score: the training set only (validation stays plain dsm, comparable between runs) */
  const PetscBool with_s0 = s->s0 && which == 0;
  double part = 0, part_off = 0, l, l_off;

  PetscFunctionBeginUser;
  *loss = 0;
  for (int64_t g = 0; g <= B; g++) {
    if (g < B) {
      /* training: a random configuration; validation: configuration g */
      const int64_t j = which == 0 ? PetscMin((int64_t)(rng_uniform(pick, (uint64_t)g) * (double)ntotal), ntotal - 1) : g;
      if (j < s->lo || j >= s->hi) continue;
      const double *cfg = s->x + (j - s->lo) * D, *score = with_s0 ? s->s0 + (j - s->lo) * D : NULL;
      if (c->augment && which == 0) { /* a random symmetry from 53 random bits of (seed, step, g) */
        lattice_symmetry sym;
        const rng_key bits = {c->seed, RNG_TRAIN, step, 6};
        symmetry_draw(c->augment->d, c->augment->L, (uint64_t)(rng_uniform(bits, (uint64_t)g) * 9007199254740992.0), &sym);
        symmetry_apply(&sym, cfg, c->x0 + n * D);
        if (score) symmetry_apply(&sym, score, c->s0 + n * D); /* -dS/dphi transforms as the field */
      } else {
        PetscCall(PetscArraycpy(c->x0 + n * D, cfg, D));
        if (score) PetscCall(PetscArraycpy(c->s0 + n * D, score, D));
      }
      for (int64_t k = 0; k < D; k++) c->z[n * D + k] = rng_normal(noise, (uint64_t)(g * D + k));
      c->t[n++] = c->eps + (c->tmax - c->eps) * rng_uniform(when, (uint64_t)g);
    }
    if (n == cap || (g == B && n > 0)) {
      PetscCall(dsm_loss_grad(c->mlp, &c->form, c->sched, c->weighting, n, c->x0, with_s0 ? c->s0 : NULL, c->t, c->z, 1.0 / (double)B, backward, c->work, &l, loss_off ? &l_off : NULL));
      part += l;
      if (loss_off) part_off += l_off;
      n = 0;
    }
  }
  *loss = part;
  if (loss_off) *loss_off = part_off;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The validation loss against the same draws with the network's output at
 * zero (the base alone, or s = 0): a network that does not lower it has
 * learned nothing, most often because its units died (swish inputs far
 * below zero after too large steps), and says so rather than pass for a
 * trained model. */
static PetscErrorCode report_network_gain(double vloss, double vloss_off)
{
  PetscFunctionBeginUser;
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO,
                       "validation loss %.5f against %.5f with the network's output at zero: the network lowers it by "
                       "%.3g\n",
                       vloss, vloss_off, vloss_off - vloss));
  if (!(vloss < vloss_off * (1 - 1e-6)))
    PetscCall(PetscFPrintf(PETSC_COMM_WORLD, stderr,
                           "latdiff: warning: the network does not lower the validation loss (%.7g against %.7g with "
                           "its output at zero): it has learned nothing. Its units may have died (swish inputs far "
                           "below zero): try a smaller -lr; or the base is all there is to learn.\n",
                           vloss, vloss_off));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static double learning_rate(const train_options *o, int64_t k)
{
  if (k < o->warmup) return o->lr * (double)(k + 1) / o->warmup;
  const double x = (double)(k - o->warmup) / PetscMax(1, o->steps - o->warmup);
  return o->lr * (o->lr_floor + (1 - o->lr_floor) * 0.5 * (1 + cos(PETSC_PI * x)));
}

/* parameters bitwise equal on all ranks: compare every rank's bits with rank 0's */
static PetscErrorCode check_identical(const double *p, int64_t n)
{
  double *ref;
  int same = 1;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((size_t)n, &ref));
  PetscCall(PetscArraycpy(ref, p, n));
  MPICHECK(MPI_Bcast(ref, (int)n, MPI_DOUBLE, 0, PETSC_COMM_WORLD));
  same = memcmp(ref, p, (size_t)n * sizeof *p) == 0;
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &same, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD));
  PetscCall(PetscFree(ref));
  PetscCheck(same, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the parameters differ between ranks");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the model's description; nparams is set once the network exists */
static void fill_info(const train_options *o, const ensemble_reader *r, int64_t nparams, double sigma_data,
                      int64_t steps_done, int64_t adam_step, model_info *info)
{
  *info = (model_info){.dim = (int)r->volume, .hidden = o->hidden, .layers = o->layers, .J = o->embed,
                       .sigma = o->sched.sigma,
                       .beta_min = o->sched.beta_min, .beta_max = o->sched.beta_max, .cosine_s = o->sched.cosine_s, .eps = o->eps, .tmax = o->tmax,
                       .sigma_data = sigma_data, .data_meta = r->meta, .steps_done = steps_done,
                       .adam_step = adam_step, .nparams = nparams};
  snprintf(info->net, sizeof info->net, "%s", nets[o->net]);
  if (o->net >= NET_UNET) { /* the kind's defaults, then the options */
    nn_unet_spec spec;
    info->levels = o->levels, info->blocks = o->blocks;
    for (int i = 0; i < o->levels; i++) info->channels[i] = o->channels[i];
    snprintf(info->padding, sizeof info->padding, "%s",
             o->padding_set ? paddings[o->padding] : o->net == NET_TUTORIAL ? "zero" : "periodic");
    model_net_spec(info, &spec);
    info->levels = spec.levels, info->J = spec.J, info->hidden = spec.channels[0], info->layers = spec.levels;
    for (int i = 0; i < spec.levels; i++) info->channels[i] = spec.channels[i];
  }
  snprintf(info->base, sizeof info->base, "%s", bases[o->base]);
  snprintf(info->base_propagator, sizeof info->base_propagator, "%s", o->base ? propagators[o->base_propagator] : "");
  snprintf(info->score_form, sizeof info->score_form, "%s", score_forms[o->score_form]);
  info->odd = o->odd;
  snprintf(info->precision, sizeof info->precision, "%s", o->net == 0 ? "double" : precisions[o->precision]);
  snprintf(info->schedule, sizeof info->schedule, "%s", schedule_names[o->sched.kind]);
  snprintf(info->data, sizeof info->data, "%s", o->input);
}

/* mag: with a base, the training configurations' magnetisations (the prior's zero mode) */
static PetscErrorCode save(const char *path, const ensemble_reader *r, const model_info *info, nn_net *m, double *ema,
                           nn_adamw *opt, const gauss_base *base, double *mag, int64_t nmag)
{
  model_state st = {m->p, ema, opt->m, opt->v, base ? base->G : NULL, base ? mag : NULL, nmag};
  char *echo;

  PetscFunctionBeginUser;
  PetscCall(check_identical(m->p, m->nparams));
  PetscCall(options_echo(&echo));
  PetscCall(model_write(PETSC_COMM_WORLD, path, info, &st, echo, r->file));
  PetscCall(PetscFree(echo));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a checkpoint of this run: same network, data and settings */
static PetscErrorCode resume(const train_options *o, const char *ckpt, const model_info *want, const gauss_base *base,
                             nn_net *m, double *ema, nn_adamw *opt, int64_t *done)
{
  model_info got;
  model_state st;

  PetscFunctionBeginUser;
  PetscCall(model_read(PETSC_COMM_WORLD, ckpt, &got, &st));
  PetscCheck(got.nparams == want->nparams && got.hidden == want->hidden && got.layers == want->layers &&
               got.levels == want->levels && got.blocks == want->blocks && !strcmp(got.padding, want->padding) &&
               !memcmp(got.channels, want->channels, sizeof got.channels) &&
               got.J == want->J && got.dim == want->dim && !strcmp(got.base, want->base) && !strcmp(got.score_form, want->score_form) && got.odd == want->odd && !strcmp(got.precision, want->precision) && !strcmp(got.schedule, want->schedule) &&
               got.sigma == want->sigma && got.beta_min == want->beta_min && got.beta_max == want->beta_max &&
               got.cosine_s == want->cosine_s &&
               got.eps == want->eps && got.tmax == want->tmax && got.sigma_data == want->sigma_data && !strcmp(got.data, want->data),
             PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-restart: %s was made with another network, schedule or data; -force starts over", ckpt);
  PetscCheck(!base || !memcmp(st.propagator, base->G, sizeof(double) * (size_t)base->V), PETSC_COMM_WORLD,
             PETSC_ERR_USER_INPUT, "-restart: %s has another base propagator (-base_propagator, or the data); -force "
             "starts over", ckpt);
  PetscCheck(got.steps_done <= o->steps && got.adam_step == got.steps_done, PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %lld steps done of -steps %d (damaged checkpoint?)", ckpt, (long long)got.steps_done, o->steps);
  PetscCall(PetscArraycpy(m->p, st.params, m->nparams));
  PetscCall(PetscArraycpy(ema, st.ema, m->nparams));
  PetscCall(PetscArraycpy(opt->m, st.m, m->nparams));
  PetscCall(PetscArraycpy(opt->v, st.v, m->nparams));
  opt->step = got.adam_step;
  *done = got.steps_done;
  PetscCall(model_state_free(&st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the Gaussian part from the training configurations (the fit, or the
 * measurement), and their magnetisations: the base's zero mode */
static PetscErrorCode measure_base(const train_options *o, ensemble_reader *r, const shard *train, int64_t ntrain,
                                   gauss_base **base, double **mag)
{
  PetscFunctionBeginUser;
  PetscCall(gauss_base_create(r->meta.d, r->meta.L, base));
  PetscCall(gauss_base_measure(*base, PETSC_COMM_WORLD, train->hi - train->lo, train->x));
  PetscCall(PetscMalloc1((size_t)r->n, mag));
  PetscCall(ensemble_read_scalars(r, "magnetisation", *mag));
  PetscCall(gauss_base_set_magnetisations(*base, ntrain, *mag)); /* the training configurations' */
  if (o->base_propagator == 0) {
    int nterms;
    double chi2;
    PetscCall(gauss_base_fit(*base, &nterms, &chi2));
    if (nterms)
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO,
                           "base propagator: 1/G(p) fitted with %d lattice invariants; chi2/dof %.2f against the "
                           "measurement (1 for a Gaussian field on independent configurations; autocorrelation and "
                           "the interaction raise it)\n", nterms, chi2));
    else
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO,
                           "base propagator: measured (the lattice has too few momenta for the fit)\n"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_train(app_run *run)
{
  train_options o;
  ensemble_reader *r;
  shard train = {0}, val = {0};
  nn_net *m;
  nn_adamw *opt;
  double *ema, sigma_data;
  output_claim *claim;
  output_files files;
  char ckpt[PETSC_MAX_PATH_LEN + 16];
  int64_t done = 0;

  PetscFunctionBeginUser;
  PetscCall(parse(&o));
  if (o.help || run->dry) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(log_banner("train"));
  PetscCall(ensemble_open(PETSC_COMM_WORLD, o.input, &r));
  if (!o.net_set) o.net = strcmp(r->meta.theory, "phi4") ? NET_MLP : NET_UNET;
  PetscCheck(o.net != 0 || r->volume <= 16, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "%s: configurations of %lld values; -net mlp is for point targets (use -net conv for lattice fields)",
             o.input, (long long)r->volume);
  PetscCheck(!o.augment || o.net != 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-augment: for lattice fields; the symmetries of point targets differ from target to target");
  PetscCheck(o.base == 0 || o.net != 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-base gaussian: for lattice fields; point targets have no propagator");
  PetscCheck(o.embed >= 1 || o.net == NET_MLP, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-embed 0: t as an input is for -net mlp; -net %s needs 1..16 frequencies", nets[o.net]);
  PetscCheck(o.score_form == 0 || o.base == 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-score_form plain -base gaussian: the plain form has no base (its output is the whole score)");
  PetscCheck(o.net == NET_MLP || !strcmp(r->meta.theory, "phi4"), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "%s: theory '%s'; -net %s is for lattice fields (use -net mlp for point targets)", o.input, r->meta.theory,
             nets[o.net]);
  /* the network first: one the lattice cannot take (-channels, -blocks) is refused before any work */
  model_info info;
  fill_info(&o, r, 0, 0, 0, 0, &info);
  PetscCall(model_net_create(&info, &m));
  info.nparams = m->nparams;
  const int64_t nval = (int64_t)floor(o.validation * (double)r->n), ntrain = r->n - nval;
  PetscCheck(r->n >= 2 && nval >= 1 && ntrain >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "%s: %lld configurations cannot be split by -validation %g into training and validation sets", o.input,
             (long long)r->n, o.validation);
  PetscCheck(o.batch <= ntrain, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-batch %d: larger than the %lld training configurations", o.batch, (long long)ntrain);

  output_name(o.output, ".ckpt", ckpt, sizeof ckpt);
  PetscCall(app_claim_output(run, PETSC_COMM_WORLD, "-output", o.output, 0, &claim));
  PetscCall(output_state(claim, &files));
  if (o.restart && files.final && !files.ckpt) {
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "%s is complete already; nothing to do\n", o.output));
    PetscCall(ensemble_close(&r));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (!o.restart) PetscCall(output_check_fresh(claim, o.force));

  PetscCall(read_shard(r, 0, ntrain, &train));
  PetscCall(read_shard(r, ntrain, nval, &val));
  PetscCall(data_sigma(&train, o.input, &sigma_data));
  {
    double unused; /* the validation set only needs the finiteness check */
    PetscCall(data_sigma(&val, o.input, &unused));
  }
  info.sigma_data = sigma_data;
  nn_net_init(m, o.seed);
  PetscCall(nn_adamw_create(m->nparams, o.lr, &opt));
  opt->weight_decay = o.weight_decay;
  PetscCall(PetscMalloc1((size_t)m->nparams, &ema));
  PetscCall(PetscArraycpy(ema, m->p, m->nparams));
  gauss_base *base = NULL;
  double *mag = NULL;
  if (o.base == 1) PetscCall(measure_base(&o, r, &train, ntrain, &base, &mag));
  if (o.restart && files.ckpt) PetscCall(resume(&o, ckpt, &info, base, m, ema, opt, &done));
  if (done > 0)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "restarting at step %lld of %d\n", (long long)done, o.steps));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO,
                       "%s %d x %d, %lld parameters; %lld training and %lld validation configurations of %lld values; "
                       "sigma_data %.4g\n",
                       m->kind, info.layers, info.hidden, (long long)m->nparams, (long long)ntrain, (long long)nval,
                       (long long)r->volume, sigma_data));
  app_catch_signals();

  dsm_ctx c = {.mlp = m, .sched = &o.sched, .form = {.sigma_data = sigma_data, .plain = o.score_form == 1}, .eps = o.eps, .tmax = o.tmax, .seed = o.seed,
               .augment = o.augment ? &r->meta : NULL, .weighting = (dsm_weighting)o.weighting};
  c.form.base = base;
  const int64_t D = r->volume;
  PetscCall(PetscMalloc5((size_t)(m->batch * D), &c.x0, (size_t)(m->batch * D), &c.s0, (size_t)m->batch, &c.t,
                         (size_t)(m->batch * D), &c.z, (size_t)dsm_work_size(m), &c.work));
  if (o.target == 1) PetscCall(data_scores(r, &train));
  PetscLogDouble t0, now, last;
  PetscCall(PetscTime(&t0));
  last = t0;
  int stop = 0;
  double loss = NAN, vloss = NAN, vloss_off = NAN;
  const int64_t first = done;
  for (int64_t k = done; k < o.steps && !stop; k++) {
    PetscCall(PetscArrayzero(m->g, m->nparams));
    PetscCall(batch_loss(&c, &train, ntrain, (uint64_t)k, o.batch, 0, PETSC_TRUE, &loss, NULL));
    MPICHECK(MPI_Allreduce(MPI_IN_PLACE, m->g, (int)m->nparams, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
    MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &loss, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
    PetscCheck(isfinite(loss), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "training diverged at step %lld (loss %g): lower -lr or -clip", (long long)k, loss);
    if (o.clip > 0) {
      double norm = 0;
      for (int64_t i = 0; i < m->nparams; i++) norm += m->g[i] * m->g[i];
      norm = sqrt(norm);
      if (norm > o.clip)
        for (int64_t i = 0; i < m->nparams; i++) m->g[i] *= o.clip / norm;
    }
    nn_adamw_step(opt, learning_rate(&o, k), m->nparams, m->p, m->g);
    /* the average forgets the random start: its decay grows to -ema as (1 + k) / (10 + k) */
    const double decay = PetscMin(o.ema, (1.0 + (double)k) / (10.0 + (double)k));
    for (int64_t i = 0; i < m->nparams; i++) ema[i] = decay * ema[i] + (1 - decay) * m->p[i];
    done = k + 1;
    PetscBool progress;
    PetscCall(PetscTime(&now));
    PetscCall(app_poll(PETSC_COMM_WORLD, o.stop_file, now - last >= o.progress || done == o.steps, &stop, &progress));
    if (progress) {
      /* the validation draws are fixed: the loss with the network off once */
      double v[2];
      PetscCall(batch_loss(&c, &val, nval, 0, nval, 1, PETSC_FALSE, v, isnan(vloss_off) ? v + 1 : NULL));
      MPICHECK(MPI_Allreduce(MPI_IN_PLACE, v, isnan(vloss_off) ? 2 : 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
      vloss = v[0];
      if (isnan(vloss_off)) vloss_off = v[1];
      const double rate = (double)(done - first) * o.batch / PetscMax(now - t0, 1e-9);
      /* the gain shows a network that died during the run, not only at its end */
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO,
                           "step %lld/%d  loss %.5f%s  validation %.5f (network gain %.3g)  %.0f samples/s  ETA %.0f s\n",
                           (long long)done, o.steps, loss, o.target == 1 ? " (action target; validation: dsm)" : "", vloss,
                           vloss_off - vloss, rate, (double)(o.steps - done) * o.batch / rate));
      last = now;
    }
    if (stop || (done % o.checkpoint_every == 0 && done < o.steps)) {
      fill_info(&o, r, m->nparams, sigma_data, done, opt->step, &info);
      PetscCall(save(ckpt, r, &info, m, ema, opt, c.form.base, mag, ntrain));
    }
  }
  if (stop)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "%s: stopped after step %lld with a checkpoint; continue with the "
                         "same options and -restart\n", stop == 2 ? "signal received" : "stop file found", (long long)done));
  else {
    fill_info(&o, r, m->nparams, sigma_data, done, opt->step, &info);
    PetscCall(save(o.output, r, &info, m, ema, opt, c.form.base, mag, ntrain));
    PetscCall(file_remove(PETSC_COMM_WORLD, ckpt));
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "wrote %s (%lld steps, final loss %.5f, validation %.5f)\n",
                         o.output, (long long)done, loss, vloss));
    if (!isnan(vloss_off)) PetscCall(report_network_gain(vloss, vloss_off)); /* NaN: no step ran here */
  }
  PetscCall(PetscFree5(c.x0, c.s0, c.t, c.z, c.work));
  PetscCall(PetscFree(train.s0));
  PetscCall(gauss_base_destroy(&c.form.base));
  PetscCall(PetscFree(mag));
  PetscCall(PetscFree(ema));
  PetscCall(nn_adamw_destroy(&opt));
  PetscCall(nn_net_destroy(&m));
  PetscCall(PetscFree(train.x));
  PetscCall(PetscFree(val.x));
  PetscCall(ensemble_close(&r));
  PetscFunctionReturn(PETSC_SUCCESS);
}
