/* chain.c — the run of a Markov chain verb (chain.h).
 *
 * Update t (0-based) of replica r uses random numbers keyed by (seed, t, r),
 * so a run that is stopped or killed and restarted from its checkpoint
 * repeats exactly what the uninterrupted run would have done. */
#include "chain.h"
#include "latdiff/checkpoint.h"
#include "latdiff/rng.h"
#include "latdiff/theory.h"
#include "latdiff/output.h"

#include <math.h>
#include <unistd.h>

PetscErrorCode chain_options_parse(PetscOptionItems *PetscOptionsObject, chain_options *o, const char *unit)
{
  PetscBool set;
  int ngrid = LATTICE_MAXDIM;
  static const char *const starts[] = {"random", "cold", "ordered", "start", "START_", NULL};
  PetscEnum start = 0;
  char help[128];

  PetscFunctionBeginUser;
  o->d = LATTICE_MAXDIM;
  PetscCall(opt_ints(PetscOptionsObject, "-lattice", "global extents L0,L1,... (sets d = 1..4)", LATTICE_MAXDIM, o->L,
                     &o->d, &set));
  if (!set) o->d = 0;
  PetscCall(opt_ints(PetscOptionsObject, "-proc_grid", "ranks per direction of one replica (default: chosen)",
                     LATTICE_MAXDIM, o->grid, &ngrid, &set));
  PetscCheck(!set || ngrid == o->d, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-proc_grid: %d entries given for a %d-dimensional -lattice", ngrid, o->d);
  PetscCall(opt_int(PetscOptionsObject, "-replicas", "independent chains; the ranks are split among them", 1,
                    &o->replicas));
  PetscCall(opt_real(PetscOptionsObject, "-kappa", "hopping parameter", &o->kappa));
  PetscCall(opt_real(PetscOptionsObject, "-lambda", "quartic coupling (0: free field)", &o->lambda));
  PetscCall(opt_int(PetscOptionsObject, "-ntraj", "configurations to store after thermalisation", 1, &o->ntraj));
  snprintf(help, sizeof help, "thermalisation %s (not stored)", unit);
  PetscCall(opt_int(PetscOptionsObject, "-therm", help, 0, &o->therm));
  snprintf(help, sizeof help, "%s between stored configurations", unit);
  PetscCall(opt_int(PetscOptionsObject, "-every", help, 1, &o->every));
  PetscCall(opt_seed(PetscOptionsObject, "-seed", "random seed", &o->seed));
  PetscCall(opt_enum(PetscOptionsObject, "-start",
                     "initial field: random (Gaussian), cold (zero) or ordered (the constant minimum of the action)",
                     starts, &start));
  PetscCall(PetscStrncpy(o->start, starts[start], sizeof o->start));
  PetscCall(PetscOptionsString("-output", "ensemble file to write", "latdiff", o->output, o->output,
                               sizeof o->output, NULL));
  PetscCall(PetscOptionsBool("-force", "overwrite an existing output or discard an interrupted run", "latdiff",
                             o->force, &o->force, NULL));
  PetscCall(PetscOptionsBool("-restart", "continue from whatever an interrupted run left (start if nothing; nothing to do if complete)", "latdiff", o->restart,
                             &o->restart, NULL));
  snprintf(help, sizeof help, "%s between checkpoints", unit);
  PetscCall(opt_int(PetscOptionsObject, "-checkpoint_every", help, 1, &o->checkpoint_every));
  PetscCall(PetscOptionsString("-stop_file", "stop cleanly when this file appears (default <output>.stop)",
                               "latdiff", o->stop_file, o->stop_file, sizeof o->stop_file, NULL));
  PetscCall(opt_real(PetscOptionsObject, "-progress", "seconds between progress lines (0: after every update)",
                     &o->progress));
  PetscCall(opt_real(PetscOptionsObject, "-flip",
                     "probability per update of the global move phi -> -phi (exact: the action is even)", &o->flip));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* MemAvailable of this node in bytes (infinite where /proc/meminfo does
 * not say) */
static double memory_available(void)
{
  FILE *f = fopen("/proc/meminfo", "r");
  char line[256];
  double kb = INFINITY;

  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1) break;
  if (f) fclose(f);
  return kb * 1024;
}

/* The doubles a chain keeps per site: the field with its halo, the
 * momenta, the force, the field before the trajectory, the integrator's
 * and the FFT's work (a generous count: a lattice that does not fit is
 * refused before it is allocated, one that nearly fits is told what it
 * takes) */
#define CHAIN_DOUBLES_PER_SITE 8

/* what the lattice needs against what each node has, before any field
 * exists; a line when it is more than a gigabyte a node */
static PetscErrorCode check_memory(const chain_options *o)
{
  int64_t V;
  int size, node_size, node_rank;
  MPI_Comm node;
  double have = 0;
  char L[64];

  PetscFunctionBeginUser;
  if (!lattice_volume(o->d, o->L, &V)) PetscFunctionReturn(PETSC_SUCCESS); /* lattice_create names the overflow */
  MPICHECK(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  MPICHECK(MPI_Comm_split_type(PETSC_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  MPICHECK(MPI_Comm_size(node, &node_size));
  MPICHECK(MPI_Comm_rank(node, &node_rank));
  if (node_rank == 0) have = memory_available();
  MPICHECK(MPI_Bcast(&have, 1, MPI_DOUBLE, 0, node));
  MPICHECK(MPI_Comm_free(&node));
  const double per_rank = 8.0 * CHAIN_DOUBLES_PER_SITE * (double)V * (double)PetscMax(o->replicas, 1) / size;
  double need = per_rank * node_size, worst[2] = {need - have, need}; /* the tightest node */
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, worst, 2, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD));
  lattice_extents_text(o->d, o->L, L, sizeof L);
  PetscCheck(worst[0] <= 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-lattice %s: the chain needs about %.3g GB a rank (%d doubles a site, %lld sites, %d ranks), %.3g GB on "
             "a node of %d ranks with %.3g GB available: run on more nodes or choose a smaller lattice",
             L, per_rank / 1e9, CHAIN_DOUBLES_PER_SITE, (long long)V, size, need / 1e9, node_size, have / 1e9);
  if (worst[1] > 1e9)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "memory: about %.3g GB a rank, %.3g GB on a node of %d ranks\n",
                         per_rank / 1e9, worst[1] / 1e9, node_size));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode chain_options_finish(chain_options *o, const char *verb)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &o->help));
  if (o->help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(options_check_unused(verb));
  PetscCheck(o->d > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-lattice is required, e.g. -lattice 32,32");
  PetscCheck(o->output[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-output is required, e.g. -output ens.h5");
  PetscCheck(!(o->force && o->restart), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-force and -restart contradict each other: -force starts over, -restart continues");
  PetscCheck(o->flip >= 0 && o->flip <= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-flip: %g is not a probability in [0, 1]", o->flip);
  if (!o->stop_file[0]) snprintf(o->stop_file, sizeof o->stop_file, "%s.stop", o->output);
  PetscCall(check_memory(o));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void chain_meta(const chain_options *o, const char *generator, ensemble_meta *m)
{
  *m = (ensemble_meta){.kappa = o->kappa, .lambda = o->lambda, .d = o->d, .seed = o->seed, .replicas = o->replicas,
                       .per_replica = o->ntraj};
  snprintf(m->theory, sizeof m->theory, "%s", THEORY_PHI4);
  snprintf(m->generator, sizeof m->generator, "%s", generator);
  ensemble_meta_set_int(m, "therm", o->therm);
  ensemble_meta_set_int(m, "every", o->every);
  ensemble_meta_set_string(m, "start", o->start);
  ensemble_meta_set_real(m, "flip", o->flip);
  for (int mu = 0; mu < o->d; mu++) m->L[mu] = o->L[mu];
}

/* Running statistics of one replica: n, accepted, dH, dH^2, e^-dH, e^-2dH */
static void stats_add(double *s, const markov_result *r)
{
  const double e = exp(-r->dH);
  s[0] += 1;
  s[1] += r->accepted;
  s[2] += r->dH;
  s[3] += r->dH * r->dH;
  s[4] += e;
  s[5] += e * e;
}

/* Sum over replicas: the first rank of each replica contributes. */
static PetscErrorCode stats_total(const lattice *lat, const double *mine, double *total)
{
  double c[CHECKPOINT_NSTATS];

  PetscFunctionBeginUser;
  for (int k = 0; k < CHECKPOINT_NSTATS; k++) c[k] = lat->rank == 0 ? mine[k] : 0;
  MPICHECK(MPI_Allreduce(c, total, CHECKPOINT_NSTATS, MPI_DOUBLE, MPI_SUM, lat->world));
  PetscFunctionReturn(PETSC_SUCCESS);
}


/* ordered: the constant field at the minimum of the action per site,
 * (1 - 2 lambda - 2 d kappa) phi^2 + lambda phi^4 (zero if there is none) */
static PetscErrorCode initial_field(const chain_options *o, const lattice *lat, double *phi)
{
  PetscFunctionBeginUser;
  if (!strcmp(o->start, "random")) rng_field_normal(lat, (rng_key){o->seed, RNG_START, 0, (uint64_t)lat->replica}, phi);
  else if (!strcmp(o->start, "ordered") && o->lambda > 0) {
    const double v2 = (2 * o->kappa * o->d - 1 + 2 * o->lambda) / (2 * o->lambda);
    for (int64_t i = 0; i < lat->V; i++) phi[i] = v2 > 0 ? sqrt(v2) : 0;
  } else PetscCall(PetscArrayzero(phi, lat->V));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The global move phi -> -phi leaves the even action unchanged, so as a
 * Metropolis step it is always accepted; made with probability -flip, it
 * lets a chain in the broken phase visit both vacua. The decision is keyed
 * by (seed, update, replica): a restart repeats it. */
static PetscErrorCode maybe_flip(const chain_options *o, const lattice *lat, const chain_stepper *st, uint64_t t)
{
  PetscFunctionBeginUser;
  if (o->flip <= 0 || rng_uniform((rng_key){o->seed, RNG_FLIP, t, (uint64_t)lat->replica}, 0) >= o->flip)
    PetscFunctionReturn(PETSC_SUCCESS);
  for (int64_t i = 0; i < lat->V; i++) st->phi[i] = -st->phi[i];
  if (st->prepare) PetscCall(st->prepare(st->ctx)); /* what the stepper keeps of phi */
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode progress_line(const lattice *lat, const chain_stepper *st, uint64_t t, uint64_t total, int therm,
                                    const double *stats, double t0, double now)
{
  double tot[CHECKPOINT_NSTATS], rate = (double)(t + 1) / PetscMax(now - t0, 1e-9);

  PetscFunctionBeginUser;
  PetscCall(stats_total(lat, stats, tot));
  PetscCall(log_printf(lat->world, LOG_INFO, "%s %llu/%llu%s", st->unit,
                       (unsigned long long)(t + 1), (unsigned long long)total, (int)t < therm ? " (therm)" : ""));
  if (st->metropolis)
    PetscCall(log_printf(lat->world, LOG_INFO, "  acc %.3f  <dH> %+.4f", tot[0] > 0 ? tot[1] / tot[0] : 0.0,
                         tot[0] > 0 ? tot[2] / tot[0] : 0.0));
  PetscCall(log_printf(lat->world, LOG_INFO, "  %.2f/s  ETA %.0f s\n", rate, (double)(total - t - 1) / rate));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* acceptance, <dH>, <e^-dH> and its error over all replicas */
static PetscErrorCode final_report(const lattice *lat, const double *stats, double *summary)
{
  double t[CHECKPOINT_NSTATS];

  PetscFunctionBeginUser;
  PetscCall(stats_total(lat, stats, t));
  const double n = PetscMax(t[0], 1);
  summary[0] = t[1] / n;
  summary[1] = t[2] / n;
  summary[2] = t[4] / n;
  summary[3] = sqrt(PetscMax(t[5] / n - summary[2] * summary[2], 0) / PetscMax(n - 1, 1));
  PetscCall(log_printf(lat->world, LOG_INFO,
                       "acceptance %.4f   <dH> %.3e   <exp(-dH)> %.5f +- %.5f  (%.0f updates after thermalisation)\n",
                       summary[0], summary[1], summary[2], summary[3], t[0]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode log_layout(const chain_options *o, const lattice *lat)
{
  PetscFunctionBeginUser;
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "lattice"));
  for (int mu = 0; mu < o->d; mu++) PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "%s%d", mu ? "x" : " ", o->L[mu]));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, ", process grid"));
  for (int mu = 0; mu < o->d; mu++) PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "%s%d", mu ? "x" : " ", lat->P[mu]));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, " per replica, %d replica(s), local volume %lld\n", o->replicas,
                       (long long)lat->V));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* S and M of the current field, into the ensemble as configuration i; a
 * field no longer finite (a diverging chain: a NaN or inf anywhere makes S
 * or M so) stops the run on every replica */
static PetscErrorCode store(ensemble_writer *w, const lattice *lat, phi4 *theory, const chain_stepper *st, int64_t i,
                            uint64_t t, output_claim *claim)
{
  double S, sum = 0, M;
  int finite;

  PetscFunctionBeginUser;
  PetscCall(phi4_action(theory, st->h, st->phi, &S));
  for (int64_t k = 0; k < lat->V; k++) sum += st->phi[k];
  PetscCall(lattice_sum(lat, sum, &M));
  finite = isfinite(S) && isfinite(M);
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &finite, 1, MPI_INT, MPI_MIN, lat->world));
  if (!finite) output_discard_on_failure(claim); /* a restart would diverge again */
  PetscCheck(finite, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "the chain diverged: after %s %llu the field is no longer finite on replica %d; reduce the step "
             "(-step, or -tau / -nmd); no ensemble was written",
             st->unit, (unsigned long long)(t + 1), lat->replica);
  PetscCall(ensemble_write_config(w, i, st->phi, S, M / (double)lat->Vglobal));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The checkpoint's counters against this run's settings, and its field. */
static PetscErrorCode check_checkpoint(const chain_options *o, const lattice *lat, const char *path,
                                       const chain_stepper *st, const checkpoint_state *cs)
{
  const uint64_t total = (uint64_t)o->therm + (uint64_t)o->ntraj * (uint64_t)o->every;
  const uint64_t t = cs->next_traj;
  const int64_t expect = t <= (uint64_t)o->therm ? 0 : (int64_t)((t - (uint64_t)o->therm) / (uint64_t)o->every);
  int finite = 1;

  PetscFunctionBeginUser;
  PetscCheck(t <= total && cs->nstored == expect, PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED,
             "%s: next %s %llu with %lld configurations stored does not fit -therm %d -every %d -ntraj %d (damaged "
             "checkpoint?)",
             path, st->unit, (unsigned long long)t, (long long)cs->nstored, o->therm, o->every, o->ntraj);
  for (int64_t k = 0; k < lat->V && finite; k++) finite = isfinite(st->phi[k]);
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &finite, 1, MPI_INT, MPI_MIN, lat->world));
  PetscCheck(finite, PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED, "%s: the stored field holds non-finite values", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -restart with an output that is complete already (killed between the
 * final rename and the removal of the checkpoint, or simply resubmitted):
 * check it is this run's, and finish. */
static PetscErrorCode already_complete(const chain_options *o, const ensemble_meta *meta, PetscBool *done)
{
  ensemble_reader *r;
  char what[PETSC_MAX_PATH_LEN + 16], ckpt[PETSC_MAX_PATH_LEN + 16];

  PetscFunctionBeginUser;
  PetscCall(ensemble_open(PETSC_COMM_WORLD, o->output, &r));
  snprintf(what, sizeof what, "-output: %s", o->output);
  PetscCall(ensemble_meta_compare(PETSC_COMM_WORLD, what, &r->meta, meta));
  PetscCall(ensemble_close(&r));
  output_name(o->output, ".ckpt", ckpt, sizeof ckpt);
  PetscCall(file_remove(PETSC_COMM_WORLD, ckpt));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "%s is complete already; nothing to do\n", o->output));
  *done = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Open the output for this run. -restart continues from whatever a kill
 * can leave: partial file and checkpoint (continue), a partial file
 * without checkpoint or nothing at all (start from the beginning), a
 * complete file (nothing to do). Without -restart only a fresh start. */
static PetscErrorCode open_output(const chain_options *o, const ensemble_meta *meta, const lattice *lat,
                                  const output_claim *claim, const chain_stepper *st, checkpoint_state *cs,
                                  ensemble_writer **w, PetscBool *done)
{
  output_files f;
  char ckpt[PETSC_MAX_PATH_LEN + 16], *echo;

  PetscFunctionBeginUser;
  *done = PETSC_FALSE;
  *w = NULL;
  output_name(o->output, ".ckpt", ckpt, sizeof ckpt);
  PetscCall(output_state(claim, &f));
  if (o->restart && f.final && !f.partial) PetscCall(already_complete(o, meta, done));
  if (*done) PetscFunctionReturn(PETSC_SUCCESS);
  if (o->restart && f.partial && f.ckpt) {
    PetscCall(checkpoint_read(lat, meta, ckpt, st->phi, cs));
    PetscCall(check_checkpoint(o, lat, ckpt, st, cs));
    PetscCall(ensemble_writer_reopen(lat, meta, o->output, w));
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "restarting at %s %llu with %lld configurations stored\n", st->unit,
                         (unsigned long long)cs->next_traj, (long long)cs->nstored));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (o->restart) {
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "-restart: no checkpoint of an interrupted run%s; starting from the "
                         "beginning\n", f.partial ? " (it stopped before its first)" : ""));
    PetscCall(file_remove(PETSC_COMM_WORLD, ckpt));
  } else PetscCall(output_check_fresh(claim, o->force));
  PetscCall(options_echo(&echo));
  PetscCall(ensemble_writer_create(lat, meta, o->output, echo, w));
  PetscCall(PetscFree(echo));
  if (st->start) PetscCall(st->start(st->ctx));
  else PetscCall(initial_field(o, lat, st->phi));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode chain_run(app_run *run, const chain_options *o, const ensemble_meta *meta, const lattice *lat,
                         phi4 *theory, const chain_stepper *st)
{
  ensemble_writer *w;
  checkpoint_state cs = {0};
  char ckpt[PETSC_MAX_PATH_LEN + 16];
  PetscLogDouble t0, now, last;
  output_claim *claim;
  PetscBool done;

  PetscFunctionBeginUser;
  output_name(o->output, ".ckpt", ckpt, sizeof ckpt);
  PetscCall(app_claim_output(run, PETSC_COMM_WORLD, "-output", o->output,
                             8.0 * (double)meta->replicas * (double)meta->per_replica * (double)lat->Vglobal, &claim));
  PetscCall(open_output(o, meta, lat, claim, st, &cs, &w, &done));
  if (done) PetscFunctionReturn(PETSC_SUCCESS);
  if (cs.next_traj > 0 && st->load) PetscCall(st->load(st->ctx, cs.stepper)); /* restarted */
  else if (st->prepare && (cs.next_traj > 0 || !st->start)) PetscCall(st->prepare(st->ctx)); /* start prepared its own */
  PetscCall(log_layout(o, lat));

  const uint64_t total = (uint64_t)o->therm + (uint64_t)o->ntraj * (uint64_t)o->every;
  const uint64_t first = cs.next_traj;
  int stop = 0;
  PetscBool progress;
  PetscCall(PetscTime(&t0));
  last = t0;
  for (uint64_t t = cs.next_traj; t < total && !stop; t++) {
    markov_result r;
    PetscCall(st->update(st->ctx, t, &r));
    PetscCall(maybe_flip(o, lat, st, t));
    if (t >= (uint64_t)o->therm) stats_add(cs.stats, &r);
    if (t >= (uint64_t)o->therm && (t - (uint64_t)o->therm + 1) % (uint64_t)o->every == 0)
      PetscCall(store(w, lat, theory, st, cs.nstored++, t, claim));
    cs.next_traj = t + 1;
    PetscCall(PetscTime(&now));
    PetscCall(app_poll(lat->world, o->stop_file, now - last >= o->progress, &stop, &progress));
    if (stop || (cs.next_traj % (uint64_t)o->checkpoint_every == 0 && cs.next_traj < total)) {
      PetscCall(ensemble_writer_flush(w));
      if (st->save) PetscCall(st->save(st->ctx, cs.stepper));
      PetscCall(checkpoint_write(lat, meta, ckpt, st->phi, &cs));
    }
    if (progress || t + 1 == total) {
      PetscCall(progress_line(lat, st, t, total, o->therm, cs.stats, t0, now));
      last = now;
    }
  }

  PetscCall(PetscTime(&now));
  if (cs.next_traj > first)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "time per %s: %.6e s (%llu updates in %.3f s)\n", st->unit,
                         (now - t0) / (double)(cs.next_traj - first), (unsigned long long)(cs.next_traj - first),
                         now - t0));
  if (stop) {
    PetscCall(ensemble_writer_close(&w));
    if (stop == 2)
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET,
                           "signal received: stopped after %s %llu with a checkpoint; continue with the same options "
                           "and -restart\n",
                           st->unit, (unsigned long long)cs.next_traj));
    else
      PetscCall(log_printf(PETSC_COMM_WORLD, LOG_QUIET,
                           "stop file %s found: stopped after %s %llu; continue with the same options and -restart\n",
                           o->stop_file, st->unit, (unsigned long long)cs.next_traj));
  } else {
    static const char *const names[] = {"acceptance", "mean_dH", "mean_exp_minus_dH", "mean_exp_minus_dH_error"};
    double summary[4];
    if (st->metropolis) PetscCall(final_report(lat, cs.stats, summary));
    PetscCall(ensemble_writer_finish(&w, st->metropolis ? 4 : 0, names, summary));
    PetscCall(file_remove(PETSC_COMM_WORLD, ckpt));
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "wrote %s (%lld configurations)\n", o->output,
                         (long long)(o->replicas * (int64_t)o->ntraj)));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
