/* hmc_tune.h — what `latdiff hmc` settles during thermalisation and then
 * freezes, so that the stored chain is exact: the Fourier-acceleration
 * mass M(p) = 1 / G(p) (hmc.h) and the step count.
 *
 * -mass fourier -mass_propagator measured (the default): the power
 * spectrum |phi(p)|^2 of trajectories [therm/4, therm/2) of every replica,
 * pooled, made the propagator G and smoothed by the Gaussian base's fit
 * (gauss_base_fit: a polynomial in the hypercubic invariants of phat^2,
 * the form `train -base gaussian` uses; kept as measured where the fit is
 * not positive on every mode), frozen from trajectory therm/2 on.
 * -mass_propagator free: G(p) = 1 / (phat^2 + m2) from the start.
 * -mass_propagator FILE: the spectrum of up to 1000 configurations of an
 * ensemble of this lattice (a previous run, or one a model generated),
 * fitted as above, from the start.
 * -target_acceptance A: the steps per trajectory adapted in windows of 20
 * trajectories of [therm/2, therm) (by 1.2 when the window's acceptance is
 * more than 0.05 off A), frozen after.
 *
 * The state in a checkpoint: the step count, the window's counts and the
 * trajectories done (the stepper values), the spectrum's sums on this rank's modes (the extra
 * row): a restart at any trajectory repeats the uninterrupted run. The
 * ensemble file records the frozen propagator (/mass_propagator, with the
 * fit's terms) and the frozen step count.
 *
 *   hmc_tune_create   C  for an hmc object and the run's settings
 *   hmc_tune_after    C  after trajectory t (measure, freeze, adapt)
 *   hmc_tune_save / hmc_tune_load   the stepper values
 *   hmc_tune_extra    the checkpoint's extra row (chain.h): the spectrum's
 *                     sums while the mass is measured, else none
 *   hmc_tune_record   C  into the ensemble before it is finished
 * C = collective on the world communicator. */
#ifndef LATDIFF_APP_HMC_TUNE_H
#define LATDIFF_APP_HMC_TUNE_H

#include "latdiff/ensemble.h"
#include "latdiff/hmc.h"

typedef enum { HMC_MASS_IDENTITY = 0, HMC_MASS_FOURIER = 1 } hmc_mass_kind;
typedef enum { HMC_PROPAGATOR_MEASURED = 0, HMC_PROPAGATOR_FREE = 1, HMC_PROPAGATOR_FILE = 2 } hmc_propagator_kind;
extern const char *const hmc_mass_names[], *const hmc_propagator_names[];

typedef struct {
  hmc_mass_kind mass;
  hmc_propagator_kind propagator;
  double m2;     /* -mass_m2 of the free form */
  char file[PETSC_MAX_PATH_LEN]; /* an ensemble of this lattice to measure G from */
  double target; /* -target_acceptance (0: the steps stay -nmd) */
  int therm;
} hmc_tune_options;

typedef struct {
  hmc *s;
  hmc_tune_options o;
  int64_t k0, nk;   /* this rank's modes */
  double *power;    /* the spectrum's sums on them */
  double *G;        /* the frozen propagator on them */
  double *work;     /* one spectrum on them */
  int window_acc, window_n;
  int64_t done; /* trajectories done */
  int fit_terms;
} hmc_tune;

PetscErrorCode hmc_tune_create(hmc *s, const hmc_tune_options *o, hmc_tune **out);
PetscErrorCode hmc_tune_after(hmc_tune *t, uint64_t traj, const markov_result *r);
void hmc_tune_save(const hmc_tune *t, double *state);
PetscErrorCode hmc_tune_load(hmc_tune *t, const double *state);
PetscErrorCode hmc_tune_record(hmc_tune *t, ensemble_writer *w);
void hmc_tune_extra(hmc_tune *t, double **extra, int64_t *n, int64_t *off, int64_t *len);
PetscErrorCode hmc_tune_destroy(hmc_tune **t);

#endif
