/* likelihood.c — log-likelihoods through the probability-flow ODE and the
 * O(h) correction (likelihood.h). */
#include "latdiff/likelihood.h"
#include "latdiff/profile.h"
#include "latdiff/rng.h"

#include <math.h>
#include <petscts.h>

/* beyond this a path has run away: an error (with discard_outside it is discarded earlier) */
#define LIKELIHOOD_RUNAWAY 1e100

const char *const divergence_names[] = {"exact", "hutchinson", "divergence", "DIVERGENCE_", NULL};

struct likelihood {
  schedule sched;
  likelihood_params p;
  score_model *m;
  MPI_Comm comm;   /* of a solve: the ranks of one sample (score_model_field_comm) */
  int64_t D;       /* values of a sample on this rank */
  double V;        /* values of a whole sample */
  PetscBool owner; /* this rank holds the integral components of the state */
  int nint;        /* integral components: one, or one per probe */
  uint64_t sample; /* the sample being solved (its probes) */
  PetscBool generate; /* the forward solve runs backward: tau = tmax - t */
  PetscBool left;     /* the forward path left |x_i| <= discard_outside: frozen there */
  TS ts, tsb;      /* the forward solve; the backward one of h_correction */
  Vec X, Xb;
  double *s, *div, *v, *jet; /* score, divergences, probes, jets */
  double *end;               /* a solve's end state (D) */
  jet_space *js1, *js3;      /* probes to order 1; unit vectors to order 3 */
  double *unit;              /* D x D identity: js3's directions */
};

/* a sum over the values of a sample: over the ranks for a spread one */
static PetscErrorCode sum_over(const likelihood *l, double *v)
{
  PetscFunctionBeginUser;
  if (l->comm != PETSC_COMM_SELF) MPICHECK(MPI_Allreduce(MPI_IN_PLACE, v, 1, MPI_DOUBLE, MPI_SUM, l->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* probe k of the current sample: +-1 per value, keyed by its global index */
static void draw_probes(likelihood *l)
{
  const reverse_shape *sh = &l->m->shape;
  for (int k = 0; k < l->p.probes; k++) {
    const rng_key key = {l->p.seed, RNG_HUTCHINSON, (uint64_t)k, 0};
    for (int64_t j = 0; j < l->D; j++)
      l->v[k * l->D + j] = rng_uniform(key, l->sample * (uint64_t)sh->stride + (uint64_t)(sh->offset + j)) < 0.5 ? -1 : 1;
  }
}

/* dx/dt = F, and d/dt of each integral: div F, exact or one per probe;
 * generating, the same in tau = tmax - t (every rate negated) */
static PetscErrorCode forward_rhs(TS ts, PetscReal time, Vec X, Vec R, void *ptr)
{
  likelihood *l = ptr;
  const int64_t D = l->D;
  const double t = l->generate ? l->p.tmax - time : time, sign = l->generate ? -1 : 1;
  const double f = schedule_f(&l->sched, t), xi = schedule_xi(&l->sched, t);
  const double beta = schedule_beta(&l->sched, t), g2 = schedule_g2(&l->sched, t);
  const PetscScalar *x;
  PetscScalar *r;

  PetscFunctionBeginUser;
  (void)ts;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(R, &r));
  double big = 0; /* the largest |x_i|; NaN counts as infinite */
  for (int64_t j = 0; j < D; j++) big = isfinite(x[j]) ? PetscMax(big, fabs(x[j])) : INFINITY;
  if (l->comm != PETSC_COMM_SELF) MPICHECK(MPI_Allreduce(MPI_IN_PLACE, &big, 1, MPI_DOUBLE, MPI_MAX, l->comm));
  if (l->p.discard_outside > 0 && big > l->p.discard_outside) { /* discarded: the state stops where it is */
    l->left = PETSC_TRUE;
    PetscCall(VecRestoreArray(R, &r));
    PetscCall(VecRestoreArrayRead(X, &x));
    PetscCall(VecZeroEntries(R));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(big <= LIKELIHOOD_RUNAWAY, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "configuration %llu: the probability-flow ODE ran away at t = %g (|x| = %g): the model's flow does not "
             "bring it to the prior (a model trained too little, or a configuration far from its data); "
             "-discard_outside R drops such configurations from the means (the Hirono talk's code does with R = 5); "
             "nothing was written",
             (unsigned long long)l->sample, (double)t, big);
  if (l->p.divergence == DIVERGENCE_EXACT) {
    PetscCall(PetscLogEventBegin(EV_LIKELIHOOD_SCORE, 0, 0, 0, 0));
    PetscCall(score_model_apply(l->m, t, f, xi, 1, x, l->s));
    PetscCall(PetscLogEventEnd(EV_LIKELIHOOD_SCORE, 0, 0, 0, 0));
    PetscCall(PetscLogEventBegin(EV_DIVERGENCE, 0, 0, 0, 0));
    PetscCall(score_model_divergence(l->m, t, f, xi, 1, x, l->div));
    PetscCall(PetscLogEventEnd(EV_DIVERGENCE, 0, 0, 0, 0));
  } else { /* s and J v_k from one jet along all probes */
    const int K = l->js1->ncoef;
    PetscCall(PetscLogEventBegin(EV_DIVERGENCE, 0, 0, 0, 0));
    PetscCall(score_model_jet(l->m, t, f, xi, 1, x, l->js1, l->v, l->jet));
    PetscCall(PetscLogEventEnd(EV_DIVERGENCE, 0, 0, 0, 0));
    for (int64_t j = 0; j < D; j++) l->s[j] = l->jet[j * K];
    for (int k = 0; k < l->p.probes; k++) {
      double vjv = 0;
      for (int64_t j = 0; j < D; j++) vjv += l->v[k * D + j] * l->jet[j * K + 1 + k];
      PetscCall(sum_over(l, &vjv));
      l->div[k] = vjv;
    }
  }
  int bad = 0;
  for (int64_t j = 0; j < D; j++) {
    r[j] = sign * (-0.5 * beta * x[j] - 0.5 * g2 * l->s[j]);
    bad |= !isfinite(r[j]);
  }
  PetscCheck(!bad, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "configuration %llu: the probability-flow ODE diverged at t = %g (the score is not finite there: a model "
             "trained too little, or a configuration far from its data); nothing was written",
             (unsigned long long)l->sample, (double)t);
  if (l->owner)
    for (int k = 0; k < l->nint; k++) r[D + k] = sign * (-0.5 * beta * l->V - 0.5 * g2 * l->div[k]);
  PetscCall(VecRestoreArray(R, &r));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the backward solve of h_correction in tau = tmax - t, state
 * [x, a, H, C]; every d/dtau = -d/dt of likelihood.h's equations */
static PetscErrorCode backward_rhs(TS ts, PetscReal tau, Vec X, Vec R, void *ptr)
{
  likelihood *l = ptr;
  const jet_space *js = l->js3;
  const int n = (int)l->D, K = js->ncoef;
  const double t = l->p.tmax - tau, f = schedule_f(&l->sched, t), xi = schedule_xi(&l->sched, t);
  const double beta = schedule_beta(&l->sched, t), h2 = 0.5 * schedule_g2(&l->sched, t);
  const PetscScalar *x;
  PetscScalar *r;

  PetscFunctionBeginUser;
  (void)ts;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(R, &r));
  const double *a = x + n, *H = a + n;
  double *ra = r + n, *rH = ra + n;
  PetscCall(score_model_jet(l->m, t, f, xi, 1, x, js, l->unit, l->jet));
  const double *sj = l->jet;
#define S(i) (sj + (i) * K)
  double div = 0, as = 0, aa = 0, trH = 0;
  for (int i = 0; i < n; i++) div += jet_d1(js, S(i), i), as += a[i] * S(i)[0], aa += a[i] * a[i], trH += H[i * n + i];
  for (int j = 0; j < n; j++) {
    double c = 0, JTa = 0;
    for (int i = 0; i < n; i++) c += jet_d2(js, S(i), i, j), JTa += jet_d1(js, S(i), j) * a[i];
    r[j] = 0.5 * beta * x[j] + h2 * S(j)[0];
    ra[j] = -(h2 * (c + JTa) + 0.5 * beta * a[j]);
    for (int k = 0; k < n; k++) {
      double dd = 0, aH = 0, JH = 0;
      for (int i = 0; i < n; i++) {
        dd += jet_d3(js, S(i), i, j, k);
        aH += a[i] * jet_d2(js, S(i), j, k);
        JH += jet_d1(js, S(i), j) * H[i * n + k] + H[j * n + i] * jet_d1(js, S(i), k);
      }
      rH[j * n + k] = -(h2 * (dd + aH + JH) + beta * H[j * n + k]);
    }
  }
#undef S
  r[n + n + n * n] = h2 * (as - aa + div - trH); /* -dC/dt */
  PetscCall(VecRestoreArray(R, &r));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode make_ts(MPI_Comm comm, Vec X, PetscErrorCode (*rhs)(TS, PetscReal, Vec, Vec, void *),
                              likelihood *l, TS *ts)
{
  PetscFunctionBeginUser;
  PetscCall(TSCreate(comm, ts));
  PetscCall(TSSetProblemType(*ts, TS_NONLINEAR));
  PetscCall(TSSetType(*ts, TSRK));
  PetscCall(TSRKSetType(*ts, TSRK5DP));
  PetscCall(TSSetRHSFunction(*ts, NULL, rhs, l));
  PetscCall(TSSetMaxSteps(*ts, 1000000));
  PetscCall(TSSetExactFinalTime(*ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetSolution(*ts, X));
  PetscCall(TSSetFromOptions(*ts)); /* every -ts_* option of PETSc */
  /* a failed step ends the solve with a reason we report (the sample and what to change), not
   * PETSc's internal error */
  PetscCall(TSSetErrorIfStepFails(*ts, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode likelihood_create(const schedule *sched, const likelihood_params *p, score_model *m, likelihood **out)
{
  likelihood *l;
  int rank;

  PetscFunctionBeginUser;
  PetscCheck(p->divergence == DIVERGENCE_EXACT || (p->probes >= 1 && p->probes <= LIKELIHOOD_MAXPROBES), m->comm,
             PETSC_ERR_USER_INPUT, "-probes: %d; need 1 to %d", p->probes, LIKELIHOOD_MAXPROBES);
  PetscCall(PetscNew(&l));
  *out = l;
  l->sched = *sched, l->p = *p, l->m = m;
  l->comm = score_model_field_comm(m);
  l->D = m->shape.dim, l->V = (double)m->shape.stride;
  MPICHECK(MPI_Comm_rank(l->comm, &rank));
  l->owner = rank == 0;
  l->nint = p->divergence == DIVERGENCE_EXACT ? 1 : p->probes;
  PetscCall(PetscMalloc4((size_t)l->D, &l->s, (size_t)l->nint, &l->div, (size_t)(l->nint * l->D), &l->v, (size_t)l->D,
                         &l->end));
  int K = 1;
  if (p->divergence == DIVERGENCE_HUTCHINSON) {
    PetscCall(jet_space_create(p->probes, 1, &l->js1));
    K = l->js1->ncoef;
  }
  if (p->h_correction) {
    PetscCheck(m->shape.dim == m->shape.stride && l->D <= JET_MAXVAR, m->comm, PETSC_ERR_USER_INPUT,
               "-h_correction: needs samples of at most %d values held whole (this one has %lld)", JET_MAXVAR,
               (long long)m->shape.stride);
    PetscCheck(!(p->exact_prior && m->trained), m->comm, PETSC_ERR_SUP,
               "-h_correction with a network's own prior (-base gaussian) is not implemented: use -prior gaussian");
    PetscCall(jet_space_create((int)l->D, 3, &l->js3));
    K = PetscMax(K, l->js3->ncoef);
    PetscCall(PetscCalloc1((size_t)(l->D * l->D), &l->unit));
    for (int64_t j = 0; j < l->D; j++) l->unit[j * l->D + j] = 1;
  }
  PetscCall(PetscMalloc1((size_t)(l->D * K), &l->jet));
  PetscCall(VecCreateMPI(l->comm, (PetscInt)(l->D + (l->owner ? l->nint : 0)), PETSC_DETERMINE, &l->X));
  PetscCall(make_ts(l->comm, l->X, forward_rhs, l, &l->ts));
  if (p->h_correction) {
    PetscCall(VecCreateSeq(PETSC_COMM_SELF, (PetscInt)(2 * l->D + l->D * l->D + 1), &l->Xb));
    PetscCall(make_ts(PETSC_COMM_SELF, l->Xb, backward_rhs, l, &l->tsb));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode likelihood_destroy(likelihood **lp)
{
  likelihood *l = *lp;

  PetscFunctionBeginUser;
  if (!l) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(TSDestroy(&l->ts));
  PetscCall(TSDestroy(&l->tsb));
  PetscCall(VecDestroy(&l->X));
  PetscCall(VecDestroy(&l->Xb));
  PetscCall(PetscFree4(l->s, l->div, l->v, l->end));
  PetscCall(PetscFree(l->jet));
  PetscCall(PetscFree(l->unit));
  PetscCall(jet_space_destroy(&l->js1));
  PetscCall(jet_space_destroy(&l->js3));
  PetscCall(PetscFree(*lp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode solve(likelihood *l, TS ts, double t0, double t1, double tol_scale, double *steps)
{
  TSConvergedReason reason;
  PetscInt n;

  PetscFunctionBeginUser;
  PetscCall(TSSetTime(ts, t0));
  PetscCall(TSSetStepNumber(ts, 0));
  PetscCall(TSSetTimeStep(ts, 1e-3 * (t1 - t0)));
  PetscCall(TSSetMaxTime(ts, t1));
  PetscCall(TSSetTolerances(ts, l->p.atol * tol_scale, NULL, l->p.rtol * tol_scale, NULL));
  PetscCall(TSSolve(ts, NULL));
  PetscCall(TSGetConvergedReason(ts, &reason));
  PetscCheck(reason >= 0, l->m->comm, PETSC_ERR_NOT_CONVERGED,
             "the probability-flow ODE of sample %llu did not converge (%s); loosen -ts_rtol/-ts_atol or raise "
             "-ts_max_steps", (unsigned long long)l->sample, TSConvergedReasons[reason]);
  PetscCall(TSGetStepNumber(ts, &n));
  *steps += (double)n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* log p_T at x and, for h_correction, its gradient and Hessian */
static PetscErrorCode prior(likelihood *l, const double *x, double *lp, double *a, double *H)
{
  const double T = l->p.tmax, f = schedule_f(&l->sched, T), xi = schedule_xi(&l->sched, T);
  const int64_t D = l->D;

  PetscFunctionBeginUser;
  if (l->p.exact_prior) {
    PetscCall(score_model_log_prior(l->m, f, xi, 1, x, lp));
    if (a) { /* the exact prior's score is the model's own */
      const int K = l->js3->ncoef;
      PetscCall(score_model_jet(l->m, T, f, xi, 1, x, l->js3, l->unit, l->jet));
      for (int64_t i = 0; i < D; i++) {
        a[i] = l->jet[i * K];
        for (int64_t j = 0; j < D; j++) H[i * D + j] = jet_d1(l->js3, l->jet + i * K, (int)j);
      }
    }
  } else {
    const double var = f * f * l->m->prior_var + xi;
    double r2 = 0;
    for (int64_t j = 0; j < D; j++) r2 += x[j] * x[j];
    PetscCall(sum_over(l, &r2));
    *lp = -0.5 * r2 / var - 0.5 * l->V * log(2 * PETSC_PI * var);
    if (a)
      for (int64_t i = 0; i < D; i++) {
        a[i] = -x[i] / var;
        for (int64_t j = 0; j < D; j++) H[i * D + j] = i == j ? -1 / var : 0;
      }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the mean of the integrals (one per probe) and the variance of one */
static double probe_mean(const likelihood *l, const double *L, double *var)
{
  double mean = 0;
  for (int k = 0; k < l->nint; k++) mean += L[k] / l->nint;
  *var = 0;
  for (int k = 0; k < l->nint; k++) *var += (L[k] - mean) * (L[k] - mean) / PetscMax(l->nint - 1, 1);
  return mean;
}

/* one solve with the integrals of div F along: from x(eps) = in to tmax,
 * or (generate) from x(tmax) = in back to eps; the end state into l->end,
 * the mean of int_eps^tmax div F dt over the probes returned */
static PetscErrorCode flow(likelihood *l, const double *in, PetscBool generate, double tol_scale, likelihood_result *r,
                           double *mean)
{
  const int64_t D = l->D;
  double *y, L[LIKELIHOOD_MAXPROBES] = {0};

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(l->X, &y));
  for (int64_t j = 0; j < D; j++) y[j] = in[j];
  if (l->owner)
    for (int k = 0; k < l->nint; k++) y[D + k] = 0;
  PetscCall(VecRestoreArray(l->X, &y));
  l->generate = generate;
  const PetscErrorCode err = generate ? solve(l, l->ts, 0, l->p.tmax - l->p.eps, tol_scale, &r->steps)
                                      : solve(l, l->ts, l->p.eps, l->p.tmax, tol_scale, &r->steps);
  l->generate = PETSC_FALSE;
  PetscCall(err);
  PetscCall(VecGetArray(l->X, &y));
  for (int64_t j = 0; j < D; j++) l->end[j] = y[j];
  if (l->owner) /* generating, the solve ran in tau = tmax - t: the integral's sign flips */
    for (int k = 0; k < l->nint; k++) L[k] = generate ? -y[D + k] : y[D + k];
  PetscCall(VecRestoreArray(l->X, &y));
  if (l->comm != PETSC_COMM_SELF) MPICHECK(MPI_Bcast(L, l->nint, MPI_DOUBLE, 0, l->comm));
  *mean = probe_mean(l, L, &r->probe_var);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* x(eps) = x0 forward to tmax, then (h_correction) back with a, H and C:
 * the correction -C to -log q */
static PetscErrorCode solve_sample(likelihood *l, const double *x0, double tol_scale, likelihood_result *r)
{
  const int64_t D = l->D;
  double mean, *y;

  PetscFunctionBeginUser;
  l->left = PETSC_FALSE;
  PetscCall(flow(l, x0, PETSC_FALSE, tol_scale, r, &mean));
  if (l->left) {
    *r = (likelihood_result){.discarded = PETSC_TRUE, .steps = r->steps};
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (!l->p.h_correction) {
    PetscCall(prior(l, l->end, &r->log_prior, NULL, NULL));
    r->logq = r->log_prior + mean;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(VecGetArray(l->Xb, &y));
  for (int64_t j = 0; j < D; j++) y[j] = l->end[j];
  PetscCall(prior(l, l->end, &r->log_prior, y + D, y + 2 * D));
  y[2 * D + D * D] = 0;
  PetscCall(VecRestoreArray(l->Xb, &y));
  r->logq = r->log_prior + mean;
  PetscCall(solve(l, l->tsb, 0, l->p.tmax - l->p.eps, tol_scale, &r->steps));
  PetscCall(VecGetArray(l->Xb, &y));
  r->corr = y[2 * D + D * D]; /* C_tau = -C: the correction to -log q */
  PetscCall(VecRestoreArray(l->Xb, &y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode likelihood_prior_draw(likelihood *l, uint64_t first, uint64_t seed, double *z)
{
  const double T = l->p.tmax, f = schedule_f(&l->sched, T), xi = schedule_xi(&l->sched, T);

  PetscFunctionBeginUser;
  if (l->p.exact_prior) PetscCall(score_model_diffused(l->m, f, xi, 1, first, seed, z));
  else {
    const double sd = sqrt(f * f * l->m->prior_var + xi);
    score_model_white_noise(l->m, seed, 1, first, z);
    for (int64_t j = 0; j < l->D; j++) z[j] *= sd;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* from x(tmax) = z back to eps with the integral of div F along: log q(x)
 * = log p_T(z) + int_eps^tmax div F dt */
PetscErrorCode likelihood_generate(likelihood *l, uint64_t sample, const double *z, double *x, likelihood_result *r)
{
  double mean;

  PetscFunctionBeginUser;
  PetscCheck(!l->p.h_correction, l->m->comm, PETSC_ERR_SUP, "likelihood_generate: no O(h) correction");
  *r = (likelihood_result){0};
  l->sample = sample;
  if (l->p.divergence == DIVERGENCE_HUTCHINSON) draw_probes(l);
  PetscCall(prior(l, z, &r->log_prior, NULL, NULL));
  PetscCall(flow(l, z, PETSC_TRUE, 1, r, &mean));
  PetscCall(PetscArraycpy(x, l->end, l->D));
  r->logq = r->log_prior + mean;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode likelihood_run(likelihood *l, int64_t nb, uint64_t first, const double *x0, likelihood_result *res)
{
  PetscFunctionBeginUser;
  for (int64_t b = 0; b < nb; b++) {
    likelihood_result *r = res + b;
    *r = (likelihood_result){0};
    l->sample = first + (uint64_t)b;
    if (l->p.divergence == DIVERGENCE_HUTCHINSON) draw_probes(l);
    PetscCall(solve_sample(l, x0 + b * l->D, 1, r));
    if (l->p.h_correction && !r->discarded) { /* the numerical error: the same at 10 times the tolerances */
      likelihood_result loose = {0};
      PetscCall(solve_sample(l, x0 + b * l->D, 10, &loose));
      if (loose.discarded) *r = loose;
      else r->corr_err = fabs(r->corr - loose.corr);
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
