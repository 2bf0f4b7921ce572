/* cmd_forward.c — `latdiff forward`: the forward (noising) process on an
 * ensemble, its cumulant flow and momentum-space spectra against the exact
 * laws, and the scale k*(t) below which modes survive. */
#include "app.h"
#include "latdiff/forward.h"

#include <math.h>

typedef struct {
  char input[PETSC_MAX_PATH_LEN], output[PETSC_MAX_PATH_LEN];
  double *times;
  int ntimes, shells, block;
  schedule sched;
  uint64_t seed;
  PetscBool force, help;
} forward_options;

static PetscErrorCode parse(forward_options *o)
{
  PetscBool set;

  PetscFunctionBeginUser;
  o->sched = SCHEDULE_DEFAULT;
  o->shells = 16;
  o->seed = 1;
  o->ntimes = 11;
  PetscCall(PetscMalloc1(o->ntimes, &o->times));
  for (int k = 0; k < o->ntimes; k++) o->times[k] = 0.1 * k;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "latdiff forward: the forward process and its RG view", NULL);
  PetscCall(PetscOptionsString("-input", "ensemble to diffuse", "latdiff", o->input, o->input, sizeof o->input, NULL));
  PetscCall(PetscOptionsString("-output", "flow file to write", "latdiff", o->output, o->output, sizeof o->output, NULL));
  PetscCall(opt_schedule(PetscOptionsObject, &o->sched));
  PetscCall(opt_reals_any(PetscOptionsObject, "-times", "diffusion times t0,t1,... in [0, 1]", &o->times, &o->ntimes,
                          &set));
  PetscCall(opt_int(PetscOptionsObject, "-shells", "shells of |p_hat| for the spectrum", 1, &o->shells));
  PetscCall(opt_int(PetscOptionsObject, "-block_size", "jackknife block length (0: 4 tau_int of |M|)", 0, &o->block));
  PetscCall(opt_seed(PetscOptionsObject, "-seed", "seed of the diffusion noise", &o->seed));
  PetscCall(PetscOptionsBool("-force", "overwrite an existing output", "latdiff", o->force, &o->force, NULL));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &o->help));
  if (o->help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(options_check_unused("forward"));
  PetscCheck(o->input[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-input is required, e.g. -input ens.h5");
  PetscCheck(o->output[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-output is required, e.g. -output flow.h5");
  for (int k = 0; k < o->ntimes; k++)
    PetscCheck(o->times[k] >= 0 && o->times[k] <= 1 && (k == 0 || o->times[k] > o->times[k - 1]), PETSC_COMM_WORLD,
               PETSC_ERR_USER_INPUT, "-times: %g at position %d; times must increase within [0, 1]", o->times[k], k);
  PetscCall(schedule_check(PETSC_COMM_WORLD, &o->sched));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* max |difference| / error over a set of law checks: how many sigma off */
static double worst_sigma(const law_check *c, int n)
{
  double w = 0;
  for (int i = 0; i < n; i++)
    if (c[i].difference.error > 0) w = PetscMax(w, fabs(c[i].difference.value) / c[i].difference.error);
  return w;
}

static PetscErrorCode print_tables(const forward_options *o, const forward_result *res, const spectrum_layout *lay)
{
  char a[40], b[40];

  PetscFunctionBeginUser;
  for (int which = 0; which < 2; which++) {
    const law_check *c = which ? res->cum_site : res->cum_M;
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\ncumulants of %s: measured | exact law from t = 0\n%6s %9s %11s",
                         which ? "the site field" : "M", "t", "f", "Xi"));
    for (int q = 0; q < FORWARD_NCUM; q += 2)
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %18s%d %18s%d", "kappa", q + 2, "law", q + 2));
    for (int k = 0; k < res->T; k++) {
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\n%6.3f %9.4g %11.5g", o->times[k],
                           schedule_f(&o->sched, o->times[k]), schedule_xi(&o->sched, o->times[k])));
      for (int q = 0; q < FORWARD_NCUM; q += 2) {
        format_estimate(c[k * FORWARD_NCUM + q].measured, a, sizeof a);
        format_estimate(c[k * FORWARD_NCUM + q].predicted, b, sizeof b);
        PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %19s %19s", a, b));
      }
    }
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\nlargest deviation from the law: %.2f sigma\n",
                         worst_sigma(c, res->T * FORWARD_NCUM)));
  }
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET,
                       "\nspectrum P_t(|p_hat|) = <|phi_t(p)|^2>/V in %d shells: largest deviation from f^2 P_0 + Xi: "
                       "%.2f sigma (all of it in %s)\n%6s %12s\n",
                       lay->nshells, worst_sigma(res->spec, res->T * res->S), o->output, "t", "k*(t)"));
  for (int k = 0; k < res->T; k++)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "%6.3f %12.4f\n", o->times[k], res->kstar[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_forward(app_run *run)
{
  forward_options o = {0};
  ensemble_reader *r;
  spectrum *sp;
  forward_samples samples;
  forward_result res;
  output_claim *claim;

  PetscFunctionBeginUser;
  PetscCall(parse(&o));
  if (o.help) {
    PetscCall(PetscFree(o.times));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(app_stop_on_signal());
  PetscCall(app_claim_output(run, PETSC_COMM_WORLD, "-output", o.output, 0, &claim));
  PetscCall(output_check_fresh(claim, o.force));
  output_discard_on_failure(claim);
  PetscCall(log_banner("forward"));
  PetscCall(ensemble_open(PETSC_COMM_WORLD, o.input, &r));
  PetscCheck(r->n >= 2, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s: %lld configurations; at least 2 are needed",
             o.input, (long long)r->n);
  PetscCall(spectrum_create(PETSC_COMM_WORLD, r->meta.d, r->meta.L, o.shells, &sp));
  forward_params p = {o.sched, o.ntimes, o.times, o.seed, 0};
  PetscCall(forward_measure(PETSC_COMM_WORLD, r, &p, sp, &samples));
  PetscCall(forward_analyze(&samples, &p, spectrum_get_layout(sp), o.block, &res));
  PetscCall(print_tables(&o, &res, spectrum_get_layout(sp)));
  {
    char *echo;
    PetscCall(options_echo(&echo));
    PetscCall(forward_write(PETSC_COMM_WORLD, o.output, &p, &r->meta, o.input, r->n, &res, spectrum_get_layout(sp), echo));
    PetscCall(PetscFree(echo));
  }
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "wrote %s\n", o.output));
  PetscCall(forward_free(&samples, &res));
  PetscCall(spectrum_destroy(&sp));
  PetscCall(ensemble_close(&r));
  PetscCall(PetscFree(o.times));
  PetscFunctionReturn(PETSC_SUCCESS);
}
