/* model_net.c — the registry of network kinds and the network a model
 * describes (model_net.h). */
#include "latdiff/model_net.h"
#include "latdiff/nn_convnet.h"
#include "latdiff/nn_mlp.h"
#include "latdiff/lattice.h"

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

static PetscErrorCode create_conv_split(const model_info *info, const lattice *lat, int64_t batch, nn_net **out)
{
  return nn_net_create_conv_split(lat, info->hidden, info->layers, info->J, batch, info->odd, precision_of(info), out);
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

static PetscErrorCode create_unet_split(const model_info *info, const lattice *lat, int64_t batch, nn_net **out)
{
  nn_unet_spec spec;
  char why[256];

  PetscFunctionBeginUser;
  model_net_spec(info, &spec);
  for (int mu = 0; mu < lat->d; mu++) spec.L[mu] = lat->L[mu];
  PetscCheck(nn_unet_check(&spec, why, sizeof why), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "-net %s -channels -blocks: %s", info->net, why);
  PetscCheck(nn_unet_split_check(&spec, lat, why, sizeof why), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "-proc_grid: the %s: %s", info->net, why);
  PetscCall(nn_net_create_unet_split(info->net, &spec, lat, batch, info->odd, precision_of(info), out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode register_builtin(void)
{
  static const model_net_kind builtin[] = {
    {"mlp", PETSC_FALSE, PETSC_FALSE, PETSC_FALSE, 64, 1024, create_mlp, NULL},
    {"conv", PETSC_TRUE, PETSC_FALSE, PETSC_TRUE, 16, 64, create_conv, create_conv_split},
    {"unet", PETSC_TRUE, PETSC_TRUE, PETSC_TRUE, 0, 16, create_unet, create_unet_split},
    {"tutorial", PETSC_TRUE, PETSC_TRUE, PETSC_TRUE, 0, 8, create_unet, create_unet_split},
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

PetscBool model_net_applies(const model_info *info, int d, const int *L, char *why, size_t len)
{
  const model_net_kind *kind;
  char text[24];

  why[0] = 0;
  if (model_net_kind_get(info->net, &kind)) return snprintf(why, len, "its network '%s' is unknown", info->net), PETSC_FALSE;
  lattice_extents_text(info->data_meta.d, info->data_meta.L, text, sizeof text);
  if (!kind->equivariant)
    return snprintf(why, len, "its network '%s' is not translation equivariant: it samples its training lattice %s only",
                    info->net, text), PETSC_FALSE;
  if (d != info->data_meta.d)
    return snprintf(why, len, "it was trained on the %d-d lattice %s", info->data_meta.d, text), PETSC_FALSE;
  if (kind->levels) {
    nn_unet_spec spec;
    char reason[160];
    model_net_spec(info, &spec);
    if (!spec.periodic)
      return snprintf(why, len, "its network '%s' pads with zeros: not translation equivariant, it samples its training "
                      "lattice %s only", info->net, text), PETSC_FALSE;
    for (int mu = 0; mu < d; mu++) spec.L[mu] = L[mu];
    if (!nn_unet_check(&spec, reason, sizeof reason))
      return snprintf(why, len, "its %s: %s", info->net, reason), PETSC_FALSE;
  }
  return PETSC_TRUE;
}

void model_net_applies_text(const model_info *info, char *text, size_t len)
{
  const model_net_kind *kind;
  char L[24];

  lattice_extents_text(info->data_meta.d, info->data_meta.L, L, sizeof L);
  if (model_net_kind_get(info->net, &kind) || !kind->equivariant) {
    snprintf(text, len, "%s only", L);
    return;
  }
  if (kind->levels) {
    nn_unet_spec spec;
    model_net_spec(info, &spec);
    if (!spec.periodic) snprintf(text, len, "%s only", L);
    else if (spec.resample && spec.levels > 1)
      snprintf(text, len, "any %d-d lattice whose extents are multiples of %d", info->data_meta.d, 1 << (spec.levels - 1));
    else snprintf(text, len, "any %d-d lattice", info->data_meta.d);
    return;
  }
  snprintf(text, len, "any %d-d lattice", info->data_meta.d);
}

/* the activations of a call scale with batch x V: on a lattice larger than
 * 32^2 the batch shrinks so that the arena stays the kind's at 32^2 */
static int64_t batch_for(const model_net_kind *kind, int64_t V)
{
  const int64_t ref = 1024;
  return V <= ref ? kind->batch : PetscMax(1, kind->batch * ref / V);
}

PetscErrorCode model_net_create_on(const model_info *info, int d, const int *L, nn_net **out)
{
  model_info on = *info;
  char why[256];

  PetscFunctionBeginUser;
  PetscBool same = d == info->data_meta.d;
  for (int mu = 0; same && mu < d; mu++) same = L[mu] == info->data_meta.L[mu];
  if (same) { /* its own lattice: any kind */
    PetscCall(model_net_create(info, out));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(model_net_applies(info, d, L, why, sizeof why), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "the model does not apply to this lattice: %s", why);
  on.dim = 1;
  for (int mu = 0; mu < d; mu++) on.data_meta.L[mu] = L[mu], on.dim *= L[mu];
  PetscCall(model_net_create(&on, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_net_create_split(const model_info *info, const lattice *lat, nn_net **out)
{
  const model_net_kind *kind;
  char why[256];

  PetscFunctionBeginUser;
  PetscCall(model_net_kind_get(info->net, &kind));
  PetscCheck(kind->create_split, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "-proc_grid: a '%s' network does not run on a split lattice", info->net);
  PetscBool same = lat->d == info->data_meta.d;
  for (int mu = 0; same && mu < lat->d; mu++) same = lat->L[mu] == info->data_meta.L[mu];
  PetscCheck(same || model_net_applies(info, lat->d, lat->L, why, sizeof why), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT,
             "the model does not apply to this lattice: %s", why);
  PetscCall(kind->create_split(info, lat, batch_for(kind, lat->V), out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_net_split_lattice(MPI_Comm comm, int d, const int *L, const int *grid, int ngrid, lattice **out)
{
  int size, prod = 1;
  char ext[32];

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_size(comm, &size));
  lattice_extents_text(d, L, ext, sizeof ext);
  PetscCheck(ngrid == d, comm, PETSC_ERR_USER_INPUT, "-proc_grid: %d entries for the %d-d lattice %s", ngrid, d, ext);
  for (int mu = 0; mu < d; mu++) prod *= grid[mu];
  PetscCheck(prod >= 1 && size % prod == 0, comm, PETSC_ERR_USER_INPUT,
             "-proc_grid: the grid holds %d ranks, which does not divide the %d ranks into groups", prod, size);
  for (int mu = 1; mu < d; mu++)
    PetscCheck(grid[mu] == 1, comm, PETSC_ERR_USER_INPUT,
               "-proc_grid: direction %d is split in %d; the network splits only the first direction (the slabs of "
               "its base's FFTs): give -proc_grid %d%s",
               mu, grid[mu], prod, d == 2 ? ",1" : d == 3 ? ",1,1" : ",1,1,1");
  PetscCall(lattice_create(comm, d, L, grid, size / prod, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_net_create(const model_info *info, nn_net **out)
{
  const model_net_kind *kind;

  PetscFunctionBeginUser;
  PetscCall(model_net_kind_get(info->net, &kind));
  PetscCheck(info->J >= 1 || !kind->lattice, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "network '%s' with embed_frequencies 0: only point networks take t itself as an input (damaged?)", info->net);
  PetscCheck(!kind->levels || info->levels > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "network '%s' without channels per level (damaged?)", info->net);
  PetscCall(kind->create(info, batch_for(kind, info->dim), out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
