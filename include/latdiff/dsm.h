/* dsm.h — denoising score matching for a score network (nn_net.h).
 *
 * The score's form (dsm_form): scaled (the default), the network n(x~, t)
 * sees the noised sample scaled to unit variance,
 * x~ = x_t / sqrt(f^2 sigma_data^2 + Xi), and the score is
 *   s(x, t) = s_G(x, t) + n(x~, t) / sqrt(Xi(t)),
 * where s_G is the exact score of a Gaussian field with the data's
 * propagator (gauss_base.h, -base gaussian) or 0 (base NULL); or plain,
 * s(x, t) = n(x, t), the network's output the score itself (the published
 * networks of the Hirono talk; no base).
 * With the weighting lambda(t) = Xi(t) of the seeds (sigma^2(t) for VE) the
 * loss of x_t = f x_0 + sqrt(Xi) z is |sqrt(Xi) s + z|^2
 * = |n + z + sqrt(Xi) s_G|^2.
 *
 * Two estimates of the score at x_t have the score as their mean given
 * x_t: the denoising one, -z / sqrt(Xi), and, when the data's own score
 * s_0 = -dS/dphi is known (lattice theories: the action is), the target
 * one, s_0(x_0) / f (for x_t = f x_0 + noise, grad log p_t(x) =
 * E[s_0(x_0) | x_t = x] / f). Any mixture A u + (1 - A) v of them is
 * unbiased; A(p) = Xi / (f^2 G(p) + Xi) per momentum (with the base's G,
 * else the scalar with sigma_data^2) makes it exactly the score for a
 * Gaussian: what is left to learn, the interaction, comes with little
 * noise, where -z / sqrt(Xi) alone buries it at small t (the loss's
 * noise there is O(1) per site, the interaction's signal O(sqrt(Xi))).
 *
 * Weighting: the seeds' lambda(t) = Xi(t) (DSM_WEIGHT_XI), or the
 * likelihood weighting lambda(t) = g^2(t) (DSM_WEIGHT_LIKELIHOOD), which
 * makes the loss a bound on the negative log-likelihood: each sample's
 * term is multiplied by g^2(t) / Xi(t).
 *
 *   dsm_work_size  values of the work buffer both functions take
 *   dsm_loss_grad  loss = scale sum_b |sqrt(Xi_b) (s(x_t,b, t_b) - target_b)|^2
 *                  over B samples, target -z / sqrt(Xi) (s0 NULL) or the
 *                  mixture above (s0: the data's score at each x_0); with
 *                  backward m->g += d loss / d p (not cleared); loss_off
 *                  (may be NULL): the same loss with the network's output
 *                  at zero (the base alone), on the same draws
 *   dsm_score      s for B samples at one time t (f, xi: the kernel at t),
 *                  in chunks of the network's batch
 *   dsm_score_jet  the jets (jet.h) of that score (the base adds its linear
 *                  part), along
 *                  dirs [B][n][dim]: out [B][dim][ncoef]
 *   dsm_score_trace  the exact trace of ds/dx per sample, for the networks
 *                  nn_net_trace serves (conv): O(1) tangents, not dim
 * None is collective.
 */
#ifndef LATDIFF_DSM_H
#define LATDIFF_DSM_H

#include "latdiff/gauss_base.h"
#include "latdiff/nn_net.h"
#include "latdiff/schedule.h"

typedef enum { DSM_WEIGHT_XI, DSM_WEIGHT_LIKELIHOOD } dsm_weighting;

typedef struct {
  gauss_base *base;  /* scaled: the Gaussian base, or NULL */
  double sigma_data; /* scaled: the data's standard deviation per value */
  PetscBool plain;   /* s = n(x, t) */
} dsm_form;

int64_t dsm_work_size(const nn_net *m);
PetscErrorCode dsm_loss_grad(nn_net *m, const dsm_form *p, const schedule *s, dsm_weighting weighting, int64_t B,
                             const double *x0, const double *s0, const double *t, const double *z, double scale,
                             PetscBool backward, double *work, double *loss, double *loss_off);
PetscErrorCode dsm_score(nn_net *m, const dsm_form *p, double t, double f, double xi, int64_t B, const double *x,
                         double *s, double *work);
PetscErrorCode dsm_score_jet(nn_net *m, const dsm_form *p, double t, double f, double xi, int64_t B, const double *x,
                             const jet_space *js, const double *dirs, double *out);
PetscErrorCode dsm_score_trace(nn_net *m, const dsm_form *p, double t, double f, double xi, int64_t B, const double *x,
                               double *tr);

#endif
