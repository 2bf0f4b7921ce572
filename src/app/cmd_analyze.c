/* cmd_analyze.c — `latdiff analyze`: observables with errors for one or
 * more ensembles, as a side-by-side table and as JSON. */
#include "app.h"
#include "latdiff/json.h"
#include "latdiff/observables.h"

#include <math.h>

#define MAX_INPUTS 32

typedef struct {
  char *input[MAX_INPUTS];
  int ninput;
  char json[PETSC_MAX_PATH_LEN];
  int block;
  PetscBool force, help;
} analyze_options;

static PetscErrorCode parse(analyze_options *o)
{
  PetscInt n = MAX_INPUTS;

  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "latdiff analyze: observables with errors", NULL);
  PetscCall(PetscOptionsStringArray("-input", "ensemble files a.h5,b.h5,...", "latdiff", o->input, &n, NULL));
  PetscCall(PetscOptionsString("-json", "write the results as JSON to this file", "latdiff", o->json, o->json,
                               sizeof o->json, NULL));
  PetscCall(opt_int(PetscOptionsObject, "-block_size", "jackknife block length (0: 4 tau_int, automatic)", 0,
                    &o->block));
  PetscCall(PetscOptionsBool("-force", "overwrite an existing JSON file", "latdiff", o->force, &o->force, NULL));
  PetscOptionsEnd();
  o->ninput = (int)n;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &o->help));
  if (o->help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(options_check_unused("analyze"));
  PetscCheck(o->ninput > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-input is required, e.g. -input ens.h5");
  if (o->json[0]) PetscCall(options_check_output("-json", o->json, o->force));
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

static PetscErrorCode write_json(const analyze_options *o, const observables_report *rep)
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
      json_close(&j, '}');
    }
    json_close(&j, ']');
    json_close(&j, '}');
    PetscCheck(fclose(f) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-json: error writing %s", tmp);
  }
  PetscCall(file_commit(PETSC_COMM_WORLD, tmp, o->json));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_analyze(void)
{
  analyze_options o = {0};
  observables_report rep[MAX_INPUTS];

  PetscFunctionBeginUser;
  PetscCall(parse(&o));
  if (o.help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(log_banner("analyze"));
  for (int f = 0; f < o.ninput; f++) {
    ensemble_reader *r;
    PetscCall(ensemble_open(PETSC_COMM_WORLD, o.input[f], &r));
    PetscCall(observables_measure(PETSC_COMM_WORLD, r, o.block, &rep[f]));
    const int64_t nblocks = rep[f].n / rep[f].block;
    if (nblocks < 20)
      PetscCall(PetscFPrintf(PETSC_COMM_WORLD, stderr,
                             "latdiff: warning: %s has %lld configurations = %lld jackknife blocks of %lld; errors from "
                             "fewer than 20 blocks are unreliable (none at all from 1)\n",
                             o.input[f], (long long)rep[f].n, (long long)nblocks, (long long)rep[f].block));
    PetscCall(ensemble_close(&r));
  }
  PetscCall(print_table(&o, rep));
  if (o.json[0]) PetscCall(write_json(&o, rep));
  for (int f = 0; f < o.ninput; f++) PetscCall(PetscFree(o.input[f]));
  PetscFunctionReturn(PETSC_SUCCESS);
}
