/* test_nn.c — the network kernels proved one by one, in double:
 *   test_nn adjoint    <y, J x> = <J^T y, x> for dense and conv, for the
 *                      input, the weights and the bias (d = 1..4, periodic
 *                      and zero padding), to 1e-12
 *   test_nn conv       against a direct sum on a lattice larger than the
 *                      im2col chunk; translation equivariance (periodic):
 *                      shifted in, shifted out, bit for bit
 *   test_nn fd         finite differences of swish and of the loss of a
 *                      small network (conv, swish, dense, conv) with
 *                      respect to every parameter and input, to 1e-7
 *   test_nn float      the float kernels against the double ones
 *   test_nn jet        derivatives to third order by jets (jet.h), of MLPs
 *                      (plain and odd) and of the Gaussian mixtures, each
 *                      order against central differences of the one below
 *   test_nn trace      the conv net's exact Jacobian trace by coloured
 *                      probes against the sum of its V unit tangents, and
 *                      with the Gaussian base and the score's scaling
 *                      (dsm_score_trace) against the jets of the score
 *   test_nn base       the Gaussian base with the magnetisations' zero mode:
 *                      score = grad log-density, jets, trace, oddness
 * Each case exits non-zero on failure. */
#include "latdiff/dsm.h"
#include "latdiff/fpmode.h"
#include "latdiff/mixture.h"
#include "latdiff/nn.h"
#include "latdiff/nn_adamw.h"
#include "latdiff/nn_mlp.h"
#include "latdiff/nn_net.h"
#include "latdiff/nn_unet.h"
#include "latdiff/symmetry.h"
#include "latdiff/rng.h"
#include "testing.h"

#include <stdarg.h>

static uint64_t counter = 0;
static void fill(double *x, int64_t n)
{
  for (int64_t i = 0; i < n; i++) x[i] = rng_normal((rng_key){7, RNG_TEST, 0, 0}, counter++);
}
static double dot(const double *a, const double *b, int64_t n)
{
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}
/* zeroed arrays; freed with PetscFree */
static double *dbl(int64_t n)
{
  double *p = NULL;
  PetscCallAbort(PETSC_COMM_SELF, PetscCalloc1((size_t)n, &p));
  return p;
}
static float *flt(int64_t n)
{
  float *p = NULL;
  PetscCallAbort(PETSC_COMM_SELF, PetscCalloc1((size_t)n, &p));
  return p;
}
static void release(int n, ...)
{
  va_list ap;
  va_start(ap, n);
  for (int k = 0; k < n; k++) {
    void *p = va_arg(ap, void *);
    (void)PetscFree(p);
  }
  va_end(ap);
}

static double rel(double a, double b) { return fabs(a - b) / fmax(1e-300, fmax(fabs(a), fabs(b))); }

/* the three adjoint identities of one linear layer y = W x + b */
static int adjoint_conv(int d, const int *L, PetscBool periodic)
{
  nn_stencil *st;
  int fails = 0;
  const int NC = 3, NO = 2;
  const int64_t B = 2;
  nn_stencil_create(d, L, periodic, &st);
  const int64_t V = st->V, nw = (int64_t)NO * st->K * NC;
  double *x, *w, *b, *y, *out, *dx, *dw, *db, *work, *zero;
  x = dbl(B * V * NC); w = dbl(nw); b = dbl(NO); y = dbl(B * V * NO); out = dbl(B * V * NO);
  dx = dbl(B * V * NC); dw = dbl(nw); db = dbl(NO); work = dbl(nn_conv_work(st, NC, NO)); zero = dbl(NO);
  fill(x, B * V * NC), fill(w, nw), fill(b, NO), fill(y, B * V * NO);
  nn_conv_backward_d(dx, dw, db, y, x, w, st, B, NC, NO, work);
  nn_conv_forward_d(out, x, w, NULL, st, B, NC, NO, work);
  const double yJx = dot(y, out, B * V * NO);
  EXPECT(fails, rel(yJx, dot(dx, x, B * V * NC)) < 1e-12, "conv d=%d input adjoint: %.17g vs %.17g", d, yJx,
         dot(dx, x, B * V * NC));
  EXPECT(fails, rel(yJx, dot(dw, w, nw)) < 1e-12, "conv d=%d weight adjoint: %.17g vs %.17g", d, yJx, dot(dw, w, nw));
  PetscArrayzero(w, nw);
  nn_conv_forward_d(out, x, w, b, st, B, NC, NO, work);
  EXPECT(fails, rel(dot(y, out, B * V * NO), dot(db, b, NO)) < 1e-12, "conv d=%d bias adjoint", d);
  release(5, x, w, b, y, out);
  release(5, dx, dw, db, work, zero);
  nn_stencil_destroy(&st);
  return fails;
}

static int adjoint_dense(void)
{
  const int64_t n = 5;
  const int NI = 7, NO = 4;
  int fails = 0;
  double x[35], w[28], b[4], y[20], out[20], dx[35] = {0}, dw[28] = {0}, db[4] = {0};
  fill(x, 35), fill(w, 28), fill(b, 4), fill(y, 20);
  nn_dense_backward_d(dx, dw, db, y, x, w, n, NI, NO);
  nn_dense_forward_d(out, x, w, NULL, n, NI, NO);
  const double yJx = dot(y, out, 20);
  EXPECT(fails, rel(yJx, dot(dx, x, 35)) < 1e-12, "dense input adjoint");
  EXPECT(fails, rel(yJx, dot(dw, w, 28)) < 1e-12, "dense weight adjoint");
  PetscArrayzero(w, 28);
  nn_dense_forward_d(out, x, w, b, n, NI, NO);
  EXPECT(fails, rel(dot(y, out, 20), dot(db, b, 4)) < 1e-12, "dense bias adjoint");
  return fails;
}

/* conv against the sum over offsets written out, on 70x70 sites (> one
 * chunk), by both paths (im2col + GEMM, and the direct kernel of narrow
 * layers) in double, and the float kernels against it to float rounding
 * (sums of up to 9 x 16 products of values of order 1: 1e-5 relative to
 * the output's scale is 80 float epsilons) */
static int conv_reference(PetscBool periodic, int NC, int NO, int direct)
{
  const int L[2] = {70, 70};
  nn_stencil *st;
  int fails = 0;
  nn_stencil_create(2, L, periodic, &st);
  const int64_t V = st->V, nw = (int64_t)NO * 9 * NC, nwork = nn_conv_work(st, NC, NO);
  double *x, *w, *b, *out, *work;
  float *xf = flt(V * NC), *wf = flt(nw), *bf = flt(NO), *outf = flt(V * NO), *workf = flt(nwork);
  x = dbl(V * NC); w = dbl(nw); b = dbl(NO); out = dbl(V * NO); work = dbl(nwork);
  fill(x, V * NC), fill(w, nw), fill(b, NO);
  for (int64_t i = 0; i < V * NC; i++) xf[i] = (float)x[i];
  for (int64_t i = 0; i < nw; i++) wf[i] = (float)w[i];
  for (int i = 0; i < NO; i++) bf[i] = (float)b[i];
  nn_conv_forward_path_d(out, x, w, b, st, 1, NC, NO, work, direct);
  nn_conv_forward_path_f(outf, xf, wf, bf, st, 1, NC, NO, workf, direct);
  double worst = 0, worstf = 0, scale = 0;
  for (int i = 0; i < L[0]; i++)
    for (int j = 0; j < L[1]; j++)
      for (int o = 0; o < NO; o++) {
        double s = b[o];
        for (int di = -1; di <= 1; di++)
          for (int dj = -1; dj <= 1; dj++) {
            int a = i + di, c = j + dj;
            if (!periodic && (a < 0 || a >= L[0] || c < 0 || c >= L[1])) continue;
            a = (a + L[0]) % L[0], c = (c + L[1]) % L[1];
            for (int ch = 0; ch < NC; ch++) s += w[(o * 9 + (di + 1) * 3 + dj + 1) * NC + ch] * x[(a * L[1] + c) * NC + ch];
          }
        const int64_t at = (i * L[1] + j) * NO + o;
        worst = fmax(worst, fabs(s - out[at])), worstf = fmax(worstf, fabs(s - (double)outf[at]));
        scale = fmax(scale, fabs(s));
      }
  EXPECT(fails, worst < 1e-12 && worstf < 1e-5 * scale,
         "conv (%s, %d -> %d channels, %s) differs from the sum by %.3g in double, %.3g in float (scale %.3g)",
         periodic ? "periodic" : "zero", NC, NO, direct ? "direct" : "im2col", worst, worstf, scale);
  release(5, x, w, b, out, work);
  release(5, xf, wf, bf, outf, workf);
  nn_stencil_destroy(&st);
  return fails;
}

/* every width on the im2col path, and those the direct kernel takes on it too */
static int conv_paths(void)
{
  const int widths[5][2] = {{2, 3}, {2, 16}, {16, 16}, {16, 32}, {32, 1}};
  int fails = 0;
  for (int p = 0; p < 2; p++)
    for (int k = 0; k < 5; k++)
      for (int direct = 0; direct <= nn_conv_direct(widths[k][0], widths[k][1]); direct++)
        fails += conv_reference(p ? PETSC_TRUE : PETSC_FALSE, widths[k][0], widths[k][1], direct);
  return fails;
}

/* backward-data by both paths, accumulating onto a nonzero din: the
 * direct transposed convolution against dout W and col2im, in d = 1..3,
 * periodic and zero-padded, with extents of 1 and 2 (neighbours that
 * coincide) among them */
static int conv_backward_paths(void)
{
  const int widths[5][2] = {{16, 16}, {32, 16}, {16, 32}, {16, 1}, {1, 16}}, Ls[3][3] = {{7}, {5, 2}, {3, 1, 4}};
  int fails = 0;
  for (int d = 1; d <= 3; d++)
    for (int p = 0; p < 2; p++)
      for (int k = 0; k < 5; k++) {
        const int NC = widths[k][0], NO = widths[k][1];
        const int64_t B = 2;
        nn_stencil *st;
        nn_stencil_create(d, Ls[d - 1], p ? PETSC_TRUE : PETSC_FALSE, &st);
        const int64_t V = st->V, nw = (int64_t)NO * st->K * NC;
        double *x = dbl(B * V * NC), *w = dbl(nw), *y = dbl(B * V * NO), *d0 = dbl(B * V * NC), *d1 = dbl(B * V * NC),
               *work = dbl(nn_conv_work(st, NC, NO));
        fill(x, B * V * NC), fill(w, nw), fill(y, B * V * NO), fill(d0, B * V * NC);
        PetscArraycpy(d1, d0, B * V * NC);
        EXPECT(fails, nn_conv_direct(NO, NC), "conv %d -> %d: the direct path should take backward-data", NC, NO);
        nn_conv_backward_path_d(d0, NULL, NULL, y, x, w, st, B, NC, NO, work, 0);
        nn_conv_backward_path_d(d1, NULL, NULL, y, x, w, st, B, NC, NO, work, 1);
        double worst = 0, scale = 0;
        for (int64_t i = 0; i < B * V * NC; i++) worst = fmax(worst, fabs(d0[i] - d1[i])), scale = fmax(scale, fabs(d0[i]));
        EXPECT(fails, worst <= 1e-13 * scale, "conv d=%d (%s, %d -> %d): backward-data paths differ by %.3g (scale %.3g)",
               d, p ? "periodic" : "zero", NC, NO, worst, scale);
        release(6, x, w, y, d0, d1, work);
        nn_stencil_destroy(&st);
      }
  return fails;
}

/* periodic conv commutes with a lattice translation, to rounding: the
 * same products are summed, but OpenBLAS may block the rows of a GEMM
 * differently at the edges (seen on AVX-512), so the order can differ.
 * The bound: 1e-13 of the output scale, about 450 double epsilons, far
 * above the rounding of sums of K C <= 162 terms and far below any
 * misplaced neighbour (an O(1) error). */
static int equivariance(int d, const int *L)
{
  nn_stencil *st;
  int fails = 0;
  const int NC = 2, NO = 2;
  nn_stencil_create(d, L, PETSC_TRUE, &st);
  const int64_t V = st->V, nw = (int64_t)NO * st->K * NC;
  double *x, *xs, *w, *b, *out, *outs, *work;
  x = dbl(V * NC); xs = dbl(V * NC); w = dbl(nw); b = dbl(NO); out = dbl(V * NO); outs = dbl(V * NO); work = dbl(nn_conv_work(st, NC, NO));
  fill(x, V * NC), fill(w, nw), fill(b, NO);
  /* shift by +1 in every direction: the site at offset (1, ..., 1) is
   * stencil entry K - 1 */
  for (int64_t v = 0; v < V; v++)
    for (int c = 0; c < NC; c++) xs[v * NC + c] = x[st->nbr[v * st->K + st->K - 1] * NC + c];
  nn_conv_forward_d(out, x, w, b, st, 1, NC, NO, work);
  nn_conv_forward_d(outs, xs, w, b, st, 1, NC, NO, work);
  double worst = 0, scale = 0;
  for (int64_t v = 0; v < V; v++)
    for (int o = 0; o < NO; o++) {
      worst = fmax(worst, fabs(outs[v * NO + o] - out[st->nbr[v * st->K + st->K - 1] * NO + o]));
      scale = fmax(scale, fabs(out[v * NO + o]));
    }
  EXPECT(fails, worst <= 1e-13 * scale, "d=%d: shifted input gives an output that differs from the shifted output by %.3g", d, worst);
  release(7, x, xs, w, b, out, outs, work);
  nn_stencil_destroy(&st);
  return fails;
}

/* A small network on a 4x4 periodic lattice, batch 2:
 *   h1 = swish(conv_1->4(x)), h2 = dense_4->4(h1) per site, y = conv_4->1(h2)
 *   loss = 1/2 |y - target|^2
 * parameters in one flat buffer, as the engine will hold them */
typedef struct {
  nn_stencil *st;
  int64_t B, V;
  double *p, *g; /* flat parameters and gradients */
  double *w1, *b1, *w2, *b2, *w3, *b3, *gw1, *gb1, *gw2, *gb2, *gw3, *gb3;
  double *a1, *h1, *h2, *y, *target, *work, *dy, *dh2, *dh1, *da1;
  int64_t np;
} tiny;

#define TINY_NP (4 * 9 + 4 + 16 + 4 + 9 * 4 + 1)
static void tiny_offsets(double *base, double **w1, double **b1, double **w2, double **b2, double **w3, double **b3)
{
  *w1 = base, *b1 = *w1 + 4 * 9, *w2 = *b1 + 4, *b2 = *w2 + 16, *w3 = *b2 + 4, *b3 = *w3 + 9 * 4;
}

static double tiny_loss(tiny *t, const double *x)
{
  const int64_t n = t->B * t->V;
  nn_conv_forward_d(t->a1, x, t->w1, t->b1, t->st, t->B, 1, 4, t->work);
  nn_swish_forward_d(t->h1, t->a1, n * 4);
  nn_dense_forward_d(t->h2, t->h1, t->w2, t->b2, n, 4, 4);
  nn_conv_forward_d(t->y, t->h2, t->w3, t->b3, t->st, t->B, 4, 1, t->work);
  double l = 0;
  for (int64_t i = 0; i < n; i++) l += 0.5 * (t->y[i] - t->target[i]) * (t->y[i] - t->target[i]);
  return l;
}

static void tiny_grad(tiny *t, const double *x, double *dx)
{
  const int64_t n = t->B * t->V;
  tiny_loss(t, x);
  PetscArrayzero(t->g, t->np);
  PetscArrayzero(t->dh2, n * 4);
  PetscArrayzero(t->dh1, n * 4);
  PetscArrayzero(t->da1, n * 4);
  for (int64_t i = 0; i < n; i++) t->dy[i] = t->y[i] - t->target[i];
  nn_conv_backward_d(t->dh2, t->gw3, t->gb3, t->dy, t->h2, t->w3, t->st, t->B, 4, 1, t->work);
  nn_dense_backward_d(t->dh1, t->gw2, t->gb2, t->dh2, t->h1, t->w2, n, 4, 4);
  nn_swish_backward_d(t->da1, t->dh1, t->a1, n * 4);
  nn_conv_backward_d(dx, t->gw1, t->gb1, t->da1, x, t->w1, t->st, t->B, 1, 4, t->work);
}

static int finite_differences(void)
{
  const int L[2] = {4, 4};
  tiny t = {.B = 2};
  int fails = 0;
  nn_stencil_create(2, L, PETSC_TRUE, &t.st);
  t.V = t.st->V;
  const int64_t n = t.B * t.V;
  t.np = TINY_NP;
  t.p = dbl(t.np); t.g = dbl(t.np);
  tiny_offsets(t.p, &t.w1, &t.b1, &t.w2, &t.b2, &t.w3, &t.b3);
  tiny_offsets(t.g, &t.gw1, &t.gb1, &t.gw2, &t.gb2, &t.gw3, &t.gb3);
  t.a1 = dbl(n * 4); t.h1 = dbl(n * 4); t.h2 = dbl(n * 4); t.y = dbl(n); t.target = dbl(n);
  t.work = dbl(nn_conv_work(t.st, 4, 4)); t.dy = dbl(n); t.dh2 = dbl(n * 4); t.dh1 = dbl(n * 4); t.da1 = dbl(n * 4);
  double *x, *dx;
  x = dbl(n); dx = dbl(n);
  fill(t.p, t.np), fill(x, n), fill(t.target, n);
  for (int64_t i = 0; i < t.np; i++) t.p[i] *= 0.5;
  tiny_grad(&t, x, dx);
  const double h = 1e-5;
  double worst = 0;
  for (int64_t i = 0; i < t.np + n; i++) {
    double *v = i < t.np ? &t.p[i] : &x[i - t.np];
    const double keep = *v, an = i < t.np ? t.g[i] : dx[i - t.np];
    *v = keep + h;
    const double lp = tiny_loss(&t, x);
    *v = keep - h;
    const double lm = tiny_loss(&t, x);
    *v = keep;
    const double fd = (lp - lm) / (2 * h);
    worst = fmax(worst, fabs(fd - an) / fmax(1, fabs(an)));
  }
  EXPECT(fails, worst < 1e-7, "network gradient vs central differences: worst relative error %.3g", worst);
  /* swish alone */
  double s0[1], s1[1], ds[1] = {0}, one[1] = {1};
  for (double z = -6; z <= 6; z += 0.37) {
    double zp = z + h, zm = z - h;
    nn_swish_forward_d(s0, &zp, 1);
    nn_swish_forward_d(s1, &zm, 1);
    ds[0] = 0;
    nn_swish_backward_d(ds, one, &z, 1);
    EXPECT(fails, fabs((s0[0] - s1[0]) / (2 * h) - ds[0]) < 1e-9, "swish derivative at %g", z);
  }
  release(2, x, dx);
  release(5, t.work, t.dy, t.dh2, t.dh1, t.da1);
  release(5, t.a1, t.h1, t.h2, t.y, t.target);
  release(2, t.p, t.g);
  nn_stencil_destroy(&t.st);
  return fails;
}

/* the float kernels compute what the double ones do, to float rounding */
/* fpmode: a product below 1.2e-38 becomes 0 (flush to zero), and a
 * subnormal operand reads as 0 (denormals are zero) */
static int fpmode_checks(void)
{
  volatile float lo = 1e-30f, small = 1e-10f, sub = 1e-40f, one = 1;
  int fails = 0;
  const float before = lo * small, sub_before = sub * one;
  EXPECT(fails, before != 0 && sub_before != 0, "fpmode: subnormals before the switch (%g, %g)", (double)before,
         (double)sub_before);
  if (!fpmode_flush_subnormals()) {
    fprintf(stderr, "# fpmode: no flush-to-zero switch on this architecture\n");
    return fails;
  }
  const float after = lo * small, sub_after = sub * one;
  EXPECT(fails, after == 0 && sub_after == 0, "fpmode: %g and %g after the switch, not 0", (double)after,
         (double)sub_after);
  return fails;
}

static int float_agrees(void)
{
  const int L[3] = {6, 5, 4}, NC = 8, NO = 8;
  nn_stencil *st;
  int fails = 0;
  nn_stencil_create(3, L, PETSC_TRUE, &st);
  const int64_t V = st->V, nw = (int64_t)NO * st->K * NC, nx = 2 * V * NC, ny = 2 * V * NO;
  double *x, *w, *b, *y, *work;
  float *xf, *wf, *bf, *yf, *workf;
  x = dbl(nx); w = dbl(nw); b = dbl(NO); y = dbl(ny); work = dbl(nn_conv_work(st, NC, NO));
  xf = flt(nx); wf = flt(nw); bf = flt(NO); yf = flt(ny); workf = flt(nn_conv_work(st, NC, NO));
  fill(x, nx), fill(w, nw), fill(b, NO);
  for (int64_t i = 0; i < nx; i++) xf[i] = (float)x[i];
  for (int64_t i = 0; i < nw; i++) wf[i] = (float)w[i];
  for (int i = 0; i < NO; i++) bf[i] = (float)b[i];
  nn_conv_forward_d(y, x, w, b, st, 2, NC, NO, work);
  nn_conv_forward_f(yf, xf, wf, bf, st, 2, NC, NO, workf);
  double worst = 0, scale = 0;
  for (int64_t i = 0; i < ny; i++) worst = fmax(worst, fabs(y[i] - yf[i])), scale = fmax(scale, fabs(y[i]));
  /* 216 terms of size ~1 summed in float: a few 1e-6 relative */
  EXPECT(fails, worst < 1e-5 * scale, "float conv differs from double by %.3g (scale %.3g)", worst, scale);
  release(5, x, w, b, y, work);
  release(5, xf, wf, bf, yf, workf);
  nn_stencil_destroy(&st);

  /* swish in float (its sigmoid from kernels_f.c's own exponential) against
   * swish in double of the same float inputs, on [-120, 120]: within 4e-7
   * relative wherever the value is a normal float (3 ulp measured), exactly
   * 0.5 x at 0, and a NaN stays NaN */
  const int64_t n = 240001;
  float *in = flt(n + 1), *out = flt(n + 1);
  double *ind = dbl(n), *outd = dbl(n);
  for (int64_t i = 0; i < n; i++) in[i] = (float)(-120 + 1e-3 * (double)i), ind[i] = in[i];
  in[n] = NAN;
  nn_swish_forward_f(out, in, n + 1);
  nn_swish_forward_d(outd, ind, n);
  double rel = 0;
  for (int64_t i = 0; i < n; i++)
    if (fabs(outd[i]) > 1.2e-38 && ind[i] > -86.9) rel = fmax(rel, fabs(out[i] - outd[i]) / fabs(outd[i]));
  EXPECT(fails, rel < 4e-7 && isnan(out[n]), "float swish against double: %.3g relative; NaN in, %g out", rel,
         (double)out[n]);
  release(4, in, out, ind, outd);
  return fails;
}

/* worst relative error of a network's gradient of 1/2 |out - target|^2
 * against fourth-order central differences (h = 1e-4: truncation O(h^4),
 * rounding O(1e-16 / h)), over every parameter (B samples) */
static double net_gradient_error(nn_net *n, int64_t B, const double *x, const double *t, const double *target)
{
  const int64_t m = B * n->dim;
  double *out = dbl(m), *dout = dbl(m), worst = 0;
  const double h = 1e-4, step[4] = {h, -h, 2 * h, -2 * h};
  nn_net_forward(n, B, x, t, out);
  for (int64_t i = 0; i < m; i++) dout[i] = out[i] - target[i];
  PetscArrayzero(n->g, n->nparams);
  nn_net_backward(n, B, dout);
  for (int64_t i = 0; i < n->nparams; i++) {
    double l[4] = {0, 0, 0, 0};
    const double keep = n->p[i];
    for (int side = 0; side < 4; side++) {
      n->p[i] = keep + step[side];
      nn_net_forward(n, B, x, t, out);
      for (int64_t k = 0; k < m; k++) l[side] += 0.5 * (out[k] - target[k]) * (out[k] - target[k]);
    }
    n->p[i] = keep;
    const double fd = (8 * (l[0] - l[1]) - (l[2] - l[3])) / (12 * h);
    worst = fmax(worst, fabs(fd - n->g[i]) / fmax(1, fabs(n->g[i])));
  }
  release(2, out, dout);
  return worst;
}

/* first-order jets (the tangent passes) along two random directions per
 * sample against fourth-order central differences of the forward; the
 * jet's value against the forward itself */
static double tangent_error(nn_net *n, int64_t B, const double *x, const double *t)
{
  jet_space *js;
  const int64_t D = n->dim, m = B * D;
  const double h = 1e-4, step[4] = {h, -h, 2 * h, -2 * h};
  double *dirs = dbl(2 * m), *out = dbl(3 * m), *val = dbl(m), *xs = dbl(m), *o[4], worst = 0;
  jet_space_create(2, 1, &js);
  fill(dirs, 2 * m);
  for (int k = 0; k < 4; k++) o[k] = dbl(m);
  nn_net_jet(n, B, x, t, js, dirs, out);
  nn_net_forward(n, B, x, t, val);
  for (int64_t i = 0; i < m; i++) worst = fmax(worst, fabs(out[i * 3] - val[i]) / fmax(1, fabs(val[i])));
  for (int q = 0; q < 2; q++) {
    for (int k = 0; k < 4; k++) {
      for (int64_t b = 0; b < B; b++)
        for (int64_t j = 0; j < D; j++) xs[b * D + j] = x[b * D + j] + step[k] * dirs[(b * 2 + q) * D + j];
      nn_net_forward(n, B, xs, t, o[k]);
    }
    for (int64_t i = 0; i < m; i++) {
      const double fd = (8 * (o[0][i] - o[1][i]) - (o[2][i] - o[3][i])) / (12 * h);
      worst = fmax(worst, fabs(fd - out[i * 3 + 1 + q]) / fmax(1, fabs(fd)));
    }
  }
  jet_space_destroy(&js);
  release(8, dirs, out, val, xs, o[0], o[1], o[2], o[3]);
  return worst;
}

/* the MLP's gradient against central differences of 1/2 |out - target|^2,
 * and one AdamW step against its closed form */
static int mlp_gradients(void)
{
  nn_net *n;
  nn_adamw *a;
  int fails = 0;
  const int64_t B = 5;
  double x[10], t[5], target[10];
  nn_net_create_mlp(2, 6, 2, 3, B, PETSC_FALSE, &n);
  nn_net_init(n, 3);
  fill(n->p, n->nparams); /* biases too */
  fill(x, 10), fill(target, 10);
  for (int s = 0; s < B; s++) t[s] = 0.1 + 0.17 * s;
  const double worst = net_gradient_error(n, B, x, t, target);
  EXPECT(fails, worst < 1e-7, "MLP gradient vs central differences: worst relative error %.3g", worst);
  /* AdamW from zero moments: mhat = g, vhat = g^2, so p -= lr g / (|g| + eps) */
  double *p0 = dbl(n->nparams);
  PetscArraycpy(p0, n->p, n->nparams);
  nn_adamw_create(n->nparams, 0.01, &a);
  nn_adamw_step(a, 0.01, n->nparams, n->p, n->g);
  double aw = 0;
  for (int64_t i = 0; i < n->nparams; i++)
    aw = fmax(aw, fabs(n->p[i] - (p0[i] - 0.01 * n->g[i] / (fabs(n->g[i]) + 1e-8))));
  EXPECT(fails, aw < 1e-15, "AdamW first step differs from its closed form by %.3g", aw);
  PetscFree(p0);
  nn_adamw_destroy(&a);
  nn_net_destroy(&n);
  nn_net_create_mlp(2, 6, 2, 0, B, PETSC_FALSE, &n); /* -embed 0: [x | t] in */
  nn_net_init(n, 3);
  fill(n->p, n->nparams);
  const double w0 = net_gradient_error(n, B, x, t, target);
  EXPECT(fails, n->nparams == 3 * 6 + 6 + 6 * 6 + 6 + 6 * 2 + 2 && w0 < 1e-7,
         "MLP with t as an input: %lld parameters, gradient vs central differences %.3g", (long long)n->nparams, w0);
  nn_net_destroy(&n);
  return fails;
}

/* the conv net: its gradient against central differences, and
 * translation equivariance of the whole network to rounding (as above) */
static int convnet_checks(void)
{
  const int L[2] = {4, 5};
  nn_net *net;
  int fails = 0;
  const int64_t B = 2;
  nn_net_create_conv(2, L, 3, 2, 2, B, PETSC_FALSE, NN_DOUBLE, &net);
  nn_convnet *n = net->impl;
  const int64_t V = n->V;
  double *x = dbl(B * V), *xs = dbl(B * V), *target = dbl(B * V), *out = dbl(B * V), *outs = dbl(B * V),
         t[2] = {0.3, 0.8};
  nn_net_init(net, 5);
  fill(n->p, n->nparams);
  for (int64_t i = 0; i < n->nparams; i++) n->p[i] *= 0.5;
  fill(x, B * V), fill(target, B * V);
  const double worst = net_gradient_error(net, B, x, t, target), tw = tangent_error(net, B, x, t);
  EXPECT(fails, worst < 1e-7, "conv net gradient vs central differences: worst relative error %.3g", worst);
  EXPECT(fails, tw < 1e-8, "conv net tangents (J v) vs central differences: worst relative error %.3g", tw);
  /* shift by +1 in both directions (stencil entry K - 1) */
  const nn_stencil *st = n->st;
  for (int64_t s = 0; s < B; s++)
    for (int64_t v = 0; v < V; v++) xs[s * V + v] = x[s * V + st->nbr[v * st->K + st->K - 1]];
  nn_convnet_forward(n, B, x, t, out);
  nn_convnet_forward(n, B, xs, t, outs);
  double eq = 0, scale = 0;
  for (int64_t s = 0; s < B; s++)
    for (int64_t v = 0; v < V; v++) {
      eq = fmax(eq, fabs(outs[s * V + v] - out[s * V + st->nbr[v * st->K + st->K - 1]]));
      scale = fmax(scale, fabs(out[s * V + v]));
    }
  EXPECT(fails, eq <= 1e-13 * scale, "conv net: shifted input gives an output off the shifted output by %.3g", eq);
  release(5, x, xs, target, out, outs);
  nn_net_destroy(&net);
  return fails;
}

/* the conv net in single precision against the same net in double: the
 * output and the gradient of 1/2 |out - target|^2 to float rounding (sums
 * of up to K C = 27 products of O(1) values per layer, a few layers: 1e-5
 * relative is some 100 float epsilons) */
static int single_checks(void)
{
  const int L[2] = {6, 5};
  const int64_t B = 3;
  int fails = 0;
  nn_net *nd, *ns;
  double t[3] = {0.1, 0.5, 0.9};
  nn_net_create_conv(2, L, 8, 3, 4, B, PETSC_FALSE, NN_DOUBLE, &nd);
  nn_net_create_conv(2, L, 8, 3, 4, B, PETSC_FALSE, NN_SINGLE, &ns);
  nn_net_init(nd, 4);
  fill(nd->p, nd->nparams);
  PetscArraycpy(ns->p, nd->p, nd->nparams);
  const int64_t m = B * nd->dim;
  double *x = dbl(m), *od = dbl(m), *os = dbl(m), *target = dbl(m), worst = 0, scale = 0;
  fill(x, m), fill(target, m);
  nn_net_forward(nd, B, x, t, od);
  nn_net_forward(ns, B, x, t, os);
  for (int64_t i = 0; i < m; i++) worst = fmax(worst, fabs(od[i] - os[i])), scale = fmax(scale, fabs(od[i]));
  EXPECT(fails, scale > 0.1 && worst < 1e-5 * scale, "single vs double output: %.3g (scale %.3g)", worst, scale);
  for (int64_t i = 0; i < m; i++) od[i] -= target[i], os[i] = od[i];
  PetscArrayzero(nd->g, nd->nparams);
  PetscArrayzero(ns->g, ns->nparams);
  nn_net_backward(nd, B, od);
  nn_net_backward(ns, B, os);
  worst = scale = 0;
  for (int64_t i = 0; i < nd->nparams; i++) worst = fmax(worst, fabs(nd->g[i] - ns->g[i])), scale = fmax(scale, fabs(nd->g[i]));
  EXPECT(fails, scale > 0.1 && worst < 1e-5 * scale, "single vs double gradient: %.3g (scale %.3g)", worst, scale);
  release(4, x, od, os, target);
  nn_net_destroy(&nd);
  nn_net_destroy(&ns);
  return fails;
}

/* -odd: s(-x) = -s(x) to rounding for both kinds, and the gradient of the
 * odd network against central differences */
static int odd_checks(void)
{
  const int L[2] = {4, 3};
  int fails = 0;
  const int64_t B = 3;
  double t[3] = {0.2, 0.5, 0.9};
  for (int kind = 0; kind < 2; kind++) {
    nn_net *n;
    if (kind == 0) nn_net_create_mlp(2, 6, 2, 3, B, PETSC_TRUE, &n);
    else nn_net_create_conv(2, L, 3, 2, 2, B, PETSC_TRUE, NN_DOUBLE, &n);
    nn_net_init(n, 9);
    fill(n->p, n->nparams); /* every parameter, so that the inner network is far from odd */
    for (int64_t i = 0; i < n->nparams; i++) n->p[i] *= 0.5; /* as in convnet_checks: O(1) activations */
    const int64_t m = B * n->dim;
    double *x = dbl(m), *xm = dbl(m), *out = dbl(m), *outm = dbl(m), *target = dbl(m), worst = 0, scale = 0;
    fill(x, m), fill(target, m);
    for (int64_t i = 0; i < m; i++) xm[i] = -x[i];
    nn_net_forward(n, B, x, t, out);
    nn_net_forward(n, B, xm, t, outm);
    for (int64_t i = 0; i < m; i++) worst = fmax(worst, fabs(out[i] + outm[i])), scale = fmax(scale, fabs(out[i]));
    EXPECT(fails, scale > 0.1 && worst <= 1e-13 * scale, "%s -odd: |s(x) + s(-x)| = %.3g (scale %.3g)", n->kind, worst,
           scale);
    const double g = net_gradient_error(n, B, x, t, target);
    EXPECT(fails, g < 1e-7, "%s -odd: gradient vs central differences: worst relative error %.3g", n->kind, g);
    if (kind == 1) {
      const double tw = tangent_error(n, B, x, t);
      EXPECT(fails, tw < 1e-8, "conv -odd: tangents vs central differences: worst relative error %.3g", tw);
    }
    release(5, x, xm, out, outm, target);
    nn_net_destroy(&n);
  }
  return fails;
}

/* the lattice symmetries of -augment: a bijection of the sites (no site
 * lost or doubled), reflections and permutations keep the spectrum's shell
 * sums and every nearest-neighbour product sum */
static int symmetry_checks(void)
{
  const int L[3] = {4, 4, 3};
  const int64_t V = 48;
  int fails = 0;
  double *x = dbl(V), *y = dbl(V);
  fill(x, V);
  for (uint64_t bits = 0; bits < 200; bits++) {
    lattice_symmetry s;
    symmetry_draw(3, L, bits * 2654435761u, &s);
    for (int64_t v = 0; v < V; v++) y[v] = NAN;
    symmetry_apply(&s, x, y);
    double sx = 0, sy = 0, hx = 0, hy = 0;
    for (int64_t v = 0; v < V; v++) {
      EXPECT(fails, isfinite(y[v]), "symmetry %llu leaves site %lld unset", (unsigned long long)bits, (long long)v);
      sx += x[v] * x[v], sy += y[v] * y[v];
      const int c[3] = {(int)(v / 12), (int)(v / 3 % 4), (int)(v % 3)};
      for (int mu = 0; mu < 3; mu++) { /* the hopping term sum_x sum_mu phi(x) phi(x + mu) */
        int e[3] = {c[0], c[1], c[2]};
        e[mu] = (e[mu] + 1) % L[mu];
        const int64_t w = (int64_t)(e[0] * 12 + e[1] * 3 + e[2]);
        hx += x[v] * x[w], hy += y[v] * y[w];
      }
    }
    EXPECT(fails, fabs(sx - sy) < 1e-12 && fabs(hx - hy) < 1e-12,
           "symmetry %llu changes sum phi^2 (%.3g) or the hopping term (%.3g)", (unsigned long long)bits, sx - sy, hx - hy);
    EXPECT(fails, s.perm[2] == 2, "symmetry %llu moves the axis of extent 3", (unsigned long long)bits);
  }
  release(2, x, y);
  return fails;
}

/* the U-Net kernels and networks: down/up-sampling adjoint to each other's
 * backward, the gradient of whole U-Nets (resampled and not, periodic and
 * zero padded, 1 and 2 blocks, d = 1..3) against central differences,
 * translation equivariance by 2^(levels-1) sites (periodic), single
 * against double, -odd */
static int unet_checks(void)
{
  int fails = 0;
  { /* <y, down x> = <down^T y, x> and <y, up x> = <up^T y, x> */
    const int L[3] = {4, 2, 6};
    const int64_t Vf = 48, Vc = 6, B = 2, C = 3;
    int64_t coarse[48];
    nn_coarse_map(3, L, coarse);
    double *x = dbl(B * Vf * C), *y = dbl(B * Vc * C), *dx = dbl(B * Vf * C), *dy = dbl(B * Vc * C),
           *yf = dbl(B * Vf * C), *xc = dbl(B * Vc * C);
    fill(x, B * Vf * C), fill(y, B * Vc * C), fill(yf, B * Vf * C), fill(xc, B * Vc * C);
    nn_down_forward_d(dy, x, coarse, B, Vf, Vc, (int)C);
    nn_down_backward_d(dx, y, coarse, B, Vf, Vc, (int)C);
    EXPECT(fails, rel(dot(y, dy, B * Vc * C), dot(dx, x, B * Vf * C)) < 1e-12, "down-sampling: adjoint identity fails");
    PetscArrayzero(dx, B * Vf * C), PetscArrayzero(dy, B * Vc * C);
    nn_up_forward_d(dx, xc, coarse, B, Vf, Vc, (int)C);
    nn_up_backward_d(dy, yf, coarse, B, Vf, Vc, (int)C);
    EXPECT(fails, rel(dot(yf, dx, B * Vf * C), dot(dy, xc, B * Vc * C)) < 1e-12, "up-sampling: adjoint identity fails");
    double mean = 0;
    for (int64_t v = 0; v < Vf; v++)
      if (coarse[v] == 0) mean += x[v * C] / 8;
    PetscArrayzero(dy, B * Vc * C);
    nn_down_forward_d(dy, x, coarse, B, Vf, Vc, (int)C);
    EXPECT(fails, fabs(dy[0] - mean) < 1e-14, "down-sampling: coarse site 0 is not the mean of its block");
    release(6, x, y, dx, dy, yf, xc);
  }
  const struct {
    int d, L[3], levels, c[3], blocks, groups;
    PetscBool resample, periodic, moments;
  } cases[] = {
    {2, {4, 4}, 2, {4, 6}, 1, 2, PETSC_TRUE, PETSC_TRUE, PETSC_TRUE},
    {2, {4, 6}, 2, {4, 4}, 2, 2, PETSC_TRUE, PETSC_TRUE, PETSC_FALSE},
    {2, {3, 4}, 3, {2, 4, 4}, 1, 2, PETSC_FALSE, PETSC_FALSE, PETSC_FALSE},
    {1, {8}, 3, {2, 2, 4}, 1, 1, PETSC_TRUE, PETSC_TRUE, PETSC_TRUE},
    {3, {4, 4, 4}, 2, {2, 4}, 1, 2, PETSC_TRUE, PETSC_FALSE, PETSC_TRUE},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    nn_unet_spec sp = {.d = cases[k].d, .levels = cases[k].levels, .blocks = cases[k].blocks, .groups = cases[k].groups,
                       .groups_first = 1, .resample = cases[k].resample, .periodic = cases[k].periodic,
                       .moments = cases[k].moments, .cubic = k % 2 == 0, .J = 2, .fourier_scale = k == 2 ? 30 : 0, .embed = 3};
    for (int mu = 0; mu < sp.d; mu++) sp.L[mu] = cases[k].L[mu];
    for (int i = 0; i < sp.levels; i++) sp.channels[i] = cases[k].c[i];
    const int64_t B = 2;
    double t[2] = {0.3, 0.8};
    for (int odd = 0; odd < 2; odd++) {
      nn_net *n;
      nn_net_create_unet("unet", &sp, B, odd ? PETSC_TRUE : PETSC_FALSE, NN_DOUBLE, &n);
      nn_net_init(n, 5);
      fill(n->p, n->nparams);
      for (int64_t i = 0; i < n->nparams; i++) n->p[i] *= 0.5;
      const int64_t m = B * n->dim;
      double *x = dbl(m), *target = dbl(m);
      fill(x, m), fill(target, m);
      const double worst = net_gradient_error(n, B, x, t, target), tw = tangent_error(n, B, x, t);
      EXPECT(fails, worst < 1e-7, "U-Net case %zu%s: gradient vs central differences: worst relative error %.3g", k,
             odd ? " -odd" : "", worst);
      EXPECT(fails, tw < 1e-8, "U-Net case %zu%s: tangents (J v) vs central differences: worst relative error %.3g", k,
             odd ? " -odd" : "", tw);
      release(2, x, target);
      nn_net_destroy(&n);
    }
  }
  { /* translation equivariance of the periodic U-Net by 2^(levels-1) sites, single vs double */
    const int L[2] = {8, 4};
    nn_unet_spec sp;
    nn_unet_spec_default("unet", 2, L, &sp);
    sp.channels[0] = 4, sp.channels[1] = 8, sp.channels[2] = 8, sp.groups = sp.groups_first = 4, sp.embed = 8;
    const int64_t B = 2, V = 32;
    double t[2] = {0.2, 0.7};
    nn_net *nd, *ns;
    nn_net_create_unet("unet", &sp, B, PETSC_FALSE, NN_DOUBLE, &nd);
    nn_net_create_unet("unet", &sp, B, PETSC_FALSE, NN_SINGLE, &ns);
    nn_net_init(nd, 3);
    fill(nd->p, nd->nparams);
    for (int64_t i = 0; i < nd->nparams; i++) nd->p[i] *= 0.5;
    PetscArraycpy(ns->p, nd->p, nd->nparams);
    double *x = dbl(B * V), *xs = dbl(B * V), *out = dbl(B * V), *outs = dbl(B * V), *os = dbl(B * V);
    fill(x, B * V);
    for (int64_t s = 0; s < B; s++) /* shift by (4, 4): x_s(y) = x(y + (4, 4)) */
      for (int64_t v = 0; v < V; v++) xs[s * V + v] = x[s * V + ((v / 4 + 4) % 8) * 4 + (v % 4 + 4) % 4];
    nn_net_forward(nd, B, x, t, out);
    nn_net_forward(nd, B, xs, t, outs);
    double eq = 0, scale = 0;
    for (int64_t s = 0; s < B; s++)
      for (int64_t v = 0; v < V; v++) {
        eq = fmax(eq, fabs(outs[s * V + v] - out[s * V + ((v / 4 + 4) % 8) * 4 + (v % 4 + 4) % 4]));
        scale = fmax(scale, fabs(out[s * V + v]));
      }
    EXPECT(fails, scale > 0.1 && eq <= 1e-13 * scale, "U-Net: shift by (4, 4) moves the output off by %.3g (scale %.3g)",
           eq, scale);
    nn_net_forward(ns, B, x, t, os);
    double worst = 0;
    for (int64_t i = 0; i < B * V; i++) worst = fmax(worst, fabs(os[i] - out[i]));
    EXPECT(fails, worst < 1e-5 * scale, "U-Net single vs double output: %.3g (scale %.3g)", worst, scale);
    release(5, x, xs, out, outs, os);
    nn_net_destroy(&nd);
    nn_net_destroy(&ns);
  }
  { /* the tutorial network's sizes: the notebook's ScoreNet has 1,115,297
     * trainable parameters in PyTorch (bench/tutorial_torch.py prints it;
     * its 128 Fourier weights are fixed, as here; its stride-1 transposed
     * convolutions have the weight counts of our convolutions) */
    const int L[2] = {8, 8};
    nn_unet_spec sp;
    nn_unet *u;
    nn_unet_spec_default("tutorial", 2, L, &sp);
    nn_unet_create(&sp, 1, NN_SINGLE, &u);
    EXPECT(fails, u->nparams == 1115297, "tutorial net: %lld parameters", (long long)u->nparams);
    nn_unet_destroy(&u);
  }
  return fails;
}

/* --- jets ---------------------------------------------------------------- */

/* a function of x (dim values) with its jets along dirs [n][dim]: out [dim][ncoef] */
typedef struct {
  int dim;
  nn_net *net;
  mixture *mx;
  double t;
} jet_case;

static void jet_eval(jet_case *c, const double *x, const jet_space *js, const double *dirs, double *out)
{
  if (c->net) nn_net_jet(c->net, 1, x, &c->t, js, dirs, out);
  else {
    double work[(MIXTURE_MAXDIM + 9) * 64];
    mixture_score_jet(c->mx, 0.9, 0.3, x, js, dirs, out, work);
  }
}

static void jet_value(jet_case *c, const double *x, double *s)
{
  if (c->net) nn_net_forward(c->net, 1, x, &c->t, s);
  else mixture_score(c->mx, 0.9, 0.3, x, s);
}

/* fourth-order central difference of g(x + h e_k) for the value picked by pick */
static double central(jet_case *c, const double *x, int k, const jet_space *js, const double *dirs, int what,
                      const int *idx)
{
  const double h = 1e-3, step[4] = {h, -h, 2 * h, -2 * h};
  double v[4], xs[8], out[8 * 64], s[8];
  for (int side = 0; side < 4; side++) {
    for (int j = 0; j < c->dim; j++) xs[j] = x[j] + (j == k ? step[side] : 0);
    if (what == 0) {
      jet_value(c, xs, s);
      v[side] = s[idx[0]];
    } else {
      jet_eval(c, xs, js, dirs, out);
      const double *a = out + idx[0] * js->ncoef;
      v[side] = what == 1 ? jet_d1(js, a, idx[1]) : jet_d2(js, a, idx[1], idx[2]);
    }
  }
  return (8 * (v[0] - v[1]) - (v[2] - v[3])) / (12 * h);
}

static int jet_check(jet_case *c, const char *name)
{
  const int n = c->dim;
  jet_space *js, *j1;
  double x[8], unit[64] = {0}, out[8 * 64], s[8], v[8], outv[8 * 2], worst[4] = {0, 0, 0, 0};
  int fails = 0;
  jet_space_create(n, 3, &js);
  jet_space_create(1, 1, &j1);
  for (int j = 0; j < n; j++) unit[j * n + j] = 1;
  fill(x, n), fill(v, n);
  for (int j = 0; j < n; j++) x[j] *= 0.5;
  jet_eval(c, x, js, unit, out);
  jet_value(c, x, s);
  for (int i = 0; i < n; i++) {
    const double *a = out + i * js->ncoef;
    worst[0] = fmax(worst[0], fabs(a[0] - s[i]) / fmax(1, fabs(s[i])));
    for (int j = 0; j < n; j++) {
      int idx[3] = {i, j, 0};
      worst[1] = fmax(worst[1], fabs(jet_d1(js, a, j) - central(c, x, j, js, unit, 0, idx)) / fmax(1, fabs(jet_d1(js, a, j))));
      for (int k = 0; k < n; k++) {
        int i2[3] = {i, j, 0}, i3[3] = {i, j, k};
        worst[2] = fmax(worst[2], fabs(jet_d2(js, a, j, k) - central(c, x, k, js, unit, 1, i2)) / fmax(1, fabs(jet_d2(js, a, j, k))));
        for (int l = 0; l < n; l++)
          worst[3] = fmax(worst[3], fabs(jet_d3(js, a, j, k, l) - central(c, x, l, js, unit, 2, i3)) /
                                        fmax(1, fabs(jet_d3(js, a, j, k, l))));
      }
    }
  }
  /* one random direction to order 1: J v */
  jet_eval(c, x, j1, v, outv);
  double jv = 0;
  for (int i = 0; i < n; i++) {
    double want = 0;
    for (int j = 0; j < n; j++) want += jet_d1(js, out + i * js->ncoef, j) * v[j];
    jv = fmax(jv, fabs(outv[i * 2 + 1] - want) / fmax(1, fabs(want)));
  }
  EXPECT(fails, worst[0] < 1e-13 && worst[1] < 1e-8 && worst[2] < 1e-8 && worst[3] < 1e-8 && jv < 1e-13,
         "%s: jets against the plain value %.2g, central differences of order 1 %.2g, 2 %.2g, 3 %.2g; J v %.2g", name,
         worst[0], worst[1], worst[2], worst[3], jv);
  jet_space_destroy(&js);
  jet_space_destroy(&j1);
  return fails;
}

static int jet_checks(void)
{
  int fails = 0;
  for (int odd = 0; odd < 2; odd++)
    for (int dim = 1; dim <= 4; dim++) { /* dim 4: 2 values with t itself as an input (-embed 0) */
      jet_case c = {.dim = dim == 4 ? 2 : dim, .t = 0.37};
      char name[64];
      nn_net_create_mlp(c.dim, 6, 2, dim == 4 ? 0 : 3, 4, odd ? PETSC_TRUE : PETSC_FALSE, &c.net);
      nn_net_init(c.net, 5);
      fill(c.net->p, c.net->nparams); /* biases too */
      snprintf(name, sizeof name, "MLP dim %d%s%s", c.dim, dim == 4 ? " -embed 0" : "", odd ? " -odd" : "");
      fails += jet_check(&c, name);
      nn_net_destroy(&c.net);
    }
  jet_case c = {.dim = 2};
  mixture_create_gauss25(PETSC_COMM_SELF, 0.5, 0.3, &c.mx);
  fails += jet_check(&c, "gauss25 mixture");
  mixture_destroy(&c.mx);
  c.dim = 1;
  mixture_create_twopeak(PETSC_COMM_SELF, 1, 0.25, &c.mx);
  fails += jet_check(&c, "twopeak mixture");
  mixture_destroy(&c.mx);
  return fails;
}

/* the trace of a score's Jacobian from its jets along every unit vector:
 * the definition nn_convnet_trace must equal (net NULL: the dsm score) */
static double unit_trace(nn_net *n, gauss_base *base, double t, const double *x)
{
  const int64_t D = n->dim;
  jet_space *js;
  double *dirs = dbl(D * D), *out = dbl(D * (D + 1)), tr = 0;
  jet_space_create((int)D, 1, &js);
  for (int64_t j = 0; j < D; j++) dirs[j * D + j] = 1;
  const dsm_form form = {.base = base, .sigma_data = 0.8};
  if (base) dsm_score_jet(n, &form, t, 0.9, 0.3, 1, x, js, dirs, out);
  else nn_net_jet(n, 1, x, &t, js, dirs, out);
  for (int64_t j = 0; j < D; j++) tr += out[j * (D + 1) + 1 + j];
  jet_space_destroy(&js);
  release(2, dirs, out);
  return tr;
}

/* lattices where the colours group sites (12 x 10 with 2 layers: reach 3,
 * 4 x 5 colours for 120 sites; 13 sites in 1-d: 5 colours, a remainder
 * colour for the last site; 8 x 6 x 7 with 1 layer) and one where each site
 * is its own colour (4 x 5); conv with and without -odd; then the whole
 * score with a Gaussian base */
static int trace_checks(void)
{
  const struct {
    int d, L[3], layers;
    PetscBool odd;
  } cases[] = {{2, {12, 10}, 2, PETSC_FALSE}, {1, {13}, 2, PETSC_FALSE}, {3, {8, 6, 7}, 1, PETSC_FALSE},
               {2, {4, 5}, 2, PETSC_FALSE},   {2, {12, 10}, 2, PETSC_TRUE}};
  int fails = 0;
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    nn_net *n;
    nn_net_create_conv(cases[k].d, cases[k].L, 3, cases[k].layers, 2, 7, cases[k].odd, NN_DOUBLE, &n);
    nn_net_init(n, 11);
    fill(n->p, n->nparams); /* the output layer and the m features' weights too */
    for (int64_t i = 0; i < n->nparams; i++) n->p[i] *= 0.5;
    double *x = dbl(n->dim), t = 0.4, tr;
    fill(x, n->dim);
    for (int64_t i = 0; i < n->dim; i++) x[i] += 0.7; /* m far from 0: the m path counts */
    nn_net_trace(n, 1, x, &t, &tr);
    const double want = unit_trace(n, NULL, t, x);
    EXPECT(fails, fabs(tr - want) <= 1e-12 * fmax(1, fabs(want)),
           "conv case %zu (d %d, %d layers%s): coloured trace %.15g, sum of unit tangents %.15g", k, cases[k].d,
           cases[k].layers, cases[k].odd ? ", -odd" : "", tr, want);
    if (k == 0) { /* the score: scaled network plus the base's constant trace */
      gauss_base *base;
      double *G = dbl(n->dim), str;
      for (int64_t j = 0; j < n->dim; j++) G[j] = 1 + 0.5 * (double)(j % 3); /* any positive propagator */
      gauss_base_create(2, cases[k].L, &base);
      gauss_base_set(base, G);
      const dsm_form form = {.base = base, .sigma_data = 0.8};
      dsm_score_trace(n, &form, t, 0.9, 0.3, 1, x, &str);
      const double swant = unit_trace(n, base, t, x);
      EXPECT(fails, fabs(str - swant) <= 1e-12 * fmax(1, fabs(swant)),
             "conv + Gaussian base: dsm_score_trace %.15g, from the score's jets %.15g", str, swant);
      gauss_base_destroy(&base);
      release(1, G);
    }
    release(1, x);
    nn_net_destroy(&n);
  }
  return fails;
}

/* the Gaussian base with the magnetisations' zero mode on a 4 x 5 lattice:
 * its score is the gradient of its log-density, its jets along a line the
 * derivatives of the order below, its trace the sum of its unit tangents,
 * and it is odd; at (f, Xi) where the mixture's components overlap and
 * where they are narrow (Xi / V small against the spread of f M) */
static void base_line(gauss_base *g, double f, double xi, const double *x, const double *v, double h, int order,
                      double *coef)
{
  const int64_t V = g->V;
  jet_space *js;
  double *xs = dbl(V), *out = dbl(V * 4);
  jet_space_create(1, order, &js);
  for (int64_t i = 0; i < V; i++) xs[i] = x[i] + h * v[i];
  gauss_base_score_jet(g, f, xi, xs, js, v, out);
  for (int64_t i = 0; i < V * js->ncoef; i++) coef[i] = out[i];
  jet_space_destroy(&js);
  release(2, xs, out);
}

static int base_checks(void)
{
  const int L[2] = {4, 5};
  const int64_t V = 20;
  const double M[5] = {0.9, 1.1, -1.0, 0.95, 1.3};
  const double fx[2][2] = {{0.9, 0.3}, {0.95, 0.004}};
  int fails = 0;
  gauss_base *g;
  double *G = dbl(V), *x = dbl(V), *v = dbl(V), *s = dbl(V), *sm = dbl(V), *c3 = dbl(4 * V), *cp = dbl(4 * V),
         *cm = dbl(4 * V), *dirs = dbl(V * V), *unit = dbl(V * (V + 1));
  for (int64_t j = 0; j < V; j++) G[j] = 1 + 0.5 * (double)(j % 3);
  gauss_base_create(2, L, &g);
  gauss_base_set(g, G);
  gauss_base_set_magnetisations(g, 5, M);
  for (int k = 0; k < 2; k++) {
    const double f = fx[k][0], xi = fx[k][1], h = 1e-4;
    fill(x, V), fill(v, V);
    for (int64_t i = 0; i < V; i++) x[i] = 0.1 * x[i] + 0.97 * f; /* m between two centres */
    /* the score against central differences of the log-density */
    double worst = 0, lp[2];
    gauss_base_score(g, 1, &f, &xi, x, s);
    for (int64_t i = 0; i < V; i++) {
      for (int side = 0; side < 2; side++) {
        x[i] += side ? -h : h;
        gauss_base_logpdf(g, f, xi, x, lp + side);
        x[i] -= side ? -h : h;
      }
      worst = fmax(worst, fabs((lp[0] - lp[1]) / (2 * h) - s[i]) / fmax(1, fabs(s[i])));
    }
    EXPECT(fails, worst < 1e-6, "base (f %g, Xi %g): score against differences of the log-density %.2g", f, xi, worst);
    /* along the line x + e v: the jet's order-k coefficient is the derivative of order k - 1's over k */
    base_line(g, f, xi, x, v, 0, 3, c3);
    double jw[4] = {0};
    for (int order = 1; order <= 3; order++) {
      const double hl = 1e-5;
      base_line(g, f, xi, x, v, hl, order - 1 ? order - 1 : 1, cp);
      base_line(g, f, xi, x, v, -hl, order - 1 ? order - 1 : 1, cm);
      const int nc = order - 1 ? order : 2, lo = order - 1; /* the coefficient below, in the lower jet's layout */
      for (int64_t i = 0; i < V; i++) {
        const double want = (cp[i * nc + lo] - cm[i * nc + lo]) / (2 * hl) / order, got = c3[i * 4 + order];
        jw[order] = fmax(jw[order], fabs(got - want) / fmax(1, fabs(got)));
      }
    }
    for (int64_t i = 0; i < V; i++) jw[0] = fmax(jw[0], fabs(c3[i * 4] - s[i]) / fmax(1, fabs(s[i])));
    EXPECT(fails, jw[0] < 1e-14 && jw[1] < 1e-6 && jw[2] < 1e-6 && jw[3] < 1e-6,
           "base (f %g, Xi %g): the jet's value %.2g, orders 1-3 against differences of the order below %.2g %.2g %.2g",
           f, xi, jw[0], jw[1], jw[2], jw[3]);
    /* the trace against the unit tangents */
    jet_space *j1;
    jet_space_create((int)V, 1, &j1);
    for (int64_t j = 0; j < V; j++) dirs[j * V + j] = 1;
    for (int64_t i = 0; i < V * (V + 1); i++) unit[i] = 0;
    gauss_base_score_jet(g, f, xi, x, j1, dirs, unit);
    double want = 0;
    for (int64_t j = 0; j < V; j++) want += unit[j * (V + 1) + 1 + j];
    const double tr = gauss_base_trace(g, f, xi, x);
    EXPECT(fails, fabs(tr - want) <= 1e-12 * fmax(1, fabs(want)), "base (f %g, Xi %g): trace %.15g, unit tangents %.15g",
           f, xi, tr, want);
    jet_space_destroy(&j1);
    /* odd: the centres are +-M */
    for (int64_t i = 0; i < V; i++) x[i] = -x[i];
    gauss_base_score(g, 1, &f, &xi, x, sm);
    double odd = 0;
    for (int64_t i = 0; i < V; i++) odd = fmax(odd, fabs(sm[i] + s[i]) / fmax(1, fabs(s[i])));
    EXPECT(fails, odd < 1e-12, "base (f %g, Xi %g): s(-x) + s(x) %.2g", f, xi, odd);
    /* the action target on the base's own law: x_0 near a vacuum, s_0 the base's
     * score at t = 0; mixing -z with sqrt(Xi) s_0 / f gives sqrt(Xi) times the
     * exact score at x_t on every mode, the zero mode included (with G(0) = V <M^2>
     * as the zero mode's weight it was off by the data's own noise) */
    const double one = 1, zero = 0;
    fill(x, V), fill(v, V); /* x_0, z */
    for (int64_t i = 0; i < V; i++) x[i] = 0.1 * x[i] + 1.05;
    gauss_base_score(g, 1, &one, &zero, x, s);
    for (int64_t i = 0; i < V; i++) sm[i] = sqrt(xi) * s[i] / f, s[i] = -v[i];
    gauss_base_mix(g, f, xi, s, sm, cp);
    for (int64_t i = 0; i < V; i++) x[i] = f * x[i] + sqrt(xi) * v[i];
    gauss_base_score(g, 1, &f, &xi, x, s);
    double mixed = 0;
    for (int64_t i = 0; i < V; i++) mixed = fmax(mixed, fabs(cp[i] - sqrt(xi) * s[i]) / fmax(1, fabs(cp[i])));
    EXPECT(fails, mixed < 1e-12, "base (f %g, Xi %g): the mixed target against sqrt(Xi) s(x_t) %.2g", f, xi, mixed);
    /* the posterior's spread: a constant field is the zero mode alone, scaled
     * by sqrt(W Xi / (f^2 W + Xi)) with one vacuum's W = V w, not G(0) */
    for (int64_t i = 0; i < V; i++) x[i] = 0.7;
    gauss_base_posterior_color(g, f, xi, 1, x);
    const double W = (double)V * g->mu_var, want0 = 0.7 * sqrt(W * xi / (f * f * W + xi));
    double spread = 0;
    for (int64_t i = 0; i < V; i++) spread = fmax(spread, fabs(x[i] - want0) / want0);
    EXPECT(fails, spread < 1e-12, "base (f %g, Xi %g): the posterior's spread on the zero mode, %.2g off", f, xi,
           spread);
  }
  gauss_base_destroy(&g);
  release(10, G, x, v, s, sm, c3, cp, cm, dirs, unit);
  return fails;
}

/* an inverse propagator in the fit's span (gauss_base_fit): 0.3 + 0.9 e1 + 0.04 e1^2 + 0.02 e2 */
static double smooth_inverse(const int *L, int64_t j)
{
  const double s0 = sin(PETSC_PI * (double)(j / L[1]) / L[0]), s1 = sin(PETSC_PI * (double)(j % L[1]) / L[1]);
  const double a0 = 4 * s0 * s0, a1 = 4 * s1 * s1, e1 = a0 + a1;
  return 0.3 + 0.9 * e1 + 0.04 * e1 * e1 + 0.02 * a0 * a1;
}

/* the fitted base propagator: exact on a propagator in its span; on Gaussian
 * samples chi^2/dof near 1 and closer to the truth than the measurement */
static int base_fit_checks(void)
{
  const int L[2] = {24, 20}, N = 400;
  const int64_t V = 480;
  int fails = 0, nterms;
  double chi2, *G0 = dbl(V), *x = dbl(N * V);
  gauss_base *g0, *g;
  gauss_base_create(2, L, &g0);
  gauss_base_create(2, L, &g);
  for (int64_t j = 0; j < V; j++) G0[j] = 1 / smooth_inverse(L, j);
  gauss_base_set(g0, G0);
  gauss_base_set(g, G0);
  gauss_base_fit(g, &nterms, &chi2);
  double worst = 0;
  for (int64_t j = 0; j < V; j++) worst = fmax(worst, fabs(g->G[j] / G0[j] - 1));
  EXPECT(fails, nterms == 6 && worst < 1e-12 && isnan(chi2),
         "base fit: %d terms, a propagator in its span off by %.2g, chi2 %g without configurations", nterms, worst,
         chi2);
  /* N independent Gaussian fields: each orbit's measured G has the relative
   * variance 2 / (N |O|); chi^2 over 143 - 6 degrees of freedom has the
   * standard deviation 0.12, the bound is 3.7 of them. The fit's error is
   * about sqrt(6 / 143) = 0.2 of the measurement's; a fit that followed the
   * noise would be 1 */
  fill(x, N * V);
  gauss_base_color(g0, 1, 0, N, x);
  gauss_base_measure(g, PETSC_COMM_SELF, N, x);
  double err_measured = 0, err_fit = 0;
  for (int64_t j = 0; j < V; j++) err_measured += pow(g->G[j] / G0[j] - 1, 2);
  gauss_base_fit(g, &nterms, &chi2);
  for (int64_t j = 0; j < V; j++) err_fit += pow(g->G[j] / G0[j] - 1, 2);
  err_measured = sqrt(err_measured / (double)V), err_fit = sqrt(err_fit / (double)V);
  EXPECT(fails, fabs(chi2 - 1) < 0.45 && err_fit < 0.5 * err_measured,
         "base fit on %d Gaussian fields: chi2/dof %.3f, rms relative error %.3g fitted against %.3g measured", N, chi2,
         err_fit, err_measured);
  /* small lattices: on 8 x 1 e2 vanishes (4 terms, still exact); 2 x 1 has
   * 2 orbits for as many independent terms: no smoothing, G kept */
  const int small[2][2] = {{8, 1}, {2, 1}}, want_terms[2] = {4, 0};
  for (int k = 0; k < 2; k++) {
    gauss_base *gs;
    double Gs[16];
    const int64_t Vs = small[k][0] * small[k][1];
    gauss_base_create(2, small[k], &gs);
    for (int64_t j = 0; j < Vs; j++) Gs[j] = 1 / smooth_inverse(small[k], j) + (k ? 0.01 * (double)j : 0);
    gauss_base_set(gs, Gs);
    for (int64_t j = 0; j < Vs; j++) Gs[j] = gs->G[j];
    gauss_base_fit(gs, &nterms, &chi2);
    worst = 0;
    for (int64_t j = 0; j < Vs; j++) worst = fmax(worst, fabs(gs->G[j] / Gs[j] - 1));
    EXPECT(fails, nterms == want_terms[k] && worst < 1e-12, "base fit on %d x %d: %d terms (want %d), G changed by %.2g",
           small[k][0], small[k][1], nterms, want_terms[k], worst);
    gauss_base_destroy(&gs);
  }
  /* with the vacua pair the zero mode is theirs: the fit leaves G(0) alone */
  const double M[4] = {1, -1.1, 0.9, -1.05};
  gauss_base_set(g, G0);
  g->G[0] = 7;
  gauss_base_set_magnetisations(g, 4, M);
  gauss_base_fit(g, &nterms, &chi2);
  EXPECT(fails, g->nmu == 2 && g->G[0] == 7, "base fit with the vacua pair: G(0) %g, not the measured 7", g->G[0]);
  gauss_base_destroy(&g0);
  gauss_base_destroy(&g);
  release(2, G0, x);
  return fails;
}

int main(int argc, char **argv)
{
  int fails = 0;
  const char *what = argc > 1 ? argv[1] : "";

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  if (!strcmp(what, "adjoint")) {
    const int L1[1] = {7}, L2[2] = {5, 6}, L3[3] = {3, 4, 5}, L4[4] = {3, 3, 2, 4};
    const int *Ls[4] = {L1, L2, L3, L4};
    fails += adjoint_dense();
    for (int d = 1; d <= 4; d++)
      for (int p = 0; p < 2; p++) fails += adjoint_conv(d, Ls[d - 1], p ? PETSC_TRUE : PETSC_FALSE);
  } else if (!strcmp(what, "conv")) {
    const int L1[1] = {9}, L2[2] = {5, 6}, L3[3] = {3, 4, 5}, L4[4] = {3, 3, 3, 4};
    const int *Ls[4] = {L1, L2, L3, L4};
    fails += conv_paths() + conv_backward_paths();
    for (int d = 1; d <= 4; d++) fails += equivariance(d, Ls[d - 1]);
  } else if (!strcmp(what, "fd")) fails += finite_differences();
  else if (!strcmp(what, "float")) fails += float_agrees();
  else if (!strcmp(what, "fpmode")) fails += fpmode_checks();
  else if (!strcmp(what, "mlp")) fails += mlp_gradients();
  else if (!strcmp(what, "convnet")) fails += convnet_checks();
  else if (!strcmp(what, "odd")) fails += odd_checks();
  else if (!strcmp(what, "single")) fails += single_checks();
  else if (!strcmp(what, "symmetry")) fails += symmetry_checks();
  else if (!strcmp(what, "unet")) fails += unet_checks();
  else if (!strcmp(what, "jet")) fails += jet_checks();
  else if (!strcmp(what, "trace")) fails += trace_checks();
  else if (!strcmp(what, "base")) fails += base_checks() + base_fit_checks();
  else {
    fprintf(stderr, "usage: test_nn adjoint|conv|fd|float|fpmode|mlp|convnet|odd|symmetry|single|unet|jet|trace|base\n");
    fails = 1;
  }
  PetscCall(PetscFinalize());
  return fails > 0;
}
