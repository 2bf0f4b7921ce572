/* stencil.c — the neighbour table of a 3^d convolution, the coarse map of
 * the U-Net, and the precision staging of a network pass (nn.h). */
#include "latdiff/nn.h"
#include "latdiff/profile.h"
#include <limits.h>

PetscErrorCode nn_stencil_create(int d, const int *L, PetscBool periodic, nn_stencil **out)
{
  nn_stencil *st;
  int x[NN_MAXDIM], y[NN_MAXDIM];

  PetscFunctionBeginUser;
  PetscCheck(d >= 1 && d <= NN_MAXDIM, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_stencil: d = %d", d);
  PetscCall(PetscNew(&st));
  st->d = d;
  st->periodic = periodic;
  st->K = 1;
  st->V = 1;
  for (int mu = 0; mu < d; mu++) {
    PetscCheck(L[mu] > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_stencil: extent %d is %d", mu, L[mu]);
    st->L[mu] = L[mu];
    st->K *= 3;
    st->V *= L[mu];
  }
  PetscCall(PetscMalloc1((size_t)(st->V * st->K), &st->nbr));
  for (int64_t v = 0; v < st->V; v++) {
    int64_t r = v;
    for (int mu = d - 1; mu >= 0; mu--) {
      x[mu] = (int)(r % L[mu]);
      r /= L[mu];
    }
    for (int k = 0; k < st->K; k++) {
      int kk = k, inside = 1;
      for (int mu = d - 1; mu >= 0; mu--) {
        y[mu] = x[mu] + kk % 3 - 1; /* offsets -1, 0, 1, last direction fastest */
        kk /= 3;
        if (y[mu] < 0 || y[mu] >= L[mu]) {
          inside = 0;
          y[mu] = (y[mu] + L[mu]) % L[mu];
        }
      }
      int64_t s = 0;
      for (int mu = 0; mu < d; mu++) s = s * L[mu] + y[mu];
      st->nbr[v * st->K + k] = inside || periodic ? s : -1;
    }
  }
  st->Vin = st->V;
  *out = st;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_stencil_create_split(const lattice *lat, const ghosts *g, nn_stencil **out)
{
  nn_stencil *st;
  int x[NN_MAXDIM], y[NN_MAXDIM];

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&st));
  st->d = lat->d, st->periodic = PETSC_TRUE, st->K = 1, st->V = lat->V, st->Vin = ghosts_sites(g);
  for (int mu = 0; mu < lat->d; mu++) st->L[mu] = lat->l[mu], st->K *= 3;
  PetscCall(PetscMalloc1((size_t)(st->V * st->K), &st->nbr));
  for (int64_t v = 0; v < st->V; v++) {
    lattice_local_coords(lat, v, x);
    for (int k = 0; k < st->K; k++) {
      int kk = k;
      for (int mu = lat->d - 1; mu >= 0; mu--, kk /= 3) y[mu] = x[mu] + kk % 3 - 1;
      st->nbr[v * st->K + k] = ghosts_index(g, y);
    }
  }
  *out = st;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_stencil_destroy(nn_stencil **st)
{
  PetscFunctionBeginUser;
  if (!*st) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*st)->nbr));
  PetscCall(PetscFree(*st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 4096 sites at a time: the im2col block of a 3x3 convolution of 64
 * channels is then 9 MB in float, and the GEMMs are still large */
#define NN_CONV_CHUNK 4096

int nn_conv_direct(int nc, int no)
{
  return no == 16 || no == 32 || (no == 1 && nc % 16 == 0);
}

int64_t nn_conv_chunk(const nn_stencil *st) { return PetscMin(st->V, (int64_t)NN_CONV_CHUNK); }

/* the im2col block of the wider side and the weights (transposed for the
 * gather of backward-data, or the direct kernels') with a zero neighbour */
int64_t nn_conv_work(const nn_stencil *st, int nc, int no)
{
  const int64_t wide = PetscMax(nc, no);
  return nn_conv_chunk(st) * st->K * wide + (int64_t)st->K * nc * no + wide;
}

PetscErrorCode nn_field_sum(const lattice *lat, double *v, int64_t n)
{
  PetscFunctionBeginUser;
  if (!lat || lat->nranks == 1) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(n <= INT_MAX, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_field_sum: %lld values", (long long)n);
  PetscCall(PetscLogEventBegin(EV_REDUCE, 0, 0, 0, 0));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_DOUBLE, MPI_SUM, lat->comm));
  PetscCall(PetscLogEventEnd(EV_REDUCE, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void nn_coarse_map(int d, const int *L, int64_t *coarse)
{
  int64_t V = 1;
  for (int mu = 0; mu < d; mu++) V *= L[mu];
  for (int64_t v = 0; v < V; v++) {
    int64_t r = v, c = 0, stride = 1;
    for (int mu = d - 1; mu >= 0; mu--) {
      c += (r % L[mu]) / 2 * stride;
      stride *= L[mu] / 2;
      r /= L[mu];
    }
    coarse[v] = c;
  }
}

void nn_stage_in(nn_precision precision, void *arena, int64_t at, const double *x, int64_t n)
{
  if (precision == NN_SINGLE) nn_round((float *)arena + at, x, n);
  else memcpy((double *)arena + at, x, (size_t)n * sizeof *x);
}

void nn_stage_out(nn_precision precision, const void *arena, int64_t at, double *y, int64_t n)
{
  if (precision == NN_SINGLE)
    for (int64_t i = 0; i < n; i++) y[i] = ((const float *)arena)[at + i];
  else memcpy(y, (const double *)arena + at, (size_t)n * sizeof *y);
}

void nn_round(float *pf, const double *p, int64_t n)
{
  for (int64_t i = 0; i < n; i++) pf[i] = (float)p[i];
}

void nn_widen_add(double *g, const float *gf, int64_t n)
{
  for (int64_t i = 0; i < n; i++) g[i] += gf[i];
}

void nn_replicate_row(nn_precision precision, void *arena, int64_t at, int64_t row, int64_t m)
{
  const size_t size = precision == NN_SINGLE ? sizeof(float) : sizeof(double);
  char *base = (char *)arena + (size_t)at * size;
  for (int64_t r = 1; r < m; r++) memcpy(base + (size_t)(r * row) * size, base, (size_t)row * size);
}
