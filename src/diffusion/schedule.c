/* schedule.c — noise schedules and their exact kernels (schedule.h). */
#include "latdiff/schedule.h"

#include <math.h>

const char *const schedule_names[] = {"ve", "vp", "cosine", "schedule_kind", "SCHEDULE_", NULL};

PetscErrorCode schedule_check(MPI_Comm comm, const schedule *s)
{
  PetscFunctionBeginUser;
  if (s->kind == SCHEDULE_VE)
    PetscCheck(s->sigma > 1 && isfinite(s->sigma), comm, PETSC_ERR_USER_INPUT,
               "-sigma: %g; the variance-expanding schedule needs sigma > 1", s->sigma);
  if (s->kind == SCHEDULE_VP)
    PetscCheck(s->beta_min >= 0 && s->beta_max >= s->beta_min && s->beta_max > 0 && isfinite(s->beta_max), comm,
               PETSC_ERR_USER_INPUT, "-beta_min %g -beta_max %g: need 0 <= beta_min <= beta_max, beta_max > 0",
               s->beta_min, s->beta_max);
  if (s->kind == SCHEDULE_COSINE)
    PetscCheck(s->cosine_s >= 0 && s->cosine_s < 1, comm, PETSC_ERR_USER_INPUT,
               "-cosine_s: %g; the cosine schedule's offset must be in [0, 1)", s->cosine_s);
  /* the kernel at t = 1 in double precision: sigma^2 must not overflow */
  PetscCheck(s->kind != SCHEDULE_VE || (isfinite(schedule_xi(s, 1)) && isfinite(schedule_g2(s, 1))), comm,
             PETSC_ERR_USER_INPUT, "-sigma: %g is too large: sigma^2 overflows a double", s->sigma);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode schedule_from_name(MPI_Comm comm, const char *name, double sigma, double beta_min, double beta_max,
                                  double cosine_s, schedule *s)
{
  PetscFunctionBeginUser;
  for (int k = 0; k <= SCHEDULE_COSINE; k++)
    if (!strcmp(name, schedule_names[k])) {
      *s = (schedule){(schedule_kind)k, sigma, beta_min, beta_max, cosine_s};
      PetscCall(schedule_check(comm, s));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED, "schedule '%s' is not one of ve, vp or cosine", name);
}

static double cosine_alphabar(const schedule *s, double t)
{
  const double c = s->cosine_s, a = cos(0.5 * PETSC_PI * (t + c) / (1 + c)), a0 = cos(0.5 * PETSC_PI * c / (1 + c));
  return (a * a) / (a0 * a0);
}

double schedule_f(const schedule *s, double t)
{
  switch (s->kind) {
  case SCHEDULE_VE: return 1.0;
  case SCHEDULE_VP: return exp(-0.5 * (s->beta_min * t + 0.5 * (s->beta_max - s->beta_min) * t * t));
  default: return sqrt(PetscMax(cosine_alphabar(s, t), 0.0));
  }
}

double schedule_xi(const schedule *s, double t)
{
  if (s->kind == SCHEDULE_VE) return (pow(s->sigma, 2 * t) - 1) / (2 * log(s->sigma));
  const double f = schedule_f(s, t);
  return 1 - f * f;
}

double schedule_beta(const schedule *s, double t)
{
  switch (s->kind) {
  case SCHEDULE_VE: return 0.0;
  case SCHEDULE_VP: return s->beta_min + t * (s->beta_max - s->beta_min);
  default: /* -d ln alphabar / dt; diverges at t = 1 */
    return PETSC_PI / (1 + s->cosine_s) * tan(0.5 * PETSC_PI * (t + s->cosine_s) / (1 + s->cosine_s));
  }
}

double schedule_g2(const schedule *s, double t)
{
  if (s->kind == SCHEDULE_VE) return pow(s->sigma, 2 * t);
  return schedule_beta(s, t);
}
