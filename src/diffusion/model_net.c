/* model_net.c — the registry of network kinds and the network a model
 * describes (model_net.h). */
#include "latdiff/model_net.h"
#include "latdiff/nn_convnet.h"
#include "latdiff/nn_mlp.h"

/* process-wide, like PETSc's type lists; the built-ins on first use */
static model_net_kind registry[MODEL_NET_MAXKINDS];
static int nkinds = 0;

PetscErrorCode model_net_register(const model_net_kind *kind)
{
  PetscFunctionBeginUser;
  for (int k = 0; k < nkinds; k++)
    if (!strcmp(registry[k].name, kind->name)) {
      registry[k] = *kind;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  PetscCheck(nkinds < MODEL_NET_MAXKINDS, PETSC_COMM_SELF, PETSC_ERR_PLIB, "model_net_register: too many kinds");
  registry[nkinds++] = *kind;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static nn_precision precision_of(const model_info *info)
{
  return strcmp(info->precision, "single") ? NN_DOUBLE : NN_SINGLE;
}

static PetscErrorCode create_mlp(const model_info *info, int64_t batch, nn_net **out)
{
  return nn_net_create_mlp(info->dim, info->hidden, info->layers, info->J, batch, info->odd, out);
}

static PetscErrorCode create_conv(const model_info *info, int64_t batch, nn_net **out)
{
  return nn_net_create_conv(info->data_meta.d, info->data_meta.L, info->hidden, info->layers, info->J, batch, info->odd,
                            precision_of(info), out);
}

/* unet and tutorial: one engine, two sets of default sizes */
static PetscErrorCode create_unet(const model_info *info, int64_t batch, nn_net **out)
{
  nn_unet_spec spec;
  char why[256];

  PetscFunctionBeginUser;
  model_net_spec(info, &spec);
  PetscCheck(nn_unet_check(&spec, why, sizeof why), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "-net %s -channels -blocks: %s", info->net, why);
  PetscCall(nn_net_create_unet(info->net, &spec, batch, info->odd, precision_of(info), out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode register_builtin(void)
{
  static const model_net_kind builtin[] = {
    {"mlp", PETSC_FALSE, PETSC_FALSE, 64, 1024, create_mlp},
    {"conv", PETSC_TRUE, PETSC_FALSE, 16, 64, create_conv},
    {"unet", PETSC_TRUE, PETSC_TRUE, 0, 16, create_unet},
    {"tutorial", PETSC_TRUE, PETSC_TRUE, 0, 8, create_unet},
  };

  PetscFunctionBeginUser;
  if (nkinds) PetscFunctionReturn(PETSC_SUCCESS);
  for (size_t k = 0; k < sizeof builtin / sizeof builtin[0]; k++) PetscCall(model_net_register(&builtin[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int model_net_kind_names(const char **names, int max)
{
  if (register_builtin()) return 0;
  for (int k = 0; k < nkinds && k < max; k++) names[k] = registry[k].name;
  return nkinds < max ? nkinds : max;
}

PetscErrorCode model_net_kind_get(const char *name, const model_net_kind **kind)
{
  char known[MODEL_NET_MAXKINDS * 18] = "";

  PetscFunctionBeginUser;
  PetscCall(register_builtin());
  for (int k = 0; k < nkinds; k++)
    if (!strcmp(registry[k].name, name)) {
      *kind = &registry[k];
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  for (int k = 0; k < nkinds; k++) {
    PetscCall(PetscStrlcat(known, k ? ", " : "", sizeof known));
    PetscCall(PetscStrlcat(known, registry[k].name, sizeof known));
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "network '%s'; this latdiff knows %s", name, known);
}

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
  const model_net_kind *kind;

  PetscFunctionBeginUser;
  PetscCall(model_net_kind_get(info->net, &kind));
  PetscCall(kind->create(info, kind->batch, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
