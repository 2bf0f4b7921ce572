/* net.c — one interface over the network kinds (nn_net.h). */
#include "latdiff/nn_net.h"

static PetscErrorCode wrap(nn_net *n, nn_net **out)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(out));
  **out = *n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_net_create_mlp(int dim, int hidden, int layers, int J, int64_t batch, nn_net **out)
{
  nn_net n = {.kind = "mlp", .dim = dim, .batch = batch};

  PetscFunctionBeginUser;
  PetscCall(nn_mlp_create(dim, hidden, layers, J, batch, &n.mlp));
  n.p = n.mlp->p, n.g = n.mlp->g, n.nparams = n.mlp->nparams;
  PetscCall(wrap(&n, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_net_create_conv(int d, const int *L, int channels, int layers, int J, int64_t batch, nn_net **out)
{
  nn_net n = {.kind = "conv", .batch = batch};

  PetscFunctionBeginUser;
  PetscCall(nn_convnet_create(d, L, channels, layers, J, batch, &n.conv));
  n.dim = n.conv->V, n.p = n.conv->p, n.g = n.conv->g, n.nparams = n.conv->nparams;
  PetscCall(wrap(&n, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void nn_net_init(nn_net *n, uint64_t seed)
{
  if (n->mlp) nn_mlp_init(n->mlp, seed);
  else nn_convnet_init(n->conv, seed);
}

PetscErrorCode nn_net_forward(nn_net *n, int64_t B, const double *x, const double *t, double *out)
{
  return n->mlp ? nn_mlp_forward(n->mlp, B, x, t, out) : nn_convnet_forward(n->conv, B, x, t, out);
}

PetscErrorCode nn_net_backward(nn_net *n, int64_t B, const double *dout)
{
  return n->mlp ? nn_mlp_backward(n->mlp, B, dout) : nn_convnet_backward(n->conv, B, dout);
}

PetscErrorCode nn_net_destroy(nn_net **np)
{
  PetscFunctionBeginUser;
  if (!*np) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(nn_mlp_destroy(&(*np)->mlp));
  PetscCall(nn_convnet_destroy(&(*np)->conv));
  PetscCall(PetscFree(*np));
  PetscFunctionReturn(PETSC_SUCCESS);
}
