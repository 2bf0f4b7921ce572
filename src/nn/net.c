/* net.c — one interface over the network kinds (nn_net.h): the odd
 * symmetrisation and the jets from tangents, for any kind. */
#include "latdiff/nn_net.h"

PetscErrorCode nn_net_wrap(const char *kind, void *impl, const nn_net_ops *ops, int64_t dim, int64_t batch,
                           int64_t nparams, double *p, double *g, PetscBool odd, nn_net **out)
{
  nn_net *n;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&n));
  *n = (nn_net){.dim = dim, .batch = batch, .nparams = nparams, .odd = odd, .p = p, .g = g, .impl = impl, .ops = *ops};
  snprintf(n->kind, sizeof n->kind, "%s", kind);
  if (odd)
    PetscCall(PetscMalloc3((size_t)(2 * batch * dim), &n->xx, (size_t)(2 * batch), &n->tt, (size_t)(2 * batch * dim),
                           &n->oo));
  *out = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

void nn_net_init(nn_net *n, uint64_t seed) { n->ops.init(n->impl, seed); }

static PetscErrorCode inner_forward(nn_net *n, int64_t B, const double *x, const double *t, double *out)
{
  return n->ops.forward(n->impl, B, x, t, out);
}

static PetscErrorCode inner_backward(nn_net *n, int64_t B, const double *dout) { return n->ops.backward(n->impl, B, dout); }

PetscErrorCode nn_net_forward(nn_net *n, int64_t B, const double *x, const double *t, double *out)
{
  const int64_t nv = B * n->dim;

  PetscFunctionBeginUser;
  PetscCheck(B <= n->batch, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_net: batch %lld > %lld", (long long)B,
             (long long)n->batch);
  if (!n->odd) PetscCall(inner_forward(n, B, x, t, out));
  else {
    for (int64_t i = 0; i < nv; i++) n->xx[i] = x[i], n->xx[nv + i] = -x[i];
    for (int64_t b = 0; b < B; b++) n->tt[b] = n->tt[B + b] = t[b];
    PetscCall(inner_forward(n, 2 * B, n->xx, n->tt, n->oo));
    for (int64_t i = 0; i < nv; i++) out[i] = 0.5 * (n->oo[i] - n->oo[nv + i]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_net_backward(nn_net *n, int64_t B, const double *dout)
{
  const int64_t nv = B * n->dim;

  PetscFunctionBeginUser;
  if (!n->odd) PetscCall(inner_backward(n, B, dout));
  else {
    for (int64_t i = 0; i < nv; i++) n->oo[i] = 0.5 * dout[i], n->oo[nv + i] = -0.5 * dout[i];
    PetscCall(inner_backward(n, 2 * B, n->oo));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* first-order jets from the kind's tangent passes: per sample (and with odd per
 * sign, n at -x along -v), one forward shared by its directions' tangent
 * passes, in chunks of the inner batch */
static PetscErrorCode tangent_jet(nn_net *n, int64_t B, const double *x, const double *t, const jet_space *js,
                                  const double *dirs, double *out)
{
  const int64_t D = n->dim, K = js->ncoef, nd = js->n, chunk = n->odd ? 2 * n->batch : n->batch;
  double *X, *XT, *O, *OT;

  PetscFunctionBeginUser;
  PetscCheck(n->ops.tangent, PETSC_COMM_SELF, PETSC_ERR_SUP, "-net %s has no derivatives in its input", n->kind);
  PetscCheck(js->order == 1, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "-net %s has derivatives to first order only (Jacobian-vector products); order %d asked", n->kind,
             js->order);
  PetscCall(PetscMalloc4((size_t)D, &X, (size_t)(chunk * D), &XT, (size_t)D, &O, (size_t)(chunk * D), &OT));
  PetscCall(PetscArrayzero(out, B * D * K));
  for (int64_t b = 0; b < B; b++)
    for (int sign = 1; sign >= (n->odd ? -1 : 1); sign -= 2) {
      const double w = n->odd ? 0.5 * sign : 1; /* odd: (n(x) - n(-x)) / 2 */
      for (int64_t j = 0; j < D; j++) X[j] = sign * x[b * D + j];
      for (int64_t q0 = 0; q0 < nd; q0 += chunk) {
        const int64_t nc = PetscMin(chunk, nd - q0);
        for (int64_t i = 0; i < nc * D; i++) XT[i] = sign * dirs[(b * nd + q0) * D + i];
        PetscCall(n->ops.tangent(n->impl, nc, X, t + b, XT, O, OT, PETSC_TRUE));
        for (int64_t j = 0; j < D; j++) {
          if (q0 == 0) out[(b * D + j) * K] += w * O[j];
          for (int64_t q = 0; q < nc; q++) out[(b * D + j) * K + 1 + q0 + q] += w * OT[q * D + j];
        }
      }
    }
  PetscCall(PetscFree4(X, XT, O, OT));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* odd: n(x) - n(-x) over 2, the jet of n(-x) that of n at -x along -v */
PetscErrorCode nn_net_jet(nn_net *n, int64_t B, const double *x, const double *t, const jet_space *js,
                          const double *dirs, double *out)
{
  const int64_t nx = B * n->dim, nd = nx * js->n, no = nx * js->ncoef;
  double *xm, *dm, *om;

  PetscFunctionBeginUser;
  if (!n->ops.jet) {
    PetscCall(tangent_jet(n, B, x, t, js, dirs, out));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(n->ops.jet(n->impl, B, x, t, js, dirs, out));
  if (!n->odd) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscMalloc3((size_t)nx, &xm, (size_t)nd, &dm, (size_t)no, &om));
  for (int64_t i = 0; i < nx; i++) xm[i] = -x[i];
  for (int64_t i = 0; i < nd; i++) dm[i] = -dirs[i];
  PetscCall(n->ops.jet(n->impl, B, xm, t, js, dm, om));
  for (int64_t i = 0; i < no; i++) out[i] = 0.5 * (out[i] - om[i]);
  PetscCall(PetscFree3(xm, dm, om));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* odd: (J(x) + J(-x)) / 2 */
PetscErrorCode nn_net_trace(nn_net *n, int64_t B, const double *x, const double *t, double *tr)
{
  const int64_t D = n->dim;
  double *xs;

  PetscFunctionBeginUser;
  PetscCheck(n->ops.trace, PETSC_COMM_SELF, PETSC_ERR_SUP, "nn_net_trace: -net %s has no local Jacobian trace; use jets",
             n->kind);
  PetscCall(PetscMalloc1((size_t)D, &xs));
  for (int64_t b = 0; b < B; b++) {
    tr[b] = 0;
    for (int sign = 1; sign >= (n->odd ? -1 : 1); sign -= 2) {
      double s;
      for (int64_t j = 0; j < D; j++) xs[j] = sign * x[b * D + j];
      PetscCall(n->ops.trace(n->impl, xs, t[b], &s));
      tr[b] += n->odd ? 0.5 * s : s;
    }
  }
  PetscCall(PetscFree(xs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_net_destroy(nn_net **np)
{
  PetscFunctionBeginUser;
  if (!*np) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall((*np)->ops.destroy((*np)->impl));
  if ((*np)->odd) PetscCall(PetscFree3((*np)->xx, (*np)->tt, (*np)->oo));
  PetscCall(PetscFree(*np));
  PetscFunctionReturn(PETSC_SUCCESS);
}
