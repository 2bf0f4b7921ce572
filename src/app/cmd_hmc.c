/* cmd_hmc.c — `latdiff hmc`: a phi^4 ensemble by Hybrid Monte Carlo. The
 * run itself (output, checkpoints, restart) is the shared chain (chain.h). */
#include "chain.h"
#include "latdiff/hmc.h"

typedef struct {
  chain_options chain;
  double tau;
  int nmd;
  PetscEnum integrator;
} hmc_options;

static PetscErrorCode parse(hmc_options *o)
{
  PetscFunctionBeginUser;
  *o = (hmc_options){.chain = {.replicas = 1, .kappa = 0.21, .lambda = 0.022, .ntraj = 100, .therm = 100, .every = 1,
                               .checkpoint_every = 100, .seed = 1, .progress = 10},
                     .tau = 1.0, .nmd = 10, .integrator = (PetscEnum)MD_OMELYAN};
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "latdiff hmc: Hybrid Monte Carlo for lattice phi^4", NULL);
  PetscCall(chain_options_parse(PetscOptionsObject, &o->chain, "trajectories"));
  PetscCall(opt_enum(PetscOptionsObject, "-integrator", "molecular dynamics integrator", md_integrator_names, &o->integrator));
  PetscCall(opt_int(PetscOptionsObject, "-nmd", "integration steps per trajectory", 1, &o->nmd));
  PetscCall(opt_real(PetscOptionsObject, "-tau", "trajectory length", &o->tau));
  PetscOptionsEnd();
  PetscCall(chain_options_finish(&o->chain, "hmc"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode update(void *ctx, uint64_t t, markov_result *r) { return hmc_trajectory((hmc *)ctx, t, r); }

PetscErrorCode cmd_hmc(app_run *run)
{
  hmc_options o;
  ensemble_meta meta;
  lattice *lat;
  phi4 *theory;
  hmc *s;

  PetscFunctionBeginUser;
  PetscCall(parse(&o));
  if (o.chain.help || run->dry) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(log_banner("hmc"));
  PetscCall(lattice_create(PETSC_COMM_WORLD, o.chain.d, o.chain.L, o.chain.grid, o.chain.replicas, &lat));
  PetscCall(phi4_create(lat, o.chain.kappa, o.chain.lambda, &theory));
  PetscCall(hmc_create(lat, theory, (md_params){(md_integrator)o.integrator, o.nmd, o.tau}, o.chain.seed, &s));
  chain_meta(&o.chain, "hmc", &meta);
  ensemble_meta_set_string(&meta, "integrator", md_integrator_names[o.integrator]);
  ensemble_meta_set_int(&meta, "nmd", o.nmd);
  ensemble_meta_set_real(&meta, "tau", o.tau);
  const chain_stepper st = {.unit = "trajectory", .metropolis = PETSC_TRUE, .phi = s->phi, .h = s->h,
                            .update = update, .ctx = s};
  PetscCall(chain_run(run, &o.chain, &meta, lat, theory, &st));
  PetscCall(hmc_destroy(&s));
  PetscCall(phi4_destroy(&theory));
  PetscCall(lattice_destroy(&lat));
  PetscFunctionReturn(PETSC_SUCCESS);
}
