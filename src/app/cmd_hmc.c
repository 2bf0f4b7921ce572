/* cmd_hmc.c — `latdiff hmc`: a phi^4 ensemble by Hybrid Monte Carlo. The
 * run itself (output, checkpoints, restart) is the shared chain (chain.h);
 * what thermalisation settles and freezes (the Fourier-acceleration mass,
 * the step count) is hmc_tune.h. */
#include "chain.h"
#include "hmc_tune.h"
#include "latdiff/hmc.h"

typedef struct {
  chain_options chain;
  double tau, tau_jitter;
  int nmd;
  PetscEnum integrator, mass;
  hmc_propagator_kind propagator;
  char propagator_text[PETSC_MAX_PATH_LEN];
  double m2, target;
} hmc_options;

static PetscErrorCode parse(hmc_options *o)
{
  PetscFunctionBeginUser;
  *o = (hmc_options){.chain = {.replicas = 1, .kappa = 0.21, .lambda = 0.022, .ntraj = 100, .therm = 100, .every = 1,
                               .checkpoint_every = 100, .seed = 1, .progress = 10},
                     .tau = 1.0, .nmd = 10, .integrator = (PetscEnum)MD_OMELYAN, .m2 = 0.1,
                     .propagator_text = "measured"};
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "latdiff hmc: Hybrid Monte Carlo for lattice phi^4", NULL);
  PetscCall(chain_options_parse(PetscOptionsObject, &o->chain, "trajectories"));
  PetscCall(opt_enum(PetscOptionsObject, "-integrator", "molecular dynamics integrator", md_integrator_names, &o->integrator));
  PetscCall(opt_int(PetscOptionsObject, "-nmd", "integration steps per trajectory", 1, &o->nmd));
  PetscCall(opt_real(PetscOptionsObject, "-tau", "trajectory length", &o->tau));
  PetscCall(opt_real(PetscOptionsObject, "-tau_jitter",
                     "relative jitter J of the trajectory length: tau (1 + J (2u - 1)), u uniform per trajectory",
                     &o->tau_jitter));
  PetscCall(opt_enum(PetscOptionsObject, "-mass",
                     "kinetic term: identity, or fourier (M(p) = 1 / G(p): every mode moves at a comparable rate; "
                     "needs slabs, -proc_grid N,1,..)",
                     hmc_mass_names, &o->mass));
  PetscCall(PetscOptionsString("-mass_propagator",
                               "G of -mass fourier: measured (the spectrum of trajectories therm/4 .. therm/2, fitted, "
                               "then frozen), free (1 / (phat^2 + m2)), or an ensemble FILE of this lattice (the "
                               "spectrum of up to 1000 of its configurations, fitted)",
                               "latdiff", o->propagator_text, o->propagator_text, sizeof o->propagator_text, NULL));
  if (!strcmp(o->propagator_text, "measured")) o->propagator = HMC_PROPAGATOR_MEASURED;
  else if (!strcmp(o->propagator_text, "free")) o->propagator = HMC_PROPAGATOR_FREE;
  else o->propagator = HMC_PROPAGATOR_FILE;
  PetscCall(opt_real(PetscOptionsObject, "-mass_m2", "m2 of -mass_propagator free", &o->m2));
  PetscCall(opt_real(PetscOptionsObject, "-target_acceptance",
                     "adapt -nmd during the second half of -therm towards this acceptance, then freeze it (0: off)",
                     &o->target));
  PetscOptionsEnd();
  PetscCall(chain_options_finish(&o->chain, "hmc"));
  if (!o->chain.help) { /* options of the Fourier mass that do not apply are refused, not ignored */
    PetscBool prop, m2;
    PetscCall(PetscOptionsHasName(NULL, NULL, "-mass_propagator", &prop));
    PetscCall(PetscOptionsHasName(NULL, NULL, "-mass_m2", &m2));
    PetscCheck(o->mass || !(prop || m2), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-%s: an option of -mass fourier; this run has the identity mass", prop ? "mass_propagator" : "mass_m2");
    PetscCheck(!m2 || o->propagator == HMC_PROPAGATOR_FREE, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-mass_m2: an option of -mass_propagator free");
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  hmc *s;
  hmc_tune *tune;
} hmc_run;

static PetscErrorCode update(void *ctx, uint64_t t, markov_result *r)
{
  hmc_run *h = ctx;

  PetscFunctionBeginUser;
  PetscCall(hmc_trajectory(h->s, t, r));
  PetscCall(hmc_tune_after(h->tune, t, r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode save(void *ctx, double *state)
{
  hmc_tune_save(((hmc_run *)ctx)->tune, state);
  return PETSC_SUCCESS;
}

static PetscErrorCode load(void *ctx, const double *state) { return hmc_tune_load(((hmc_run *)ctx)->tune, state); }

static PetscErrorCode record(void *ctx, ensemble_writer *w) { return hmc_tune_record(((hmc_run *)ctx)->tune, w); }

PetscErrorCode cmd_hmc(app_run *run)
{
  hmc_options o;
  ensemble_meta meta;
  lattice *lat;
  phi4 *theory;
  hmc_run h;

  PetscFunctionBeginUser;
  PetscCall(parse(&o));
  if (o.chain.help || run->dry) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(log_banner("hmc"));
  PetscCall(lattice_create(PETSC_COMM_WORLD, o.chain.d, o.chain.L, o.chain.grid, o.chain.replicas, &lat));
  PetscCall(phi4_create(lat, o.chain.kappa, o.chain.lambda, &theory));
  PetscCall(hmc_create(lat, theory, (md_params){(md_integrator)o.integrator, o.nmd, o.tau, o.tau_jitter}, o.chain.seed,
                       &h.s));
  hmc_tune_options to = {.mass = (hmc_mass_kind)o.mass, .propagator = o.propagator, .m2 = o.m2, .target = o.target,
                         .therm = o.chain.therm};
  if (o.propagator == HMC_PROPAGATOR_FILE) {
    PetscCall(PetscStrncpy(to.file, o.propagator_text, sizeof to.file));
    PetscCall(output_set_add_input(&run->files, "-mass_propagator", to.file));
  }
  PetscCall(hmc_tune_create(h.s, &to, &h.tune));
  chain_meta(&o.chain, "hmc", &meta);
  ensemble_meta_set_string(&meta, "integrator", md_integrator_names[o.integrator]);
  ensemble_meta_set_int(&meta, "nmd", o.nmd);
  ensemble_meta_set_real(&meta, "tau", o.tau);
  if (o.tau_jitter > 0) ensemble_meta_set_real(&meta, "tau_jitter", o.tau_jitter);
  if (o.mass) {
    ensemble_meta_set_string(&meta, "mass", hmc_mass_names[o.mass]);
    ensemble_meta_set_string(&meta, "mass_propagator", o.propagator == HMC_PROPAGATOR_FILE ? o.propagator_text : hmc_propagator_names[o.propagator]);
    if (o.propagator == HMC_PROPAGATOR_FILE) { /* by content: a restart with another file of the name is another chain */
      uint64_t sum;
      char text[24];
      PetscCall(file_checksum(PETSC_COMM_WORLD, o.propagator_text, &sum));
      snprintf(text, sizeof text, "%016llx", (unsigned long long)sum);
      ensemble_meta_set_string(&meta, "mass_file_checksum", text);
    }
    if (o.propagator == HMC_PROPAGATOR_FREE) ensemble_meta_set_real(&meta, "mass_m2", o.m2);
  }
  if (o.target > 0) ensemble_meta_set_real(&meta, "target_acceptance", o.target);
  const PetscBool tuned = o.mass || o.target > 0; /* a state beyond the field (plain HMC has none) */
  chain_stepper st = {.unit = "trajectory", .metropolis = PETSC_TRUE, .phi = h.s->phi, .h = h.s->h, .update = update,
                      .ctx = &h};
  if (tuned) st.save = save, st.load = load, st.finish = record;
  hmc_tune_extra(h.tune, &st.extra, &st.extra_n, &st.extra_off, &st.extra_len);
  PetscCall(chain_run(run, &o.chain, &meta, lat, theory, &st));
  PetscCall(hmc_tune_destroy(&h.tune));
  PetscCall(hmc_destroy(&h.s));
  PetscCall(phi4_destroy(&theory));
  PetscCall(lattice_destroy(&lat));
  PetscFunctionReturn(PETSC_SUCCESS);
}
