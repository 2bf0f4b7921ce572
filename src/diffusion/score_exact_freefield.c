/* score_exact_freefield.c — the exact score of the lattice free field
 * (phi^4 at lambda = 0; score_model.h). The score is diagonal in momentum
 * space: the lattice is split in slabs of the first direction over all
 * ranks, which hold their part of the same batch of fields, and each
 * application is one batched FFTW-MPI transform (freefield.h). */
#include "latdiff/freefield.h"
#include "latdiff/options.h"
#include "latdiff/phi4.h"
#include "latdiff/rng.h"
#include "latdiff/score_model.h"

typedef struct {
  int d, L[LATTICE_MAXDIM], batch;
  double kappa, lambda;
  freefield *ff;
} freefield_model;

static PetscErrorCode ff_options(PetscOptionItems *o, score_model *m)
{
  freefield_model *p = m->data;
  PetscBool set;

  PetscFunctionBeginUser;
  p->d = LATTICE_MAXDIM;
  PetscCall(opt_ints(o, "-lattice", "phi4: global extents L0,L1,... (sets d = 1..4)", LATTICE_MAXDIM, p->L, &p->d,
                     &set));
  if (!set) p->d = 0;
  PetscCall(opt_real(o, "-kappa", "phi4: hopping parameter", &p->kappa));
  PetscCall(opt_real(o, "-lambda", "phi4: quartic coupling (the exact score needs 0)", &p->lambda));
  PetscCall(opt_int(o, "-batch", "phi4: fields generated together (one FFT all-to-all each)", 1, &p->batch));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ff_setup(score_model *m)
{
  freefield_model *p = m->data;
  int size;
  int64_t V;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_size(m->comm, &size));
  PetscCheck(p->d > 0, m->comm, PETSC_ERR_USER_INPUT, "-theory phi4 needs -lattice, e.g. -lattice 32,32");
  PetscCheck(lattice_volume(p->d, p->L, &V), m->comm, PETSC_ERR_USER_INPUT,
             "-lattice: the lattice has more than 2^40 sites; latdiff cannot hold it");
  PetscCheck(p->lambda == 0, m->comm, PETSC_ERR_USER_INPUT,
             "-lambda: %g; the exact score exists only for the free field, -lambda 0 (interacting phi^4 needs a "
             "learned score)",
             p->lambda);
  PetscCheck(p->L[0] % size == 0, m->comm, PETSC_ERR_USER_INPUT,
             "-lattice: the first extent %d is not a multiple of the %d ranks; sample splits the lattice into slabs of "
             "the first direction",
             p->L[0], size);
  int grid[LATTICE_MAXDIM] = {size, 1, 1, 1};
  PetscCall(lattice_create(m->comm, p->d, p->L, grid, 1, &m->lat));
  PetscCall(freefield_create(m->comm, p->d, p->L, p->kappa, p->batch, &p->ff));
  const fourier_layout *lay = fourier_get_layout(p->ff->ft);
  PetscCheck(lay->local_sites == m->lat->V, m->comm, PETSC_ERR_PLIB, "FFTW's slab differs from the lattice's");
  m->shape = (reverse_shape){m->lat->V, m->lat->origin[0] * (lay->volume / p->L[0]), lay->volume, p->batch};
  m->lo = 0;
  m->hi = m->nsamples;
  m->spread = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ff_apply(score_model *m, double t, double f, double xi, int64_t nb, const double *x, double *s)
{
  (void)t;
  return freefield_score(((freefield_model *)m->data)->ff, f, xi, (int)nb, x, s);
}

/* white noise keyed by (sample, global site), then the exact filter */
static PetscErrorCode ff_diffused(score_model *m, double f, double xi, int64_t nb, uint64_t first, uint64_t seed,
                                  double *x)
{
  freefield *ff = ((freefield_model *)m->data)->ff;

  PetscFunctionBeginUser;
  score_model_white_noise(m, seed, nb, first, x);
  PetscCall(freefield_diffused(ff, f, xi, (int)nb, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ff_action(score_model *m, int64_t nb, const double *x, double *S)
{
  return freefield_action(((freefield_model *)m->data)->ff, (int)nb, x, S);
}

/* the score is linear in x: a jet's linear terms are the scores of the
 * directions, its higher terms zero */
static PetscErrorCode ff_jet(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                             const jet_space *js, const double *dirs, double *out)
{
  freefield *ff = ((freefield_model *)m->data)->ff;
  const int64_t D = m->shape.dim, K = js->ncoef, n = js->n;
  double *s;

  PetscFunctionBeginUser;
  (void)t;
  PetscCall(PetscMalloc1((size_t)D, &s));
  PetscCall(PetscArrayzero(out, nb * D * K));
  for (int64_t b = 0; b < nb; b++)
    for (int64_t q = 0; q <= n; q++) {
      PetscCall(freefield_score(ff, f, xi, 1, q ? dirs + (b * n + q - 1) * D : x + b * D, s));
      for (int64_t j = 0; j < D; j++) out[(b * D + j) * K + q] = s[j];
    }
  PetscCall(PetscFree(s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ds/dx = -C^-1, C the covariance of P_t: trace -sum_p 1 / (f^2 G + Xi) */
static PetscErrorCode ff_divergence(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                    double *div)
{
  double logdet, trace_inv;

  PetscFunctionBeginUser;
  (void)t, (void)x;
  PetscCall(freefield_sums(((freefield_model *)m->data)->ff, f, xi, &logdet, &trace_inv));
  for (int64_t b = 0; b < nb; b++) div[b] = -trace_inv;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* log P_t = -(1/2) x C^-1 x - (1/2) log det (2 pi C), with C^-1 x = -s */
static PetscErrorCode ff_log_prior(score_model *m, double f, double xi, int64_t nb, const double *x, double *lp)
{
  freefield *ff = ((freefield_model *)m->data)->ff;
  const int64_t D = m->shape.dim;
  double logdet, trace_inv, *s;

  PetscFunctionBeginUser;
  PetscCall(freefield_sums(ff, f, xi, &logdet, &trace_inv));
  PetscCall(PetscMalloc1((size_t)D, &s));
  for (int64_t b = 0; b < nb; b++) {
    PetscCall(freefield_score(ff, f, xi, 1, x + b * D, s));
    lp[b] = 0;
    for (int64_t j = 0; j < D; j++) lp[b] += 0.5 * x[b * D + j] * s[j];
  }
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, lp, (int)nb, MPI_DOUBLE, MPI_SUM, m->comm));
  for (int64_t b = 0; b < nb; b++) lp[b] -= 0.5 * ((double)m->shape.stride * log(2 * PETSC_PI) + logdet);
  PetscCall(PetscFree(s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ff_posterior_color(score_model *m, double f, double xi, int64_t nb, double *z)
{
  return freefield_posterior_color(((freefield_model *)m->data)->ff, f, xi, (int)nb, z);
}

static void ff_describe(const score_model *m, ensemble_meta *meta)
{
  const freefield_model *p = m->data;
  meta->kappa = p->kappa;
  meta->lambda = p->lambda;
  meta->d = p->d;
  for (int mu = 0; mu < p->d; mu++) meta->L[mu] = p->L[mu];
}

static PetscErrorCode ff_destroy(score_model *m)
{
  freefield_model *p = m->data;

  PetscFunctionBeginUser;
  PetscCall(freefield_destroy(&p->ff));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the free propagator on modes k0 .. k0 + nk - 1 */
static PetscErrorCode ff_propagator(score_model *m, int64_t k0, int64_t nk, double *G)
{
  const freefield_model *p = m->data;
  double q[LATTICE_MAXDIM];

  PetscFunctionBeginUser;
  for (int64_t j = 0; j < nk; j++) {
    for (int64_t r = k0 + j, mu = p->d - 1; mu >= 0; mu--) q[mu] = 2 * PETSC_PI * (double)(r % p->L[mu]) / p->L[mu], r /= p->L[mu];
    G[j] = phi4_free_propagator(p->d, p->kappa, q);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_exact_freefield(score_model *m)
{
  freefield_model *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  p->kappa = 0.2;
  p->batch = 64;
  m->data = p;
  m->ops = (score_model_ops){.set_from_options = ff_options, .setup = ff_setup, .apply = ff_apply,
                             .diffused = ff_diffused, .action = ff_action, .jet = ff_jet, .divergence = ff_divergence,
                             .log_prior = ff_log_prior, .posterior_color = ff_posterior_color, .propagator = ff_propagator,
                             .describe = ff_describe,
                             .destroy = ff_destroy};
  PetscFunctionReturn(PETSC_SUCCESS);
}
