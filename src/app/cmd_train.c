/* cmd_train.c — `latdiff train`: the options of a training (train.h), the
 * loop with its stop file, signals, progress lines and checkpoints. The
 * training itself (data parallel, AdamW, EMA, restart) is the library's. */
#include "app.h"
#include "latdiff/model_net.h"
#include "latdiff/nn_mlp.h"
#include "latdiff/train.h"
#include "latdiff/theory.h"

#include <math.h>

static const char *const paddings[] = {"periodic", "zero", "padding", "PAD_", NULL};
static const char *const bases[] = {"none", "gaussian", "base", "BASE_", NULL};
static const char *const propagators[] = {"fit", "measured", "base_propagator", "BASE_PROPAGATOR_", NULL};
static const char *const targets[] = {"dsm", "action", "target", "TARGET_", NULL};
#define BASE_NONE ((PetscEnum)0) /* the order of bases[] */
#define BASE_GAUSSIAN ((PetscEnum)1)
#define TARGET_ACTION ((PetscEnum)TRAIN_TARGET_ACTION)
#define SCORE_FORM_SCALED ((PetscEnum)0) /* the order of score_forms[] */
static const char *const score_forms[] = {"scaled", "plain", "score_form", "SCORE_FORM_", NULL};
static const char *const weightings[] = {"sigma2", "likelihood", "weighting", "DSM_WEIGHT_", NULL};
static const char *const precisions[] = {"double", "single", "precision", "NN_", NULL}; /* the order of nn_precision */

typedef struct {
  char input[PETSC_MAX_PATH_LEN], output[PETSC_MAX_PATH_LEN], stop_file[PETSC_MAX_PATH_LEN + 16];
  char net[16];                /* a registered network kind (model_net.h) */
  const model_net_kind *kind; /* its description, once the data chose it */
  PetscEnum base, base_propagator, precision, target, weighting, padding, score_form;
  int hidden, layers, embed, steps, batch, warmup, checkpoint_every;
  int channels[MODEL_MAXLEVELS], levels, blocks; /* U-Nets; levels 0: the kind's default */
  double lr, lr_floor, clip, ema, validation, eps, tmax, weight_decay, progress;
  schedule sched;
  uint64_t seed;
  PetscBool force, restart, help, odd, augment, net_set, padding_set;
  PetscBool unet_options, width_set; /* -channels, -blocks or -padding given; -hidden given */
  int grid[LATTICE_MAXDIM], ngrid; /* -proc_grid */
} train_options;

static PetscErrorCode parse(train_options *o)
{
  PetscBool channels_set;
  const char *kinds[MODEL_NET_MAXKINDS + 3]; /* the registered kinds, as PetscOptionsEnum lists them */
  const int nkinds = model_net_kind_names(kinds, MODEL_NET_MAXKINDS);
  PetscEnum net = 0;

  PetscFunctionBeginUser;
  *o = (train_options){.precision = (PetscEnum)NN_SINGLE, .hidden = 64, .layers = 3, .embed = 8, .blocks = 1, .steps = 4000, .batch = 1024, .warmup = 100,
                       .checkpoint_every = 500, .lr = 2e-3, .lr_floor = 0.1, .clip = 1, .ema = 0.999, .validation = 0.1, .eps = 1e-3,
                       .progress = 10, .seed = 1, .sched = {SCHEDULE_VE, 25.0, 0.1, 20.0, 0.008}};
  kinds[nkinds] = "net", kinds[nkinds + 1] = "NET_", kinds[nkinds + 2] = NULL;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "latdiff train: a score network by denoising score matching", NULL);
  PetscCall(PetscOptionsString("-input", "training ensemble", "latdiff", o->input, o->input, sizeof o->input, NULL));
  PetscCall(PetscOptionsString("-output", "model file to write", "latdiff", o->output, o->output, sizeof o->output,
                               NULL));
  PetscCall(opt_enum(PetscOptionsObject, "-net",
                     "network (default: conv for lattice fields, unet with -channels, -blocks or -padding; mlp for point targets): mlp, conv (periodic "
                     "convolutions at one resolution), unet (periodic U-Net), tutorial (the U-Net of the Wang-Aarts-"
                     "Zhou notebook: channels 32/64/128/256 at full resolution, zero padding)",
                     kinds, &net));
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
                     "lattice fields: none, or gaussian (the default on lattice fields: the network adds to the exact score of a Gaussian field with "
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
                     "noise of dsm at small t; the default)",
                     targets, &o->target));
  PetscCall(opt_enum(PetscOptionsObject, "-precision",
                     "what the conv net computes in: single (float32, production) or double (exact tests); the "
                     "optimiser keeps double master weights; the mlp always computes in double",
                     precisions, &o->precision));
  PetscCall(PetscOptionsBool("-odd", "make the network odd, s(-x) = -s(x) exactly (the Z2 symmetry of phi^4)", "latdiff",
                             o->odd, &o->odd, NULL));
  PetscCall(PetscOptionsBool("-augment",
                             "lattice fields: each training sample under a random lattice symmetry (reflections, translations, "
                             "permutations of equal axes) and phi -> -phi (default: on for lattice fields)",
                             "latdiff", o->augment, &o->augment, NULL));
  {
    PetscBool set;
    int n = LATTICE_MAXDIM;
    PetscCall(opt_ints(PetscOptionsObject, "-proc_grid",
                       "lattice fields (conv, unet, tutorial): ranks per direction of one sample, P0,1,..,1: the network on a split "
                       "lattice, size / P0 groups of ranks share the batch (default: each rank whole samples)",
                       LATTICE_MAXDIM, o->grid, &n, &set));
    if (set) o->ngrid = n;
  }
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
  PetscCall(opt_int(PetscOptionsObject, "-steps",
                    "optimiser steps (default: 4000 for lattice fields, 20000 for point targets)", 1, &o->steps));
  PetscCall(opt_int(PetscOptionsObject, "-batch",
                    "global batch (split over the ranks; default: 64 for lattice fields, 1024 for point targets)", 1,
                    &o->batch));
  PetscCall(opt_real(PetscOptionsObject, "-lr",
                     "peak learning rate (AdamW; default: 3e-3 for lattice fields, 2e-3 for point targets)", &o->lr));
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
  snprintf(o->net, sizeof o->net, "%s", kinds[net]);
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
    o->unet_options = o->levels || blocks || o->padding_set;
    o->width_set = width;
    const model_net_kind *kind;
    PetscCall(model_net_kind_get(o->net, &kind));
    const PetscBool unet = !o->net_set || kind->levels, flat = !o->net_set || !kind->levels;
    PetscCheck(unet || !(o->levels || blocks || o->padding_set), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-channels, -blocks, -padding: options of -net unet and tutorial, not of -net %s", o->net);
    PetscCheck(flat || !(width || depth || embed), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-hidden, -layers, -embed: options of -net mlp and conv; -net %s takes -channels and -blocks", o->net);
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

/* the model's description from the options: the network, its schedule and
 * its data (the trainer sets the normalisation, the parameter count and the
 * progress) */
static void network_info(const train_options *o, const ensemble_reader *r, model_info *info)
{
  *info = (model_info){.dim = (int)r->volume, .hidden = o->hidden, .layers = o->layers, .J = o->embed,
                       .sigma = o->sched.sigma, .beta_min = o->sched.beta_min, .beta_max = o->sched.beta_max,
                       .cosine_s = o->sched.cosine_s, .eps = o->eps, .tmax = o->tmax, .data_meta = r->meta};
  snprintf(info->net, sizeof info->net, "%s", o->net);
  if (o->kind->levels) { /* the kind's defaults, then the options */
    nn_unet_spec spec;
    info->levels = o->levels, info->blocks = o->blocks;
    for (int i = 0; i < o->levels; i++) info->channels[i] = o->channels[i];
    snprintf(info->padding, sizeof info->padding, "%s",
             o->padding_set ? paddings[o->padding] : "");
    model_net_spec(info, &spec);
    snprintf(info->padding, sizeof info->padding, "%s", spec.periodic ? "periodic" : "zero");
    info->levels = spec.levels, info->J = spec.J, info->hidden = spec.channels[0], info->layers = spec.levels;
    for (int i = 0; i < spec.levels; i++) info->channels[i] = spec.channels[i];
  }
  snprintf(info->base, sizeof info->base, "%s", bases[o->base]);
  snprintf(info->base_propagator, sizeof info->base_propagator, "%s",
           o->base == BASE_GAUSSIAN ? propagators[o->base_propagator] : "");
  snprintf(info->score_form, sizeof info->score_form, "%s", score_forms[o->score_form]);
  info->odd = o->odd;
  snprintf(info->precision, sizeof info->precision, "%s", !o->kind->lattice ? "double" : precisions[o->precision]);
  snprintf(info->schedule, sizeof info->schedule, "%s", schedule_names[o->sched.kind]);
  snprintf(info->data, sizeof info->data, "%s", o->input);
}

/* The defaults are the settings that reproduce the physics (README: the
 * main job; docs/validation.md: the defaults' checks), for the options not
 * given: on lattice fields the conv net on the Gaussian base with the
 * fitted propagator, fitted to the action target, with the lattice's
 * symmetries as augmentation, batch 64 at lr 3e-3 (which keeps the broken
 * phase's units alive and loses nothing in the symmetric phase); on point
 * targets the mlp fitted to the action target (the target's exact score at
 * t = 0; plain dsm on points a trained model generated), batch 1024 at lr 2e-3, 20000 steps (a minute on two cores). */
static PetscErrorCode data_defaults(train_options *o, const ensemble_reader *r, PetscBool field)
{
  PetscBool base, target, augment, lr, batch, score_form, steps;
  /* the data's own score at t = 0: a lattice theory's action, a point
   * target's exact score; not known for points a trained model generated */
  const meta_param *score = ensemble_meta_get(&r->meta, "score");
  const PetscBool own_score = field || !(score && score->kind == META_STRING && !strcmp(score->s, "network"));

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-base", &base));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-target", &target));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-augment", &augment));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-lr", &lr));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-batch", &batch));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-score_form", &score_form));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-steps", &steps));
  if (!target && own_score) o->target = TARGET_ACTION;
  PetscCheck(o->target != TARGET_ACTION || own_score, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-target action: %s was generated by a trained model, whose data have no known score of their own; use "
             "-target dsm", o->input);
  if (!steps && !field) o->steps = 20000; /* 4000 leave the two-peak kappa_2 13 errors off at 5e5 samples */
  if (!field || !o->kind->lattice) PetscFunctionReturn(PETSC_SUCCESS);
  if (!base && !(score_form && o->score_form != SCORE_FORM_SCALED)) o->base = BASE_GAUSSIAN;
  if (!augment) o->augment = PETSC_TRUE;
  if (!lr) o->lr = 3e-3;
  if (!batch) o->batch = 64;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the options that apply to this data: the network kind is chosen by the
 * data when -net is not given */
static PetscErrorCode check_applies(train_options *o, const ensemble_reader *r)
{
  const PetscBool field = theory_is_lattice(r->meta.theory);

  PetscFunctionBeginUser;
  if (!o->net_set) snprintf(o->net, sizeof o->net, "%s", !field ? "mlp" : o->unet_options ? "unet" : "conv");
  PetscCall(model_net_kind_get(o->net, &o->kind));
  if (!o->width_set && o->kind->width) o->hidden = o->kind->width;
  PetscCall(data_defaults(o, r, field));
  PetscCheck(o->kind->lattice || r->volume <= 16, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "%s: configurations of %lld values; -net mlp is for point targets (use -net conv for lattice fields)",
             o->input, (long long)r->volume);
  PetscCheck(!o->augment || o->kind->lattice, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-augment: for lattice fields; the symmetries of point targets differ from target to target");
  PetscCheck(o->base == BASE_NONE || o->kind->lattice, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-base gaussian: for lattice fields; point targets have no propagator");
  PetscCheck(o->embed >= 1 || !o->kind->lattice, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-embed 0: t as an input is for -net mlp; -net %s needs 1..16 frequencies", o->net);
  PetscCheck(o->score_form == SCORE_FORM_SCALED || o->base == BASE_NONE, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-score_form plain -base gaussian: the plain form has no base (its output is the whole score)");
  PetscCheck(!o->kind->lattice || field, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "%s: theory '%s'; -net %s is for lattice fields (use -net mlp for point targets)", o->input, r->meta.theory,
             o->net);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* How much of the network's gain over its output at zero came in the last
 * quarter of the steps (on the fixed validation draws): a training still
 * falling there stopped too early, and says so rather than pass for
 * converged. */
static PetscErrorCode report_last_quarter(double v34, double vend, double voff)
{
  const double gain = voff - vend, late = v34 - vend;

  PetscFunctionBeginUser;
  if (!(gain > 0)) PetscFunctionReturn(PETSC_SUCCESS); /* report_network_gain has warned */
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO,
                       "the last quarter of the steps lowered the validation loss by %.3g, %.1f%% of the network's gain\n",
                       late, 100 * late / gain));
  if (late > 0.05 * gain)
    PetscCall(PetscFPrintf(PETSC_COMM_WORLD, stderr,
                           "latdiff: warning: the validation loss still fell by %.3g in the last quarter of the steps "
                           "(%.0f%% of the network's gain): the model is likely undertrained; more -steps would improve "
                           "it\n", late, 100 * late / gain));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the settings of the training loop (train.h) from the options */
static train_settings loop_settings(const train_options *o)
{
  train_settings s = {.steps = o->steps, .batch = o->batch, .warmup = o->warmup, .lr = o->lr,
                          .lr_floor = o->lr_floor, .clip = o->clip, .ema = o->ema, .weight_decay = o->weight_decay,
                          .validation = o->validation, .seed = o->seed, .target = (train_target)o->target,
                          .weighting = (dsm_weighting)o->weighting, .augment = o->augment,
                          .propagator = (train_propagator)o->base_propagator, .ngrid = o->ngrid};
  for (int mu = 0; mu < o->ngrid; mu++) s.grid[mu] = o->grid[mu];
  return s;
}

PetscErrorCode cmd_train(app_run *run)
{
  train_options o;
  ensemble_reader *r;
  trainer *t;
  output_claim *claim;
  output_files files;
  char ckpt[PETSC_MAX_PATH_LEN + 16], *echo;

  PetscFunctionBeginUser;
  PetscCall(parse(&o));
  if (o.help || run->dry) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(log_banner("train"));
  PetscCall(ensemble_open(PETSC_COMM_WORLD, o.input, &r));
  PetscCall(check_applies(&o, r));
  /* the network first: one the lattice cannot take (-channels, -blocks) is refused before any work */
  model_info info;
  network_info(&o, r, &info);
  const train_settings settings = loop_settings(&o);
  PetscCall(trainer_create(PETSC_COMM_WORLD, &settings, &info, r, o.input, &t));

  output_name(o.output, ".ckpt", ckpt, sizeof ckpt);
  /* the model and its checkpoint side by side: four float64 and two float32
   * copies of the parameters, the base's propagator and magnetisations */
  const double bytes = 2 * ((double)t->net->nparams * 40 + (double)(r->volume + r->n) * 8 + 65536);
  PetscCall(app_claim_output(run, PETSC_COMM_WORLD, "-output", o.output, bytes, &claim));
  PetscCall(output_state(claim, &files));
  if (!o.restart) PetscCall(output_check_fresh(claim, o.force));
  PetscCall(trainer_setup(t));
  const PetscBool complete = o.restart && files.final && !files.ckpt;
  if (o.restart && (files.ckpt || complete)) PetscCall(trainer_resume(t, complete ? o.output : ckpt));
  if (complete) { /* the same settings, checked above */
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "%s is complete already with these settings; nothing to do\n",
                         o.output));
    PetscCall(trainer_destroy(&t));
    PetscCall(ensemble_close(&r));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (t->done > 0)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "restarting at step %lld of %d\n", (long long)t->done, o.steps));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO,
                       "%s %d x %d, %lld parameters; %lld training and %lld validation configurations of %lld values; "
                       "sigma_data %.4g\n",
                       t->net->kind, t->info.layers, t->info.hidden, (long long)t->net->nparams, (long long)t->ntrain,
                       (long long)t->nval, (long long)r->volume, t->info.sigma_data));
  PetscCall(options_echo(&echo));
  PetscLogDouble t0, now, last;
  PetscCall(PetscTime(&t0));
  last = t0;
  int stop = 0;
  const int64_t first = t->done, three_quarters = (3 * (int64_t)o.steps) / 4;
  double vloss_three_quarters = NAN;
  while (t->done < o.steps && !stop) {
    PetscBool progress;
    PetscCall(trainer_step(t));
    if (t->done == three_quarters && three_quarters > 0) { /* the yardstick of the last quarter's gain */
      PetscCall(trainer_validate(t));
      vloss_three_quarters = t->vloss;
    }
    PetscCall(PetscTime(&now));
    PetscCall(app_poll(PETSC_COMM_WORLD, o.stop_file, now - last >= o.progress || t->done == o.steps, &stop, &progress));
    if (progress) {
      PetscCall(trainer_validate(t));
      const double rate = (double)(t->done - first) * o.batch / PetscMax(now - t0, 1e-9);
      /* the gain shows a network that died during the run, not only at its end */
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO,
                           "step %lld/%d  loss %.5f%s  validation %.5f (network gain %.3g)  %.0f samples/s  ETA %.0f s\n",
                           (long long)t->done, o.steps, t->loss,
                           o.target == TARGET_ACTION ? " (action target; validation: dsm)" : "", t->vloss,
                           t->vloss_off - t->vloss, rate, (double)(o.steps - t->done) * o.batch / rate));
      last = now;
    }
    if (stop || (t->done % o.checkpoint_every == 0 && t->done < o.steps)) PetscCall(trainer_save(t, ckpt, echo));
  }
  if (stop)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "%s: stopped after step %lld with a checkpoint; continue with the "
                         "same options and -restart\n", stop == 2 ? "signal received" : "stop file found",
                         (long long)t->done));
  else {
    PetscCall(trainer_save(t, o.output, echo));
    PetscCall(file_remove(PETSC_COMM_WORLD, ckpt));
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "wrote %s (%lld steps, final loss %.5f, validation %.5f)\n",
                         o.output, (long long)t->done, t->loss, t->vloss));
    if (!isnan(t->vloss_off)) PetscCall(report_network_gain(t->vloss, t->vloss_off)); /* NaN: no step ran here */
    if (!isnan(vloss_three_quarters)) PetscCall(report_last_quarter(vloss_three_quarters, t->vloss, t->vloss_off));
  }
  PetscCall(PetscFree(echo));
  PetscCall(trainer_destroy(&t));
  PetscCall(ensemble_close(&r));
  PetscFunctionReturn(PETSC_SUCCESS);
}
