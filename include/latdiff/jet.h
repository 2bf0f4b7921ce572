/* jet.h — truncated Taylor polynomials ("jets") in n variables up to
 * order 3: forward-mode derivatives to third order of a function built
 * from additions, products and smooth scalar functions, exact to rounding
 * (no finite differences).
 *
 * A jet of u(x0 + sum_a eps_a v_a) stores the Taylor coefficients
 *   c_alpha = d^alpha u / alpha!   (alpha a multi-index, |alpha| <= order)
 * in the order: the constant, the n linear terms, the quadratic terms
 * (i <= j), the cubic terms (i <= j <= k). With v_a the unit vectors this
 * is the value, gradient, Hessian and third derivatives of u; with one
 * random v it is a Jacobian-vector product (order 1).
 *
 *   jet_space_create   the layout for n variables and an order 1..3
 *                      (order >= 2: n <= JET_MAXVAR)
 *   jet_mul            out = a b (out must not alias a or b)
 *   jet_compose        out = phi(a) from phi and its derivatives at a's
 *                      constant, d[k] = phi^(k)(a_0), k = 0..order
 *   jet_d1, jet_d2, jet_d3   the derivative du/dx_i, d2u/dx_i dx_j,
 *                      d3u/dx_i dx_j dx_k of a jet
 * Nothing here is collective.
 */
#ifndef LATDIFF_JET_H
#define LATDIFF_JET_H

#include "latdiff/base.h"

#define JET_MAXORDER 3
#define JET_MAXVAR 8

typedef struct {
  int n, order, ncoef;
  int *q2, *q3;     /* index of the monomial x_i x_j (n x n), x_i x_j x_k (n^3) */
  double *fact;     /* alpha! of each monomial */
  int nprod, *prod; /* triples (a, b, c): monomial a times b is c, both non-constant */
} jet_space;

PetscErrorCode jet_space_create(int n, int order, jet_space **out);
PetscErrorCode jet_space_destroy(jet_space **js);
void jet_mul(const jet_space *js, const double *a, const double *b, double *out);
/* work: 2 ncoef values */
void jet_compose(const jet_space *js, const double *a, const double *d, double *out, double *work);

static inline double jet_d1(const jet_space *js, const double *a, int i) { (void)js; return a[1 + i]; }
static inline double jet_d2(const jet_space *js, const double *a, int i, int j)
{
  const int m = js->q2[i * js->n + j];
  return a[m] * js->fact[m];
}
static inline double jet_d3(const jet_space *js, const double *a, int i, int j, int k)
{
  const int m = js->q3[(i * js->n + j) * js->n + k];
  return a[m] * js->fact[m];
}

#endif
