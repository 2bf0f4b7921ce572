/* hmc_tune.c — the mass and step count `latdiff hmc` settles during
 * thermalisation and freezes (hmc_tune.h). */
#include "hmc_tune.h"
#include "latdiff/gauss_base.h"

#include <limits.h>
#include <math.h>

const char *const hmc_mass_names[] = {"identity", "fourier", "hmc_mass_kind", "HMC_MASS_", NULL};
const char *const hmc_propagator_names[] = {"measured", "free", "file", "hmc_propagator_kind", "HMC_PROPAGATOR_", NULL};

#define TUNE_WINDOW 20

static PetscBool measures(const hmc_tune *t)
{
  return t->o.mass == HMC_MASS_FOURIER && t->o.propagator == HMC_PROPAGATOR_MEASURED;
}

/* the trajectories whose spectrum is measured: [therm/4, therm/2); the mass is frozen after them */
static int64_t measure_from(const hmc_tune *t) { return t->o.therm / 4; }
static int64_t freeze_at(const hmc_tune *t) { return t->o.therm / 2; }

/* the trajectories' spectra the pooled G averages: every replica's */
static double measured_count(const hmc_tune *t)
{
  return (double)(freeze_at(t) - measure_from(t)) * t->s->lat->nreplicas;
}

/* G(p) = 1 / (phat^2 + m2) on this rank's modes */
static void free_propagator(hmc_tune *t)
{
  const lattice *lat = t->s->lat;
  for (int64_t j = 0; j < t->nk; j++) {
    double p2 = 0;
    for (int64_t r = t->k0 + j, mu = lat->d - 1; mu >= 0; mu--) {
      const double s = sin(PETSC_PI * (double)(r % lat->L[mu]) / lat->L[mu]);
      p2 += 4 * s * s, r /= lat->L[mu];
    }
    t->G[j] = 1 / (p2 + t->o.m2);
  }
}

/* the spectrum of every replica pooled into G, smoothed by the Gaussian
 * base's fit (kept as measured where the fit is not positive everywhere;
 * a measured G of zero at some mode is refused by hmc_set_mass) */
static PetscErrorCode freeze(hmc_tune *t, double count)
{
  const lattice *lat = t->s->lat;
  gauss_base *gb;
  double *whole;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1((size_t)lat->Vglobal, &whole));
  for (int64_t j = 0; j < t->nk; j++) whole[t->k0 + j] = t->power[j] / (count * (double)lat->Vglobal);
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, whole, (int)lat->Vglobal, MPI_DOUBLE, MPI_SUM, lat->world));
  PetscCall(gauss_base_create_on(lat->comm, lat->d, lat->L, &gb));
  PetscCall(gauss_base_set(gb, whole));
  double chi2_dof; /* without independent configurations to count: not a test */
  PetscCall(gauss_base_fit_or_keep(gb, &t->fit_terms, &chi2_dof));
  for (int64_t j = 0; j < t->nk; j++) t->G[j] = gb->G[t->k0 + j];
  PetscCall(gauss_base_destroy(&gb));
  PetscCall(PetscFree(whole));
  PetscCall(hmc_set_mass(t->s, t->G));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -mass_propagator FILE: the spectrum of up to 1000 of its configurations
 * (evenly spaced), read whole by every rank, each taking its slab; every
 * replica reads the same ones */
static PetscErrorCode from_file(hmc_tune *t)
{
  const lattice *lat = t->s->lat;
  ensemble_reader *r;
  double *whole, *slab;
  char a[32], b[32];

  PetscFunctionBeginUser;
  PetscCall(ensemble_open(lat->world, t->o.file, &r));
  lattice_extents_text(r->meta.d, r->meta.L, a, sizeof a);
  lattice_extents_text(lat->d, lat->L, b, sizeof b);
  PetscCheck(!strcmp(a, b) && r->n > 0, lat->world, PETSC_ERR_USER_INPUT,
             "-mass_propagator %s: %lld configurations on %s, but this chain is on %s", t->o.file, (long long)r->n, a, b);
  const int64_t n = PetscMin(r->n, 1000);
  PetscCall(PetscMalloc2((size_t)lat->Vglobal, &whole, (size_t)lat->V, &slab));
  for (int64_t i = 0; i < n; i++) {
    PetscCall(ensemble_read_config(r, i * r->n / n, whole));
    for (int64_t v = 0; v < lat->V; v++) slab[v] = whole[lattice_global_index(lat, v)];
    PetscCall(hmc_power_of(t->s, slab, t->work));
    for (int64_t j = 0; j < t->nk; j++) t->power[j] += t->work[j];
  }
  PetscCall(PetscFree2(whole, slab));
  PetscCall(ensemble_close(&r));
  PetscCall(freeze(t, (double)n * lat->nreplicas));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_tune_create(hmc *s, const hmc_tune_options *o, hmc_tune **out)
{
  hmc_tune *t;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&t));
  t->s = s, t->o = *o;
  PetscCheck(o->target >= 0 && o->target < 1, s->lat->world, PETSC_ERR_USER_INPUT,
             "-target_acceptance: %g is not in [0, 1) (0: no adaptation)", o->target);
  if (o->mass == HMC_MASS_FOURIER) {
    PetscCheck(!measures(t) || freeze_at(t) > measure_from(t), s->lat->world, PETSC_ERR_USER_INPUT,
               "-mass fourier measures its propagator during -therm (trajectories therm/4 .. therm/2): -therm %d "
               "leaves none; give -therm 100 or more, or -mass_propagator free",
               o->therm);
    PetscCheck(o->propagator != HMC_PROPAGATOR_FREE || (o->m2 > 0 && isfinite(o->m2)), s->lat->world,
               PETSC_ERR_USER_INPUT, "-mass_m2: %g; the free propagator 1 / (phat^2 + m2) needs m2 > 0", o->m2);
    PetscCheck(s->lat->Vglobal <= INT_MAX, s->lat->world, PETSC_ERR_USER_INPUT,
               "-mass fourier: %lld sites; the propagator's fit holds at most 2^31 modes", (long long)s->lat->Vglobal);
    PetscCall(hmc_modes(s, &t->k0, &t->nk));
    PetscCall(PetscCalloc3((size_t)PetscMax(t->nk, 1), &t->power, (size_t)PetscMax(t->nk, 1), &t->G,
                           (size_t)PetscMax(t->nk, 1), &t->work));
    if (o->propagator == HMC_PROPAGATOR_FREE) {
      free_propagator(t);
      PetscCall(hmc_set_mass(s, t->G));
    }
    if (o->propagator == HMC_PROPAGATOR_FILE) PetscCall(from_file(t));
  }
  *out = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_tune_destroy(hmc_tune **tp)
{
  PetscFunctionBeginUser;
  if (!*tp) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree3((*tp)->power, (*tp)->G, (*tp)->work));
  PetscCall(PetscFree(*tp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_tune_after(hmc_tune *t, uint64_t traj, const markov_result *r)
{
  const int64_t tr = (int64_t)traj;

  PetscFunctionBeginUser;
  t->done = tr + 1;
  if (measures(t) && tr >= measure_from(t) && tr < freeze_at(t)) {
    PetscCall(hmc_power(t->s, t->work));
    for (int64_t j = 0; j < t->nk; j++) t->power[j] += t->work[j];
    if (tr == freeze_at(t) - 1) PetscCall(freeze(t, measured_count(t)));
  }
  const int64_t adapt_from = measures(t) ? freeze_at(t) : 0;
  if (t->o.target > 0 && tr >= adapt_from && tr < t->o.therm) {
    t->window_acc += r->accepted, t->window_n++;
    if (t->window_n == TUNE_WINDOW) {
      const double acc = (double)t->window_acc / TUNE_WINDOW;
      int *nmd = &t->s->md.nmd;
      if (acc < t->o.target - 0.05) *nmd = (int)ceil(*nmd * 1.2);
      else if (acc > t->o.target + 0.05) *nmd = PetscMax(1, (int)floor(*nmd / 1.2));
      t->window_acc = t->window_n = 0;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

void hmc_tune_save(const hmc_tune *t, double *state)
{
  state[0] = t->s->md.nmd, state[1] = t->window_acc, state[2] = t->window_n, state[3] = (double)t->done;
}

/* the stepper values back (the spectrum came back in the checkpoint's
 * extra row); past the freeze, the same mass again */
PetscErrorCode hmc_tune_load(hmc_tune *t, const double *state)
{
  PetscFunctionBeginUser;
  PetscCheck(state[0] >= 1 && state[1] >= 0 && state[2] >= 0 && state[2] < TUNE_WINDOW && state[3] >= 1, t->s->lat->world,
             PETSC_ERR_FILE_UNEXPECTED, "the checkpoint's HMC state (nmd %g) is not one this run can be in", state[0]);
  t->s->md.nmd = (int)state[0], t->window_acc = (int)state[1], t->window_n = (int)state[2], t->done = (int64_t)state[3];
  if (measures(t) && t->done >= freeze_at(t)) PetscCall(freeze(t, measured_count(t)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode hmc_tune_record(hmc_tune *t, ensemble_writer *w)
{
  const lattice *lat = t->s->lat;

  PetscFunctionBeginUser;
  if (t->o.target > 0) {
    const double nmd = t->s->md.nmd;
    PetscCall(ensemble_writer_put_array(w, "nmd_frozen", 1, &nmd, 0, NULL, NULL));
  }
  if (t->o.mass == HMC_MASS_FOURIER) {
    static const char *const names[] = {"fit_terms"};
    const double terms = t->fit_terms;
    double *whole;
    PetscCall(PetscCalloc1((size_t)lat->Vglobal, &whole));
    for (int64_t j = 0; j < t->nk; j++) whole[t->k0 + j] = t->G[j];
    MPICHECK(MPI_Allreduce(MPI_IN_PLACE, whole, (int)lat->Vglobal, MPI_DOUBLE, MPI_SUM, lat->comm));
    PetscCall(ensemble_writer_put_array(w, "mass_propagator", lat->Vglobal, whole, 1, names, &terms));
    PetscCall(PetscFree(whole));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

void hmc_tune_extra(hmc_tune *t, double **extra, int64_t *n, int64_t *off, int64_t *len)
{
  const PetscBool m = measures(t);
  *extra = m ? t->power : NULL, *n = m ? t->s->lat->Vglobal : 0, *off = m ? t->k0 : 0, *len = m ? t->nk : 0;
}
