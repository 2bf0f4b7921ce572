/* score_network.c — the trained score network as a score model
 * (score_model.h), from a model file written by `latdiff train`
 * (model.h): the exponential moving average of the weights, the
 * normalisation and the schedule it was trained with. Point targets: each
 * rank holds a block of whole samples, applied in chunks of the network's
 * batch. */
#include "latdiff/dsm.h"
#include "latdiff/model.h"
#include "latdiff/score_model.h"

#define NETWORK_BATCH 4096

typedef struct {
  char path[PETSC_MAX_PATH_LEN];
  model_info info;
  nn_mlp *mlp;
  double *work;
  score_model *target; /* the training data's theory: its action */
} network;

static PetscErrorCode net_options(PetscOptionItems *o, score_model *m)
{
  network *n = m->data;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsString_Private(o, "-model", "a model file written by latdiff train", "latdiff", n->path,
                                       n->path, sizeof n->path, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode net_setup(score_model *m)
{
  network *n = m->data;
  model_state st;
  int rank, size;

  PetscFunctionBeginUser;
  PetscCall(model_read(m->comm, n->path, &n->info, &st));
  PetscCheck(!strcmp(n->info.net, "mlp"), m->comm, PETSC_ERR_FILE_UNEXPECTED, "%s: network '%s'; this latdiff samples mlp",
             n->path, n->info.net);
  PetscCall(nn_mlp_create(n->info.dim, n->info.hidden, n->info.layers, n->info.J, NETWORK_BATCH, &n->mlp));
  PetscCheck(n->mlp->nparams == n->info.nparams, m->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %lld parameters, but an mlp of these sizes has %lld", n->path, (long long)n->info.nparams,
             (long long)n->mlp->nparams);
  PetscCall(PetscArraycpy(n->mlp->p, st.ema, n->info.nparams));
  PetscCall(model_state_free(&st));
  PetscCall(PetscMalloc1((size_t)(3 * NETWORK_BATCH * n->info.dim), &n->work));
  MPICHECK(MPI_Comm_rank(m->comm, &rank));
  MPICHECK(MPI_Comm_size(m->comm, &size));
  m->lo = m->nsamples * rank / size;
  m->hi = m->nsamples * (rank + 1) / size;
  m->shape = (reverse_shape){n->info.dim, 0, n->info.dim, PetscMax(m->hi - m->lo, 1)};
  m->prior_var = n->info.sigma_data * n->info.sigma_data;
  m->trained = PETSC_TRUE;
  PetscCall(schedule_from_name(m->comm, n->info.schedule, n->info.sigma, n->info.beta_min, n->info.beta_max, &m->sched));
  { /* the target the data came from, restored from the model's /data_source: its action */
    hid_t f, g;
    PetscCall(h5_open(m->comm, n->path, PETSC_FALSE, &f));
    H5CALL(g = H5Gopen2(f, "data_source", H5P_DEFAULT));
    PetscCall(score_model_create_from_attrs(m->comm, n->info.data_meta.theory, g, n->path, &n->target));
    H5CALL(H5Gclose(g));
    PetscCall(h5_close(&f));
    PetscCall(score_model_setup(n->target, m->nsamples));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode net_apply(score_model *m, double t, double f, double xi, int64_t nb, const double *x, double *s)
{
  network *n = m->data;
  return dsm_score(n->mlp, n->info.sigma_data, t, f, xi, nb, x, s, n->work);
}

static PetscErrorCode net_action(score_model *m, int64_t nb, const double *x, double *S)
{
  return score_model_action(((network *)m->data)->target, nb, x, S);
}

static void net_describe(const score_model *m, ensemble_meta *meta)
{
  const network *n = m->data;
  const ensemble_meta *src = &n->info.data_meta;
  snprintf(meta->theory, sizeof meta->theory, "%s", src->theory);
  meta->kappa = src->kappa;
  meta->lambda = src->lambda;
  meta->d = src->d;
  for (int mu = 0; mu < src->d; mu++) meta->L[mu] = src->L[mu];
}

static PetscErrorCode net_attrs(const score_model *m, hid_t file)
{
  const network *n = m->data;

  PetscFunctionBeginUser;
  PetscCall(h5_attr_put_string(file, "model", n->path));
  PetscCall(h5_attr_put_int(file, "model_steps", n->info.steps_done));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode net_destroy(score_model *m)
{
  network *n = m->data;

  PetscFunctionBeginUser;
  PetscCall(nn_mlp_destroy(&n->mlp));
  PetscCall(score_model_destroy(&n->target));
  PetscCall(PetscFree(n->work));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode score_network(score_model *m)
{
  network *n;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&n));
  m->data = n;
  m->ops = (score_model_ops){.set_from_options = net_options, .setup = net_setup, .apply = net_apply,
                             .action = net_action, .describe = net_describe, .write_attrs = net_attrs, .destroy = net_destroy};
  PetscFunctionReturn(PETSC_SUCCESS);
}
