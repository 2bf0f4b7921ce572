/* test_nn_split — a lattice network on a split lattice is the net on the
 * lattice held whole: forward, backward (the ranks' gradient shares
 * summed), tangents (separate and shared), the exact Jacobian trace (conv)
 * and the odd network, each against the same net held whole on every rank,
 * and the ghosts of a 3^d stencil (corners included) against their global
 * sites.
 * Usage: test_nn_split -lattice L0,.. -proc_grid P0,.. [-net conv|unet]
 *        [-channels C] [-layers N (conv) | -levels N (unet)] [-single]
 *        (double: to 1e-12; single: to 1e-5)
 *        test_nn_split ... -net unet -refuse TEXT: creating the split
 *        U-Net fails with a message containing TEXT */
#include "latdiff/nn_convnet.h"
#include "latdiff/nn_net.h"
#include "latdiff/nn_unet.h"
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

/* the inputs of a comparison: B samples whole (x, xt, dout) and their local parts */
typedef struct {
  int64_t B, Vg, V;
  double *x, *xt, *dout, *out, *outt, *xl, *xtl, *doutl, *outl, *outtl, t[4];
} inputs;

static PetscErrorCode inputs_create(const lattice *lat, int64_t B, inputs *in)
{
  PetscFunctionBeginUser;
  in->B = B, in->Vg = lat->Vglobal, in->V = lat->V;
  const size_t ng = (size_t)(B * in->Vg), nl = (size_t)(B * in->V);
  PetscCall(PetscMalloc5(ng, &in->x, ng, &in->xt, ng, &in->dout, ng, &in->out, ng, &in->outt));
  PetscCall(PetscMalloc5(nl, &in->xl, nl, &in->xtl, nl, &in->doutl, nl, &in->outl, nl, &in->outtl));
  for (int64_t i = 0; i < B * in->Vg; i++) {
    in->x[i] = 0.3 + rng_normal((rng_key){1, RNG_TEST, 0, 0}, (uint64_t)i); /* m away from 0 */
    in->xt[i] = rng_normal((rng_key){2, RNG_TEST, 0, 0}, (uint64_t)i);
    in->dout[i] = rng_normal((rng_key){3, RNG_TEST, 0, 0}, (uint64_t)i);
  }
  for (int64_t s = 0; s < B; s++) in->t[s] = 0.1 + 0.3 * (double)s;
  scatter(lat, B, in->x, in->xl), scatter(lat, B, in->xt, in->xtl), scatter(lat, B, in->dout, in->doutl);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode inputs_destroy(inputs *in)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree5(in->x, in->xt, in->dout, in->out, in->outt));
  PetscCall(PetscFree5(in->xl, in->xtl, in->doutl, in->outl, in->outtl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a trained-looking net: the output layer, which starts at 0, random too */
static void perturb(double *p, int64_t np)
{
  for (int64_t i = 0; i < np; i++) p[i] += 0.1 * rng_normal((rng_key){11, RNG_TEST, 0, 0}, (uint64_t)i);
}

/* the gradients of the ranks summed, against the whole net's */
static PetscErrorCode check_gradient(const lattice *lat, double *gs, const double *gw, int64_t np, double tol, int *fails_)
{
  int fails = 0;
  double diff = 0, scale = 0;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, gs, (int)np, MPI_DOUBLE, MPI_SUM, lat->comm));
  for (int64_t i = 0; i < np; i++) diff = fmax(diff, fabs(gs[i] - gw[i])), scale = fmax(scale, fabs(gw[i]));
  CHECK("backward: the gradient summed over the ranks", diff, scale);
  *fails_ += fails;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a kind's net held whole and split, plain and -odd (nn_net.h) */
typedef struct {
  nn_net *whole, *split, *odd_whole, *odd_split;
} nets;

/* the same trained-looking parameters in all four, then forward,
 * backward, tangents (separate and shared) and the odd forward compared */
static PetscErrorCode compare(const lattice *lat, nets *n, double tol, int *fails_)
{
  int fails = 0;
  const int64_t B = 3, np = n->whole->nparams;
  inputs in;
  double scale = 0, diff;

  PetscFunctionBeginUser;
  nn_net_init(n->whole, 7);
  perturb(n->whole->p, np);
  PetscCall(PetscArraycpy(n->split->p, n->whole->p, np));
  PetscCall(PetscArraycpy(n->odd_whole->p, n->whole->p, np));
  PetscCall(PetscArraycpy(n->odd_split->p, n->whole->p, np));
  PetscCall(inputs_create(lat, B, &in));

  PetscCall(nn_net_forward(n->whole, B, in.x, in.t, in.out));
  PetscCall(nn_net_forward(n->split, B, in.xl, in.t, in.outl));
  diff = local_diff(lat, B, in.outl, in.out, &scale);
  CHECK("forward", diff, scale);

  PetscCall(nn_net_backward(n->whole, B, in.dout));
  PetscCall(nn_net_backward(n->split, B, in.doutl));
  PetscCall(check_gradient(lat, n->split->g, n->whole->g, np, tol, &fails));

  for (int shared = 0; shared < 2; shared++) {
    PetscCall(n->whole->ops.tangent(n->whole->impl, B, in.x, in.t, in.xt, in.out, in.outt, (PetscBool)shared));
    PetscCall(n->split->ops.tangent(n->split->impl, B, in.xl, in.t, in.xtl, in.outl, in.outtl, (PetscBool)shared));
    scale = 0, diff = local_diff(lat, B, in.outtl, in.outt, &scale);
    CHECK(shared ? "tangents shared at one x" : "tangents", diff, scale);
  }

  PetscCall(nn_net_forward(n->odd_whole, B, in.x, in.t, in.out));
  PetscCall(nn_net_forward(n->odd_split, B, in.xl, in.t, in.outl));
  scale = 0, diff = local_diff(lat, B, in.outl, in.out, &scale);
  CHECK("-odd forward", diff, scale);

  if (n->whole->ops.trace) { /* the conv net's exact trace */
    double trw, trs;
    PetscCall(n->whole->ops.trace(n->whole->impl, in.x, in.t[1], &trw));
    PetscCall(n->split->ops.trace(n->split->impl, in.xl, in.t[1], &trs));
    CHECK("the Jacobian's trace", fabs(trs - trw), fabs(trw));
  }
  PetscCall(inputs_destroy(&in));
  *fails_ += fails;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode nets_destroy(nets *n)
{
  PetscFunctionBeginUser;
  PetscCall(nn_net_destroy(&n->whole));
  PetscCall(nn_net_destroy(&n->split));
  PetscCall(nn_net_destroy(&n->odd_whole));
  PetscCall(nn_net_destroy(&n->odd_split));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode check_conv(const lattice *lat, int C, int layers, nn_precision prec, double tol, int *fails)
{
  const int64_t B = 3;
  nets n;

  PetscFunctionBeginUser;
  for (int odd = 0; odd < 2; odd++) {
    PetscCall(nn_net_create_conv(lat->d, lat->L, C, layers, 4, B, (PetscBool)odd, prec, odd ? &n.odd_whole : &n.whole));
    PetscCall(nn_net_create_conv_split(lat, C, layers, 4, B, (PetscBool)odd, prec, odd ? &n.odd_split : &n.split));
  }
  PetscCall(compare(lat, &n, tol, fails));
  PetscCall(nets_destroy(&n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the default unet (channels C, 2C, 4C, .. over `levels`) with GroupNorm in 4 groups */
static PetscErrorCode check_unet(const lattice *lat, int C, int levels, nn_precision prec, double tol, int *fails)
{
  const int64_t B = 3;
  nn_unet_spec spec;
  nets n;

  PetscFunctionBeginUser;
  nn_unet_spec_default("unet", lat->d, lat->L, &spec);
  spec.levels = levels, spec.groups = spec.groups_first = 4;
  for (int l = 0; l < levels; l++) spec.channels[l] = C << l;
  for (int odd = 0; odd < 2; odd++) {
    PetscCall(nn_net_create_unet("unet", &spec, B, (PetscBool)odd, prec, odd ? &n.odd_whole : &n.whole));
    PetscCall(nn_net_create_unet_split("unet", &spec, lat, B, (PetscBool)odd, prec, odd ? &n.odd_split : &n.split));
  }
  PetscCall(compare(lat, &n, tol, fails));
  PetscCall(nets_destroy(&n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the split U-Net refused, the reason naming `want` */
static PetscErrorCode check_refused(const lattice *lat, int levels, const char *want, int *fails)
{
  nn_unet_spec spec;
  char why[256];

  PetscFunctionBeginUser;
  nn_unet_spec_default("unet", lat->d, lat->L, &spec);
  spec.levels = levels;
  const PetscBool ok = nn_unet_split_check(&spec, lat, why, sizeof why);
  EXPECT(*fails, !ok && strstr(why, want), "split check: %s (want a refusal naming '%s')", ok ? "accepted" : why, want);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  int L[LATTICE_MAXDIM], grid[LATTICE_MAXDIM] = {0}, d = LATTICE_MAXDIM, nd = LATTICE_MAXDIM, C = 16, layers = 2,
      levels = 3;
  int fails = 0;
  char net[16] = "conv", refuse[128] = "";
  PetscBool single = PETSC_FALSE;
  lattice *lat;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-lattice", L, &d, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-proc_grid", grid, &nd, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-net", net, sizeof net, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-refuse", refuse, sizeof refuse, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-channels", &C, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-layers", &layers, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-levels", &levels, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-single", &single, NULL));
  const double tol = single ? 1e-5 : 1e-12;
  const nn_precision prec = single ? NN_SINGLE : NN_DOUBLE;
  PetscCall(lattice_create(PETSC_COMM_WORLD, d, L, grid, 1, &lat));
  if (refuse[0]) PetscCall(check_refused(lat, levels, refuse, &fails));
  else {
    PetscCall(check_ghosts(lat, &fails));
    if (!strcmp(net, "unet")) PetscCall(check_unet(lat, C, levels, prec, tol, &fails));
    else PetscCall(check_conv(lat, C, layers, prec, tol, &fails));
  }
  PetscCall(lattice_destroy(&lat));
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
