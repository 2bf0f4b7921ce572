/* reverse.c — reverse-time samplers (reverse.h). */
#include "latdiff/profile.h"
#include "latdiff/reverse.h"

#include <math.h>
#include <petscts.h>

const char *const sampler_names[] = {"em", "pc", "ode", "h", "exact", "sampler_kind", "SAMPLER_", NULL};

PetscErrorCode reverse_create(const schedule *sched, const sampler_params *p, score_model *model, uint64_t seed,
                              reverse_sampler **out)
{
  reverse_sampler *rs;
  const reverse_shape shape = model->shape;
  const size_t work = (size_t)PetscMax(shape.batch * shape.dim, 1);

  PetscFunctionBeginUser;
  PetscCheck(!p->denoise_draw || model->ops.posterior_color, model->comm, PETSC_ERR_USER_INPUT,
             "-denoise_draw: the %s score has no Gaussian posterior of x_0 given x_t to draw from (the free field "
             "and networks trained with -base gaussian have one)",
             model->type);
  PetscCall(PetscNew(&rs));
  *rs = (reverse_sampler){.sched = sched, .p = *p, .model = model, .shape = shape, .seed = seed};
  PetscCall(PetscMalloc3(work, &rs->s, work, &rs->k1, work, &rs->xt));
  if (p->mh_t > 0) {
    const size_t nb = (size_t)PetscMax(shape.batch, 1);
    PetscCall(PetscMalloc5(work, &rs->psi, work, &rs->d_psi, nb, &rs->S_x, nb, &rs->S_psi, nb, &rs->logq));
  }
  const int n = p->steps;
  PetscCall(PetscMalloc5(n + 1, &rs->t, n + 1, &rs->f, n + 1, &rs->xi, n + 1, &rs->beta, n + 1, &rs->g2));
  for (int k = 0; k <= n; k++) {
    const double t = k == n ? p->eps : p->tmax - k * (p->tmax - p->eps) / n;
    rs->t[k] = t;
    rs->f[k] = schedule_f(sched, t);
    rs->xi[k] = schedule_xi(sched, t);
    rs->beta[k] = schedule_beta(sched, t);
    rs->g2[k] = schedule_g2(sched, t);
  }
  if (p->kind == SAMPLER_ODE && !p->ode_fixed) { /* read the -ts_* options now, so a typo is an error before the work */
    TS ts;
    PetscCall(TSCreate(PETSC_COMM_SELF, &ts));
    PetscCall(TSSetType(ts, TSRK));
    PetscCall(TSSetFromOptions(ts));
    PetscCall(TSDestroy(&ts));
  }
  /* Euler steps of the drift (1/2) beta x + ... are stable only while
   * beta dt stays O(1): refuse a grid that would blow up (the adaptive
   * ode chooses its own steps) */
  if (!(p->kind == SAMPLER_ODE && !p->ode_fixed) && p->kind != SAMPLER_EXACT) {
    const double dt = (p->tmax - p->eps) / n;
    double bmax = 0;
    for (int k = 0; k <= n; k++) bmax = PetscMax(bmax, rs->beta[k]);
    if (!(bmax * dt <= 1)) {
      const double need = ceil(bmax * (p->tmax - p->eps));
      PetscCall(reverse_destroy(&rs));
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
              "-steps %d: beta(t) reaches %g, so a reverse step of %g is unstable (beta dt = %g > 1); use -steps %.0f or "
              "more, a gentler schedule, or -sampler ode",
              n, bmax, dt, bmax * dt, need);
    }
  }
  *out = rs;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode reverse_destroy(reverse_sampler **rs)
{
  PetscFunctionBeginUser;
  if (!*rs) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree3((*rs)->s, (*rs)->k1, (*rs)->xt));
  if ((*rs)->psi) PetscCall(PetscFree5((*rs)->psi, (*rs)->d_psi, (*rs)->S_x, (*rs)->S_psi, (*rs)->logq));
  PetscCall(PetscFree5((*rs)->t, (*rs)->f, (*rs)->xi, (*rs)->beta, (*rs)->g2));
  PetscCall(PetscFree2((*rs)->rec_t, (*rs)->rec_k));
  PetscCall(PetscFree(*rs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode reverse_acceptance(reverse_sampler *rs, MPI_Comm comm, double *rate, double *proposed)
{
  double c[2] = {rs->mh_accepted, rs->mh_proposed};

  PetscFunctionBeginUser;
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, c, 2, MPI_DOUBLE, MPI_SUM, comm));
  *rate = c[1] > 0 ? c[0] / c[1] : NAN;
  *proposed = c[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the score of the batch at grid time k */
static PetscErrorCode score_at(reverse_sampler *rs, int k, int64_t nb, const double *x, double *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(EV_SAMPLER_SCORE[rs->p.kind], 0, 0, 0, 0));
  PetscCall(score_model_apply(rs->model, rs->t[k], rs->f[k], rs->xi[k], nb, x, s));
  PetscCall(PetscLogEventEnd(EV_SAMPLER_SCORE[rs->p.kind], 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dx/dtau of the h-interpolation without noise at grid time k, into out */
static PetscErrorCode drift(reverse_sampler *rs, int k, double h, int64_t nb, const double *x, double *out)
{
  const double b = rs->beta[k], g2 = rs->g2[k];

  PetscFunctionBeginUser;
  PetscCall(score_at(rs, k, nb, x, rs->s));
  for (int64_t j = 0; j < nb * rs->shape.dim; j++) out[j] = 0.5 * b * x[j] + 0.5 * (1 + h) * g2 * rs->s[j];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the Gaussian for value j of sample `sample` at a step; stream 0 the
 * SDE step, 1 the corrector, 2 -denoise_draw */
static double noise(const reverse_sampler *rs, uint64_t sample, int step, int stream, int64_t j)
{
  rng_key key = {rs->seed, RNG_SAMPLER, (uint64_t)step, (uint64_t)stream};
  return rng_normal(key, sample * (uint64_t)rs->shape.stride + (uint64_t)(rs->shape.offset + j));
}

/* one step of the h-interpolation (Euler-Maruyama) or of the ODE (Heun) */
static PetscErrorCode step_batch(reverse_sampler *rs, int k, double dt, double h, int64_t nb, uint64_t first, double *x)
{
  const int64_t dim = rs->shape.dim, n = nb * dim;

  PetscFunctionBeginUser;
  if (rs->p.kind == SAMPLER_ODE) {
    PetscCall(drift(rs, k, 0, nb, x, rs->k1));
    for (int64_t j = 0; j < n; j++) rs->xt[j] = x[j] + dt * rs->k1[j];
    PetscCall(drift(rs, k + 1, 0, nb, rs->xt, rs->xt));
    for (int64_t j = 0; j < n; j++) x[j] += 0.5 * dt * (rs->k1[j] + rs->xt[j]);
  } else {
    const double amp = sqrt(h * rs->g2[k] * dt);
    PetscCall(drift(rs, k, h, nb, x, rs->k1));
    for (int64_t b = 0; b < nb; b++)
      for (int64_t j = 0; j < dim; j++)
        x[b * dim + j] += dt * rs->k1[b * dim + j] + (amp > 0 ? amp * noise(rs, first + (uint64_t)b, k, 0, j) : 0);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A Metropolis-corrected step at grid time k: the Euler-Maruyama step of
 * the h-interpolation proposes psi; accept per sample (reverse.h). */
static PetscErrorCode metropolis_step(reverse_sampler *rs, MPI_Comm comm, int k, double dt, double h, int64_t nb,
                                      uint64_t first, double *x)
{
  const int64_t dim = rs->shape.dim;
  const double v = h * rs->g2[k] * dt, amp = sqrt(v);
  const PetscBool spread = rs->shape.dim != rs->shape.stride;

  PetscFunctionBeginUser;
  PetscCall(drift(rs, k, h, nb, x, rs->k1));
  for (int64_t b = 0; b < nb; b++)
    for (int64_t j = 0; j < dim; j++)
      rs->psi[b * dim + j] = x[b * dim + j] + dt * rs->k1[b * dim + j] + amp * noise(rs, first + (uint64_t)b, k, 0, j);
  PetscCall(drift(rs, k, h, nb, rs->psi, rs->d_psi));
  PetscCall(score_model_action(rs->model, nb, x, rs->S_x));
  PetscCall(score_model_action(rs->model, nb, rs->psi, rs->S_psi));
  /* log q(psi|x) - log q(x|psi), this rank's part */
  for (int64_t b = 0; b < nb; b++) {
    double sum = 0;
    for (int64_t j = 0; j < dim; j++) {
      const int64_t i = b * dim + j;
      const double back = x[i] - rs->psi[i] - dt * rs->d_psi[i], fwd = rs->psi[i] - x[i] - dt * rs->k1[i];
      sum += (back * back - fwd * fwd) / (2 * v);
    }
    rs->logq[b] = sum;
  }
  if (spread) MPICHECK(MPI_Allreduce(MPI_IN_PLACE, rs->logq, (int)nb, MPI_DOUBLE, MPI_SUM, comm));
  for (int64_t b = 0; b < nb; b++) {
    const double dH = rs->S_psi[b] - rs->S_x[b] + rs->logq[b];
    /* dH is the same on every rank holding the sample, u comes from the key */
    const int accept = rng_uniform((rng_key){rs->seed, RNG_ACCEPT, (uint64_t)k, 0}, first + (uint64_t)b) < exp(-dH);
    if (accept) PetscCall(PetscArraycpy(x + b * dim, rs->psi + b * dim, dim));
    if (rs->shape.offset == 0) { /* count each sample once */
      rs->mh_proposed += 1;
      rs->mh_accepted += accept;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Langevin corrector at grid time k, step from ensemble-wide norms */
static PetscErrorCode correct(reverse_sampler *rs, MPI_Comm comm, int k, int64_t nb, uint64_t first, double *x)
{
  const int64_t dim = rs->shape.dim;
  double sums[2] = {0, (double)(nb * dim)};

  PetscFunctionBeginUser;
  PetscCall(score_at(rs, k, nb, x, rs->s));
  for (int64_t j = 0; j < nb * dim; j++) sums[0] += rs->s[j] * rs->s[j];
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm));
  const double e = sums[0] > 0 ? 2 * rs->p.snr * rs->p.snr * sums[1] / sums[0] : 0;
  for (int64_t b = 0; b < nb; b++)
    for (int64_t j = 0; j < dim; j++)
      x[b * dim + j] += e * rs->s[b * dim + j] + sqrt(2 * e) * noise(rs, first + (uint64_t)b, k, 1, j);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the probability-flow ODE in reverse time tau = tmax - t, for TS */
typedef struct {
  reverse_sampler *rs;
  int64_t nb;
} ode_ctx;

static PetscErrorCode ode_rhs(TS ts, PetscReal tau, Vec X, Vec F, void *ptr)
{
  ode_ctx *c = ptr;
  reverse_sampler *rs = c->rs;
  const double t = rs->p.tmax - tau;
  const double f = schedule_f(rs->sched, t), xi = schedule_xi(rs->sched, t);
  const double b = schedule_beta(rs->sched, t), g2 = schedule_g2(rs->sched, t);
  const PetscScalar *x;
  PetscScalar *out;
  PetscInt n;

  PetscFunctionBeginUser;
  (void)ts;
  PetscCall(VecGetLocalSize(X, &n));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(F, &out));
  PetscCall(PetscLogEventBegin(EV_SAMPLER_SCORE[SAMPLER_ODE], 0, 0, 0, 0));
  PetscCall(score_model_apply(rs->model, t, f, xi, c->nb, x, out));
  PetscCall(PetscLogEventEnd(EV_SAMPLER_SCORE[SAMPLER_ODE], 0, 0, 0, 0));
  for (PetscInt j = 0; j < n; j++) out[j] = 0.5 * b * x[j] + 0.5 * g2 * out[j];
  PetscCall(VecRestoreArray(F, &out));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* one solve from tmax to eps, stopped at each record time (latest first)
 * to hand out the state of the nb samples x (X's array) */
/* TSSolve, and a failed solve reported with the sample it belongs to */
static PetscErrorCode ode_advance(TS ts, Vec X, uint64_t first)
{
  TSConvergedReason reason;

  PetscFunctionBeginUser;
  PetscCall(TSSolve(ts, X));
  PetscCall(TSGetConvergedReason(ts, &reason));
  PetscCheck(reason >= 0, PetscObjectComm((PetscObject)ts), PETSC_ERR_NOT_CONVERGED,
             "the reverse process diverged: sample %llu, its probability-flow ODE did not converge (%s); loosen "
             "-ts_rtol/-ts_atol or raise -ts_max_steps; nothing was written",
             (unsigned long long)first, TSConvergedReasons[reason]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ode_solve(reverse_sampler *rs, TS ts, Vec X, uint64_t first, int64_t nb, const double *x)
{
  PetscInt steps;

  PetscFunctionBeginUser;
  PetscCall(TSSetTime(ts, 0));
  PetscCall(TSSetStepNumber(ts, 0));
  PetscCall(TSSetTimeStep(ts, (rs->p.tmax - rs->p.eps) / rs->p.steps));
  for (int i = rs->nrec - 1; i >= 0; i--) {
    const double tau = rs->p.tmax - rs->rec_t[i];
    if (tau > 0) {
      PetscCall(TSSetMaxTime(ts, tau));
      PetscCall(ode_advance(ts, X, first));
    }
    PetscCall(rs->rec_fn(rs->rec_ctx, i, rs->rec_t[i], first, nb, x));
  }
  PetscCall(TSSetMaxTime(ts, rs->p.tmax - rs->p.eps));
  PetscCall(ode_advance(ts, X, first));
  if (rs->rec_fn) PetscCall(rs->rec_fn(rs->rec_ctx, rs->nrec, rs->p.eps, first, nb, x));
  PetscCall(TSGetStepNumber(ts, &steps));
  rs->ode_steps += (double)steps;
  rs->ode_solves += 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Dormand-Prince 5(4) with PETSc's adaptive step control. Each sample is
 * solved alone (a spread one as a distributed vector), so its steps depend
 * neither on the other samples of its batch nor on how it is split: the
 * same configurations on any process grid. */
static PetscErrorCode ode_adaptive(reverse_sampler *rs, MPI_Comm comm, int64_t nb, uint64_t first, double *x)
{
  const int64_t dim = rs->shape.dim;
  const PetscBool spread = rs->shape.dim != rs->shape.stride;
  const MPI_Comm c = spread ? comm : PETSC_COMM_SELF;
  ode_ctx ctx = {rs, 1};
  TS ts;
  Vec X;

  PetscFunctionBeginUser;
  PetscCall(TSCreate(c, &ts));
  PetscCall(TSSetProblemType(ts, TS_NONLINEAR));
  PetscCall(TSSetType(ts, TSRK));
  PetscCall(TSRKSetType(ts, TSRK5DP));
  PetscCall(TSSetRHSFunction(ts, NULL, ode_rhs, &ctx));
  PetscCall(TSSetMaxTime(ts, rs->p.tmax - rs->p.eps));
  PetscCall(TSSetMaxSteps(ts, 1000000));
  PetscCall(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetTolerances(ts, rs->p.atol, NULL, rs->p.rtol, NULL));
  PetscCall(TSSetFromOptions(ts)); /* every -ts_* option of PETSc */
  /* a failed step ends the solve with a reason we report (the sample and what to change), not
   * PETSc's internal error */
  PetscCall(TSSetErrorIfStepFails(ts, PETSC_FALSE));
  if (spread) PetscCall(VecCreateMPIWithArray(c, 1, (PetscInt)dim, PETSC_DECIDE, NULL, &X));
  else PetscCall(VecCreateSeqWithArray(c, 1, (PetscInt)dim, NULL, &X));
  for (int64_t b = 0; b < nb; b++) {
    PetscCall(VecPlaceArray(X, x + b * dim));
    PetscCall(ode_solve(rs, ts, X, first + (uint64_t)b, 1, x + b * dim));
    PetscCall(VecResetArray(X));
  }
  PetscCall(VecDestroy(&X));
  PetscCall(TSDestroy(&ts));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode reverse_ode_steps(reverse_sampler *rs, MPI_Comm comm, double *mean)
{
  double c[2] = {rs->ode_steps, rs->ode_solves};

  PetscFunctionBeginUser;
  if (rs->shape.offset != 0) c[0] = c[1] = 0; /* a spread batch counts once */
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, c, 2, MPI_DOUBLE, MPI_SUM, comm));
  *mean = c[1] > 0 ? c[0] / c[1] : NAN;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode reverse_set_record(reverse_sampler *rs, int n, const double *times, reverse_record_fn fn, void *ctx)
{
  const int steps = rs->p.steps;
  const double dt = (rs->p.tmax - rs->p.eps) / steps;
  const PetscBool adaptive = rs->p.kind == SAMPLER_ODE && !rs->p.ode_fixed;

  PetscFunctionBeginUser;
  PetscCall(PetscFree2(rs->rec_t, rs->rec_k));
  PetscCall(PetscMalloc2((size_t)n, &rs->rec_t, (size_t)n, &rs->rec_k));
  for (int i = 0; i < n; i++) {
    PetscCheck(times[i] >= rs->p.eps && times[i] <= rs->p.tmax && (i == 0 || times[i] > times[i - 1]),
               PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "record time %g: need increasing times in [eps, tmax]",
               times[i]);
    /* the first grid time t_k = tmax - k dt at or below times[i] */
    int k = (int)ceil((rs->p.tmax - times[i]) / dt - 1e-9);
    k = PetscMax(0, PetscMin(steps, k));
    rs->rec_k[i] = k;
    rs->rec_t[i] = adaptive ? times[i] : rs->t[k];
  }
  rs->nrec = n, rs->rec_fn = fn, rs->rec_ctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode reverse_run(reverse_sampler *rs, MPI_Comm comm, int64_t nb, uint64_t first, double *x)
{
  const int n = rs->p.steps;
  const int64_t dim = rs->shape.dim;
  const double dt = (rs->p.tmax - rs->p.eps) / n;
  const double h = rs->p.kind == SAMPLER_H ? rs->p.h : rs->p.kind == SAMPLER_ODE ? 0 : 1;

  PetscFunctionBeginUser;
  PetscCheck(nb <= rs->shape.batch, comm, PETSC_ERR_ARG_OUTOFRANGE, "reverse_run: %lld samples, batch %lld",
             (long long)nb, (long long)rs->shape.batch);
  PetscCheck(rs->p.mh_t <= 0 || h > 0, comm, PETSC_ERR_ARG_WRONG, "the Metropolis window needs a stochastic sampler");
  if (rs->p.kind == SAMPLER_EXACT) PetscFunctionReturn(PETSC_SUCCESS); /* x holds exact samples already */
  const PetscBool adaptive = rs->p.kind == SAMPLER_ODE && !rs->p.ode_fixed;
  if (adaptive) PetscCall(ode_adaptive(rs, comm, nb, first, x));
  for (int i = rs->nrec - 1; i >= 0 && !adaptive; i--)
    if (rs->rec_k[i] == 0) PetscCall(rs->rec_fn(rs->rec_ctx, i, rs->rec_t[i], first, nb, x));
  for (int k = 0; k < n && !adaptive; k++) {
    if (rs->t[k] < rs->p.mh_t) PetscCall(metropolis_step(rs, comm, k, dt, h, nb, first, x));
    else PetscCall(step_batch(rs, k, dt, h, nb, first, x));
    if (rs->p.kind == SAMPLER_PC) PetscCall(correct(rs, comm, k + 1, nb, first, x));
    for (int i = rs->nrec - 1; i >= 0; i--)
      if (rs->rec_k[i] == k + 1) PetscCall(rs->rec_fn(rs->rec_ctx, i, rs->rec_t[i], first, nb, x));
  }
  if (rs->rec_fn && !adaptive) PetscCall(rs->rec_fn(rs->rec_ctx, rs->nrec, rs->t[n], first, nb, x));
  if (rs->p.denoise) {
    PetscCall(score_at(rs, n, nb, x, rs->s));
    for (int64_t j = 0; j < nb * dim; j++) x[j] = (x[j] + rs->xi[n] * rs->s[j]) / rs->f[n];
  }
  if (rs->p.denoise_draw) { /* the posterior's spread about that mean, on stream 2 of step n */
    for (int64_t b = 0; b < nb; b++)
      for (int64_t j = 0; j < dim; j++) rs->k1[b * dim + j] = noise(rs, first + (uint64_t)b, n, 2, j);
    PetscCall(score_model_posterior_color(rs->model, rs->f[n], rs->xi[n], nb, rs->k1));
    for (int64_t j = 0; j < nb * dim; j++) x[j] += rs->k1[j];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
