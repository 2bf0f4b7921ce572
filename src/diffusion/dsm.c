/* dsm.c — denoising score matching (dsm.h). */
#include "latdiff/dsm.h"

#include <math.h>

PetscErrorCode dsm_loss_grad(nn_net *m, const schedule *s, double sigma_data, int64_t B, const double *x0,
                             const double *t, const double *z, double scale, PetscBool backward, double *work,
                             double *loss)
{
  const int64_t D = m->dim;
  double *xt = work, *tt = work + m->batch * D, *out = tt + m->batch;

  PetscFunctionBeginUser;
  *loss = 0;
  for (int64_t b0 = 0; b0 < B; b0 += m->batch) {
    const int64_t nb = PetscMin(m->batch, B - b0);
    for (int64_t b = 0; b < nb; b++) {
      const double tb = t[b0 + b], f = schedule_f(s, tb), xi = schedule_xi(s, tb);
      const double norm = 1 / sqrt(f * f * sigma_data * sigma_data + xi);
      for (int64_t c = 0; c < D; c++) {
        const int64_t i = (b0 + b) * D + c;
        xt[b * D + c] = (f * x0[i] + sqrt(xi) * z[i]) * norm;
      }
      tt[b] = tb;
    }
    PetscCall(nn_net_forward(m, nb, xt, tt, out));
    for (int64_t i = 0; i < nb * D; i++) {
      const double r = out[i] + z[b0 * D + i];
      *loss += scale * r * r;
      out[i] = 2 * scale * r; /* d loss / d out, in place */
    }
    if (backward) PetscCall(nn_net_backward(m, nb, out));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode dsm_score(nn_net *m, double sigma_data, double t, double f, double xi, int64_t B, const double *x,
                         double *s, double *work)
{
  const int64_t D = m->dim;
  const double norm = 1 / sqrt(f * f * sigma_data * sigma_data + xi), out_scale = 1 / sqrt(xi);
  double *xt = work, *tt = work + m->batch * D;

  PetscFunctionBeginUser;
  for (int64_t b0 = 0; b0 < B; b0 += m->batch) {
    const int64_t nb = PetscMin(m->batch, B - b0);
    for (int64_t i = 0; i < nb * D; i++) xt[i] = x[b0 * D + i] * norm;
    for (int64_t b = 0; b < nb; b++) tt[b] = t;
    PetscCall(nn_net_forward(m, nb, xt, tt, s + b0 * D));
    for (int64_t i = 0; i < nb * D; i++) s[b0 * D + i] *= out_scale;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
