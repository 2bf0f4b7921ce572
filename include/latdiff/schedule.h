/* schedule.h — noise schedules of the forward diffusion SDE
 *   dx = -(1/2) beta(t) x dt + g(t) dw,   0 <= t <= 1,
 * with their exact transition kernel x_t = f(t) x_0 + sqrt(Xi(t)) eta:
 *   ve      g = sigma^t, no drift: f = 1, Xi = (sigma^{2t} - 1) / (2 ln sigma)
 *   vp      beta(t) = beta_min + t (beta_max - beta_min), g^2 = beta:
 *           f = exp(-(1/2) int_0^t beta), Xi = 1 - f^2
 *   cosine  alphabar(t) = cos^2(pi/2 (t+s)/(1+s)) / cos^2(pi/2 s/(1+s)),
 *           s = 0.008 (Nichol & Dhariwal; s = 0 is f = cos(pi t / 2) of
 *           Hirono et al.'s code): f = sqrt(alphabar), Xi = 1 - f^2
 * f and Xi are the quantities of the cumulant laws
 *   kappa_n(t) = kappa_n(0) f^n (n > 2), kappa_2(t) = kappa_2(0) f^2 + Xi.
 * Nothing here is collective. */
#ifndef LATDIFF_SCHEDULE_H
#define LATDIFF_SCHEDULE_H

#include "latdiff/base.h"

typedef enum { SCHEDULE_VE = 0, SCHEDULE_VP = 1, SCHEDULE_COSINE = 2 } schedule_kind;
extern const char *const schedule_names[]; /* for PetscOptionsEnum */

typedef struct {
  schedule_kind kind;
  double sigma;              /* ve */
  double beta_min, beta_max; /* vp */
  double cosine_s;           /* cosine */
} schedule;

/* the defaults of every verb */
#define SCHEDULE_DEFAULT ((schedule){SCHEDULE_VE, 25.0, 0.1, 20.0, 0.008})

PetscErrorCode schedule_check(MPI_Comm comm, const schedule *s);
/* The schedule called `name` (as stored in files) with its parameters. */
PetscErrorCode schedule_from_name(MPI_Comm comm, const char *name, double sigma, double beta_min, double beta_max,
                                  double cosine_s, schedule *s);
double schedule_f(const schedule *s, double t);    /* mean coefficient f(t, 0) */
double schedule_xi(const schedule *s, double t);   /* noise variance Xi(t) */
double schedule_g2(const schedule *s, double t);   /* g(t)^2 */
double schedule_beta(const schedule *s, double t); /* drift: -(1/2) beta(t) x */

#endif
