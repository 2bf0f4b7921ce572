/* test_train.c — the training object (train.h) driven from C, without the
 * verb, the shell or h5py:
 *   test_train -input DATA.h5 -dir DIR
 * on a lattice ensemble: a conv net with the Gaussian base (fitted), the
 * action target and augmentation.
 *   - 5 steps, a checkpoint, a new trainer resumed from it and 7 more steps
 *     give the parameters, moving average and moments of 12 uninterrupted
 *     steps bit for bit;
 *   - a resume with another -lr, -seed or -hidden is refused, the message
 *     naming the option;
 *   - the validation loss is finite, and a learning rate of 1e10 is an error
 *     (non-finite loss or a validation loss far above the network off). */
#include "latdiff/train.h"
#include "testing.h"

#include <string.h>

static model_info conv_info(const ensemble_reader *r, const char *path)
{
  model_info info = {.dim = (int)r->volume, .hidden = 4, .layers = 1, .J = 2, .sigma = 25, .beta_min = 0.1,
                     .beta_max = 20, .cosine_s = 0.008, .eps = 1e-3, .tmax = 1, .data_meta = r->meta};
  snprintf(info.net, sizeof info.net, "conv");
  snprintf(info.base, sizeof info.base, "gaussian");
  snprintf(info.base_propagator, sizeof info.base_propagator, "fit");
  snprintf(info.score_form, sizeof info.score_form, "scaled");
  snprintf(info.precision, sizeof info.precision, "double");
  snprintf(info.schedule, sizeof info.schedule, "ve");
  snprintf(info.data, sizeof info.data, "%s", path);
  return info;
}

static const train_settings defaults = {.steps = 12, .batch = 8, .warmup = 2, .lr = 1e-2, .lr_floor = 0.1, .clip = 1,
                                        .ema = 0.99, .validation = 0.2, .seed = 3, .target = TRAIN_TARGET_ACTION,
                                        .augment = PETSC_TRUE};

static PetscErrorCode run(ensemble_reader *r, const char *path, const train_settings *s, const model_info *info,
                          const char *resume, int64_t until, const char *save, trainer **out)
{
  PetscFunctionBeginUser;
  PetscCall(trainer_create(PETSC_COMM_WORLD, s, info, r, path, out));
  PetscCall(trainer_setup(*out));
  if (resume) PetscCall(trainer_resume(*out, resume));
  while ((*out)->done < until) PetscCall(trainer_step(*out));
  if (save) PetscCall(trainer_save(*out, save, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a call that must fail with a message holding `word` */
static int refused(PetscErrorCode code, const char *word, const char *what)
{
  const char *text;
  char *specific = NULL;

  if (!code) {
    fprintf(stderr, "FAIL: %s was accepted\n", what);
    return 1;
  }
  PetscErrorMessage(code, &text, &specific);
  if (!specific || !strstr(specific, word)) {
    fprintf(stderr, "FAIL: %s: the message '%s' does not name %s\n", what, specific ? specific : "", word);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  char input[PETSC_MAX_PATH_LEN] = "", dir[PETSC_MAX_PATH_LEN] = ".", ckpt[PETSC_MAX_PATH_LEN + 16];
  ensemble_reader *r;
  trainer *whole, *part, *t;
  int fails = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-input", input, sizeof input, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dir", dir, sizeof dir, NULL));
  snprintf(ckpt, sizeof ckpt, "%s/test_train.ckpt", dir);
  PetscCall(ensemble_open(PETSC_COMM_WORLD, input, &r));
  const model_info info = conv_info(r, input);

  PetscCall(run(r, input, &defaults, &info, NULL, defaults.steps, NULL, &whole));
  PetscCall(run(r, input, &defaults, &info, NULL, 5, ckpt, &part));
  PetscCall(trainer_destroy(&part));
  PetscCall(run(r, input, &defaults, &info, ckpt, defaults.steps, NULL, &part));
  const size_t bytes = sizeof(double) * (size_t)whole->net->nparams;
  EXPECT(fails, part->done == whole->done, "steps %lld against %lld", (long long)part->done, (long long)whole->done);
  EXPECT(fails, !memcmp(part->net->p, whole->net->p, bytes), "resumed parameters differ from uninterrupted ones");
  EXPECT(fails, !memcmp(part->ema, whole->ema, bytes), "resumed moving average differs");
  EXPECT(fails, !memcmp(part->opt->v, whole->opt->v, bytes), "resumed AdamW moments differ");
  PetscCall(trainer_validate(whole));
  EXPECT(fails, isfinite(whole->vloss) && isfinite(whole->vloss_off) && whole->vloss > 0,
         "validation loss %g, with the network off %g", whole->vloss, whole->vloss_off);
  PetscCall(trainer_destroy(&part));
  PetscCall(trainer_destroy(&whole));

  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  train_settings other = defaults;
  other.lr = 2e-2;
  t = NULL;
  fails += refused(run(r, input, &other, &info, ckpt, 6, NULL, &t), "-lr", "a resume with another -lr");
  PetscCall(trainer_destroy(&t));
  other = defaults;
  other.seed = 4;
  fails += refused(run(r, input, &other, &info, ckpt, 6, NULL, &t), "-seed", "a resume with another -seed");
  PetscCall(trainer_destroy(&t));
  model_info wider = info;
  wider.hidden = 5;
  fails += refused(run(r, input, &defaults, &wider, ckpt, 6, NULL, &t), "-hidden", "a resume with another -hidden");
  PetscCall(trainer_destroy(&t));
  other = defaults;
  other.lr = 1e10;
  other.clip = 0;
  PetscErrorCode code = run(r, input, &other, &info, NULL, defaults.steps, NULL, &t);
  if (!code) code = trainer_validate(t);
  fails += refused(code, "diverged", "a training at -lr 1e10");
  PetscCall(PetscPopErrorHandler());
  PetscCall(trainer_destroy(&t));

  PetscCall(ensemble_close(&r));
  const int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
