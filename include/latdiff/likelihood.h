/* likelihood.h — the log-likelihood of configurations under a score model
 * through the probability-flow ODE (Song et al. 2021): along
 *   dx/dt = F(x, t) = -(1/2) beta x - (1/2) g^2 s(x, t),  x(eps) = x_0,
 * up to t = tmax,
 *   log q(x_0) = log p_T(x(tmax)) + int_eps^tmax div F dt,
 *   div F = -(1/2) beta dim - (1/2) g^2 div s,
 * the integral carried as extra components of the state of one adaptive
 * Dormand-Prince 5(4) solve on PETSc TS (rtol, atol; every -ts_* option).
 *   exact        div s from the model's exact derivatives
 *                (score_model_divergence)
 *   hutchinson   v.(ds/dx)v with Rademacher v (Hutchinson 1990), one
 *                component per probe in the same solve, v fixed along the
 *                path and keyed by (seed, sample, probe); the spread of the
 *                probes of a sample measures the estimator's own variance
 * The prior p_T: the model's exact diffused target (score_model_log_prior),
 * or N(0, f^2 var + Xi) per value, var the model's prior_var.
 *
 * With h_correction, the first-order term in h of log q of the
 * h-interpolated reverse process (Hirono, Tanaka, Fukushima, ICML 2024):
 *   log q^h = log q^0 + h [dx_T . a_T + int div dF dt] + O(h^2).
 * The dx ODE is linear with dx(eps) = 0, and its adjoint obeys the same
 * ODE as a = grad log q_t^0 with the same end value, so the bracket is one
 * integral along the path (no dx needed):
 *   C = -(1/2) int_eps^tmax g^2 [a.(s - a) + div s - tr H] dt,
 * with a and H = grad grad log q_t^0 integrated backward from the prior's
 * at tmax, along with x:
 *   da/dt = (1/2) g^2 (grad div s + J^T a) + (1/2) beta a
 *   dH/dt = (1/2) g^2 (grad grad div s + sum_i a_i grad grad s_i + J^T H + H J) + beta H
 * (J = ds/dx), from the score's exact derivatives to third order (jets;
 * samples held whole, at most JET_MAXVAR values). C is 0 for the exact
 * score. The correction to -log q is -C; its numerical error is estimated
 * by the same solve at 10 times the tolerances.
 *
 *   likelihood_create     C  for a model after score_model_setup
 *   likelihood_run        C* nb samples from `first` on: results per sample
 *   likelihood_generate   C* the probability-flow sample x from the prior
 *                            draw z, with its log q integrated along the
 *                            same (reverse, contracting) path
 *   likelihood_prior_draw C* sample `first` of stream `seed` from the prior
 *                            whose density the likelihood uses
 *   likelihood_destroy
 * C* = collective on comm for spread samples (each spread sample is one
 * distributed solve), local otherwise (each sample its own solve, its
 * steps independent of the other samples).
 */
#ifndef LATDIFF_LIKELIHOOD_H
#define LATDIFF_LIKELIHOOD_H

#include "latdiff/schedule.h"
#include "latdiff/score_model.h"

typedef enum { DIVERGENCE_EXACT = 0, DIVERGENCE_HUTCHINSON = 1 } divergence_kind;
extern const char *const divergence_names[];

#define LIKELIHOOD_MAXPROBES 16

typedef struct {
  double eps, tmax, rtol, atol;
  divergence_kind divergence;
  int probes;            /* hutchinson */
  PetscBool exact_prior; /* the model's exact p_T, else the Gaussian */
  PetscBool h_correction;
  uint64_t seed;
  double discard_outside; /* > 0: a path with some |x_i| beyond it is discarded, not solved on (0: an error) */
} likelihood_params;

typedef struct {
  double logq;      /* log q(x_0), mean over the probes */
  double probe_var; /* hutchinson: the variance of one probe's estimate (0: exact) */
  double log_prior; /* log p_T(x(tmax)) */
  double corr, corr_err; /* h_correction: -C and its numerical error */
  double steps;     /* accepted steps of the solves */
  PetscBool discarded; /* the path left |x_i| <= discard_outside: nothing else is set */
} likelihood_result;

typedef struct likelihood likelihood;

PetscErrorCode likelihood_create(const schedule *sched, const likelihood_params *p, score_model *m, likelihood **out);
PetscErrorCode likelihood_run(likelihood *l, int64_t nb, uint64_t first, const double *x0, likelihood_result *res);
PetscErrorCode likelihood_generate(likelihood *l, uint64_t sample, const double *z, double *x, likelihood_result *r);
PetscErrorCode likelihood_prior_draw(likelihood *l, uint64_t first, uint64_t seed, double *z);
PetscErrorCode likelihood_destroy(likelihood **l);

#endif
