/* cmd_langevin.c — `latdiff langevin`: a phi^4 ensemble by stochastic
 * quantisation (langevin.h), with the outputs and checkpointing of hmc
 * (the shared chain, chain.h). */
#include "chain.h"
#include "latdiff/langevin.h"

typedef struct {
  chain_options chain;
  double step;
  PetscEnum scheme;
} langevin_options;

static PetscErrorCode parse(langevin_options *o)
{
  PetscFunctionBeginUser;
  *o = (langevin_options){.chain = {.replicas = 1, .kappa = 0.21, .lambda = 0.022, .ntraj = 100, .therm = 1000,
                                    .every = 10, .checkpoint_every = 1000, .seed = 1, .progress = 10},
                          .step = 0.01, .scheme = (PetscEnum)LANGEVIN_EULER};
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "latdiff langevin: stochastic quantisation of lattice phi^4", NULL);
  PetscCall(chain_options_parse(PetscOptionsObject, &o->chain, "steps"));
  PetscCall(opt_enum(PetscOptionsObject, "-scheme", "euler (bias O(step)), heun (O(step^2)) or mala (euler + Metropolis: exact)", langevin_scheme_names, &o->scheme));
  PetscCall(opt_real(PetscOptionsObject, "-step", "Langevin time step", &o->step));
  PetscOptionsEnd();
  PetscCall(chain_options_finish(&o->chain, "langevin"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode prepare(void *ctx) { return langevin_prepare((langevin *)ctx); }
static PetscErrorCode update(void *ctx, uint64_t t, markov_result *r) { return langevin_update((langevin *)ctx, t, r); }

PetscErrorCode cmd_langevin(app_run *run)
{
  langevin_options o;
  ensemble_meta meta;
  lattice *lat;
  phi4 *theory;
  langevin *s;

  PetscFunctionBeginUser;
  PetscCall(parse(&o));
  if (o.chain.help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(log_banner("langevin"));
  PetscCall(lattice_create(PETSC_COMM_WORLD, o.chain.d, o.chain.L, o.chain.grid, o.chain.replicas, &lat));
  PetscCall(phi4_create(lat, o.chain.kappa, o.chain.lambda, &theory));
  PetscCall(langevin_create(lat, theory, (langevin_scheme)o.scheme, o.step, o.chain.seed, &s));
  chain_meta(&o.chain, "langevin", &meta);
  ensemble_meta_set_string(&meta, "scheme", langevin_scheme_names[o.scheme]);
  ensemble_meta_set_real(&meta, "step", o.step);
  const chain_stepper st = {.unit = "step", .metropolis = (langevin_scheme)o.scheme == LANGEVIN_MALA, .phi = s->phi, .h = s->h,
                            .prepare = prepare, .update = update, .ctx = s};
  PetscCall(chain_run(run, &o.chain, &meta, lat, theory, &st));
  PetscCall(langevin_destroy(&s));
  PetscCall(phi4_destroy(&theory));
  PetscCall(lattice_destroy(&lat));
  PetscFunctionReturn(PETSC_SUCCESS);
}
