/* test_score.c — how well a trained score network has learned its target:
 *   test_score -model MODEL.h5 -theory T [T's options] -bound B
 * draws x_0 from the exact target, t uniform in [eps, 1], x_t = f x_0 +
 * sqrt(Xi) z, and compares the network's score with the exact one in the
 * weighting of training: the relative score error
 *   E |sqrt(Xi) (s_net - s_exact)|^2 / E |sqrt(Xi) s_exact|^2
 * (which is the network's excess denoising loss over the best possible,
 * normalised). Exits non-zero if it exceeds the bound; prints it per decade
 * of t as well. */
#include "latdiff/rng.h"
#include "latdiff/score_model.h"
#include "testing.h"

#include <math.h>

int main(int argc, char **argv)
{
  score_model *net, *exact;
  double bound = 0.05;
  int fails = 0;
  const int64_t n = 20000;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-bound", &bound, NULL));
  PetscCall(score_model_create(PETSC_COMM_SELF, &net));
  PetscCall(score_model_create(PETSC_COMM_SELF, &exact));
  PetscOptionsBegin(PETSC_COMM_SELF, NULL, "test_score", NULL);
  PetscCall(score_model_set_from_options(PetscOptionsObject, "-model_type", net)); /* -model selects the network */
  PetscOptionsEnd();
  PetscCall(PetscOptionsClearValue(NULL, "-model"));
  PetscOptionsBegin(PETSC_COMM_SELF, NULL, "test_score", NULL);
  PetscCall(score_model_set_from_options(PetscOptionsObject, "-theory", exact));
  PetscOptionsEnd();
  PetscCall(score_model_setup(net, n));
  PetscCall(score_model_setup(exact, n));
  const int64_t D = exact->shape.dim;
  double *x0, *x, *sn, *se, err[3] = {0}, ref[3] = {0};
  PetscCall(PetscMalloc4((size_t)(n * D), &x0, (size_t)D, &x, (size_t)D, &sn, (size_t)D, &se));
  for (int64_t i0 = 0; i0 < n; i0 += exact->shape.batch) /* exact samples of the target */
    PetscCall(score_model_diffused(exact, 1, 0, PetscMin(exact->shape.batch, n - i0), (uint64_t)i0, 11, x0 + i0 * D));
  for (int64_t i = 0; i < n; i++) {
    const double t = 1e-3 + (1 - 1e-3) * rng_uniform((rng_key){11, RNG_TEST, 1, 0}, (uint64_t)i);
    const double f = schedule_f(&net->sched, t), xi = schedule_xi(&net->sched, t);
    for (int64_t c = 0; c < D; c++) x[c] = f * x0[i * D + c] + sqrt(xi) * rng_normal((rng_key){11, RNG_TEST, 2, 0}, (uint64_t)(i * D + c));
    PetscCall(score_model_apply(net, t, f, xi, 1, x, sn));
    PetscCall(score_model_apply(exact, t, f, xi, 1, x, se));
    const int bin = t < 0.1 ? 0 : t < 0.5 ? 1 : 2;
    for (int64_t c = 0; c < D; c++) {
      err[bin] += xi * (sn[c] - se[c]) * (sn[c] - se[c]);
      ref[bin] += xi * se[c] * se[c];
    }
  }
  const double total = (err[0] + err[1] + err[2]) / (ref[0] + ref[1] + ref[2]);
  printf("relative score error: t < 0.1: %.3g   0.1 <= t < 0.5: %.3g   t >= 0.5: %.3g   all: %.3g (bound %g)\n",
         err[0] / ref[0], err[1] / ref[1], err[2] / ref[2], total, bound);
  EXPECT(fails, total < bound, "relative score error %.3g exceeds %g", total, bound);
  PetscCall(PetscFree4(x0, x, sn, se));
  PetscCall(score_model_destroy(&net));
  PetscCall(score_model_destroy(&exact));
  PetscCall(PetscFinalize());
  return fails > 0;
}
