/* dsm.c — denoising score matching (dsm.h). */
#include "latdiff/dsm.h"

#include <math.h>

int64_t dsm_work_size(const nn_net *m) { return 3 * m->batch * m->dim + 3 * m->batch; }

/* the work buffer's parts: network input and output, the base score, and per sample t, f, xi */
typedef struct {
  double *xt, *out, *sg, *t, *f, *xi;
} parts;

static parts split(const nn_net *m, double *work)
{
  const int64_t bd = m->batch * m->dim;
  return (parts){work, work + bd, work + 2 * bd, work + 3 * bd, work + 3 * bd + m->batch, work + 3 * bd + 2 * m->batch};
}

PetscErrorCode dsm_loss_grad(nn_net *m, gauss_base *base, const schedule *s, double sigma_data, int64_t B,
                             const double *x0, const double *t, const double *z, double scale, PetscBool backward,
                             double *work, double *loss)
{
  const int64_t D = m->dim;
  const parts w = split(m, work);

  PetscFunctionBeginUser;
  *loss = 0;
  for (int64_t b0 = 0; b0 < B; b0 += m->batch) {
    const int64_t nb = PetscMin(m->batch, B - b0);
    for (int64_t b = 0; b < nb; b++) {
      const double tb = t[b0 + b], f = schedule_f(s, tb), xi = schedule_xi(s, tb);
      for (int64_t c = 0; c < D; c++) {
        const int64_t i = (b0 + b) * D + c;
        w.xt[b * D + c] = f * x0[i] + sqrt(xi) * z[i];
      }
      w.t[b] = tb, w.f[b] = f, w.xi[b] = xi;
    }
    /* the residual n + z + sqrt(Xi) s_G(x_t): the network learns what the base misses */
    if (base) PetscCall(gauss_base_score(base, nb, w.f, w.xi, w.xt, w.sg));
    for (int64_t b = 0; b < nb; b++) {
      const double norm = 1 / sqrt(w.f[b] * w.f[b] * sigma_data * sigma_data + w.xi[b]);
      for (int64_t c = 0; c < D; c++) {
        if (base) w.sg[b * D + c] *= sqrt(w.xi[b]);
        w.xt[b * D + c] *= norm;
      }
    }
    PetscCall(nn_net_forward(m, nb, w.xt, w.t, w.out));
    for (int64_t i = 0; i < nb * D; i++) {
      const double r = w.out[i] + z[b0 * D + i] + (base ? w.sg[i] : 0);
      *loss += scale * r * r;
      w.out[i] = 2 * scale * r; /* d loss / d out, in place */
    }
    if (backward) PetscCall(nn_net_backward(m, nb, w.out));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode dsm_score(nn_net *m, gauss_base *base, double sigma_data, double t, double f, double xi, int64_t B,
                         const double *x, double *s, double *work)
{
  const int64_t D = m->dim;
  const double norm = 1 / sqrt(f * f * sigma_data * sigma_data + xi), out_scale = 1 / sqrt(xi);
  const parts w = split(m, work);

  PetscFunctionBeginUser;
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
