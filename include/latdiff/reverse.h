/* reverse.h — reverse-time samplers of a diffusion model for a batch of
 * samples, given a score s(x, t) = grad log P_t(x).
 *
 * In reverse time tau = 1 - t the h-interpolation of Hirono, Tanaka and
 * Fukushima reads
 *   dx = [ (1/2) beta x + (1 + h)/2 g^2 s(x, t) ] dtau + sqrt(h) g dw,
 * the Anderson SDE at h = 1 and the probability-flow ODE at h = 0.
 *   em   Euler-Maruyama of the SDE (h = 1)
 *   h    Euler-Maruyama of the h-interpolation (-h in [0, 1])
 *   pc   predictor (em) + Langevin corrector with signal-to-noise ratio snr:
 *        step 2 (snr |z| / |s|)^2 with the norms over the whole ensemble
 *        (Song et al. 2021), one Allreduce per step
 *   ode  probability-flow ODE: adaptive Runge-Kutta 5(4) (Dormand-Prince)
 *        with PETSc TS at tolerances rtol, atol, each sample its own step
 *        sequence (a spread sample: each batch); or with ode_fixed, Heun
 *        (second order) at `steps` fixed steps
 * The steps run from t = tmax to t = eps in `steps` equal steps (tmax = 1,
 * except for the cosine schedule, whose beta diverges at t = 1); optionally a
 * final Tweedie denoising step x <- (x + Xi(eps) s(x, eps)) / f(eps).
 * Metropolis correction (em, h): on the steps that start below t = mh_t,
 * the step's Gaussian is a proposal psi for the known target e^-S,
 * accepted with min{1, e^-S(psi) q(x|psi) / (e^-S(x) q(psi|x))}, q the
 * step's kernel N(x + dtau D(x), h g^2 dtau) at the same grid time (MALA,
 * as in the Aarts talk). Each such step leaves e^-S invariant, so the
 * window pulls the samples towards the exact target; the acceptance rate
 * is counted.
 * The samplers advance a batch together; the score is asked for the whole
 * batch at once. A sample is either whole on one rank (a point theory:
 * each rank its own samples) or spread over the ranks (a lattice in slabs:
 * every rank holds its part of the same samples, and the score is
 * collective). Random numbers are keyed by (seed, sample index, step,
 * global value index): a sample does not depend on the rank count (pc and
 * spread samples: up to the rounding of global sums).
 * reverse_run is collective on comm for pc and for spread samples.
 */
#ifndef LATDIFF_REVERSE_H
#define LATDIFF_REVERSE_H

#include "latdiff/rng.h"
#include "latdiff/schedule.h"
#include "latdiff/score_model.h"

/* exact: no reverse process; the target's exact sampler at t = 0 (training data) */
typedef enum { SAMPLER_EM = 0, SAMPLER_PC = 1, SAMPLER_ODE = 2, SAMPLER_H = 3, SAMPLER_EXACT = 4 } sampler_kind;
extern const char *const sampler_names[];

typedef struct {
  sampler_kind kind;
  int steps;
  double eps, h, snr, tmax;
  PetscBool denoise, denoise_draw; /* Tweedie's E[x_0 | x_eps]; plus a draw of the Gaussian posterior's spread */
  double mh_t; /* Metropolis window t < mh_t; 0: none */
  PetscBool ode_fixed;
  double rtol, atol; /* adaptive ode */
} sampler_params;

/* the state of a batch handed out at a record time: record time i (of
 * times ascending), the time t the state is at, global index of the first
 * sample, nb samples of x */
typedef PetscErrorCode (*reverse_record_fn)(void *ctx, int i, double t, uint64_t first, int64_t nb, const double *x);

typedef struct {
  const schedule *sched;
  sampler_params p;
  score_model *model; /* the score, the shape of a sample, the action */
  reverse_shape shape;
  uint64_t seed;
  double *s, *k1, *xt; /* work, batch x dim each */
  double *psi, *d_psi, *S_x, *S_psi, *logq; /* Metropolis work */
  double mh_proposed, mh_accepted;   /* this rank's count (of its samples) */
  double ode_steps, ode_solves;      /* adaptive ode: steps taken, solves */
  /* the schedule on the time grid t_k = 1 - k dt, k = 0..steps: computed
   * once, since pow and exp per step would dominate a cheap score */
  double *t, *f, *xi, *beta, *g2;
  /* reverse_set_record */
  int nrec;
  double *rec_t; /* the times the states are recorded at, ascending */
  int *rec_k;    /* fixed steps: the grid index of each */
  reverse_record_fn rec_fn;
  void *rec_ctx;
} reverse_sampler;

/* model: set up (score_model_setup); its action is needed when p.mh_t > 0.
 * The ode sampler's TS reads every -ts_* option (TSSetFromOptions). */
PetscErrorCode reverse_create(const schedule *sched, const sampler_params *p, score_model *model, uint64_t seed,
                              reverse_sampler **out);
PetscErrorCode reverse_destroy(reverse_sampler **rs);
/* adaptive ode: mean accepted steps per solve over all ranks */
PetscErrorCode reverse_ode_steps(reverse_sampler *rs, MPI_Comm comm, double *mean);
/* the acceptance rate of the Metropolis window over all samples so far */
PetscErrorCode reverse_acceptance(reverse_sampler *rs, MPI_Comm comm, double *rate, double *proposed);
/* hand the state to fn at each of n times in [eps, tmax] (ascending):
 * exactly there for the adaptive ode (its solve is split at them), at the
 * first grid time at or below each for the fixed-step samplers; the times
 * used are rs->rec_t. The end state at t = eps (before -denoise) is
 * handed out as record n. Collective like reverse_run. */
PetscErrorCode reverse_set_record(reverse_sampler *rs, int n, const double *times, reverse_record_fn fn, void *ctx);
/* x: nb <= batch samples of dim values, the prior at t = tmax on entry,
 * the generated samples on return; `first` is the global index of sample 0 */
PetscErrorCode reverse_run(reverse_sampler *rs, MPI_Comm comm, int64_t nb, uint64_t first, double *x);

#endif
