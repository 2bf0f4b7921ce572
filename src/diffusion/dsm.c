/* dsm.c — denoising score matching (dsm.h). */
#include "latdiff/dsm.h"

#include <math.h>

int64_t dsm_work_size(const nn_net *m) { return 4 * m->batch * m->dim + 3 * m->batch + 2 * m->dim; }

/* the work buffer's parts: network input and output, the base score, the
 * target, per sample t, f, xi, and two fields of scratch */
typedef struct {
  double *xt, *out, *sg, *tg, *t, *f, *xi, *u, *v;
} parts;

static parts split(const nn_net *m, double *work)
{
  const int64_t bd = m->batch * m->dim, b = m->batch;
  double *w = work + 4 * bd;
  return (parts){work, work + bd, work + 2 * bd, work + 3 * bd, w, w + b, w + 2 * b, w + 3 * b, w + 3 * b + m->dim};
}

/* sqrt(Xi) times the score estimate of one sample (dsm.h): -z, or the mixture with s0 */
static PetscErrorCode target(const dsm_form *p, double f, double xi, int64_t D, const double *z, const double *s0,
                             parts *w, double *out)
{
  const double r = sqrt(xi);

  PetscFunctionBeginUser;
  if (!s0) {
    for (int64_t c = 0; c < D; c++) out[c] = -z[c];
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (int64_t c = 0; c < D; c++) w->u[c] = -z[c], w->v[c] = r * s0[c] / f;
  if (p->base) PetscCall(gauss_base_mix(p->base, f, xi, w->u, w->v, out));
  else {
    const double A = xi / (f * f * p->sigma_data * p->sigma_data + xi);
    for (int64_t c = 0; c < D; c++) out[c] = A * w->u[c] + (1 - A) * w->v[c];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* s = n(in x, t) out + s_G: the network's input and output scales */
static void scales(const dsm_form *p, double f, double xi, double *in, double *out)
{
  if (p->plain) *in = 1, *out = 1;
  else *in = 1 / sqrt(f * f * p->sigma_data * p->sigma_data + xi), *out = 1 / sqrt(xi);
}

PetscErrorCode dsm_loss_grad(nn_net *m, const dsm_form *p, const schedule *s, dsm_weighting weighting, int64_t B,
                             const double *x0, const double *s0, const double *t, const double *z, double scale,
                             PetscBool backward, double *work, double *loss, double *loss_off)
{
  const int64_t D = m->dim;
  gauss_base *base = p->base;
  parts w = split(m, work);

  PetscFunctionBeginUser;
  *loss = 0;
  if (loss_off) *loss_off = 0;
  for (int64_t b0 = 0; b0 < B; b0 += m->batch) {
    const int64_t nb = PetscMin(m->batch, B - b0);
    for (int64_t b = 0; b < nb; b++) {
      const double tb = t[b0 + b], f = schedule_f(s, tb), xi = schedule_xi(s, tb);
      for (int64_t c = 0; c < D; c++) {
        const int64_t i = (b0 + b) * D + c;
        w.xt[b * D + c] = f * x0[i] + sqrt(xi) * z[i];
      }
      w.t[b] = tb, w.f[b] = f, w.xi[b] = xi;
      PetscCall(target(p, f, xi, D, z + (b0 + b) * D, s0 ? s0 + (b0 + b) * D : NULL, &w, w.tg + b * D));
    }
    /* the residual n - sqrt(Xi) (target - s_G(x_t)): the network learns what the base misses */
    if (base) PetscCall(gauss_base_score(base, nb, w.f, w.xi, w.xt, w.sg));
    for (int64_t b = 0; b < nb; b++) {
      double in, out;
      scales(p, w.f[b], w.xi[b], &in, &out);
      for (int64_t c = 0; c < D; c++) {
        if (base) w.sg[b * D + c] *= sqrt(w.xi[b]);
        w.xt[b * D + c] *= in;
      }
    }
    PetscCall(nn_net_forward(m, nb, w.xt, w.t, w.out));
    for (int64_t b = 0; b < nb; b++) {
      const double c = weighting == DSM_WEIGHT_LIKELIHOOD ? scale * schedule_g2(s, w.t[b]) / w.xi[b] : scale;
      const double k = p->plain ? sqrt(w.xi[b]) : 1; /* sqrt(Xi) s = k n + sqrt(Xi) s_G */
      for (int64_t i = b * D; i < (b + 1) * D; i++) {
        const double r0 = (base ? w.sg[i] : 0) - w.tg[i], r = k * w.out[i] + r0;
        *loss += c * r * r;
        if (loss_off) *loss_off += c * r0 * r0;
        w.out[i] = 2 * c * r * k; /* d loss / d out, in place */
      }
    }
    if (backward) PetscCall(nn_net_backward(m, nb, w.out));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode dsm_score(nn_net *m, const dsm_form *p, double t, double f, double xi, int64_t B, const double *x,
                         double *s, double *work)
{
  const int64_t D = m->dim;
  gauss_base *base = p->base;
  double norm, out_scale;
  parts w = split(m, work);

  PetscFunctionBeginUser;
  scales(p, f, xi, &norm, &out_scale);
  for (int64_t b0 = 0; b0 < B; b0 += m->batch) {
    const int64_t nb = PetscMin(m->batch, B - b0);
    for (int64_t i = 0; i < nb * D; i++) w.xt[i] = x[b0 * D + i] * norm;
    for (int64_t b = 0; b < nb; b++) w.t[b] = t, w.f[b] = f, w.xi[b] = xi;
    PetscCall(nn_net_forward(m, nb, w.xt, w.t, s + b0 * D));
    for (int64_t i = 0; i < nb * D; i++) s[b0 * D + i] *= out_scale;
    if (base) {
      PetscCall(gauss_base_score(base, nb, w.f, w.xi, x + b0 * D, w.sg));
      for (int64_t i = 0; i < nb * D; i++) s[b0 * D + i] += w.sg[i];
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* s(x) = n(in x, t) out + s_G(x): the input jet is scaled by in, the
 * output's by out; the base adds its own jet */
PetscErrorCode dsm_score_jet(nn_net *m, const dsm_form *p, double t, double f, double xi, int64_t B, const double *x,
                             const jet_space *js, const double *dirs, double *out)
{
  const int64_t D = m->dim, nx = B * D, nd = nx * js->n, no = nx * js->ncoef;
  gauss_base *base = p->base;
  double *xs, *ds, *ts, norm, out_scale;

  PetscFunctionBeginUser;
  scales(p, f, xi, &norm, &out_scale);
  PetscCall(PetscMalloc3((size_t)nx, &xs, (size_t)nd, &ds, (size_t)B, &ts));
  for (int64_t i = 0; i < nx; i++) xs[i] = norm * x[i];
  for (int64_t i = 0; i < nd; i++) ds[i] = norm * dirs[i];
  for (int64_t b = 0; b < B; b++) ts[b] = t;
  PetscCall(nn_net_jet(m, B, xs, ts, js, ds, out));
  for (int64_t i = 0; i < no; i++) out[i] *= out_scale;
  if (base)
    for (int64_t b = 0; b < B; b++)
      PetscCall(gauss_base_score_jet(base, f, xi, x + b * D, js, dirs + b * js->n * D, out + b * D * js->ncoef));
  PetscCall(PetscFree3(xs, ds, ts));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* tr ds/dx = in out tr J_n(in x) + tr ds_G/dx */
PetscErrorCode dsm_score_trace(nn_net *m, const dsm_form *p, double t, double f, double xi, int64_t B, const double *x,
                               double *tr)
{
  const int64_t D = m->dim;
  double *xs, norm, out_scale;

  PetscFunctionBeginUser;
  scales(p, f, xi, &norm, &out_scale);
  PetscCall(PetscMalloc1((size_t)D, &xs));
  for (int64_t b = 0; b < B; b++) {
    for (int64_t j = 0; j < D; j++) xs[j] = norm * x[b * D + j];
    PetscCall(nn_net_trace(m, 1, xs, &t, tr + b));
    tr[b] = norm * out_scale * tr[b] + (p->base ? gauss_base_trace(p->base, f, xi, x + b * D) : 0);
  }
  PetscCall(PetscFree(xs));
  PetscFunctionReturn(PETSC_SUCCESS);
}
