/* test_nn_split — the conv net on a split lattice is the net on the
 * lattice held whole: forward, backward (the ranks' gradient shares
 * summed), tangents (separate and shared), the exact Jacobian trace and
 * the odd network, each against the same net held whole on every rank,
 * and the ghosts of a 3^d stencil (corners included) against their global
 * sites.
 * Usage: test_nn_split -lattice L0,.. -proc_grid P0,.. [-channels C]
 *        [-layers N] [-single] (double: to 1e-12; single: to 1e-5) */
#include "latdiff/nn_convnet.h"
#include "latdiff/nn_net.h"
#include "latdiff/rng.h"
#include "testing.h"

/* the global site of local coordinates x (each -1 .. l), periodic */
static int64_t global_site(const lattice *lat, const int *x)
{
  int64_t g = 0;
  for (int mu = 0; mu < lat->d; mu++) g = g * lat->L[mu] + (x[mu] + lat->origin[mu] + lat->L[mu]) % lat->L[mu];
  return g;
}

/* every site a 3^d stencil reads, ghosts included, holds its global site
 * (3 values per site, so a site is more than one MPI element) */
static PetscErrorCode check_ghosts(const lattice *lat, int *fails)
{
  ghosts *g;
  double *data;
  int x[LATTICE_MAXDIM], y[LATTICE_MAXDIM];
  const int64_t B = 2, W = 3;

  PetscFunctionBeginUser;
  PetscCall(ghosts_create(lat, &g));
  const int64_t n = ghosts_sites(g);
  PetscCall(PetscMalloc1((size_t)(B * n * W), &data));
  for (int64_t i = 0; i < B * n * W; i++) data[i] = -1;
  for (int b = 0; b < B; b++)
    for (int64_t v = 0; v < lat->V; v++)
      for (int c = 0; c < W; c++) data[(b * n + v) * W + c] = 1000.0 * b + 10.0 * (double)lattice_global_index(lat, v) + c;
  PetscCall(ghosts_fill(g, data, B, (size_t)W * sizeof *data));
  int K = 1;
  for (int mu = 0; mu < lat->d; mu++) K *= 3;
  for (int64_t v = 0; v < lat->V; v++) {
    lattice_local_coords(lat, v, x);
    for (int k = 0; k < K; k++) {
      for (int mu = lat->d - 1, kk = k; mu >= 0; mu--, kk /= 3) y[mu] = x[mu] + kk % 3 - 1;
      const int64_t at = ghosts_index(g, y);
      for (int b = 0; b < B; b++)
        for (int c = 0; c < W; c++) {
          const double want = 1000.0 * b + 10.0 * (double)global_site(lat, y) + c;
          EXPECT(*fails, data[(b * n + at) * W + c] == want, "ghost of site %lld offset %d: %g, want %g", (long long)v,
                 k, data[(b * n + at) * W + c], want);
        }
    }
  }
  PetscCall(PetscFree(data));
  PetscCall(ghosts_destroy(&g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the largest |a - b| over this rank's sites of nb samples, a local, b global */
static double local_diff(const lattice *lat, int64_t nb, const double *a, const double *b, double *scale)
{
  double m = 0;
  for (int64_t s = 0; s < nb; s++)
    for (int64_t v = 0; v < lat->V; v++) {
      const double w = b[s * lat->Vglobal + lattice_global_index(lat, v)];
      m = fmax(m, fabs(a[s * lat->V + v] - w));
      *scale = fmax(*scale, fabs(w));
    }
  return m;
}

static void scatter(const lattice *lat, int64_t nb, const double *global, double *local)
{
  for (int64_t s = 0; s < nb; s++)
    for (int64_t v = 0; v < lat->V; v++) local[s * lat->V + v] = global[s * lat->Vglobal + lattice_global_index(lat, v)];
}

/* |diff| <= tol x scale on every rank */
#define CHECK(what, diff, scale)                                                                                       \
  EXPECT(fails, (diff) <= tol * fmax(1, scale), "%s: split and whole differ by %.3g (scale %.3g, tolerance %.1g)", what, \
         diff, scale, tol)

int main(int argc, char **argv)
{
  int L[LATTICE_MAXDIM], grid[LATTICE_MAXDIM] = {0}, d = LATTICE_MAXDIM, nd = LATTICE_MAXDIM, C = 16, layers = 2;
  int fails = 0;
  PetscBool single = PETSC_FALSE;
  lattice *lat;
  nn_convnet *whole, *split;
  const int64_t B = 3;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-lattice", L, &d, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-proc_grid", grid, &nd, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-channels", &C, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-layers", &layers, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-single", &single, NULL));
  const double tol = single ? 1e-5 : 1e-12;
  const nn_precision prec = single ? NN_SINGLE : NN_DOUBLE;
  PetscCall(lattice_create(PETSC_COMM_WORLD, d, L, grid, 1, &lat));
  PetscCall(check_ghosts(lat, &fails));

  PetscCall(nn_convnet_create(d, L, C, layers, 4, B, prec, &whole));
  PetscCall(nn_convnet_create_split(lat, C, layers, 4, B, prec, &split));
  nn_convnet_init(whole, 7);
  /* a trained-looking net: the output layer, which starts at 0, random too */
  const int64_t np = whole->nparams, Vg = lat->Vglobal, V = lat->V;
  for (int64_t i = 0; i < np; i++) whole->p[i] += 0.1 * rng_normal((rng_key){11, RNG_TEST, 0, 0}, (uint64_t)i);
  PetscCall(PetscArraycpy(split->p, whole->p, np));
  double *x, *xt, *dout, *out, *outt, *xl, *xtl, *doutl, *outl, *outtl, t[B];
  PetscCall(PetscMalloc5((size_t)(B * Vg), &x, (size_t)(B * Vg), &xt, (size_t)(B * Vg), &dout, (size_t)(B * Vg), &out,
                         (size_t)(B * Vg), &outt));
  PetscCall(PetscMalloc5((size_t)(B * V), &xl, (size_t)(B * V), &xtl, (size_t)(B * V), &doutl, (size_t)(B * V), &outl,
                         (size_t)(B * V), &outtl));
  for (int64_t i = 0; i < B * Vg; i++) {
    x[i] = 0.3 + rng_normal((rng_key){1, RNG_TEST, 0, 0}, (uint64_t)i); /* m away from 0 */
    xt[i] = rng_normal((rng_key){2, RNG_TEST, 0, 0}, (uint64_t)i);
    dout[i] = rng_normal((rng_key){3, RNG_TEST, 0, 0}, (uint64_t)i);
  }
  for (int64_t s = 0; s < B; s++) t[s] = 0.1 + 0.3 * (double)s;
  scatter(lat, B, x, xl), scatter(lat, B, xt, xtl), scatter(lat, B, dout, doutl);

  double scale = 0, diff;
  PetscCall(nn_convnet_forward(whole, B, x, t, out));
  PetscCall(nn_convnet_forward(split, B, xl, t, outl));
  diff = local_diff(lat, B, outl, out, &scale);
  CHECK("forward", diff, scale);

  PetscCall(nn_convnet_backward(whole, B, dout));
  PetscCall(nn_convnet_backward(split, B, doutl));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, split->g, (int)np, MPI_DOUBLE, MPI_SUM, lat->comm));
  diff = 0, scale = 0;
  for (int64_t i = 0; i < np; i++) diff = fmax(diff, fabs(split->g[i] - whole->g[i])), scale = fmax(scale, fabs(whole->g[i]));
  CHECK("backward: the gradient summed over the ranks", diff, scale);

  PetscCall(nn_convnet_tangent(whole, B, x, t, xt, out, outt, PETSC_FALSE));
  PetscCall(nn_convnet_tangent(split, B, xl, t, xtl, outl, outtl, PETSC_FALSE));
  scale = 0, diff = local_diff(lat, B, outtl, outt, &scale);
  CHECK("tangents", diff, scale);

  PetscCall(nn_convnet_tangent(whole, B, x, t, xt, out, outt, PETSC_TRUE));
  PetscCall(nn_convnet_tangent(split, B, xl, t, xtl, outl, outtl, PETSC_TRUE));
  scale = 0, diff = local_diff(lat, B, outtl, outt, &scale);
  CHECK("tangents shared at one x", diff, scale);

  double trw, trs;
  PetscCall(nn_convnet_trace(whole, x, t[1], &trw));
  PetscCall(nn_convnet_trace(split, xl, t[1], &trs));
  CHECK("the Jacobian's trace", fabs(trs - trw), fabs(trw));

  /* the odd net behind nn_net.h */
  nn_net *ow, *os;
  PetscCall(nn_net_create_conv(d, L, C, layers, 4, B, PETSC_TRUE, prec, &ow));
  PetscCall(nn_net_create_conv_split(lat, C, layers, 4, B, PETSC_TRUE, prec, &os));
  PetscCall(PetscArraycpy(ow->p, whole->p, np));
  PetscCall(PetscArraycpy(os->p, whole->p, np));
  PetscCall(nn_net_forward(ow, B, x, t, out));
  PetscCall(nn_net_forward(os, B, xl, t, outl));
  scale = 0, diff = local_diff(lat, B, outl, out, &scale);
  CHECK("-odd forward", diff, scale);

  PetscCall(nn_net_destroy(&ow));
  PetscCall(nn_net_destroy(&os));
  PetscCall(PetscFree5(x, xt, dout, out, outt));
  PetscCall(PetscFree5(xl, xtl, doutl, outl, outtl));
  PetscCall(nn_convnet_destroy(&whole));
  PetscCall(nn_convnet_destroy(&split));
  PetscCall(lattice_destroy(&lat));
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
