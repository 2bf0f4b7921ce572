/* profile.c — registration of the PETSc log events (see profile.h). */
#include "latdiff/profile.h"

PetscLogEvent EV_HALO, EV_FORCE, EV_UPDATE, EV_REDUCE, EV_IO, EV_MEASURE, EV_FFT, EV_CLUSTER;
PetscLogEvent EV_NN_CONV_FORWARD, EV_NN_CONV_BACKWARD_DATA, EV_NN_CONV_BACKWARD_WEIGHTS, EV_NN_GROUPNORM, EV_NN_DENSE;
PetscLogEvent EV_TRAIN_LOSS, EV_GRAD_ALLREDUCE, EV_OPTIMIZER, EV_VALIDATION, EV_CHECKPOINT;
PetscLogEvent EV_SAMPLER_SCORE[PROFILE_NSAMPLERS], EV_LIKELIHOOD_SCORE, EV_DIVERGENCE;

PetscErrorCode profile_register(void)
{
  /* the order of sampler_kind (reverse.h) */
  static const char *const samplers[PROFILE_NSAMPLERS] = {"Score(em)", "Score(pc)", "Score(ode)", "Score(h)",
                                                          "Score(exact)"};
  PetscClassId cls;

  PetscFunctionBeginUser;
  if (EV_HALO) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscClassIdRegister("latdiff", &cls));
  PetscCall(PetscLogEventRegister("HaloExchange", cls, &EV_HALO));
  PetscCall(PetscLogEventRegister("Force", cls, &EV_FORCE));
  PetscCall(PetscLogEventRegister("FieldUpdate", cls, &EV_UPDATE));
  PetscCall(PetscLogEventRegister("Reduction", cls, &EV_REDUCE));
  PetscCall(PetscLogEventRegister("FileIO", cls, &EV_IO));
  PetscCall(PetscLogEventRegister("Measure", cls, &EV_MEASURE));
  PetscCall(PetscLogEventRegister("FFT", cls, &EV_FFT));
  PetscCall(PetscLogEventRegister("ClusterUpdate", cls, &EV_CLUSTER));
  PetscCall(PetscLogEventRegister("ConvForward", cls, &EV_NN_CONV_FORWARD));
  PetscCall(PetscLogEventRegister("ConvBackData", cls, &EV_NN_CONV_BACKWARD_DATA));
  PetscCall(PetscLogEventRegister("ConvBackWeights", cls, &EV_NN_CONV_BACKWARD_WEIGHTS));
  PetscCall(PetscLogEventRegister("GroupNormSwish", cls, &EV_NN_GROUPNORM));
  PetscCall(PetscLogEventRegister("Dense", cls, &EV_NN_DENSE));
  PetscCall(PetscLogEventRegister("TrainLossGrad", cls, &EV_TRAIN_LOSS));
  PetscCall(PetscLogEventRegister("GradAllreduce", cls, &EV_GRAD_ALLREDUCE));
  PetscCall(PetscLogEventRegister("AdamW", cls, &EV_OPTIMIZER));
  PetscCall(PetscLogEventRegister("Validation", cls, &EV_VALIDATION));
  PetscCall(PetscLogEventRegister("Checkpoint", cls, &EV_CHECKPOINT));
  for (int k = 0; k < PROFILE_NSAMPLERS; k++) PetscCall(PetscLogEventRegister(samplers[k], cls, &EV_SAMPLER_SCORE[k]));
  PetscCall(PetscLogEventRegister("Score(nll)", cls, &EV_LIKELIHOOD_SCORE));
  PetscCall(PetscLogEventRegister("Divergence", cls, &EV_DIVERGENCE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
