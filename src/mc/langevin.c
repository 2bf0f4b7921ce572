/* langevin.c — Langevin updates of phi^4 (langevin.h). */
#include "latdiff/langevin.h"
#include "latdiff/profile.h"
#include "latdiff/rng.h"

#include <math.h>

const char *const langevin_scheme_names[] = {"euler", "heun", "mala", "langevin_scheme", "LANGEVIN_", NULL};

PetscErrorCode langevin_create(const lattice *lat, phi4 *theory, langevin_scheme scheme, double step, uint64_t seed,
                               langevin **out)
{
  langevin *s;

  PetscFunctionBeginUser;
  PetscCheck(step > 0 && isfinite(step), lat->world, PETSC_ERR_USER_INPUT, "-step: %g; the Langevin step must be positive",
             step);
  PetscCall(PetscNew(&s));
  *s = (langevin){.lat = lat, .theory = theory, .scheme = scheme, .step = step, .seed = seed};
  PetscCall(PetscCalloc1(lattice_field_size(lat), &s->phi));
  PetscCall(PetscCalloc1(lattice_field_size(lat), &s->prop));
  PetscCall(PetscCalloc3(lat->V, &s->force, lat->V, &s->force_prop, lat->V, &s->z));
  PetscCall(halo_create(lat, s->phi, &s->h));
  PetscCall(halo_create(lat, s->prop, &s->hprop));
  *out = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode langevin_destroy(langevin **sp)
{
  langevin *s = *sp;

  PetscFunctionBeginUser;
  if (!s) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(halo_destroy(&s->h));
  PetscCall(halo_destroy(&s->hprop));
  PetscCall(PetscFree(s->phi));
  PetscCall(PetscFree(s->prop));
  PetscCall(PetscFree3(s->force, s->force_prop, s->z));
  PetscCall(PetscFree(*sp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* out = F(field), field's halo object h */
static PetscErrorCode force(langevin *s, halo *h, const double *field, double *out)
{
  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(out, s->lat->V));
  PetscCall(phi4_force_add(s->theory, h, field, 1.0, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode langevin_prepare(langevin *s)
{
  PetscFunctionBeginUser;
  PetscCall(force(s, s->h, s->phi, s->force));
  if (s->scheme == LANGEVIN_MALA) PetscCall(phi4_action(s->theory, s->h, s->phi, &s->S));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* prop = phi + e F(phi) + sqrt(2e) z */
static void euler_step(langevin *s)
{
  const double e = s->step, a = sqrt(2 * e);
  for (int64_t i = 0; i < s->lat->V; i++) s->prop[i] = s->phi[i] + e * s->force[i] + a * s->z[i];
}

/* -log q(to | from) up to a constant: |to - from - e F(from)|^2 / 4e */
static PetscErrorCode log_proposal(langevin *s, const double *to, const double *from, const double *f_from, double *out)
{
  double sum = 0;

  PetscFunctionBeginUser;
  for (int64_t i = 0; i < s->lat->V; i++) {
    const double r = to[i] - from[i] - s->step * f_from[i];
    sum += r * r;
  }
  PetscCall(lattice_sum(s->lat, sum / (4 * s->step), out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode langevin_update(langevin *s, uint64_t step, markov_result *res)
{
  const lattice *lat = s->lat;
  const double e = s->step;

  PetscFunctionBeginUser;
  rng_field_normal(lat, (rng_key){s->seed, RNG_LANGEVIN, step, (uint64_t)lat->replica}, s->z);
  PetscCall(PetscLogEventBegin(EV_UPDATE, 0, 0, 0, 0));
  euler_step(s);
  PetscCall(PetscLogEventEnd(EV_UPDATE, 0, 0, 0, 0));
  *res = (markov_result){0, 1};
  switch (s->scheme) {
  case LANGEVIN_EULER:
    PetscCall(PetscArraycpy(s->phi, s->prop, lat->V));
    break;
  case LANGEVIN_HEUN: {
    /* prop is the predictor; phi' = prop + e/2 [F(prop) - F(phi)] */
    PetscCall(force(s, s->hprop, s->prop, s->force_prop));
    for (int64_t i = 0; i < lat->V; i++) s->phi[i] = s->prop[i] + 0.5 * e * (s->force_prop[i] - s->force[i]);
    break;
  }
  case LANGEVIN_MALA: {
    double Sp, back, fwd;
    PetscCall(force(s, s->hprop, s->prop, s->force_prop));
    PetscCall(phi4_action(s->theory, s->hprop, s->prop, &Sp));
    PetscCall(log_proposal(s, s->phi, s->prop, s->force_prop, &back));
    PetscCall(log_proposal(s, s->prop, s->phi, s->force, &fwd));
    res->dH = Sp - s->S + back - fwd;
    /* dH is the same on every rank of the replica (Allreduce), u comes
     * from the key: one decision without another message */
    res->accepted = rng_uniform((rng_key){s->seed, RNG_ACCEPT, step, (uint64_t)lat->replica}, 0) < exp(-res->dH);
    if (res->accepted) {
      PetscCall(PetscArraycpy(s->phi, s->prop, lat->V));
      PetscCall(PetscArraycpy(s->force, s->force_prop, lat->V));
      s->S = Sp;
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  }
  PetscCall(force(s, s->h, s->phi, s->force));
  PetscFunctionReturn(PETSC_SUCCESS);
}

double langevin_free_propagator(langevin_scheme scheme, double step, double G)
{
  /* one mode of the free field: phi' = a phi + b sqrt(2e) z with x = e K,
   * euler a = 1 - x, b = 1; heun a = 1 - x + x^2/2, b = 1 - x/2;
   * the stationary variance is 2 e b^2 / (1 - a^2) */
  const double x = step / G;
  switch (scheme) {
  case LANGEVIN_EULER:
    return G / (1 - x / 2);
  case LANGEVIN_HEUN:
    return G * (1 - x + x * x / 4) / (1 - x + x * x / 2 - x * x * x / 8);
  default:
    return G;
  }
}
