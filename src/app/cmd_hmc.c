/* cmd_hmc.c — `latdiff hmc`: a phi^4 ensemble by Hybrid Monte Carlo.
 *
 * Trajectory t (0-based) of replica r uses random numbers keyed by
 * (seed, t, r), so a run that is stopped or killed and restarted from its
 * checkpoint repeats exactly what the uninterrupted run would have done. */
#include "app.h"
#include "latdiff/checkpoint.h"
#include "latdiff/hmc.h"
#include "latdiff/rng.h"

#include <math.h>
#include <unistd.h>

typedef struct {
  int d, L[LATTICE_MAXDIM], grid[LATTICE_MAXDIM], replicas;
  double kappa, lambda, tau;
  int ntraj, therm, every, nmd, checkpoint_every;
  PetscEnum integrator;
  uint64_t seed;
  char output[PETSC_MAX_PATH_LEN], stop_file[PETSC_MAX_PATH_LEN + 16], start[16];
  PetscBool force, restart, help;
  double progress; /* seconds between progress lines */
} hmc_options;

static PetscErrorCode parse(hmc_options *o)
{
  PetscBool set;
  int ngrid = LATTICE_MAXDIM;
  static const char *const starts[] = {"random", "cold", "start", "START_", NULL};
  PetscEnum start = 0;

  PetscFunctionBeginUser;
  *o = (hmc_options){.d = 0, .replicas = 1, .kappa = 0.21, .lambda = 0.022, .tau = 1.0, .ntraj = 100, .therm = 100,
                     .every = 1, .nmd = 10, .checkpoint_every = 100, .integrator = (PetscEnum)MD_OMELYAN, .seed = 1,
                     .progress = 10};
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "latdiff hmc: Hybrid Monte Carlo for lattice phi^4", NULL);
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
  PetscCall(opt_int(PetscOptionsObject, "-therm", "thermalisation trajectories (not stored)", 0, &o->therm));
  PetscCall(opt_int(PetscOptionsObject, "-every", "trajectories between stored configurations", 1, &o->every));
  PetscCall(PetscOptionsEnum("-integrator", "molecular dynamics integrator", "latdiff", md_integrator_names,
                             o->integrator, &o->integrator, NULL));
  PetscCall(opt_int(PetscOptionsObject, "-nmd", "integration steps per trajectory", 1, &o->nmd));
  PetscCall(opt_real(PetscOptionsObject, "-tau", "trajectory length", &o->tau));
  PetscCall(opt_seed(PetscOptionsObject, "-seed", "random seed", &o->seed));
  PetscCall(PetscOptionsEnum("-start", "initial field: random (Gaussian) or cold (zero)", "latdiff", starts, start,
                             &start, NULL));
  PetscCall(PetscOptionsString("-output", "ensemble file to write", "latdiff", o->output, o->output,
                               sizeof o->output, NULL));
  PetscCall(PetscOptionsBool("-force", "overwrite an existing output or discard an interrupted run", "latdiff",
                             o->force, &o->force, NULL));
  PetscCall(PetscOptionsBool("-restart", "continue an interrupted run from <output>.ckpt", "latdiff", o->restart,
                             &o->restart, NULL));
  PetscCall(opt_int(PetscOptionsObject, "-checkpoint_every", "trajectories between checkpoints", 1,
                    &o->checkpoint_every));
  PetscCall(PetscOptionsString("-stop_file", "stop cleanly when this file appears (default <output>.stop)",
                               "latdiff", o->stop_file, o->stop_file, sizeof o->stop_file, NULL));
  PetscCall(opt_real(PetscOptionsObject, "-progress", "seconds between progress lines (0: every trajectory)",
                     &o->progress));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &o->help));
  PetscCall(PetscStrncpy(o->start, starts[start], sizeof o->start));
  if (o->help) PetscFunctionReturn(PETSC_SUCCESS);

  PetscCall(options_check_unused("hmc"));
  PetscCheck(o->d > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-lattice is required, e.g. -lattice 32,32");
  PetscCheck(o->output[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-output is required, e.g. -output ens.h5");
  PetscCheck(!(o->force && o->restart), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
             "-force and -restart contradict each other: -force starts over, -restart continues");
  if (!o->stop_file[0]) snprintf(o->stop_file, sizeof o->stop_file, "%s.stop", o->output);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void fill_meta(const hmc_options *o, ensemble_meta *m)
{
  *m = (ensemble_meta){.kappa = o->kappa, .lambda = o->lambda, .d = o->d, .seed = o->seed,
                       .replicas = o->replicas, .per_replica = o->ntraj, .nmd = o->nmd, .therm = o->therm,
                       .every = o->every, .tau = o->tau};
  snprintf(m->theory, sizeof m->theory, "phi4");
  snprintf(m->generator, sizeof m->generator, "hmc");
  snprintf(m->integrator, sizeof m->integrator, "%s", md_integrator_names[o->integrator]);
  snprintf(m->start, sizeof m->start, "%s", o->start);
  for (int mu = 0; mu < o->d; mu++) m->L[mu] = o->L[mu];
}

/* Running statistics of one replica: n, accepted, dH, dH^2, e^-dH, e^-2dH */
static void stats_add(double *s, const hmc_result *r)
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

static PetscErrorCode stop_requested(const lattice *lat, const char *path, PetscBool *stop)
{
  int flag = 0, wrank;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(lat->world, &wrank));
  if (wrank == 0) flag = access(path, F_OK) == 0;
  MPICHECK(MPI_Bcast(&flag, 1, MPI_INT, 0, lat->world));
  *stop = flag ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode initial_field(const hmc_options *o, hmc *s)
{
  PetscFunctionBeginUser;
  if (!strcmp(o->start, "random")) {
    rng_key key = {o->seed, RNG_START, 0, (uint64_t)s->lat->replica};
    rng_field_normal(s->lat, key, s->phi);
  } else {
    PetscCall(PetscArrayzero(s->phi, s->lat->V));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode progress_line(const lattice *lat, uint64_t t, uint64_t total, int therm, const double *stats,
                                    double t0, double now)
{
  double tot[CHECKPOINT_NSTATS], rate = (double)(t + 1) / PetscMax(now - t0, 1e-9);

  PetscFunctionBeginUser;
  PetscCall(stats_total(lat, stats, tot));
  PetscCall(log_printf(lat->world, LOG_INFO, "traj %llu/%llu%s  acc %.3f  <dH> %+.4f  %.2f traj/s  ETA %.0f s\n",
                       (unsigned long long)(t + 1), (unsigned long long)total, (int)t < therm ? " (therm)" : "",
                       tot[0] > 0 ? tot[1] / tot[0] : 0.0, tot[0] > 0 ? tot[2] / tot[0] : 0.0, rate,
                       (double)(total - t - 1) / rate));
  PetscFunctionReturn(PETSC_SUCCESS);
}

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
                       "acceptance %.4f   <dH> %.3e   <exp(-dH)> %.5f +- %.5f  (%.0f trajectories after thermalisation)\n",
                       summary[0], summary[1], summary[2], summary[3], t[0]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_hmc(void)
{
  hmc_options o;
  ensemble_meta meta;
  lattice *lat;
  phi4 *theory;
  hmc *s;
  ensemble_writer *w;
  checkpoint_state st = {0};
  char ckpt[PETSC_MAX_PATH_LEN + 16], partial[PETSC_MAX_PATH_LEN + 16], *echo;
  PetscLogDouble t0, now, last;

  PetscFunctionBeginUser;
  PetscCall(parse(&o));
  if (o.help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(log_banner("hmc"));
  PetscCall(lattice_create(PETSC_COMM_WORLD, o.d, o.L, o.grid, o.replicas, &lat));
  PetscCall(phi4_create(lat, o.kappa, o.lambda, &theory));
  PetscCall(hmc_create(lat, theory, (md_params){(md_integrator)o.integrator, o.nmd, o.tau}, o.seed, &s));
  fill_meta(&o, &meta);
  snprintf(ckpt, sizeof ckpt, "%s.ckpt", o.output);
  ensemble_partial_path(o.output, partial, sizeof partial);

  if (o.restart) {
    PetscCheck(file_exists(ckpt) && file_exists(partial), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-restart: no interrupted run to continue (%s and %s are needed)", ckpt, partial);
    PetscCall(checkpoint_read(lat, &meta, ckpt, s->phi, &st));
    PetscCall(ensemble_writer_reopen(lat, &meta, o.output, &w));
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "restarting at trajectory %llu with %lld configurations stored\n",
                         (unsigned long long)st.next_traj, (long long)st.nstored));
  } else {
    PetscCheck(o.force || !file_exists(partial), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT,
               "-output: %s is left from an interrupted run; add -restart to continue it or -force to start over",
               partial);
    PetscCall(options_echo(&echo));
    PetscCall(ensemble_writer_create(lat, &meta, o.output, o.force, echo, &w));
    PetscCall(PetscFree(echo));
    PetscCall(initial_field(&o, s));
  }
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "lattice"));
  for (int mu = 0; mu < o.d; mu++) PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "%s%d", mu ? "x" : " ", o.L[mu]));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, ", process grid"));
  for (int mu = 0; mu < o.d; mu++) PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "%s%d", mu ? "x" : " ", lat->P[mu]));
  PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, " per replica, %d replica(s), local volume %lld\n", o.replicas,
                       (long long)lat->V));

  const uint64_t total = (uint64_t)o.therm + (uint64_t)o.ntraj * (uint64_t)o.every;
  const uint64_t first = st.next_traj;
  PetscBool stop = PETSC_FALSE;
  PetscCall(PetscTime(&t0));
  last = t0;
  for (uint64_t t = st.next_traj; t < total && !stop; t++) {
    hmc_result r;
    PetscCall(hmc_trajectory(s, t, &r));
    if (t >= (uint64_t)o.therm) stats_add(st.stats, &r);
    if (t >= (uint64_t)o.therm && (t - (uint64_t)o.therm + 1) % (uint64_t)o.every == 0) {
      double S, sum = 0, M;
      PetscCall(phi4_action(theory, s->h, s->phi, &S));
      for (int64_t i = 0; i < lat->V; i++) sum += s->phi[i];
      PetscCall(lattice_sum(lat, sum, &M));
      PetscCall(ensemble_write_config(w, st.nstored++, s->phi, S, M / (double)lat->Vglobal));
    }
    st.next_traj = t + 1;
    PetscCall(stop_requested(lat, o.stop_file, &stop));
    if (stop || (st.next_traj % (uint64_t)o.checkpoint_every == 0 && st.next_traj < total)) {
      PetscCall(ensemble_writer_flush(w));
      PetscCall(checkpoint_write(lat, &meta, ckpt, s->phi, &st));
    }
    PetscCall(PetscTime(&now));
    if (now - last >= o.progress || t + 1 == total) {
      PetscCall(progress_line(lat, t, total, o.therm, st.stats, t0, now));
      last = now;
    }
  }

  PetscCall(PetscTime(&now));
  if (st.next_traj > first)
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "time per trajectory: %.6e s (%llu trajectories in %.3f s)\n",
                         (now - t0) / (double)(st.next_traj - first), (unsigned long long)(st.next_traj - first),
                         now - t0));
  if (stop) {
    PetscCall(ensemble_writer_close(&w));
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO,
                         "stop file %s found: stopped after trajectory %llu; continue with the same options and -restart\n",
                         o.stop_file, (unsigned long long)st.next_traj));
  } else {
    static const char *const names[] = {"acceptance", "mean_dH", "mean_exp_minus_dH", "mean_exp_minus_dH_error"};
    double summary[4];
    int wrank;
    PetscCall(final_report(lat, st.stats, summary));
    PetscCall(ensemble_writer_finish(&w, 4, names, summary));
    MPICHECK(MPI_Comm_rank(PETSC_COMM_WORLD, &wrank));
    if (wrank == 0 && file_exists(ckpt)) unlink(ckpt);
    PetscCall(log_printf(PETSC_COMM_WORLD, LOG_INFO, "wrote %s (%lld configurations)\n", o.output,
                         (long long)(o.replicas * (int64_t)o.ntraj)));
  }
  PetscCall(hmc_destroy(&s));
  PetscCall(phi4_destroy(&theory));
  PetscCall(lattice_destroy(&lat));
  PetscFunctionReturn(PETSC_SUCCESS);
}
