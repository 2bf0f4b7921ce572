/* nn_adamw.h — AdamW over one flat parameter buffer, the optimiser every
 * network kind shares (Loshchilov and Hutter; decoupled weight decay):
 *   m = beta1 m + (1 - beta1) g,  v = beta2 v + (1 - beta2) g^2,
 *   p -= lr (mhat / (sqrt(vhat) + eps) + weight_decay p)
 * with mhat, vhat the bias-corrected moments after `step` updates.
 *
 *   nn_adamw_create   moments of n parameters, zero; beta1 0.9, beta2
 *                     0.999, eps 1e-8, no weight decay
 *   nn_adamw_step     one update of p from g at learning rate lr_now
 *   nn_adamw_destroy
 * None is collective: every rank applies the same update to the same
 * (allreduced) gradient, so the parameters stay bitwise equal. */
#ifndef LATDIFF_NN_ADAMW_H
#define LATDIFF_NN_ADAMW_H

#include "latdiff/base.h"

typedef struct {
  double lr, beta1, beta2, eps, weight_decay;
  int64_t step;  /* updates done */
  double *m, *v; /* moments, nparams each */
} nn_adamw;

PetscErrorCode nn_adamw_create(int64_t n, double lr, nn_adamw **out);
PetscErrorCode nn_adamw_destroy(nn_adamw **a);
void nn_adamw_step(nn_adamw *a, double lr_now, int64_t n, double *p, const double *g);

#endif
