/* model.h — a trained score network in HDF5, self-describing and readable
 * with h5py (format "latdiff-model", version 4; 4 gave the base's zero mode
 * the magnetisations' exact score, so a version-3 network, trained against
 * a Gaussian zero mode, is refused rather than misread):
 *   /params, /ema        float32 [nparams]: the engine's flat buffer and its
 *                        exponential moving average (used for sampling), as
 *                        a float32 network computes with them
 *   /optimizer/params, /optimizer/ema, /optimizer/adam_m, /optimizer/adam_v
 *                        float64 [nparams]: the optimiser's master copies
 *                        and moments: what sampling and -restart read, so
 *                        a restart continues bit for bit (a reader checks
 *                        that /params and /ema are them rounded)
 *   /base_propagator     float64 [dim], with base "gaussian": the
 *                        propagator G(p) of the Gaussian base score
 *                        (gauss_base.h), modes row-major in n_mu; the
 *                        attribute base_propagator says whether it is the
 *                        fit or the measurement (absent: measured)
 *   /base_magnetisation  float64 [n], with base "gaussian": the training
 *                        configurations' magnetisations, the law of the
 *                        base's zero mode (gauss_base.h) and of the prior's
 *   /training            attributes: the settings of the training that made it
 *                        (seed, lr, batch, steps, ...: what a -restart compares)
 *   /data_source         attributes: the training data's metadata and
 *                        parameters (theory, lattice, couplings, mu0, ...)
 *   attributes of /: format, format_version, net, base, base_propagator, odd, precision, dim, hidden, layers,
 *     embed_frequencies (mlp: 0 for t itself as an input), score_form ("scaled", or "plain":
 *     s = n(x, t); scaled when absent), (unet, tutorial: channels, blocks, padding), schedule, sigma, beta_min, beta_max,
 *     cosine_s (0.008 when absent: files before it), eps, tmax (1 when absent),
 *     sigma_data, theory, lattice, kappa, lambda, data, applies_to (the lattices
 *     sample -lattice may apply it to, in words), steps_done,
 *     adam_step, options, code_version, git_commit, complete (last)
 * Built in memory by rank 0, written as PATH.tmp and renamed; every reader checks the
 * format, the completeness mark and that the sizes agree.
 *
 *   model_write  C  (comm) rank 0 writes, all wait for the rename
 *   model_read   C  (comm) every rank reads all of it
 */
#ifndef LATDIFF_MODEL_H
#define LATDIFF_MODEL_H

#include "latdiff/ensemble.h"

#define MODEL_FORMAT "latdiff-model"
#define MODEL_FORMAT_VERSION 4
#define MODEL_MAXLEVELS 6 /* NN_UNET_MAXLEVELS */

/* one named setting: a number, or a text when text[0] is set */
#define MODEL_MAXSETTINGS 24
typedef struct {
  char name[24], text[24];
  double value;
} model_setting;

typedef struct {
  char net[16];
  char base[16]; /* "none" or "gaussian" */
  char base_propagator[16]; /* with base "gaussian": "fit" or "measured" (gauss_base_fit) */
  char score_form[16]; /* "scaled" or "plain" (dsm.h) */
  int odd;       /* the network is made odd, s(-x) = -s(x) */
  char precision[8]; /* "single" or "double": what the network computes in */
  int dim, hidden, layers, J;
  /* unet and tutorial: channels per level (levels of them), blocks per
   * level, padding ("periodic" or "zero"); hidden = channels[0], layers =
   * levels */
  int levels, channels[MODEL_MAXLEVELS], blocks;
  char padding[16];
  char schedule[16];
  double sigma, beta_min, beta_max, cosine_s, eps, tmax;
  double sigma_data; /* the data's standard deviation per value */
  ensemble_meta data_meta; /* theory, lattice, couplings of the training data */
  char data[PETSC_MAX_PATH_LEN];
  char applies_to[256]; /* the lattices the model applies to, in words (written by train; "" when absent) */
  int64_t steps_done, adam_step, nparams;
  /* what the producer (the training) records of its own settings, so that
   * a restart can compare them: io stores them as attributes of /training
   * and knows none of their meanings */
  int nsettings;
  model_setting settings[MODEL_MAXSETTINGS];
} model_info;

typedef struct {
  double *params, *ema, *m, *v; /* nparams each */
  double *propagator;           /* dim values with base "gaussian", else NULL */
  double *magnetisation;        /* nmagnetisation values with base "gaussian", else NULL */
  int64_t nmagnetisation;
} model_state;

/* source: the training data file; its attributes (the target's parameters)
 * are kept in /data_source, with the data's metadata */
PetscErrorCode model_write(MPI_Comm comm, const char *path, const model_info *info, const model_state *st,
                           const char *options, hid_t source);
/* st's arrays are allocated (PetscMalloc) and must be freed by the caller */
PetscErrorCode model_read(MPI_Comm comm, const char *path, model_info *info, model_state *st);
PetscErrorCode model_state_free(model_state *st);
/* The settings of `path` named in want[0..n): got[i] is want[i] with the
 * file's value; *missing the first name the file does not record (NULL:
 * none). Collective on comm. */
PetscErrorCode model_read_settings(MPI_Comm comm, const char *path, int n, const model_setting *want,
                                   model_setting *got, const char **missing);

#endif
