/* cmd_nll.c — `latdiff nll`: the negative log-likelihood of the
 * configurations of an ensemble under a score model (an exact score, or
 * -model FILE from train), through the probability-flow ODE
 * (likelihood.h), per configuration and as a mean with its standard error,
 * in nats and in bits per dimension; optionally the O(h) correction of
 * the h-interpolated sampler. Samples held whole: each rank its own
 * configurations; spread samples (the lattice free field; a network with
 * -proc_grid): the ranks of a group solve each of the group's
 * configurations together, each on its slab. When the data's own target has a
 * known density (the point theories), its exact -log p_0 is reported
 * beside the model's, and the gap between them. */
#include "app.h"
#include "latdiff/ensemble.h"
#include "latdiff/likelihood.h"
#include "latdiff/theory.h"

#include <math.h>


typedef struct {
  schedule sched;
  likelihood_params lp;
  PetscEnum divergence, prior;
  int nmax;
  char input[PETSC_MAX_PATH_LEN], output[PETSC_MAX_PATH_LEN];
  PetscBool force, help;
} nll_options;

static PetscErrorCode parse(nll_options *o, score_model *m)
{
  PetscFunctionBeginUser;
  o->sched = SCHEDULE_DEFAULT;
  o->lp = (likelihood_params){.eps = 1e-3, .rtol = 1e-5, .atol = 1e-5, .probes = 2, .seed = 1};
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "latdiff nll: negative log-likelihood through the probability-flow ODE",
                    NULL);
  PetscCall(score_model_set_from_options(PetscOptionsObject, "-theory", m));
  PetscCall(opt_schedule(PetscOptionsObject, &o->sched));
  PetscCall(PetscOptionsString("-input", "ensemble file of the configurations x_0", "latdiff", o->input, o->input,
                               sizeof o->input, NULL));
  PetscCall(PetscOptionsString("-output", "file to write (per configuration, and the means)", "latdiff", o->output,
                               o->output, sizeof o->output, NULL));
  PetscCall(opt_int(PetscOptionsObject, "-nmax", "at most this many configurations, the first ones (0: all)", 0,
                    &o->nmax));
  PetscCall(opt_real(PetscOptionsObject, "-eps", "the ODE starts at t = eps with x(eps) = x_0", &o->lp.eps));
  PetscCall(opt_real(PetscOptionsObject, "-tmax", "... and ends at t = tmax (0: 1, or 0.995 for cosine)", &o->lp.tmax));
  PetscCall(opt_real(PetscOptionsObject, "-ts_rtol", "relative tolerance of the adaptive Dormand-Prince steps",
                     &o->lp.rtol));
  PetscCall(opt_real(PetscOptionsObject, "-ts_atol", "absolute tolerance of the adaptive steps", &o->lp.atol));
  PetscCall(opt_enum(PetscOptionsObject, "-divergence",
                     "exact (the score's own derivatives) or hutchinson (Rademacher probes, for large lattices)",
                     divergence_names, &o->divergence));
  PetscCall(opt_int(PetscOptionsObject, "-probes", "hutchinson: probes per configuration (their spread is reported)", 1,
                    &o->lp.probes));
  PetscCall(opt_enum(PetscOptionsObject, "-prior",
                     "log p_T: exact (the model's diffused target) or gaussian (N(0, f^2 var + Xi) per value)", prior_names,
                     &o->prior));
  PetscCall(PetscOptionsBool("-h_correction",
                             "also the first-order term in h of -log q (the h-interpolated sampler; points of at most 8 "
                             "values), with its numerical error from a solve at 10 times the tolerances",
                             "latdiff", o->lp.h_correction, &o->lp.h_correction, NULL));
  PetscCall(opt_seed(PetscOptionsObject, "-seed", "hutchinson: seed of the probes", &o->lp.seed));
  PetscCall(opt_real(PetscOptionsObject, "-discard_outside",
                     "R > 0: a configuration whose path leaves |x_i| <= R is discarded (counted, NaN in the file, "
                     "left out of the means), as the Hirono talk's code does with R = 5; 0: such a run is an error",
                     &o->lp.discard_outside));
  PetscCall(PetscOptionsBool("-force", "overwrite an existing output", "latdiff", o->force, &o->force, NULL));
  PetscOptionsEnd();
  o->lp.divergence = (divergence_kind)o->divergence;
  if (o->lp.tmax == 0) o->lp.tmax = o->sched.kind == SCHEDULE_COSINE ? 0.995 : 1.0;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &o->help));
  if (o->help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(o->input[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-input is required, e.g. -input data.h5");
  PetscCheck(o->output[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-output is required, e.g. -output nll.h5");
  PetscCheck(o->lp.eps > 0 && o->lp.eps < o->lp.tmax && o->lp.tmax <= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-eps %g -tmax %g: need 0 < eps < tmax <= 1", o->lp.eps, o->lp.tmax);
  PetscCheck(o->lp.rtol > 0 && o->lp.atol > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-ts_rtol %g -ts_atol %g: tolerances must be positive", o->lp.rtol, o->lp.atol);
  PetscCheck(o->lp.discard_outside >= 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-discard_outside %g: a bound R > 0, or 0 for none", o->lp.discard_outside);
  PetscCheck(o->lp.probes <= LIKELIHOOD_MAXPROBES, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-probes: %d; at most %d",
             o->lp.probes, LIKELIHOOD_MAXPROBES);
  PetscCall(schedule_check(PETSC_COMM_WORLD, &o->sched));
  PetscCheck(o->sched.kind != SCHEDULE_COSINE || o->lp.tmax < 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-tmax 1: the cosine schedule's beta(t) diverges at t = 1; use -tmax 0.995 (the default) or less");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the data must be configurations of the model's target */
static PetscErrorCode check_data(const nll_options *o, const score_model *m, const ensemble_reader *r)
{
  ensemble_meta want = {.d = 1, .L = {1}};

  PetscFunctionBeginUser;
  score_model_describe(m, &want);
  PetscCheck(!strcmp(want.theory, r->meta.theory), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-input %s: configurations of theory '%s', but the score is of '%s'", o->input, r->meta.theory,
             want.theory);
  PetscCheck(r->volume == m->shape.stride, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-input %s: configurations of %lld values, but the score's have %lld (another lattice size?)", o->input,
             (long long)r->volume, (long long)m->shape.stride);
  /* the same number of values is not the same lattice (8x8, 4x16, 64) */
  PetscBool same = want.d == r->meta.d;
  for (int mu = 0; same && mu < want.d; mu++) same = want.L[mu] == r->meta.L[mu];
  if (!same) {
    char a[64], b[64];
    lattice_extents_text(r->meta.d, r->meta.L, a, sizeof a);
    lattice_extents_text(want.d, want.L, b, sizeof b);
    SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-input %s: configurations on a %s lattice, but the score's lattice "
            "is %s", o->input, a, b);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the exact -log p_0 of the data's own target, where it has one (NULL: none) */
static PetscErrorCode exact_target(const nll_options *o, ensemble_reader *r, int64_t n, score_model **target)
{
  PetscFunctionBeginUser;
  *target = NULL;
  if (theory_is_lattice(r->meta.theory)) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(score_model_create_from_attrs(PETSC_COMM_WORLD, r->meta.theory, r->file, o->input, target));
  PetscCall(score_model_setup(*target, n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* what each configuration gets, gathered to rank 0: columns of n values */
enum { COL_NLL, COL_PRIOR, COL_PROBEVAR, COL_CORR, COL_CORRERR, COL_STEPS, COL_DISCARDED, COL_EXACT, COL_LOGW, NCOL };
static const char *const col_names[NCOL] = {"nll", "log_prior", "probe_variance", "correction", "correction_error",
                                            "steps", "discarded", "exact_nll", "log_weight"};

static PetscErrorCode write_output(const nll_options *o, const score_model *m, int64_t n, int64_t ndiscarded,
                                   double *const *cols, PetscBool exact, PetscBool weights, const estimate *e,
                                   const char *echo)
{
  char partial[PETSC_MAX_PATH_LEN + 16];
  int rank;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  output_name(o->output, ".partial", partial, sizeof partial);
  if (rank == 0) {
    hid_t f;
    const hsize_t dims[1] = {(hsize_t)n};
    PetscCall(h5_create(PETSC_COMM_SELF, partial, &f));
    PetscCall(h5_attr_put_string(f, "format", "latdiff-nll"));
    PetscCall(h5_attr_put_int(f, "format_version", 1));
    PetscCall(h5_attr_put_string(f, "code_version", latdiff_version()));
    PetscCall(h5_attr_put_string(f, "git_commit", latdiff_git_commit()));
    PetscCall(h5_attr_put_string(f, "input", o->input));
    PetscCall(h5_attr_put_string(f, "theory", m->type));
    PetscCall(score_model_write_attrs(m, f));
    PetscCall(h5_attr_put_string(f, "schedule", schedule_names[o->sched.kind]));
    PetscCall(h5_attr_put_double(f, "sigma", o->sched.sigma));
    PetscCall(h5_attr_put_double(f, "beta_min", o->sched.beta_min));
    PetscCall(h5_attr_put_double(f, "beta_max", o->sched.beta_max));
    PetscCall(h5_attr_put_double(f, "cosine_s", o->sched.cosine_s));
    PetscCall(h5_attr_put_double(f, "eps", o->lp.eps));
    PetscCall(h5_attr_put_double(f, "tmax", o->lp.tmax));
    PetscCall(h5_attr_put_double(f, "rtol", o->lp.rtol));
    PetscCall(h5_attr_put_double(f, "atol", o->lp.atol));
    PetscCall(h5_attr_put_string(f, "divergence", divergence_names[o->lp.divergence]));
    PetscCall(h5_attr_put_int(f, "probes", o->lp.divergence == DIVERGENCE_HUTCHINSON ? o->lp.probes : 0));
    PetscCall(h5_attr_put_string(f, "prior", o->lp.exact_prior ? "exact" : "gaussian"));
    PetscCall(h5_attr_put_int(f, "n", n));
    PetscCall(h5_attr_put_double(f, "discard_outside", o->lp.discard_outside));
    PetscCall(h5_attr_put_int(f, "discarded", ndiscarded)); /* the means are over the others */
    PetscCall(h5_attr_put_int(f, "dim", m->shape.stride));
    PetscCall(h5_attr_put_double(f, "nll_mean", e[COL_NLL].value));
    PetscCall(h5_attr_put_double(f, "nll_error", e[COL_NLL].error));
    PetscCall(h5_attr_put_double(f, "bits_per_dim", e[COL_NLL].value / (log(2.0) * (double)m->shape.stride)));
    PetscCall(h5_attr_put_double(f, "bits_per_dim_error", e[COL_NLL].error / (log(2.0) * (double)m->shape.stride)));
    PetscCall(h5_attr_put_string(f, "options", echo));
    for (int c = 0; c < NCOL; c++) {
      if ((c == COL_CORR || c == COL_CORRERR) && !o->lp.h_correction) continue;
      if (c == COL_PROBEVAR && o->lp.divergence != DIVERGENCE_HUTCHINSON) continue;
      if (c == COL_EXACT && !exact) continue;
      if (c == COL_LOGW && !weights) continue;
      if (c == COL_DISCARDED && o->lp.discard_outside == 0) continue;
      PetscCall(h5_write_doubles(f, col_names[c], 1, dims, cols[c]));
      if (c != COL_STEPS && c != COL_PRIOR && c != COL_DISCARDED) {
        char name[64];
        snprintf(name, sizeof name, "%s_mean", col_names[c]);
        PetscCall(h5_attr_put_double(f, name, e[c].value));
        snprintf(name, sizeof name, "%s_error", col_names[c]);
        PetscCall(h5_attr_put_double(f, name, e[c].error));
      }
    }
    PetscCall(h5_close(&f));
  }
  PetscCall(file_commit(PETSC_COMM_WORLD, partial, o->output));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* this rank's configurations (whole samples) or its slab of each of its
 * group's (spread) */
static PetscErrorCode read_configs(ensemble_reader *r, const score_model *m, double *x)
{
  PetscFunctionBeginUser;
  if (!m->spread) PetscCall(ensemble_read_configs(r, m->lo, m->hi - m->lo, x));
  else {
    const int64_t row = m->shape.stride / r->meta.L[0];
    double *mag, *xi = x;
    PetscCall(PetscMalloc1((size_t)r->n, &mag));
    PetscCall(ensemble_read_scalars(r, "magnetisation", mag));
    for (int64_t i = m->lo; i < m->hi; i++, xi += m->shape.dim) {
      PetscCall(ensemble_read_rows(r, i, m->shape.offset / row, m->shape.dim / row, xi));
      PetscCall(ensemble_check_rows(r, score_model_field_comm(m), i, m->shape.dim, xi, mag[i]));
    }
    PetscCall(PetscFree(mag));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_nll(app_run *run)
{
  nll_options o = {0};
  score_model *m, *target = NULL;
  ensemble_reader *r;
  likelihood *l;
  output_claim *claim;
  int size, rank;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  MPICHECK(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(score_model_create(PETSC_COMM_WORLD, &m));
  PetscCall(parse(&o, m));
  if (run->dry) PetscCall(options_check_unused("nll"));
  if (o.help || run->dry) {
    PetscCall(score_model_destroy(&m));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(log_banner("nll"));
  PetscCall(ensemble_open(PETSC_COMM_WORLD, o.input, &r));
  PetscCheck(r->n > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-input %s: no configurations", o.input);
  const int64_t n = o.nmax > 0 ? PetscMin(o.nmax, r->n) : r->n;
  if (theory_is_lattice(r->meta.theory) && !m->apply_d) { /* a trained model on the data's lattice (exact ones ignore it) */
    m->apply_d = r->meta.d;
    for (int mu = 0; mu < r->meta.d; mu++) m->apply_L[mu] = r->meta.L[mu];
  }
  PetscCall(score_model_setup(m, n));
  if (m->trained) PetscCall(opt_adopt_schedule(m, &o.sched, &o.lp.tmax));
  PetscCall(check_data(&o, m, r));
  o.lp.exact_prior = o.prior == 0 && m->ops.log_prior;
  PetscCall(likelihood_create(&o.sched, &o.lp, m, &l));
  PetscCall(exact_target(&o, r, n, &target));
  PetscCall(options_check_unused("nll"));
  PetscCall(app_claim_output(run, PETSC_COMM_WORLD, "-output", o.output, 8.0 * NCOL * (double)n + 65536, &claim));
  PetscCall(output_check_fresh(claim, o.force));
  output_discard_on_failure(claim);

  const int64_t mine = m->hi - m->lo, D = m->shape.dim;
  double *x, *cols[NCOL];
  likelihood_result *res;
  PetscCall(PetscMalloc2((size_t)PetscMax(mine * D, 1), &x, (size_t)PetscMax(mine, 1), &res));
  PetscCall(PetscCalloc1((size_t)(NCOL * n), &cols[0])); /* one block: one reduction gathers it */
  for (int c = 1; c < NCOL; c++) cols[c] = cols[0] + c * n;
  PetscCall(read_configs(r, m, x));
  PetscLogDouble t0, t1;
  PetscCall(PetscTime(&t0));
  if (!m->spread) PetscCall(likelihood_run(l, mine, (uint64_t)m->lo, x, res));
  else
    for (int64_t b = 0; b < mine; b++) PetscCall(likelihood_run(l, 1, (uint64_t)(m->lo + b), x + b * D, res + b));
  PetscCall(PetscTime(&t1));
  {
    int sig = app_signal_received();
    MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &sig, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD));
    PetscCheck(!sig, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "stopped by a signal; nothing was written");
  }
  /* the columns of this rank's configurations, gathered on rank 0 */
  const int64_t first = m->lo;
  for (int64_t b = 0; b < mine; b++) {
    const likelihood_result *q = res + b;
    const double v[] = {-q->logq, q->log_prior, q->probe_var, q->corr, q->corr_err, q->steps, q->discarded};
    for (int c = 0; c < COL_EXACT; c++) cols[c][first + b] = v[c];
  }
  if (target) {
    double *lp0;
    PetscCall(PetscMalloc1((size_t)PetscMax(mine, 1), &lp0));
    PetscCall(score_model_log_prior(target, 1, 0, mine, x, lp0));
    for (int64_t b = 0; b < mine; b++) cols[COL_EXACT][first + b] = -lp0[b];
    PetscCall(PetscFree(lp0));
  }
  /* phi^4: the log importance weight of the model against e^-S, -S - log q (log Z + a constant for an exact model) */
  const PetscBool weights = m->ops.action && theory_is_lattice(r->meta.theory);
  if (weights) {
    double *S;
    PetscCall(PetscMalloc1((size_t)PetscMax(mine, 1), &S));
    PetscCall(score_model_action(m, mine, x, S));
    for (int64_t b = 0; b < mine; b++) cols[COL_LOGW][first + b] = -S[b] + cols[COL_NLL][first + b];
    PetscCall(PetscFree(S));
  }
  /* a spread configuration's columns are on every rank of its group: one of them counts */
  int field_rank = 0;
  MPICHECK(MPI_Comm_rank(score_model_field_comm(m), &field_rank));
  if (field_rank) PetscCall(PetscArrayzero(cols[0], NCOL * n));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, cols[0], (int)(NCOL * n), MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
  int64_t bad = -1;
  for (int64_t i = n - 1; i >= 0; i--)
    if (!cols[COL_DISCARDED][i] && (!isfinite(cols[COL_NLL][i]) || !isfinite(cols[COL_CORR][i]))) bad = i;
  PetscCheck(bad < 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "configuration %lld: the log-likelihood is not finite (the ODE left the model's range?); nothing was "
             "written", (long long)bad);
  /* the statistics over the configurations kept (their columns compacted into kept); NaN in the file for the discarded */
  double *kept[NCOL];
  int64_t nk = 0;
  PetscCall(PetscMalloc1((size_t)(NCOL * n), &kept[0]));
  for (int c = 1; c < NCOL; c++) kept[c] = kept[0] + c * n;
  for (int64_t i = 0; i < n; i++) {
    for (int c = 0; c < NCOL; c++) {
      if (!cols[COL_DISCARDED][i]) kept[c][nk] = cols[c][i];
      else if (c != COL_STEPS && c != COL_DISCARDED && c != COL_EXACT) cols[c][i] = NAN;
    }
    nk += !cols[COL_DISCARDED][i];
  }
  PetscCheck(nk > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-discard_outside %g: every one of the %lld configurations left it; nothing was written",
             o.lp.discard_outside, (long long)n);
  if (nk < n)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET,
                         "%lld of %lld configurations discarded: their path left |x_i| <= %g; the means are over the "
                         "other %lld\n",
                         (long long)(n - nk), (long long)n, o.lp.discard_outside, (long long)nk));

  estimate e[NCOL];
  for (int c = 0; c < NCOL; c++) e[c] = stats_mean(kept[c], nk);
  const double V = (double)m->shape.stride, bits = 1 / (log(2.0) * V);
  char s1[64], s2[64];
  format_estimate(e[COL_NLL], s1, sizeof s1);
  format_estimate((estimate){e[COL_NLL].value * bits, e[COL_NLL].error * bits}, s2, sizeof s2);
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "-log q: %s nats, %s bits per dimension (%lld configurations, %.0f values each)\n", s1, s2,
                       (long long)nk, V));
  if (o.lp.divergence == DIVERGENCE_HUTCHINSON)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET,
                         "hutchinson, %d probes: their share of the mean's variance %.3g of %.3g (error of the mean "
                         "without it %.3g)\n",
                         o.lp.probes, e[COL_PROBEVAR].value / o.lp.probes / (double)nk,
                         e[COL_NLL].error * e[COL_NLL].error,
                         sqrt(PetscMax(0, e[COL_NLL].error * e[COL_NLL].error - e[COL_PROBEVAR].value / o.lp.probes / (double)nk))));
  if (target) {
    double *gap;
    PetscCall(PetscMalloc1((size_t)nk, &gap));
    for (int64_t i = 0; i < nk; i++) gap[i] = kept[COL_NLL][i] - kept[COL_EXACT][i];
    const estimate eg = stats_mean(gap, nk);
    PetscCall(PetscFree(gap));
    format_estimate(e[COL_EXACT], s1, sizeof s1);
    format_estimate(eg, s2, sizeof s2);
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "exact -log p_0 of the data's target: %s nats; the model's gap: %s nats\n", s1, s2));
  }
  if (weights) { /* the spread of log w and the effective sample size of the weights, (sum w)^2 / (n sum w^2) */
    double wmax = -INFINITY, s1w = 0, s2w = 0, sd = 0;
    for (int64_t i = 0; i < nk; i++) wmax = PetscMax(wmax, kept[COL_LOGW][i]);
    for (int64_t i = 0; i < nk; i++) {
      const double w = exp(kept[COL_LOGW][i] - wmax), d = kept[COL_LOGW][i] - e[COL_LOGW].value;
      s1w += w, s2w += w * w, sd += d * d / (double)PetscMax(nk - 1, 1);
    }
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET,
                         "importance weights against e^-S: log w = -S - log q has spread %.4g; effective sample size "
                         "%.4g of the configurations%s\n",
                         sqrt(sd), s1w * s1w / ((double)nk * s2w),
                         o.lp.divergence == DIVERGENCE_HUTCHINSON ? " (the probes' noise included: use -divergence exact)" : ""));
  }
  if (o.lp.h_correction) {
    format_estimate(e[COL_CORR], s1, sizeof s1);
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET,
                         "O(h) correction to -log q: %s (numerical error estimate %.2g per configuration)\n", s1,
                         e[COL_CORRERR].value));
  }
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "%.1f accepted steps per configuration, %.2f s on rank 0\n",
                       e[COL_STEPS].value, t1 - t0));
  char *echo;
  PetscCall(options_echo(&echo));
  PetscCall(write_output(&o, m, n, n - nk, cols, target != NULL, weights, e, echo));
  PetscCall(PetscFree(echo));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "wrote %s\n", o.output));
  PetscCall(PetscFree(cols[0]));
  PetscCall(PetscFree(kept[0]));
  PetscCall(PetscFree2(x, res));
  PetscCall(likelihood_destroy(&l));
  PetscCall(score_model_destroy(&target));
  PetscCall(score_model_destroy(&m));
  PetscCall(ensemble_close(&r));
  PetscFunctionReturn(PETSC_SUCCESS);
}
