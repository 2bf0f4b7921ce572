/* model_net.h — the network kinds a model can name, and the network a
 * model describes (model.h): the one place that turns the model's
 * attributes into an nn_net, for training, for restarting and for sampling.
 *
 * The kinds are a registry (as PETSc's TSAdaptRegister): a kind is its own
 * file in src/nn (its network, and nn_net_create_KIND behind nn_net.h) plus
 * one model_net_register line in model_net.c's built-ins, which says what
 * the kind is for and how it is sized:
 *   name     the model's "net" attribute and train's -net choice
 *   lattice  for lattice fields (else for point targets)
 *   levels   sized per level by -channels, -blocks, -padding (the U-Nets);
 *            else by -hidden (default `width`), -layers, -embed
 *   equivariant  made of periodic convolutions and site-wise layers (with
 *            periodic padding, for the U-Nets): the same parameters apply
 *            to any lattice of the training lattice's dimension (sample
 *            -lattice), for the U-Nets where every level halves it
 *   batch    samples per call on lattices up to 32^2 (larger ones take
 *            proportionally fewer), which sizes the activation arena: mlp
 *            1024, conv 64, unet 16 (100 kB per sample and channel level
 *            on 32x32), tutorial 8 (its four full-resolution levels of up
 *            to 256 channels keep 16 MB per sample: 127 MB a rank at 8,
 *            where 16 held 253 MB and the net trained no faster)
 *   create   the network of the sizes in a model_info
 *   create_split  ... on a split lattice (each rank its local box), or
 *            NULL where the kind cannot run split yet
 * Built in: mlp, conv, unet, tutorial; all but mlp run split (the U-Nets
 * with periodic padding, where every level halves each rank's box).
 *
 *   model_net_register  add (or replace) a kind
 *   model_net_kind_get  the kind of a name (an error naming the known ones)
 *   model_net_kind_names  the registered names, in registration order
 *   model_net_spec      the U-Net sizes of a unet or tutorial model
 *   model_net_create    the network of the kind and sizes in info
 *   model_net_applies   whether the model's network applies to the lattice
 *                       d, L (why not, in why)
 *   model_net_applies_text  the lattices it applies to, in words (the
 *                       model file's applies_to)
 *   model_net_create_on the network of info on the lattice d, L (refused,
 *                       naming why, where it does not apply)
 *   model_net_create_split  the network of info on lat's split field (its
 *                       global lattice the training one or one it applies to)
 *   model_net_split_lattice  -proc_grid's lattice for a network: slabs of
 *                       the first direction (the base's FFT), the ranks of
 *                       comm in size / prod(grid) groups (its replicas);
 *                       refused, naming the option, otherwise. Collective
 *                       on comm.
 * Not collective but where said. */
#ifndef LATDIFF_MODEL_NET_H
#define LATDIFF_MODEL_NET_H

#include "latdiff/model.h"
#include "latdiff/nn_net.h"
#include "latdiff/nn_unet.h"

#define MODEL_NET_MAXKINDS 16

typedef struct {
  char name[16];
  PetscBool lattice, levels, equivariant;
  int width;
  int64_t batch;
  PetscErrorCode (*create)(const model_info *info, int64_t batch, nn_net **out);
  PetscErrorCode (*create_split)(const model_info *info, const lattice *lat, int64_t batch, nn_net **out);
} model_net_kind;

PetscErrorCode model_net_register(const model_net_kind *kind);
PetscErrorCode model_net_kind_get(const char *name, const model_net_kind **kind);
int model_net_kind_names(const char **names, int max);
void model_net_spec(const model_info *info, nn_unet_spec *spec);
PetscErrorCode model_net_create(const model_info *info, nn_net **out);
PetscBool model_net_applies(const model_info *info, int d, const int *L, char *why, size_t len);
void model_net_applies_text(const model_info *info, char *text, size_t len);
PetscErrorCode model_net_create_on(const model_info *info, int d, const int *L, nn_net **out);
PetscErrorCode model_net_create_split(const model_info *info, const lattice *lat, nn_net **out);
PetscErrorCode model_net_split_lattice(MPI_Comm comm, int d, const int *L, const int *grid, int ngrid, lattice **out);

#endif
