/* cmd_analyze.c — `latdiff analyze`: observables with errors for one or
 * more ensembles, as a side-by-side table and as JSON. */
#include "app.h"
#include "latdiff/json.h"
#include "latdiff/observables.h"

#include <math.h>

typedef struct {
  char **input;
  int ninput;
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
  PetscCall(PetscOptionsBool("-force", "overwrite an existing JSON file", "latdiff", o->force, &o->force, NULL));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &o->help));
  if (o->help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(options_check_unused("analyze"));
  PetscCheck(o->ninput > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-input is required, e.g. -input ens.h5");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode print_table(const analyze_options *o, const observables_report *rep)
{
  char buf[64];

  PetscFunctionBeginUser;
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "%-16s", "observable"));
  for (int f = 0; f < o->ninput; f++) PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %24s", o->input[f]));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\n%-16s", "n"));
  for (int f = 0; f < o->ninput; f++) PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %24lld", (long long)rep[f].n));
  for (int k = 0; k < OBS_COUNT; k++) {
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\n%-16s", observable_names[k]));
    for (int f = 0; f < o->ninput; f++) {
      format_estimate(rep[f].obs[k], buf, sizeof buf);
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %24s", buf));
    }
  }
  for (int k = 0; k < TAU_COUNT; k++) {
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\ntau_int(%s)%*s", tau_int_names[k],
                         (int)(7 - strlen(tau_int_names[k])), ""));
    for (int f = 0; f < o->ninput; f++) {
      format_estimate((estimate){rep[f].tau[k].tau, rep[f].tau[k].error}, buf, sizeof buf);
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %24s", buf));
    }
  }
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\n%-16s", "jackknife block"));
  for (int f = 0; f < o->ninput; f++)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, " %24lld", (long long)rep[f].block));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET, "\n"));
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
      json_int(&j, "n", (long long)rep[e].n);
      json_open(&j, "observables", '{');
      for (int k = 0; k < OBS_COUNT; k++) json_estimate(&j, observable_names[k], rep[e].obs[k].value, rep[e].obs[k].error);
      json_close(&j, '}');
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
  if (o.help) PetscFunctionReturn(PETSC_SUCCESS);
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
    PetscCall(observables_measure(PETSC_COMM_WORLD, r, o.block, &rep[f]));
    PetscCall(warn_equilibrium(o.input[f], &rep[f], &warnings[f]));
    PetscCall(ensemble_close(&r));
  }
  PetscCall(print_table(&o, rep));
  if (o.json[0]) PetscCall(write_json(&o, rep, warnings));
  for (int f = 0; f < o.ninput; f++) PetscCall(PetscFree(o.input[f]));
  PetscCall(PetscFree(o.input));
  PetscCall(PetscFree(rep));
  PetscCall(PetscFree(warnings));
  PetscFunctionReturn(PETSC_SUCCESS);
}
