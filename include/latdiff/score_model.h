/* score_model.h — the score s(x, t) = grad log P_t(x) of a target, as a
 * library object with a registry of types in the PETSc way (TSAdaptRegister,
 * TSAdaptSetType, TSAdaptSetFromOptions). The reverse samplers (reverse.h)
 * see only this interface, so a new type (the trained network) works with
 * every sampler at once.
 *
 * A type supplies its options, the shape of one sample on this rank, the
 * score of a batch, and where they exist the exact sampler of the diffused
 * target (the prior at t = tmax) and the action S = -log P_0 (for the
 * Metropolis window). Built-in types (score_exact_*.c), each the closed
 * form of its theory:
 *   twopeak    [N(mu0, s0^2) + N(-mu0, s0^2)] / 2 in 0 dimensions
 *   gauss25    25 Gaussians on a square grid in the plane
 *   swissroll  Gaussians along a spiral in the plane
 *   phi4       the lattice free field (lambda = 0), FFTW-MPI on slabs
 * and the trained network (score_network.c), chosen by -model FILE.
 *
 *   score_model_register       add a type: name and constructor
 *   score_model_create      C  an empty model on comm
 *   score_model_set_from_options
 *                              between PetscOptionsBegin/End: the type from
 *                              `option` (a typo lists the types), then the
 *                              type's own options
 *   score_model_setup       C  sizes for nsamples samples; checks the
 *                              options; after this shape (with the batch
 *                              the samplers take at a time), lo, hi, spread
 *                              and lat are set
 *   score_model_apply       C* s = grad log P_t(x) for nb samples (f, xi:
 *                              the kernel at t)
 *   score_model_diffused    C* exact samples of P_t: sample first + b from
 *                              the random numbers of (seed, first + b)
 *   score_model_action      C* S(x) for nb samples (every rank gets all)
 *   score_model_jet         C* the jets (jet.h) of s along directions: its
 *                              derivatives in x to third order, exact (the
 *                              closed forms; the network's engine); for a
 *                              spread sample order 1 only (J v)
 *   score_model_divergence  C* the exact trace of ds/dx per sample
 *   score_model_log_prior   C* log P_t(x), normalised, of the exact types
 *                              (the prior of a likelihood)
 *   score_model_posterior_color
 *                           C* z <- C^(1/2) z for nb samples of white noise:
 *                              C the covariance of x_0 given x_t of the
 *                              type's Gaussian (the free field's, exact; a
 *                              network's base): -denoise_draw's noise
 *   score_model_propagator     G(p) of the type's Gaussian (the free field's,
 *                              exact; a network's base) on the modes k0 ..
 *                              k0 + nk - 1 of its lattice, row-major: a mass
 *                              for Fourier-accelerated HMC (hmc.h)
 *   score_model_describe       theory, lattice and couplings into the
 *                              ensemble metadata
 *   score_model_write_attrs    the type's parameters as attributes of a file
 *   score_model_read_attrs     ... and back (instead of the options)
 *   score_model_destroy
 * C* = collective on comm where a sample is spread over the ranks
 * (m->spread), local otherwise.
 */
#ifndef LATDIFF_SCORE_MODEL_H
#define LATDIFF_SCORE_MODEL_H

#include "latdiff/ensemble.h"
#include "latdiff/jet.h"
#include "latdiff/schedule.h"

/* this rank's part of one sample: `dim` values whose global indices are
 * offset .. offset + dim - 1 of `stride` (offset 0 and stride dim for a
 * sample held whole); at most `batch` samples at a time */
typedef struct {
  int64_t dim, offset, stride, batch;
} reverse_shape;

typedef struct score_model score_model;

typedef struct {
  PetscErrorCode (*set_from_options)(PetscOptionItems *o, score_model *m);
  PetscErrorCode (*setup)(score_model *m);
  PetscErrorCode (*apply)(score_model *m, double t, double f, double xi, int64_t nb, const double *x, double *s);
  PetscErrorCode (*diffused)(score_model *m, double f, double xi, int64_t nb, uint64_t first, uint64_t seed,
                             double *x);
  PetscErrorCode (*action)(score_model *m, int64_t nb, const double *x, double *S);
  /* for likelihoods, where a type has them: out [nb][dim][ncoef] from
   * dirs [nb][n][dim]; the trace of ds/dx (default: from the jets); the
   * normalised log-density of the diffused target */
  PetscErrorCode (*jet)(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                        const jet_space *js, const double *dirs, double *out);
  PetscErrorCode (*divergence)(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                               double *div);
  PetscErrorCode (*log_prior)(score_model *m, double f, double xi, int64_t nb, const double *x, double *lp);
  PetscErrorCode (*posterior_color)(score_model *m, double f, double xi, int64_t nb, double *z);
  PetscErrorCode (*propagator)(score_model *m, int64_t k0, int64_t nk, double *G);
  void (*describe)(const score_model *m, ensemble_meta *meta);
  PetscErrorCode (*write_attrs)(const score_model *m, hid_t file);
  PetscErrorCode (*read_attrs)(score_model *m, hid_t obj, const char *path); /* the inverse of write_attrs */
  PetscErrorCode (*destroy)(score_model *m);
} score_model_ops;

struct score_model {
  MPI_Comm comm;
  char type[16]; /* fits the ensemble's theory name */
  score_model_ops ops;
  void *data;
  int64_t nsamples;    /* set by setup */
  reverse_shape shape; /* set by the type's setup */
  int64_t lo, hi;      /* the samples this rank takes part in */
  PetscBool spread;    /* every rank holds part of every sample (a lattice
                        * in slabs), set by the type even on one rank */
  lattice *lat;        /* the decomposition of a spread sample, or NULL;
                        * its replicas are groups of ranks, each with its
                        * own samples lo .. hi - 1, collective on lat->comm */
  double prior_var;    /* variance per value of the target, for a Gaussian prior (1 by default) */
  /* the lattice a trained network is applied to (apply_d 0: its training
   * lattice): its -lattice option, or set by a verb before setup (nll: the
   * data's lattice) */
  int apply_d, apply_L[LATTICE_MAXDIM];
  PetscBool trained;   /* a trained network: the sampler must use its schedule */
  schedule sched;      /* ... this one */
  /* score_model_divergence from jets: its unit directions and output for
   * `div_chunk` samples, made at the first call, kept for the next */
  jet_space *div_js;
  double *div_dirs, *div_out;
  int64_t div_chunk;
};

PetscErrorCode score_model_register(const char *name, PetscErrorCode (*create)(score_model *m));
PetscErrorCode score_model_create(MPI_Comm comm, score_model **out);
PetscErrorCode score_model_set_from_options(PetscOptionItems *o, const char *option, score_model *m);
PetscErrorCode score_model_setup(score_model *m, int64_t nsamples);
PetscErrorCode score_model_apply(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                 double *s);
PetscErrorCode score_model_diffused(score_model *m, double f, double xi, int64_t nb, uint64_t first, uint64_t seed,
                                    double *x);
PetscErrorCode score_model_action(score_model *m, int64_t nb, const double *x, double *S);
PetscErrorCode score_model_jet(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                               const jet_space *js, const double *dirs, double *out);
PetscErrorCode score_model_divergence(score_model *m, double t, double f, double xi, int64_t nb, const double *x,
                                      double *div);
PetscErrorCode score_model_log_prior(score_model *m, double f, double xi, int64_t nb, const double *x, double *lp);
PetscErrorCode score_model_posterior_color(score_model *m, double f, double xi, int64_t nb, double *z);
PetscErrorCode score_model_propagator(score_model *m, int64_t k0, int64_t nk, double *G);
void score_model_describe(const score_model *m, ensemble_meta *meta);
PetscErrorCode score_model_write_attrs(const score_model *m, hid_t file);
/* A model of the registered type `type` with its parameters read from the
 * attributes of obj (written by write_attrs); ready for score_model_setup. */
PetscErrorCode score_model_create_from_attrs(MPI_Comm comm, const char *type, hid_t obj, const char *path,
                                             score_model **out);
PetscErrorCode score_model_destroy(score_model **m);

/* For a type's setup: samples of dim values held whole, a contiguous block
 * of them on each rank, all of a rank's samples one batch (the ensemble is
 * written collectively). */
PetscErrorCode score_model_split_points(score_model *m, int64_t dim);
/* the ranks that hold one sample: lat->comm for a spread sample (a group
 * of ranks), PETSC_COMM_SELF for whole ones */
MPI_Comm score_model_field_comm(const score_model *m);

/* Unit white noise for nb samples from `first` on, value j of this rank's
 * part keyed by (seed, RNG_DIFFUSION) and (sample, global value index) from
 * the shape: the same numbers whatever the rank count. The start of every
 * lattice prior (exact free field, Gaussian base, white Gaussian). */
void score_model_white_noise(const score_model *m, uint64_t seed, int64_t nb, uint64_t first, double *x);

/* the built-in constructors (registered on first use) */
PetscErrorCode score_exact_twopeak(score_model *m);
PetscErrorCode score_exact_gauss25(score_model *m);
PetscErrorCode score_exact_swissroll(score_model *m);
PetscErrorCode score_exact_freefield(score_model *m);
PetscErrorCode score_network(score_model *m);

#endif
