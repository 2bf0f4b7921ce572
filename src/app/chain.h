/* chain.h — what the Markov chain verbs (hmc, langevin) share: the lattice,
 * coupling, run-length and output options, and the run itself with its
 * output file, checkpoints, stop file, restart, progress line and summary.
 * A verb supplies one update of the field; "trajectory" below is one update
 * (an HMC trajectory or a Langevin step). */
#ifndef LATDIFF_CHAIN_H
#define LATDIFF_CHAIN_H

#include "app.h"
#include "latdiff/ensemble.h"
#include "latdiff/cluster.h"
#include "latdiff/markov.h"
#include "latdiff/phi4.h"

typedef struct {
  int d, L[LATTICE_MAXDIM], grid[LATTICE_MAXDIM], replicas;
  double kappa, lambda;
  int ntraj, therm, every, checkpoint_every;
  uint64_t seed;
  char output[PETSC_MAX_PATH_LEN], stop_file[PETSC_MAX_PATH_LEN + 16], start[16]; /* start: random, cold, ordered or file */
  char start_file[PETSC_MAX_PATH_LEN]; /* -start FILE */
  PetscBool force, restart, help;
  double progress; /* seconds between progress lines */
  double flip;     /* probability per update of the global move phi -> -phi */
  PetscEnum cluster; /* cluster_kind: embedded Ising cluster updates (cluster.h) */
  int cluster_every; /* ... after every this many updates */
} chain_options;

/* Register and read the shared options, between PetscOptionsBegin/End;
 * o holds the verb's defaults. `unit` names an update in the help text. */
PetscErrorCode chain_options_parse(PetscOptionItems *PetscOptionsObject, chain_options *o, const char *unit);
/* After PetscOptionsEnd: -help, unused options, required options. */
PetscErrorCode chain_options_finish(chain_options *o, const char *verb);
/* The metadata of the run; the verb adds its generator settings. */
void chain_meta(const chain_options *o, const char *generator, ensemble_meta *m);

typedef struct {
  const char *unit;     /* one update: "trajectory" or "step" */
  PetscBool metropolis; /* report acceptance and <e^-dH> */
  double *phi;          /* the field the updates change (with halo) */
  halo *h;              /* bound to phi */
  /* phi was set from outside (start or restart) */
  PetscErrorCode (*prepare)(void *ctx);
  /* the initial field of a fresh run, instead of -start (NULL: -start),
   * and what prepare would compute of it (prepare is not called then) */
  PetscErrorCode (*start)(void *ctx);
  /* what the update keeps besides phi, into and out of the checkpoint
   * (CHECKPOINT_NSTEPPER values); on restart load replaces prepare */
  PetscErrorCode (*save)(void *ctx, double *state);
  PetscErrorCode (*load)(void *ctx, const double *state);
  PetscErrorCode (*update)(void *ctx, uint64_t t, markov_result *r);
  /* a longer state, kept in the checkpoint as this rank's part of a row of
   * extra_n values (checkpoint.h): save fills it, a restart reads it back
   * before load (extra_n = 0: none) */
  double *extra;
  int64_t extra_n, extra_off, extra_len;
  /* before the ensemble is finished: what the update wants to record (NULL: nothing) */
  PetscErrorCode (*finish)(void *ctx, ensemble_writer *w);
  void *ctx;
} chain_stepper;

PetscErrorCode chain_run(app_run *run, const chain_options *o, const ensemble_meta *meta, const lattice *lat, phi4 *theory,
                         const chain_stepper *st);

#endif
