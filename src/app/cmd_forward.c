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
  o->sched = (schedule){SCHEDULE_VE, 25.0, 0.1, 20.0};
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

static PetscErrorCode write_flow(const forward_options *o, const ensemble_reader *r, const forward_result *res,
                                 const spectrum_layout *lay)
{
  char partial[PETSC_MAX_PATH_LEN + 16], *echo;
  int rank;
  const int T = res->T, S = res->S;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  output_name(o->output, ".partial", partial, sizeof partial);
  PetscCall(options_echo(&echo));
  if (rank == 0) {
    hid_t f, g;
    double *fx, *xi;
    hsize_t t1[1] = {(hsize_t)T}, s1[1] = {(hsize_t)S}, cum[4] = {(hsize_t)T, FORWARD_NCUM, 3, 2},
            sp[4] = {(hsize_t)T, (hsize_t)S, 3, 2};
    PetscCall(h5_create(PETSC_COMM_SELF, partial, &f));
    PetscCall(h5_attr_put_string(f, "format", "latdiff-flow"));
    PetscCall(h5_attr_put_int(f, "format_version", 1));
    PetscCall(h5_attr_put_string(f, "code_version", latdiff_version()));
    PetscCall(h5_attr_put_string(f, "git_commit", latdiff_git_commit()));
    PetscCall(h5_attr_put_string(f, "input", o->input));
    H5CALL(g = H5Gcreate2(f, "source", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    PetscCall(ensemble_meta_write(g, &r->meta)); /* what the flow was computed from */
    H5CALL(H5Gclose(g));
    PetscCall(h5_attr_put_string(f, "schedule", schedule_names[o->sched.kind]));
    PetscCall(h5_attr_put_double(f, "sigma", o->sched.sigma));
    PetscCall(h5_attr_put_double(f, "beta_min", o->sched.beta_min));
    PetscCall(h5_attr_put_double(f, "beta_max", o->sched.beta_max));
    PetscCall(h5_attr_put_int(f, "noise_seed", (int64_t)o->seed));
    PetscCall(h5_attr_put_int(f, "n", r->n));
    PetscCall(h5_attr_put_int(f, "jackknife_block", res->block));
    PetscCall(h5_attr_put_string(f, "options", echo));
    PetscCall(PetscMalloc2(T, &fx, T, &xi));
    for (int k = 0; k < T; k++) fx[k] = schedule_f(&o->sched, o->times[k]), xi[k] = schedule_xi(&o->sched, o->times[k]);
    PetscCall(h5_write_doubles(f, "times", 1, t1, o->times));
    PetscCall(h5_write_doubles(f, "f", 1, t1, fx));
    PetscCall(h5_write_doubles(f, "xi", 1, t1, xi));
    PetscCall(h5_write_doubles(f, "kstar", 1, t1, res->kstar));
    PetscCall(PetscFree2(fx, xi));
    /* [T][n][measured, predicted, difference][value, error] */
    PetscCall(h5_write_doubles(f, "cumulants_M", 4, cum, (const double *)res->cum_M));
    PetscCall(h5_write_doubles(f, "cumulants_site", 4, cum, (const double *)res->cum_site));
    PetscCall(h5_write_doubles(f, "spectrum", 4, sp, (const double *)res->spec));
    PetscCall(h5_write_doubles(f, "shell_k", 1, s1, lay->shell_k));
    PetscCall(h5_write_doubles(f, "shell_modes", 1, s1, lay->shell_modes));
    PetscCall(h5_close(&f));
  }
  PetscCall(PetscFree(echo));
  PetscCall(file_commit(PETSC_COMM_WORLD, partial, o->output));
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
  PetscCall(app_claim_output(run, PETSC_COMM_WORLD, "-output", o.output, 0, &claim));
  PetscCall(output_check_fresh(claim, o.force));
  output_discard_on_failure(claim);
  PetscCall(log_banner("forward"));
  PetscCall(ensemble_open(PETSC_COMM_WORLD, o.input, &r));
  PetscCheck(r->n >= 2, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s: %lld configurations; at least 2 are needed",
             o.input, (long long)r->n);
  PetscCall(spectrum_create(PETSC_COMM_WORLD, r->meta.d, r->meta.L, o.shells, &sp));
  forward_params p = {o.sched, o.ntimes, o.times, o.seed};
  PetscCall(forward_measure(PETSC_COMM_WORLD, r, &p, sp, &samples));
  PetscCall(forward_analyze(&samples, &p, spectrum_get_layout(sp), o.block, &res));
  PetscCall(print_tables(&o, &res, spectrum_get_layout(sp)));
  PetscCall(write_flow(&o, r, &res, spectrum_get_layout(sp)));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "wrote %s\n", o.output));
  PetscCall(forward_free(&samples, &res));
  PetscCall(spectrum_destroy(&sp));
  PetscCall(ensemble_close(&r));
  PetscCall(PetscFree(o.times));
  PetscFunctionReturn(PETSC_SUCCESS);
}
