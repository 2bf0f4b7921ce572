/* train.h — the training of a score network by denoising score matching
 * (dsm.h), data parallel: a library object the `train` verb configures and
 * a C program can drive.
 *
 * Each rank reads only its shard of the training configurations. Step k
 * draws the global batch from (seed, k): sample g of the batch is training
 * configuration j_g, at time t_g with noise z_g, whatever the rank count; a
 * rank takes the g whose j_g lies in its shard, so the union over ranks is
 * the global batch. One MPI_Allreduce of the one flat gradient buffer, then
 * clipping, the same AdamW step (nn_adamw.h) and the moving average of the
 * weights everywhere: the parameters stay bitwise equal on all ranks
 * (checked at every save). Every draw is keyed by the step, so a run
 * stopped and restarted from its checkpoint continues exactly as if never
 * stopped. The gradient on P ranks is the 1-rank gradient up to the order
 * of the sums: the parameters of runs on different rank counts agree to
 * rounding amplified by the steps (README: measured).
 *
 * With a process grid (settings.grid, slabs P0 x 1 x ..) the network runs
 * on a split lattice: the ranks form size / P0 groups, the data-parallel
 * ranks of the above; every rank of a group reads its group's shard whole
 * (the augmentation's symmetries and the action target act on whole
 * configurations) and hands the network its slab of each batch sample,
 * the noise keyed by global site; the one gradient allreduce over all
 * ranks sums space and data parallelism at once.
 *
 *   trainer_create    C  the network info describes (refusing what the
 *                        lattice cannot take), before any data is read
 *   trainer_setup     C  this rank's shards of the training and validation
 *                        configurations, sigma_data, the Gaussian base with
 *                        info->base "gaussian", the data's scores with the
 *                        action target; weights from the seed
 *   trainer_resume    C  continue from a checkpoint: refuses one made with
 *                        any other setting, naming it
 *   trainer_step      C  one optimiser step; t->loss its batch loss
 *   trainer_validate  C  t->vloss on the held-out set, and t->vloss_off,
 *                        the same draws with the network's output at zero
 *   trainer_save      C  the model (or a checkpoint) at path
 *   trainer_destroy
 * C = collective on the trainer's communicator.
 */
#ifndef LATDIFF_TRAIN_H
#define LATDIFF_TRAIN_H

#include "latdiff/dsm.h"
#include "latdiff/model.h"
#include "latdiff/nn_adamw.h"

typedef enum { TRAIN_TARGET_DSM, TRAIN_TARGET_ACTION } train_target;
typedef enum { TRAIN_PROPAGATOR_FIT, TRAIN_PROPAGATOR_MEASURED } train_propagator;

typedef struct {
  int steps, batch, warmup;
  double lr, lr_floor, clip, ema, weight_decay, validation;
  uint64_t seed;
  train_target target;
  dsm_weighting weighting;
  PetscBool augment;           /* lattice fields: a random lattice symmetry per sample */
  train_propagator propagator; /* with a Gaussian base */
  int grid[LATTICE_MAXDIM], ngrid; /* -proc_grid: ranks per direction of one sample (ngrid 0: whole samples) */
} train_settings;

/* the configurations [lo, hi) of a set: this rank's shard */
typedef struct {
  int64_t lo, hi, dim;
  double *x;
  double *s0; /* the action target: the data's score -dS/dphi at each configuration */
} train_shard;

typedef struct {
  MPI_Comm comm;
  train_settings s;
  model_info info; /* what the model file records; sigma_data and nparams set here */
  schedule sched;  /* the noise schedule info names */
  ensemble_reader *data; /* not owned */
  const char *data_path;
  nn_net *net;
  nn_adamw *opt;
  double *ema;
  train_shard train, val;
  int64_t ntrain, nval;
  gauss_base *base;
  lattice *lat;  /* with a grid: the split lattice, its replicas the groups */
  double *whole; /* ... one whole configuration and its score (augmented), before the slab is taken */
  double *mag;   /* with a base: the magnetisations of the file's configurations */
  int64_t done;  /* steps done */
  double loss, vloss, vloss_off; /* the last step's, the last validation's (NaN before) */
  dsm_form form;
  double *x0, *s0, *t, *z, *work; /* one network batch */
} trainer;

PetscErrorCode trainer_create(MPI_Comm comm, const train_settings *s, const model_info *info, ensemble_reader *data,
                              const char *data_path, trainer **out);
PetscErrorCode trainer_setup(trainer *t);
PetscErrorCode trainer_resume(trainer *t, const char *ckpt);
PetscErrorCode trainer_step(trainer *t);
PetscErrorCode trainer_validate(trainer *t);
PetscErrorCode trainer_save(trainer *t, const char *path, const char *options);
PetscErrorCode trainer_destroy(trainer **t);

#endif
