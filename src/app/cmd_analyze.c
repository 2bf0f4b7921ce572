/* cmd_analyze.c — `latdiff analyze`: observables with errors for one or
 * more ensembles, as a side-by-side table and as JSON. */
#include "app.h"
#include "latdiff/json.h"
#include "latdiff/observables.h"

#include <math.h>

#define MAX_PAIRS 4 /* -compare A,B,C,D,...: the pairs (A,B), (C,D), ... */
typedef struct {
  char **input, **labels;
  int ninput, nlabels, shells, compare[2 * MAX_PAIRS], ncompare; /* ncompare: 2 per pair */
  char json[PETSC_MAX_PATH_LEN];
  int block;
  PetscBool force, help;
} analyze_options;

static PetscErrorCode parse(analyze_options *o)
{
  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "latdiff analyze: observables with errors", NULL);
  PetscCall(opt_strings_any(PetscOptionsObject, "-input", "ensemble files a.h5,b.h5,...", &o->input, &o->ninput));
  PetscCall(PetscOptionsString("-json", "write the results as JSON to this file", "latdiff", o->json, o->json,
                               sizeof o->json, NULL));
  PetscCall(opt_int(PetscOptionsObject, "-block_size", "jackknife block length (0: 4 tau_int, automatic)", 0,
                    &o->block));
  o->shells = 16;
  PetscCall(opt_int(PetscOptionsObject, "-shells",
                    "lattice fields: the spectrum <|phi(p)|^2>/V in this many shells of |p_hat| (0: none)", 0,
                    &o->shells));
  PetscCall(opt_strings_any(PetscOptionsObject, "-labels", "column titles, one per input (default: the file names)",
                            &o->labels, &o->nlabels));
  {
    PetscBool set;
    o->ncompare = 2 * MAX_PAIRS;
    PetscCall(opt_ints(PetscOptionsObject, "-compare",
                       "A,B[,C,D,...]: add the column (B - A) / sqrt(err_A^2 + err_B^2) for inputs A and B (counted "
                       "from 1), and one for each further pair",
                       2 * MAX_PAIRS, o->compare, &o->ncompare, &set));
    if (!set) o->ncompare = 0;
  }
  PetscCall(PetscOptionsBool("-force", "overwrite an existing JSON file", "latdiff", o->force, &o->force, NULL));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &o->help));
  if (o->help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(options_check_unused("analyze"));
  PetscCheck(o->ninput > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-input is required, e.g. -input ens.h5");
  PetscCheck(o->shells <= OBS_MAXSHELLS, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-shells %d: at most %d", o->shells,
             OBS_MAXSHELLS);
  PetscCheck(!o->nlabels || o->nlabels == o->ninput, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-labels: %d titles for %d inputs", o->nlabels, o->ninput);
  PetscCheck(o->ncompare % 2 == 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-compare: pairs of inputs, e.g. -compare 2,3 or 2,3,2,1 (%d numbers given)", o->ncompare);
  for (int k = 0; k < o->ncompare; k += 2)
    PetscCheck(o->compare[k] >= 1 && o->compare[k] <= o->ninput && o->compare[k + 1] >= 1 &&
                 o->compare[k + 1] <= o->ninput && o->compare[k] != o->compare[k + 1],
               PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-compare: %d,%d: two different inputs between 1 and %d, e.g. -compare 2,3", o->compare[k],
               o->compare[k + 1], o->ninput);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the title of input i (counted from 0) */
static const char *title(const analyze_options *o, int i) { return o->nlabels ? o->labels[i] : o->input[i]; }

/* (b - a) in combined standard errors; NAN without errors */
static double distance(estimate a, estimate b)
{
  const double e = sqrt(a.error * a.error + b.error * b.error);
  return e > 0 ? (b.value - a.value) / e : NAN;
}

/* one row of the table: a name, an estimate per input, and the distance */
static PetscErrorCode print_row(const analyze_options *o, const char *name, const estimate *e)
{
  char buf[64];

  PetscFunctionBeginUser;
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "%-18s", name));
  for (int f = 0; f < o->ninput; f++) {
    format_estimate(e[f], buf, sizeof buf);
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %24s", buf));
  }
  for (int k = 0; k < o->ncompare; k += 2) {
    const double d = distance(e[o->compare[k] - 1], e[o->compare[k + 1] - 1]);
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %12.1f", d));
  }
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode print_table(const analyze_options *o, const observables_report *rep)
{
  estimate e[64];
  char name[64];

  PetscFunctionBeginUser;
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "%-18s", "observable"));
  for (int f = 0; f < o->ninput; f++)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %24s", title(o, f)));
  for (int k = 0; k < o->ncompare; k += 2) { /* one pair: as before; more: which inputs */
    char head[32];
    if (o->ncompare > 2) snprintf(head, sizeof head, "(%d-%d)/sigma", o->compare[k + 1], o->compare[k]);
    else snprintf(head, sizeof head, "%s", o->nlabels ? "distance" : "B-A / sigma");
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %12s", head));
  }
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\n%-18s", "n"));
  for (int f = 0; f < o->ninput; f++) PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %24lld", (long long)rep[f].n));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\n"));
  for (int k = 0; k < OBS_COUNT; k++) {
    for (int f = 0; f < o->ninput; f++) e[f] = rep[f].obs[k];
    PetscCall(print_row(o, observable_names[k], e));
  }
  PetscBool common = PETSC_TRUE; /* inputs of different lattices have no common shells */
  for (int f = 0; f < o->ninput; f++) common = common && rep[f].nshells == rep[0].nshells;
  for (int s = 0; common && s < rep[0].nshells; s++) {
    for (int f = 0; f < o->ninput; f++) e[f] = rep[f].shell[s];
    snprintf(name, sizeof name, "P(|p|=%.3f)", rep[0].shell_k[s]);
    PetscCall(print_row(o, name, e));
  }
  for (int k = 0; k < TAU_COUNT; k++) {
    for (int f = 0; f < o->ninput; f++) e[f] = (estimate){rep[f].tau[k].tau, rep[f].tau[k].error};
    snprintf(name, sizeof name, "tau_int(%s)", tau_int_names[k]);
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "%-18s", name));
    for (int f = 0; f < o->ninput; f++) {
      format_estimate(e[f], name, sizeof name);
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %24s", name));
    }
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\n"));
  }
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "%-18s", "jackknife block"));
  for (int f = 0; f < o->ninput; f++)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %24lld", (long long)rep[f].block));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\n"));
  /* each pair in one line: the rows (observables and shells) within 2
   * combined errors, of the rows with errors, and their mean square */
  for (int k = 0; k < o->ncompare; k += 2) {
    const observables_report *a = &rep[o->compare[k] - 1], *b = &rep[o->compare[k + 1] - 1];
    int rows = 0, within = 0;
    double sq = 0;
    for (int r = 0; r < OBS_COUNT + (common ? a->nshells : 0); r++) {
      const double d = r < OBS_COUNT ? distance(a->obs[r], b->obs[r])
                                     : distance(a->shell[r - OBS_COUNT], b->shell[r - OBS_COUNT]);
      if (isnan(d)) continue;
      rows++, within += fabs(d) <= 2, sq += d * d;
    }
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET,
                         "%s against %s: %d of %d rows within 2 combined errors, mean square distance %.2f\n",
                         title(o, o->compare[k + 1] - 1), title(o, o->compare[k] - 1), within, rows,
                         rows ? sq / rows : 0.0));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* What makes the errors of an ensemble untrustworthy, said plainly on
 * stderr and kept for the JSON: too few jackknife blocks, a tau_int not
 * small against the number of configurations, a drift between the first
 * and the last quarter of the chain. */
#define MAX_WARNINGS 8
typedef struct {
  int n;
  char text[MAX_WARNINGS][256];
} warning_list;

static PetscErrorCode warn(const char *file, warning_list *w, const char *text)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFPrintf(PETSC_COMM_WORLD, stderr, "latdiff: warning: %s: %s\n", file, text));
  if (w->n < MAX_WARNINGS) snprintf(w->text[w->n++], sizeof w->text[0], "%s", text);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode warn_equilibrium(const char *file, const observables_report *rep, warning_list *w)
{
  const int64_t nblocks = rep->n / rep->block;
  char text[256];

  PetscFunctionBeginUser;
  if (nblocks < 20) {
    snprintf(text, sizeof text,
             "%lld configurations = %lld jackknife blocks of %lld; errors from fewer than 20 blocks are unreliable "
             "(none at all from 1)",
             (long long)rep->n, (long long)nblocks, (long long)rep->block);
    PetscCall(warn(file, w, text));
  }
  for (int k = 0; k < TAU_COUNT; k++) {
    if (100 * rep->tau[k].tau > (double)rep->n) {
      snprintf(text, sizeof text,
               "tau_int(%s) = %.1f is not small against %lld configurations (fewer than 100 tau_int): the chain has "
               "not explored its distribution; run longer",
               tau_int_names[k], rep->tau[k].tau, (long long)rep->n);
      PetscCall(warn(file, w, text));
    }
    if (fabs(rep->drift[k]) > 4) {
      snprintf(text, sizeof text,
               "%s drifts: the last quarter of the chain differs from the first by %.1f standard errors; not in "
               "equilibrium (thermalise longer; in the broken phase try -start ordered and -flip 0.5)",
               tau_int_names[k], rep->drift[k]);
      PetscCall(warn(file, w, text));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the distances (B - A) / combined error of the pair `ab` (counted from 1),
 * observable by observable and shell by shell */
static void json_distance(json_writer *j, const char *key, const int *ab, const observables_report *rep)
{
  const observables_report *a = &rep[ab[0] - 1], *b = &rep[ab[1] - 1];
  json_open(j, key, '{');
  json_open(j, "inputs", '[');
  for (int k = 0; k < 2; k++) json_int(j, NULL, ab[k]);
  json_close(j, ']');
  json_open(j, "observables", '{');
  for (int k = 0; k < OBS_COUNT; k++) json_number(j, observable_names[k], distance(a->obs[k], b->obs[k]));
  json_close(j, '}');
  if (a->nshells && a->nshells == b->nshells) {
    json_open(j, "spectrum", '[');
    for (int k = 0; k < a->nshells; k++) json_number(j, NULL, distance(a->shell[k], b->shell[k]));
    json_close(j, ']');
  }
  json_close(j, '}');
}

static PetscErrorCode write_json(const analyze_options *o, const observables_report *rep, const warning_list *warnings)
{
  char tmp[PETSC_MAX_PATH_LEN + 8];
  int rank;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (rank == 0) {
    snprintf(tmp, sizeof tmp, "%s.tmp", o->json);
    FILE *f = fopen(tmp, "w");
    PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-json: cannot write %s", tmp);
    json_writer j;
    json_init(&j, f);
    json_open(&j, NULL, '{');
    json_open(&j, "ensembles", '[');
    for (int e = 0; e < o->ninput; e++) {
      json_open(&j, NULL, '{');
      json_string(&j, "file", o->input[e]);
      if (o->nlabels) json_string(&j, "label", o->labels[e]);
      json_int(&j, "n", (long long)rep[e].n);
      json_open(&j, "observables", '{');
      for (int k = 0; k < OBS_COUNT; k++) json_estimate(&j, observable_names[k], rep[e].obs[k].value, rep[e].obs[k].error);
      json_close(&j, '}');
      if (rep[e].nshells) {
        json_open(&j, "spectrum", '{');
        json_open(&j, "k", '[');
        for (int k = 0; k < rep[e].nshells; k++) json_number(&j, NULL, rep[e].shell_k[k]);
        json_close(&j, ']');
        json_open(&j, "P", '[');
        for (int k = 0; k < rep[e].nshells; k++) json_estimate(&j, NULL, rep[e].shell[k].value, rep[e].shell[k].error);
        json_close(&j, ']');
        json_close(&j, '}');
      }
      json_open(&j, "tau_int", '{');
      for (int k = 0; k < TAU_COUNT; k++) json_estimate(&j, tau_int_names[k], rep[e].tau[k].tau, rep[e].tau[k].error);
      json_close(&j, '}');
      json_open(&j, "drift_sigma", '{');
      for (int k = 0; k < TAU_COUNT; k++) json_number(&j, tau_int_names[k], rep[e].drift[k]);
      json_close(&j, '}');
      json_open(&j, "warnings", '[');
      for (int k = 0; k < warnings[e].n; k++) json_string(&j, NULL, warnings[e].text[k]);
      json_close(&j, ']');
      json_close(&j, '}');
    }
    json_close(&j, ']');
    /* the first pair as "distance"; with more, every pair in "distances" */
    if (o->ncompare) json_distance(&j, "distance", o->compare, rep);
    if (o->ncompare > 2) {
      json_open(&j, "distances", '[');
      for (int k = 0; k < o->ncompare; k += 2) json_distance(&j, NULL, o->compare + k, rep);
      json_close(&j, ']');
    }
    json_close(&j, '}');
    PetscCheck(fclose(f) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-json: error writing %s", tmp);
  }
  PetscCall(file_commit(PETSC_COMM_WORLD, tmp, o->json));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_analyze(app_run *run)
{
  analyze_options o = {0};
  observables_report *rep;
  warning_list *warnings;
  output_claim *claim;

  PetscFunctionBeginUser;
  PetscCall(parse(&o));
  if (o.help || run->dry) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(app_stop_on_signal());
  if (o.json[0]) {
    PetscCall(app_claim_output(run, PETSC_COMM_WORLD, "-json", o.json, 0, &claim));
    PetscCall(output_check_fresh(claim, o.force));
    output_discard_on_failure(claim);
  }
  PetscCall(log_banner("analyze"));
  PetscCall(PetscCalloc1(o.ninput, &rep));
  PetscCall(PetscCalloc1(o.ninput, &warnings));
  for (int f = 0; f < o.ninput; f++) {
    ensemble_reader *r;
    PetscCall(ensemble_open(PETSC_COMM_WORLD, o.input[f], &r));
    PetscCall(observables_measure(PETSC_COMM_WORLD, r, o.block, o.shells, &rep[f]));
    PetscCall(warn_equilibrium(o.input[f], &rep[f], &warnings[f]));
    PetscCall(ensemble_close(&r));
  }
  PetscCall(print_table(&o, rep));
  if (o.json[0]) PetscCall(write_json(&o, rep, warnings));
  for (int f = 0; f < o.ninput; f++) PetscCall(PetscFree(o.input[f]));
  PetscCall(PetscFree(o.input));
  for (int f = 0; f < o.nlabels; f++) PetscCall(PetscFree(o.labels[f]));
  PetscCall(PetscFree(o.labels));
  PetscCall(PetscFree(rep));
  PetscCall(PetscFree(warnings));
  PetscFunctionReturn(PETSC_SUCCESS);
}
