/* model_net.h — the network a model describes (model.h): the one place
 * that turns the model's attributes into an nn_net, for training, for
 * restarting and for sampling.
 *
 *   model_net_spec    the U-Net sizes of a unet or tutorial model
 *   model_net_create  the network of the kind and sizes in info, with the
 *                     most samples per call suited to its kind (mlp 1024,
 *                     conv 64, U-Nets 16: the U-Nets' activations of a
 *                     32x32 lattice are 100 kB per sample and channel
 *                     level, so the arena stays in the hundreds of MB)
 * Not collective. */
#ifndef LATDIFF_MODEL_NET_H
#define LATDIFF_MODEL_NET_H

#include "latdiff/model.h"
#include "latdiff/nn_net.h"

void model_net_spec(const model_info *info, nn_unet_spec *spec);
PetscErrorCode model_net_create(const model_info *info, nn_net **out);

#endif
