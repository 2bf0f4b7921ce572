/* profile.h — PETSc log events, so that -log_view shows where time goes.
 * These ids are the one kind of global latdiff keeps: PETSc's logging
 * registry is global by design. profile_register() is called once by the
 * driver (and by tests) after PetscInitialize; before that the ids are 0
 * and logging calls are no-ops.
 *
 * The Markov chains and the files: halo exchange, force, field update,
 * reductions, file I/O, measurements, FFTs, cluster updates. The learned half: the network's
 * convolution paths (forward, backward to the data, backward to the weights),
 * GroupNorm with swish, dense layers; training's loss and gradient, gradient
 * allreduce, optimiser, validation, checkpoints; the score evaluations of
 * each reverse sampler (indexed by sampler_kind, reverse.h) and of the
 * likelihood's ODE, and the likelihood's divergence. */
#ifndef LATDIFF_PROFILE_H
#define LATDIFF_PROFILE_H

#include "latdiff/base.h"

extern PetscLogEvent EV_HALO, EV_FORCE, EV_UPDATE, EV_REDUCE, EV_IO, EV_MEASURE, EV_FFT, EV_CLUSTER;
extern PetscLogEvent EV_NN_CONV_FORWARD, EV_NN_CONV_BACKWARD_DATA, EV_NN_CONV_BACKWARD_WEIGHTS, EV_NN_GROUPNORM,
  EV_NN_DENSE;
extern PetscLogEvent EV_TRAIN_LOSS, EV_GRAD_ALLREDUCE, EV_OPTIMIZER, EV_VALIDATION, EV_CHECKPOINT;
#define PROFILE_NSAMPLERS 5
extern PetscLogEvent EV_SAMPLER_SCORE[PROFILE_NSAMPLERS], EV_LIKELIHOOD_SCORE, EV_DIVERGENCE;

/* for kernels that return void: logging cannot fail once registered */
#define LOG_BEGIN(e) ((void)PetscLogEventBegin((e), 0, 0, 0, 0))
#define LOG_END(e) ((void)PetscLogEventEnd((e), 0, 0, 0, 0))

PetscErrorCode profile_register(void);

#endif
