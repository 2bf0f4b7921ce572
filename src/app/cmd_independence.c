/* cmd_independence.c — `latdiff sample -proposal independence`: a Markov
 * chain for phi^4 whose proposals are fresh probability-flow ODE samples
 * of a score model (a trained -model, or the exact free field), accepted
 * with min{1, e^-S(x') q(x) / (e^-S(x) q(x'))}. The chain is exact for any
 * model (to the ODE's tolerance); its acceptance measures the model.
 *
 * A proposal is the probability-flow ODE from a prior draw to t = eps,
 * with log q(x') = log p_T(z) + int div F dt integrated along the same
 * path with the exact divergence (likelihood_generate): the reverse
 * direction contracts, so it is stable for any model. The state's log q
 * and action live in the checkpoint, so a restart repeats the chain bit
 * for bit. After a move that changes the field otherwise (-flip, the
 * -hmc_every trajectories) log q is computed as `latdiff nll` does, by the
 * forward ODE from the field.
 *
 * Each rank runs its own chain (-replicas = the rank count: the model holds
 * whole fields), or with -model M -proc_grid P0,1,.. each group of
 * prod(P) ranks one chain on its split lattice (-replicas = the groups,
 * the model's lattice decomposed as the chain's); the run, its file, checkpoints, stop file, restart and
 * progress line are the shared chain of hmc (chain.h). With -hmc_every N,
 * an HMC trajectory follows every N proposals (its acceptance reported
 * apart), with -mass fourier Fourier accelerated by the model's own
 * Gaussian propagator (score_model_propagator). Update t of replica r draws prior sample t R + r and its accept
 * test from (seed, RNG_PROPOSAL, t, r). */
#include "chain.h"
#include "hmc_tune.h"
#include "latdiff/hmc.h"
#include "latdiff/likelihood.h"
#include "latdiff/rng.h"
#include "latdiff/theory.h"

#include <math.h>

typedef struct {
  chain_options chain;
  schedule sched;
  likelihood_params lp;
  int hmc_every, nmd;
  double tau;
  PetscEnum mass;
} indep_options;

typedef struct {
  const indep_options *o;
  const lattice *lat;
  score_model *m;
  likelihood *l;
  hmc *h; /* owns the field and its halo; runs the -hmc_every trajectories */
  double *x, *z, logq, S; /* a proposal and its prior draw; the state's log q and action */
  double hmc_tried, hmc_accepted;
} indep;

static PetscErrorCode parse(indep_options *o, score_model *m)
{
  int size;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  *o = (indep_options){.chain = {.replicas = size, .kappa = 0.21, .lambda = 0.022, .ntraj = 100, .therm = 10, .every = 1,
                                 .checkpoint_every = 100, .seed = 1, .progress = 10},
                       .sched = SCHEDULE_DEFAULT,
                       .lp = {.eps = 1e-3, .rtol = 1e-5, .atol = 1e-5, .divergence = DIVERGENCE_EXACT},
                       .nmd = 10, .tau = 1};
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL,
                    "latdiff sample -proposal independence: a Markov chain with the model's ODE samples as proposals",
                    NULL);
  PetscCall(chain_options_parse(PetscOptionsObject, &o->chain, "proposals"));
  PetscCall(score_model_set_from_options(PetscOptionsObject, "-theory", m));
  PetscCall(opt_schedule(PetscOptionsObject, &o->sched));
  {
    PetscEnum p = 1;
    PetscCall(opt_enum(PetscOptionsObject, "-proposal", "independence: this chain", proposal_names, &p));
  }
  PetscCall(opt_real(PetscOptionsObject, "-eps", "the ODE runs between t = eps and tmax", &o->lp.eps));
  PetscCall(opt_real(PetscOptionsObject, "-tmax", "... (0: 1, or 0.995 for cosine)", &o->lp.tmax));
  PetscCall(opt_real(PetscOptionsObject, "-ts_rtol", "relative tolerance of both ODEs (the proposal, its density)",
                     &o->lp.rtol));
  PetscCall(opt_real(PetscOptionsObject, "-ts_atol", "absolute tolerance of both ODEs", &o->lp.atol));
  PetscCall(opt_int(PetscOptionsObject, "-hmc_every", "an HMC trajectory after every N proposals (0: none)", 0,
                    &o->hmc_every));
  PetscCall(opt_int(PetscOptionsObject, "-nmd", "-hmc_every: integration steps per trajectory (Omelyan)", 1, &o->nmd));
  PetscCall(opt_real(PetscOptionsObject, "-tau", "-hmc_every: trajectory length", &o->tau));
  PetscCall(opt_enum(PetscOptionsObject, "-mass",
                     "-hmc_every: the kinetic term, identity or fourier (M(p) = 1 / G(p) with G the model's Gaussian "
                     "propagator: its fitted base, or the free field's)",
                     hmc_mass_names, &o->mass));
  PetscOptionsEnd();
  if (o->lp.tmax == 0) o->lp.tmax = o->sched.kind == SCHEDULE_COSINE ? 0.995 : 1.0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the model's lattice (its training lattice, or the one -lattice applies it to) and couplings are the
 * chain's; given couplings must agree */
static PetscErrorCode adopt_lattice(indep_options *o, const score_model *m, PetscBool split)
{
  ensemble_meta meta = {.d = 1, .L = {1}};
  PetscBool given;
  int size;

  PetscFunctionBeginUser;
  score_model_describe(m, &meta);
  PetscCheck(theory_is_lattice(meta.theory), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-proposal independence: a chain for lattice phi^4; the model is of theory '%s'", meta.theory);
  PetscCall(PetscOptionsHasName(NULL, NULL, "-kappa", &given));
  PetscCheck(!given || o->chain.kappa == meta.kappa, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-kappa %g: the model's data have kappa %g", o->chain.kappa, meta.kappa);
  PetscCall(PetscOptionsHasName(NULL, NULL, "-lambda", &given));
  PetscCheck(!given || o->chain.lambda == meta.lambda, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-lambda %g: the model's data have lambda %g", o->chain.lambda, meta.lambda);
  o->chain.d = meta.d, o->chain.kappa = meta.kappa, o->chain.lambda = meta.lambda;
  for (int mu = 0; mu < meta.d; mu++) o->chain.L[mu] = meta.L[mu];
  MPICHECK(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  if (split) { /* one chain per group of ranks */
    PetscBool replicas;
    PetscCall(PetscOptionsHasName(NULL, NULL, "-replicas", &replicas));
    if (!replicas) o->chain.replicas = m->lat->nreplicas;
    PetscCheck(o->chain.replicas == m->lat->nreplicas, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-replicas %d: with -proc_grid the independence chain runs one chain per group of ranks, here %d; use "
               "-replicas %d or leave it out", o->chain.replicas, m->lat->nreplicas, m->lat->nreplicas);
  } else
    PetscCheck(o->chain.replicas == size, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-replicas %d: the independence chain runs one chain per rank (the model holds whole fields); use "
               "-replicas %d or leave it out",
               o->chain.replicas, size);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the state's log q and action, whenever the field changed from outside */
static PetscErrorCode prepare(void *ctx)
{
  indep *s = ctx;
  likelihood_result r;

  PetscFunctionBeginUser;
  PetscCall(likelihood_run(s->l, 1, 0, s->h->phi, &r));
  s->logq = r.logq;
  PetscCall(score_model_action(s->m, 1, s->h->phi, &s->S));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a fresh chain starts from a proposal (an independence chain started far
 * from the model's support sticks there: q(x) tiny makes every ratio
 * small), drawn from a stream no update uses */
static PetscErrorCode start(void *ctx)
{
  indep *s = ctx;
  likelihood_result r;

  PetscFunctionBeginUser;
  PetscCall(likelihood_prior_draw(s->l, (uint64_t)s->lat->replica, ~s->o->chain.seed, s->z));
  PetscCall(likelihood_generate(s->l, (uint64_t)s->lat->replica, s->z, s->h->phi, &r));
  PetscCall(score_model_action(s->m, 1, s->h->phi, &s->S));
  s->logq = r.logq;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode save(void *ctx, double *state)
{
  const indep *s = ctx;
  state[0] = s->logq, state[1] = s->S;
  return PETSC_SUCCESS;
}

static PetscErrorCode load(void *ctx, const double *state)
{
  indep *s = ctx;
  s->logq = state[0], s->S = state[1];
  return PETSC_SUCCESS;
}

static PetscErrorCode update(void *ctx, uint64_t t, markov_result *res)
{
  indep *s = ctx;
  const lattice *lat = s->lat;
  const int64_t V = lat->V;
  const uint64_t draw = t * (uint64_t)lat->nreplicas + (uint64_t)lat->replica;
  likelihood_result r;
  double S;

  PetscFunctionBeginUser;
  PetscCall(likelihood_prior_draw(s->l, draw, s->o->chain.seed, s->z));
  PetscCall(likelihood_generate(s->l, draw, s->z, s->x, &r));
  PetscCall(score_model_action(s->m, 1, s->x, &S));
  /* accept with min{1, e^-dH}: dH = S(x') - S(x) + log q(x') - log q(x) */
  res->dH = S - s->S + r.logq - s->logq;
  res->accepted = isfinite(res->dH) &&
                  rng_uniform((rng_key){s->o->chain.seed, RNG_PROPOSAL, t, (uint64_t)lat->replica}, 0) < exp(-res->dH);
  if (res->accepted) {
    PetscCall(PetscArraycpy(s->h->phi, s->x, V));
    s->logq = r.logq, s->S = S;
  }
  if (s->o->hmc_every > 0 && (t + 1) % (uint64_t)s->o->hmc_every == 0) {
    markov_result hr;
    PetscCall(hmc_trajectory(s->h, t, &hr));
    s->hmc_tried++, s->hmc_accepted += hr.accepted;
    if (hr.accepted) PetscCall(prepare(s));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_independence(app_run *run)
{
  indep_options o;
  ensemble_meta meta;
  lattice *lat;
  phi4 *theory;
  indep s = {0};
  score_model *m;

  PetscFunctionBeginUser;
  PetscBool split, given_model;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-proc_grid", &split));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-model", &given_model));
  PetscCheck(!split || given_model, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-proc_grid: the independence chain splits the lattice of a -model network; the exact free field runs "
             "one chain per rank (leave -proc_grid out)");
  /* each rank its own chain on whole fields, or a group of ranks one chain on its split lattice */
  PetscCall(score_model_create(split ? PETSC_COMM_WORLD : PETSC_COMM_SELF, &m));
  PetscCall(parse(&o, m));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &o.chain.help));
  if (o.chain.help || run->dry) {
    if (run->dry) PetscCall(options_check_unused("sample"));
    PetscCall(score_model_destroy(&m));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(log_banner("sample -proposal independence"));
  PetscCall(score_model_setup(m, 1));
  if (m->trained) PetscCall(opt_adopt_schedule(m, &o.sched, &o.lp.tmax));
  PetscCall(schedule_check(PETSC_COMM_WORLD, &o.sched));
  PetscCheck(o.lp.eps > 0 && o.lp.eps < o.lp.tmax && o.lp.tmax <= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-eps %g -tmax %g: need 0 < eps < tmax <= 1", o.lp.eps, o.lp.tmax);
  PetscCheck(o.lp.rtol > 0 && o.lp.atol > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-ts_rtol %g -ts_atol %g: tolerances must be positive", o.lp.rtol, o.lp.atol);
  PetscCheck(m->ops.action, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-proposal independence: the %s score has no action to accept against", m->type);
  PetscCall(adopt_lattice(&o, m, split));
  {
    PetscBool given;
    PetscCall(PetscOptionsHasName(NULL, NULL, "-start", &given));
    PetscCheck(!given, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-start: the independence chain starts from a proposal of the model, not from -start");
  }
  PetscCall(chain_options_finish(&o.chain, "sample"));
  PetscCheck(o.hmc_every > 0 || !o.mass, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-mass fourier: an option of the HMC trajectories of -hmc_every N, which this chain does not run");
  PetscCall(PetscStrncpy(o.chain.start, "proposal", sizeof o.chain.start)); /* what the file records */
  o.lp.exact_prior = m->ops.log_prior != NULL;

  PetscCall(lattice_create(PETSC_COMM_WORLD, o.chain.d, o.chain.L, o.chain.grid, o.chain.replicas, &lat));
  PetscCheck(lat->V == m->shape.dim && (!split || lat->origin[0] == m->lat->origin[0]), PETSC_COMM_WORLD,
             PETSC_ERR_PLIB, "a replica of %lld sites, the model's %lld (or another slab)", (long long)lat->V,
             (long long)m->shape.dim);
  PetscCall(phi4_create(lat, o.chain.kappa, o.chain.lambda, &theory));
  PetscCall(hmc_create(lat, theory, (md_params){.integrator = MD_OMELYAN, .nmd = o.nmd, .tau = o.tau}, o.chain.seed, &s.h));
  if ((hmc_mass_kind)o.mass == HMC_MASS_FOURIER) { /* the model's propagator on the chain's modes */
    int64_t k0, nk;
    double *G;
    PetscCall(hmc_modes(s.h, &k0, &nk));
    PetscCall(PetscMalloc1((size_t)PetscMax(nk, 1), &G));
    PetscCall(score_model_propagator(m, k0, nk, G));
    PetscCall(hmc_set_mass(s.h, G));
    PetscCall(PetscFree(G));
  }
  PetscCall(likelihood_create(&o.sched, &o.lp, m, &s.l));
  PetscCall(PetscMalloc2((size_t)lat->V, &s.x, (size_t)lat->V, &s.z));
  s.o = &o, s.lat = lat, s.m = m;

  chain_meta(&o.chain, "independence", &meta);
  ensemble_meta_set_string(&meta, "proposal", "independence");
  ensemble_meta_set_string(&meta, "score", m->trained ? "network" : m->type);
  ensemble_meta_set_string(&meta, "schedule", schedule_names[o.sched.kind]);
  ensemble_meta_set_real(&meta, "eps", o.lp.eps);
  ensemble_meta_set_real(&meta, "ts_rtol", o.lp.rtol);
  ensemble_meta_set_real(&meta, "ts_atol", o.lp.atol);
  ensemble_meta_set_real(&meta, "tmax", o.lp.tmax);
  ensemble_meta_set_int(&meta, "nmd", o.nmd);
  ensemble_meta_set_real(&meta, "tau", o.tau);
  {
    /* the model by its content: a restart with another model, or one
     * retrained under the same name, is no longer the same chain */
    char path[PETSC_MAX_PATH_LEN], sum[24] = "exact";
    PetscBool model;
    PetscCall(PetscOptionsGetString(NULL, NULL, "-model", path, sizeof path, &model));
    if (model) {
      uint64_t h;
      PetscCall(file_checksum(PETSC_COMM_WORLD, path, &h));
      snprintf(sum, sizeof sum, "%016llx", (unsigned long long)h);
    }
    ensemble_meta_set_string(&meta, "model_checksum", sum);
  }
  ensemble_meta_set_int(&meta, "hmc_every", o.hmc_every);
  if (o.mass) ensemble_meta_set_string(&meta, "mass", hmc_mass_names[o.mass]);
  const chain_stepper st = {.unit = "proposal", .metropolis = PETSC_TRUE, .phi = s.h->phi, .h = s.h->h,
                            .prepare = prepare, .start = start, .save = save, .load = load, .update = update,
                            .ctx = &s};
  PetscCall(chain_run(run, &o.chain, &meta, lat, theory, &st));
  if (o.hmc_every > 0) {
    double c[2] = {s.hmc_tried, s.hmc_accepted};
    MPICHECK(MPI_Allreduce(MPI_IN_PLACE, c, 2, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "HMC trajectories between the proposals: acceptance %.4f of %.0f\n",
                         c[0] > 0 ? c[1] / c[0] : 0.0, c[0]));
  }
  PetscCall(PetscFree2(s.x, s.z));
  PetscCall(likelihood_destroy(&s.l));
  PetscCall(hmc_destroy(&s.h));
  PetscCall(phi4_destroy(&theory));
  PetscCall(lattice_destroy(&lat));
  PetscCall(score_model_destroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}
