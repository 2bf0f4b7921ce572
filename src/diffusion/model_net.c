/* model_net.c — the network a model describes (model_net.h). */
#include "latdiff/model_net.h"

void model_net_spec(const model_info *info, nn_unet_spec *spec)
{
  nn_unet_spec_default(info->net, info->data_meta.d, info->data_meta.L, spec);
  if (info->levels > 0) {
    spec->levels = info->levels;
    for (int i = 0; i < info->levels; i++) spec->channels[i] = info->channels[i];
  }
  if (info->blocks > 0) spec->blocks = info->blocks;
  if (info->padding[0]) spec->periodic = strcmp(info->padding, "zero") != 0;
}

PetscErrorCode model_net_create(const model_info *info, nn_net **out)
{
  const nn_precision precision = strcmp(info->precision, "single") ? NN_DOUBLE : NN_SINGLE;
  const ensemble_meta *lat = &info->data_meta;

  PetscFunctionBeginUser;
  if (!strcmp(info->net, "mlp")) PetscCall(nn_net_create_mlp(info->dim, info->hidden, info->layers, info->J, 1024, info->odd, out));
  else if (!strcmp(info->net, "conv"))
    PetscCall(nn_net_create_conv(lat->d, lat->L, info->hidden, info->layers, info->J, 64, info->odd, precision, out));
  else if (!strcmp(info->net, "unet") || !strcmp(info->net, "tutorial")) {
    nn_unet_spec spec;
    char why[256];
    model_net_spec(info, &spec);
    PetscCheck(nn_unet_check(&spec, why, sizeof why), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
               "-net %s -channels -blocks: %s", info->net, why);
    PetscCall(nn_net_create_unet(info->net, &spec, 16, info->odd, precision, out));
  } else SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "network '%s'; this latdiff knows mlp, conv, unet, tutorial", info->net);
  PetscFunctionReturn(PETSC_SUCCESS);
}
