/* jet.c — truncated Taylor polynomials (jet.h). */
#include "latdiff/jet.h"

/* the exponent vector of each monomial, in the order of jet.h */
static int list_monomials(int n, int order, int (*e)[JET_MAXVAR])
{
  int m = 1;
  for (int i = 0; i < n; i++, m++) e[m][i] = 1;
  if (order >= 2)
    for (int i = 0; i < n; i++)
      for (int j = i; j < n; j++, m++) e[m][i]++, e[m][j]++;
  if (order >= 3)
    for (int i = 0; i < n; i++)
      for (int j = i; j < n; j++)
        for (int k = j; k < n; k++, m++) e[m][i]++, e[m][j]++, e[m][k]++;
  return m;
}

static int find(int ncoef, int n, int (*e)[JET_MAXVAR], const int *want)
{
  for (int m = 0; m < ncoef; m++) {
    int same = 1;
    for (int i = 0; i < n && same; i++) same = e[m][i] == want[i];
    if (same) return m;
  }
  return -1;
}

PetscErrorCode jet_space_create(int n, int order, jet_space **out)
{
  jet_space *js;

  PetscFunctionBeginUser;
  PetscCheck(order >= 1 && order <= JET_MAXORDER && n >= 1 && (order == 1 || n <= JET_MAXVAR), PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE, "jet: %d variables to order %d (order 1..%d; at most %d variables above order 1)",
             n, order, JET_MAXORDER, JET_MAXVAR);
  PetscCall(PetscNew(&js));
  js->n = n, js->order = order;
  js->ncoef = 1 + n + (order >= 2 ? n * (n + 1) / 2 : 0) + (order >= 3 ? n * (n + 1) * (n + 2) / 6 : 0);
  PetscCall(PetscMalloc1((size_t)js->ncoef, &js->fact));
  for (int m = 0; m < js->ncoef; m++) js->fact[m] = 1;
  if (order == 1) { /* no products of non-constant terms survive */
    *out = js;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  int(*e)[JET_MAXVAR];
  PetscCall(PetscCalloc1((size_t)js->ncoef, &e));
  list_monomials(n, order, e);
  for (int m = 0; m < js->ncoef; m++)
    for (int i = 0; i < n; i++) js->fact[m] *= e[m][i] == 3 ? 6 : e[m][i] == 2 ? 2 : 1;
  PetscCall(PetscMalloc2((size_t)(n * n), &js->q2, (size_t)(n * n * n), &js->q3));
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      int want[JET_MAXVAR] = {0};
      want[i]++, want[j]++;
      js->q2[i * n + j] = find(js->ncoef, n, e, want);
      for (int k = 0; k < n; k++) {
        int w3[JET_MAXVAR] = {0};
        w3[i]++, w3[j]++, w3[k]++;
        js->q3[(i * n + j) * n + k] = order >= 3 ? find(js->ncoef, n, e, w3) : -1;
      }
    }
  /* the products a b = c of non-constant monomials within the order */
  PetscCall(PetscMalloc1((size_t)(3 * js->ncoef * js->ncoef), &js->prod));
  for (int a = 1; a < js->ncoef; a++)
    for (int b = 1; b < js->ncoef; b++) {
      int want[JET_MAXVAR], deg = 0;
      for (int i = 0; i < n; i++) want[i] = e[a][i] + e[b][i], deg += want[i];
      if (deg > order) continue;
      int *p = js->prod + 3 * js->nprod++;
      p[0] = a, p[1] = b, p[2] = find(js->ncoef, n, e, want);
    }
  PetscCall(PetscFree(e));
  *out = js;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode jet_space_destroy(jet_space **js)
{
  PetscFunctionBeginUser;
  if (!*js) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*js)->fact));
  PetscCall(PetscFree2((*js)->q2, (*js)->q3));
  PetscCall(PetscFree((*js)->prod));
  PetscCall(PetscFree(*js));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void jet_mul(const jet_space *js, const double *a, const double *b, double *out)
{
  out[0] = a[0] * b[0];
  for (int m = 1; m < js->ncoef; m++) out[m] = a[0] * b[m] + a[m] * b[0];
  for (int p = 0; p < js->nprod; p++) {
    const int *t = js->prod + 3 * p;
    out[t[2]] += a[t[0]] * b[t[1]];
  }
}

/* Horner in the non-constant part delta = a - a_0:
 * phi(a) = d0 + delta (d1 + delta (d2 / 2 + delta d3 / 6)) */
void jet_compose(const jet_space *js, const double *a, const double *d, double *out, double *work)
{
  static const double inv_fact[] = {1, 1, 0.5, 1.0 / 6};
  double *delta = work, *acc = work + js->ncoef;
  const int K = js->order;

  delta[0] = 0;
  for (int m = 1; m < js->ncoef; m++) delta[m] = a[m];
  for (int m = 0; m < js->ncoef; m++) acc[m] = 0;
  acc[0] = d[K] * inv_fact[K];
  for (int k = K - 1; k >= 0; k--) {
    jet_mul(js, delta, acc, out);
    out[0] += d[k] * inv_fact[k];
    for (int m = 0; m < js->ncoef; m++) acc[m] = out[m];
  }
}
