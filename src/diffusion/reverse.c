/* reverse.c — reverse-time samplers (reverse.h). */
#include "latdiff/reverse.h"

#include <math.h>

const char *const sampler_names[] = {"em", "pc", "ode", "h", "sampler_kind", "SAMPLER_", NULL};

PetscErrorCode reverse_create(const schedule *sched, const sampler_params *p, score_fn score, void *ctx, int dim,
                              uint64_t seed, reverse_sampler **out)
{
  reverse_sampler *rs;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&rs));
  *rs = (reverse_sampler){.sched = sched, .p = *p, .score = score, .ctx = ctx, .dim = dim, .seed = seed};
  PetscCall(PetscMalloc3(dim, &rs->s, dim, &rs->k1, dim, &rs->xt));
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
  *out = rs;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode reverse_destroy(reverse_sampler **rs)
{
  PetscFunctionBeginUser;
  if (!*rs) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree3((*rs)->s, (*rs)->k1, (*rs)->xt));
  PetscCall(PetscFree5((*rs)->t, (*rs)->f, (*rs)->xi, (*rs)->beta, (*rs)->g2));
  PetscCall(PetscFree(*rs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the score at grid time k */
static PetscErrorCode score_at(reverse_sampler *rs, int k, const double *x, double *s)
{
  return rs->score(rs->ctx, rs->t[k], rs->f[k], rs->xi[k], x, s);
}

/* dx/dtau of the h-interpolation without noise at grid time k, into out */
static PetscErrorCode drift(reverse_sampler *rs, int k, double h, const double *x, double *out)
{
  const double b = rs->beta[k], g2 = rs->g2[k];

  PetscFunctionBeginUser;
  PetscCall(score_at(rs, k, x, rs->s));
  for (int j = 0; j < rs->dim; j++) out[j] = 0.5 * b * x[j] + 0.5 * (1 + h) * g2 * rs->s[j];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static double noise(const reverse_sampler *rs, uint64_t sample, int step, int stream, int j)
{
  rng_key key = {rs->seed, RNG_SAMPLER, (uint64_t)step, (uint64_t)stream};
  return rng_normal(key, sample * (uint64_t)rs->dim + (uint64_t)j);
}

/* one step of the h-interpolation (Euler-Maruyama) or of the ODE (Heun) */
static PetscErrorCode step_one(reverse_sampler *rs, int k, double dt, double h, uint64_t sample, double *x)
{
  const int dim = rs->dim;

  PetscFunctionBeginUser;
  if (rs->p.kind == SAMPLER_ODE) {
    PetscCall(drift(rs, k, 0, x, rs->k1));
    for (int j = 0; j < dim; j++) rs->xt[j] = x[j] + dt * rs->k1[j];
    PetscCall(drift(rs, k + 1, 0, rs->xt, rs->xt));
    for (int j = 0; j < dim; j++) x[j] += 0.5 * dt * (rs->k1[j] + rs->xt[j]);
  } else {
    const double amp = sqrt(h * rs->g2[k] * dt);
    PetscCall(drift(rs, k, h, x, rs->k1));
    for (int j = 0; j < dim; j++) x[j] += dt * rs->k1[j] + (amp > 0 ? amp * noise(rs, sample, k, 0, j) : 0);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode reverse_run(reverse_sampler *rs, MPI_Comm comm, int64_t nb, uint64_t first, double *x)
{
  const int n = rs->p.steps, dim = rs->dim;
  const double dt = (rs->p.tmax - rs->p.eps) / n;
  const double h = rs->p.kind == SAMPLER_H ? rs->p.h : rs->p.kind == SAMPLER_ODE ? 0 : 1;
  double *s_all = NULL;

  PetscFunctionBeginUser;
  if (rs->p.kind == SAMPLER_PC) PetscCall(PetscMalloc1((size_t)PetscMax(nb * dim, 1), &s_all));
  for (int k = 0; k < n; k++) {
    for (int64_t b = 0; b < nb; b++) PetscCall(step_one(rs, k, dt, h, first + (uint64_t)b, x + b * dim));
    if (rs->p.kind != SAMPLER_PC) continue;
    /* Langevin corrector at the new time, step from ensemble-wide norms */
    double sums[2] = {0, (double)(nb * dim)};
    for (int64_t b = 0; b < nb; b++) {
      PetscCall(score_at(rs, k + 1, x + b * dim, s_all + b * dim));
      for (int j = 0; j < dim; j++) sums[0] += s_all[b * dim + j] * s_all[b * dim + j];
    }
    MPICHECK(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm));
    const double e = sums[0] > 0 ? 2 * rs->p.snr * rs->p.snr * sums[1] / sums[0] : 0;
    for (int64_t b = 0; b < nb; b++)
      for (int j = 0; j < dim; j++)
        x[b * dim + j] += e * s_all[b * dim + j] + sqrt(2 * e) * noise(rs, first + (uint64_t)b, k, 1, j);
  }
  if (rs->p.denoise)
    for (int64_t b = 0; b < nb; b++) {
      PetscCall(score_at(rs, n, x + b * dim, rs->s));
      for (int j = 0; j < dim; j++) x[b * dim + j] = (x[b * dim + j] + rs->xi[n] * rs->s[j]) / rs->f[n];
    }
  PetscCall(PetscFree(s_all));
  PetscFunctionReturn(PETSC_SUCCESS);
}
