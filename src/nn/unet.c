/* unet.c — the U-Net score networks (nn_unet.h): the layer list, its
 * parameters and arena; the passes are in unet_impl.inc. */
#include "latdiff/nn_net.h"
#include "latdiff/nn_unet.h"
#include "latdiff/rng.h"

#include <math.h>

enum { OP_CONV, OP_BLOCK_TAIL, OP_DOWN, OP_UP, OP_CONCAT, OP_CUBIC };

/* the sites of a slot's level */
static int64_t slot_sites(const nn_unet *n, int slot) { return n->st[n->slot[slot].level]->V; }

#define R float
#define S f
#include "unet_impl.inc"
#undef R
#undef S
#define R double
#define S d
#include "unet_impl.inc"
#undef R
#undef S

void nn_unet_spec_default(const char *kind, int d, const int *L, nn_unet_spec *spec)
{
  *spec = (nn_unet_spec){.d = d, .blocks = 1};
  for (int mu = 0; mu < d; mu++) spec->L[mu] = L[mu];
  if (!strcmp(kind, "tutorial")) {
    const int c[4] = {32, 64, 128, 256};
    spec->levels = 4;
    for (int i = 0; i < 4; i++) spec->channels[i] = c[i];
    spec->groups_first = 4, spec->groups = 32;
    spec->J = 128, spec->fourier_scale = 30, spec->embed = 256;
    return;
  }
  const int c[3] = {16, 32, 64};
  spec->levels = 3;
  for (int i = 0; i < 3; i++) spec->channels[i] = c[i];
  spec->groups_first = spec->groups = 8;
  spec->resample = spec->periodic = spec->moments = spec->cubic = PETSC_TRUE;
  spec->J = 8, spec->embed = 64;
}

static int groups_of(const nn_unet_spec *s, PetscBool first, int C)
{
  const int G = first ? s->groups_first : s->groups;
  return G < C ? G : C;
}

PetscBool nn_unet_check(const nn_unet_spec *s, char *why, size_t len)
{
  if (s->d < 1 || s->d > NN_MAXDIM) return snprintf(why, len, "d = %d", s->d), PETSC_FALSE;
  if (s->levels < 1 || s->levels > NN_UNET_MAXLEVELS)
    return snprintf(why, len, "%d levels (1 to %d)", s->levels, NN_UNET_MAXLEVELS), PETSC_FALSE;
  if (s->blocks < 1 || s->blocks > 4) return snprintf(why, len, "%d blocks per level (1 to 4)", s->blocks), PETSC_FALSE;
  if (s->J < 1 || s->J > 512 || s->embed < 1 || s->embed > 4096 || s->groups < 1 || s->groups_first < 1)
    return snprintf(why, len, "embedding %d frequencies, width %d, groups %d", s->J, s->embed, s->groups), PETSC_FALSE;
  for (int i = 0; i < s->levels; i++) {
    const int C = s->channels[i];
    if (C < 1 || C > 4096) return snprintf(why, len, "%d channels at level %d", C, i), PETSC_FALSE;
    for (int first = 0; first < 2; first++)
      if (C % groups_of(s, i == 0 && first, C))
        return snprintf(why, len, "%d channels at level %d are not divisible into %d groups", C, i,
                        groups_of(s, i == 0 && first, C)),
               PETSC_FALSE;
  }
  for (int mu = 0; mu < s->d; mu++) {
    if (s->L[mu] < 1) return snprintf(why, len, "lattice extent %d", s->L[mu]), PETSC_FALSE;
    if (s->resample && s->L[mu] % (1 << (s->levels - 1)))
      return snprintf(why, len, "%d levels halve the lattice %d times, but the extent %d is not divisible by %d",
                      s->levels, s->levels - 1, s->L[mu], 1 << (s->levels - 1)),
             PETSC_FALSE;
  }
  return PETSC_TRUE;
}

/* the layer list under construction */
typedef struct {
  nn_unet *n;
  int64_t poff, B;
} builder;

static int slot(builder *b, int level, int C)
{
  nn_unet *n = b->n;
  n->slot[n->nslots] = (nn_unet_slot){.level = level, .C = C};
  return n->nslots++;
}

static int64_t params(builder *b, int64_t count)
{
  const int64_t at = b->poff;
  b->poff += count;
  return at;
}

static int op(builder *b, nn_unet_op o, int C)
{
  nn_unet *n = b->n;
  o.out = slot(b, o.level, C);
  n->op[n->nops++] = o;
  return o.out;
}

static int conv(builder *b, int in, int cout, PetscBool bias)
{
  nn_unet *n = b->n;
  const int level = n->slot[in].level, cin = n->slot[in].C;
  nn_unet_op o = {.type = OP_CONV, .in = in, .level = level, .cin = cin, .cout = cout, .b = -1};
  o.w = params(b, (int64_t)cout * n->st[level]->K * cin);
  if (bias) o.b = params(b, cout);
  return op(b, o, cout);
}

/* conv, then the embedding add, GroupNorm and swish */
static int block(builder *b, int in, int cout, PetscBool first)
{
  nn_unet *n = b->n;
  const int a = conv(b, in, cout, PETSC_FALSE);
  nn_unet_op o = {.type = OP_BLOCK_TAIL, .in = a, .level = n->slot[a].level, .cin = cout, .cout = cout};
  o.groups = groups_of(&n->spec, first, cout);
  o.ew = params(b, (int64_t)cout * n->spec.embed);
  o.eb = params(b, cout);
  o.gamma = params(b, cout);
  o.beta = params(b, cout);
  return op(b, o, cout);
}

static int resample(builder *b, int in, int type)
{
  nn_unet *n = b->n;
  const int level = n->slot[in].level + (type == OP_DOWN ? 1 : -1);
  return op(b, (nn_unet_op){.type = type, .in = in, .level = level, .cin = n->slot[in].C, .cout = n->slot[in].C},
            n->slot[in].C);
}

static int concat(builder *b, int x, int y)
{
  nn_unet *n = b->n;
  const int C = n->slot[x].C + n->slot[y].C;
  return op(b, (nn_unet_op){.type = OP_CONCAT, .in = x, .in2 = y, .level = n->slot[x].level, .cin = C, .cout = C}, C);
}

static void build(builder *b)
{
  nn_unet *n = b->n;
  const nn_unet_spec *s = &n->spec;
  const int levels = s->levels, *C = s->channels;
  int skip[NN_UNET_MAXLEVELS], h = slot(b, 0, 1); /* slot 0: the input */
  if (s->cubic) h = op(b, (nn_unet_op){.type = OP_CUBIC, .in = h, .cin = 1, .cout = 2}, 2);
  n->ninputs = n->nslots; /* the input slots need no gradient */
  n->emb_w = params(b, (int64_t)s->embed * n->F);
  n->emb_b = params(b, s->embed);
  for (int i = 0; i < levels; i++) {
    if (i > 0 && s->resample) h = resample(b, h, OP_DOWN);
    for (int k = 0; k < s->blocks; k++) h = block(b, h, C[i], i == 0 && k == 0);
    skip[i] = h;
  }
  for (int i = levels - 1; i >= 0; i--) {
    if (i < levels - 1) {
      if (s->resample) h = resample(b, h, OP_UP);
      h = concat(b, h, skip[i]);
    }
    if (i > 0)
      for (int k = 0; k < s->blocks; k++) h = block(b, h, k == s->blocks - 1 ? C[i - 1] : C[i], PETSC_FALSE);
    else {
      for (int k = 0; k < s->blocks - 1; k++) h = block(b, h, C[0], PETSC_FALSE);
      conv(b, h, 1, PETSC_TRUE); /* the output: the last slot */
    }
  }
}

PetscBool nn_unet_split_check(const nn_unet_spec *s, const lattice *lat, char *why, size_t len)
{
  if (!s->periodic)
    return snprintf(why, len, "zero padding pads at the whole lattice's edges; a split lattice needs periodic padding"),
           PETSC_FALSE;
  if (!s->resample) return PETSC_TRUE;
  for (int mu = 0; mu < lat->d; mu++)
    for (int l = 1, e = lat->l[mu]; l < s->levels; l++, e /= 2)
      if (e % 2)
        return snprintf(why, len,
                        "a rank's box has extent %d in direction %d at level %d (lattice %d over %d ranks), which level "
                        "%d cannot halve: every local extent must be a multiple of %d",
                        e, mu, l - 1, lat->L[mu], lat->P[mu], l, 1 << (s->levels - 1)),
               PETSC_FALSE;
  return PETSC_TRUE;
}

/* level l's stencil (and on a split lattice its lattice and ghosts) for
 * the whole lattice Lc of that level; the coarse map to level l + 1 */
static PetscErrorCode create_level(nn_unet *n, int l, const int *Lc)
{
  const nn_unet_spec *spec = &n->spec;
  int lc[NN_MAXDIM];

  PetscFunctionBeginUser;
  n->Vglobal[l] = 1;
  for (int mu = 0; mu < spec->d; mu++) n->Vglobal[l] *= Lc[mu], lc[mu] = Lc[mu];
  if (n->lat) {
    const lattice *lat = n->lat;
    if (l > 0) { /* the same grid and ranks (no reordering): the rank's box is the fine one halved */
      PetscCall(lattice_create(lat->comm, spec->d, Lc, lat->P, 1, &n->level_lat[l]));
      for (int mu = 0; mu < spec->d; mu++)
        PetscCheck(n->level_lat[l]->origin[mu] * (1 << l) == lat->origin[mu], PETSC_COMM_SELF, PETSC_ERR_PLIB,
                   "nn_unet: level %d's box does not sit on the fine one", l);
    }
    const lattice *ll = l > 0 ? n->level_lat[l] : lat;
    PetscCall(ghosts_create(ll, &n->gh[l]));
    PetscCall(nn_stencil_create_split(ll, n->gh[l], &n->st[l]));
    for (int mu = 0; mu < spec->d; mu++) lc[mu] = ll->l[mu];
  } else PetscCall(nn_stencil_create(spec->d, Lc, spec->periodic, &n->st[l]));
  if (spec->resample && l < spec->levels - 1) {
    PetscCall(PetscMalloc1((size_t)n->st[l]->V, &n->coarse[l]));
    nn_coarse_map(spec->d, lc, n->coarse[l]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* lat NULL: the lattice spec->L held whole; else lat's split field */
static PetscErrorCode unet_create(const nn_unet_spec *spec, const lattice *lat, int64_t batch, nn_precision precision,
                                  nn_unet **out)
{
  nn_unet *n;
  char why[256];
  int Lc[NN_MAXDIM];

  PetscFunctionBeginUser;
  PetscCheck(nn_unet_check(spec, why, sizeof why), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_unet: %s", why);
  PetscCheck(batch >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_unet: batch %lld", (long long)batch);
  if (lat) {
    PetscCheck(lat->d == spec->d, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "nn_unet: a %d-d net on a %d-d lattice",
               spec->d, lat->d);
    for (int mu = 0; mu < spec->d; mu++)
      PetscCheck(lat->L[mu] == spec->L[mu], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "nn_unet: extent %d is %d, not %d",
                 mu, lat->L[mu], spec->L[mu]);
    PetscCheck(nn_unet_split_check(spec, lat, why, sizeof why), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-proc_grid: %s",
               why);
  }
  PetscCall(PetscNew(&n));
  n->spec = *spec, n->batch = batch, n->precision = precision, n->lat = lat;
  n->F = 2 * spec->J + (spec->moments ? 3 : 0);
  for (int mu = 0; mu < spec->d; mu++) Lc[mu] = spec->L[mu];
  for (int l = 0; l < spec->levels; l++) {
    PetscCall(create_level(n, l, Lc));
    if (spec->resample)
      for (int mu = 0; mu < spec->d; mu++) Lc[mu] /= 2;
  }
  n->V = n->st[0]->V;
  builder b = {.n = n};
  build(&b);
  n->nparams = b.poff;
  PetscCall(PetscCalloc2((size_t)n->nparams, &n->p, (size_t)n->nparams, &n->g));
  if (precision == NN_SINGLE) PetscCall(PetscCalloc2((size_t)n->nparams, &n->pf, (size_t)n->nparams, &n->gf));
  /* the arena: the embedding's buffers, every slot's values and gradient,
   * the GroupNorm statistics, the conv work buffer */
  int64_t at = 0, work = 0, cmax = 0, ext = 0, gmax = 1;
  const int E = spec->embed;
  n->freq_at = at, at += spec->J;
  n->feat_at = at, at += batch * n->F;
  n->eraw_at = at, at += batch * E;
  n->e_at = at, at += batch * E;
  n->de_at = at, at += batch * E;
  n->deraw_at = at, at += batch * E;
  for (int i = 0; i < n->nslots; i++) {
    nn_unet_slot *sl = &n->slot[i];
    const int64_t size = batch * slot_sites(n, i) * sl->C;
    sl->val = at, at += size;
    sl->grad = at, at += size;
    cmax = PetscMax(cmax, sl->C);
  }
  for (int k = 0; k < n->nops; k++) {
    nn_unet_op *o = &n->op[k];
    if (o->type == OP_BLOCK_TAIL) o->stats = at, at += batch * o->groups * 2, gmax = PetscMax(gmax, o->groups);
    if (o->type == OP_CONV) {
      work = PetscMax(work, nn_conv_work(n->st[o->level], o->cin, o->cout));
      ext = PetscMax(ext, batch * n->st[o->level]->Vin * PetscMax(o->cin, o->cout));
    }
  }
  if (!lat) ext = 0; /* a convolution reads its input slot itself */
  n->ext_at = at, at += ext;
  n->ext2_at = at, at += ext;
  PetscCall(PetscMalloc1((size_t)(batch * gmax * 2), &n->gsums));
  n->eadd_at = at, at += batch * cmax;
  n->dsum_at = at, at += batch * cmax;
  n->work_at = at, at += work;
  n->arena_size = at;
  PetscCall(PetscCalloc((size_t)at * (precision == NN_SINGLE ? sizeof(float) : sizeof(double)), &n->arena));
  /* the Fourier frequencies: fixed, not parameters */
  for (int j = 0; j < spec->J; j++) {
    const double f = spec->fourier_scale > 0 ? spec->fourier_scale * rng_normal((rng_key){0, RNG_INIT, 1, 0}, (uint64_t)j)
                                             : 0.5 * pow(2.0, j);
    if (precision == NN_SINGLE) ((float *)n->arena)[n->freq_at + j] = (float)f;
    else ((double *)n->arena)[n->freq_at + j] = f;
  }
  *out = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_unet_create(const nn_unet_spec *spec, int64_t batch, nn_precision precision, nn_unet **out)
{
  return unet_create(spec, NULL, batch, precision, out);
}

PetscErrorCode nn_unet_create_split(const nn_unet_spec *spec, const lattice *lat, int64_t batch, nn_precision precision,
                                    nn_unet **out)
{
  return unet_create(spec, lat, batch, precision, out);
}

PetscErrorCode nn_unet_destroy(nn_unet **np)
{
  nn_unet *n = *np;

  PetscFunctionBeginUser;
  if (!n) PetscFunctionReturn(PETSC_SUCCESS);
  for (int l = 0; l < n->spec.levels; l++) {
    PetscCall(nn_stencil_destroy(&n->st[l]));
    PetscCall(PetscFree(n->coarse[l]));
    PetscCall(ghosts_destroy(&n->gh[l]));
    PetscCall(lattice_destroy(&n->level_lat[l]));
  }
  PetscCall(PetscFree(n->gsums));
  PetscCall(PetscFree2(n->p, n->g));
  if (n->pf) PetscCall(PetscFree2(n->pf, n->gf));
  PetscCall(PetscFree(n->arena));
  PetscCall(PetscFree(*np));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* convolutions and denses ~ N(0, 1 / fan_in), GroupNorm gamma 1, beta 0,
 * biases 0; the output convolution 0 (an untrained network adds nothing to
 * the base score) */
void nn_unet_init(nn_unet *n, uint64_t seed)
{
  uint64_t k = 0;
  const rng_key key = {seed, RNG_INIT, 0, 0};
  PetscArrayzero(n->p, n->nparams);
  for (int64_t i = 0; i < (int64_t)n->spec.embed * n->F; i++) n->p[n->emb_w + i] = rng_normal(key, k++) / sqrt((double)n->F);
  for (int j = 0; j < n->nops; j++) {
    const nn_unet_op *o = &n->op[j];
    if (o->type == OP_CONV && j < n->nops - 1) {
      const int64_t fan = (int64_t)n->st[o->level]->K * o->cin;
      for (int64_t i = 0; i < o->cout * fan; i++) n->p[o->w + i] = rng_normal(key, k++) / sqrt((double)fan);
    }
    if (o->type == OP_BLOCK_TAIL) {
      for (int64_t i = 0; i < (int64_t)o->cout * n->spec.embed; i++)
        n->p[o->ew + i] = rng_normal(key, k++) / sqrt((double)n->spec.embed);
      for (int c = 0; c < o->cout; c++) n->p[o->gamma + c] = 1;
    }
  }
}

PetscErrorCode nn_unet_forward(nn_unet *n, int64_t B, const double *x, const double *t, double *out)
{
  PetscFunctionBeginUser;
  PetscCheck(B <= n->batch, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "nn_unet: batch %lld > %lld", (long long)B,
             (long long)n->batch);
  nn_stage_in(n->precision, n->arena, n->slot[0].val, x, B * n->V);
  if (n->precision == NN_SINGLE) {
    nn_round(n->pf, n->p, n->nparams);
    PetscCall(forward_f(n, n->pf, B, t));
  } else PetscCall(forward_d(n, n->p, B, t));
  nn_stage_out(n->precision, n->arena, n->slot[n->nslots - 1].val, out, B * n->V);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_unet_tangent(nn_unet *n, int64_t B, const double *x, const double *t, const double *xt, double *out,
                               double *outt, PetscBool shared)
{
  PetscFunctionBeginUser;
  PetscCall(nn_unet_forward(n, shared ? 1 : B, x, t, out));
  if (shared) { /* what the tangent reads of the forward, row 0 into every row */
    nn_replicate_row(n->precision, n->arena, n->feat_at, n->F, B);
    nn_replicate_row(n->precision, n->arena, n->eraw_at, n->spec.embed, B);
    for (int i = 0; i < n->nslots; i++)
      nn_replicate_row(n->precision, n->arena, n->slot[i].val, slot_sites(n, i) * n->slot[i].C, B);
    for (int k = 0; k < n->nops; k++)
      if (n->op[k].type == OP_BLOCK_TAIL) nn_replicate_row(n->precision, n->arena, n->op[k].stats, 2 * n->op[k].groups, B);
  }
  nn_stage_in(n->precision, n->arena, n->slot[0].grad, xt, B * n->V);
  if (n->precision == NN_SINGLE) PetscCall(tangent_f(n, n->pf, B));
  else PetscCall(tangent_d(n, n->p, B));
  nn_stage_out(n->precision, n->arena, n->slot[n->nslots - 1].grad, outt, B * n->V);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dout: the gradient of the output, staged into the output slot's gradient */
PetscErrorCode nn_unet_backward(nn_unet *n, int64_t B, const double *dout)
{
  PetscFunctionBeginUser;
  nn_stage_in(n->precision, n->arena, n->slot[n->nslots - 1].grad, dout, B * n->V);
  if (n->precision == NN_SINGLE) {
    PetscCall(PetscArrayzero(n->gf, n->nparams));
    PetscCall(backward_f(n, n->pf, n->gf, B));
    nn_widen_add(n->g, n->gf, n->nparams);
  } else PetscCall(backward_d(n, n->p, n->g, B));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* nn_net_ops on an nn_unet (nn_net.h) */
static void unet_init(void *impl, uint64_t seed) { nn_unet_init(impl, seed); }
static PetscErrorCode unet_forward(void *impl, int64_t B, const double *x, const double *t, double *out)
{
  return nn_unet_forward(impl, B, x, t, out);
}
static PetscErrorCode unet_backward(void *impl, int64_t B, const double *dout) { return nn_unet_backward(impl, B, dout); }
static PetscErrorCode unet_tangent(void *impl, int64_t B, const double *x, const double *t, const double *xt,
                                   double *out, double *outt, PetscBool shared)
{
  return nn_unet_tangent(impl, B, x, t, xt, out, outt, shared);
}
static PetscErrorCode unet_destroy(void *impl)
{
  nn_unet *n = impl;
  return nn_unet_destroy(&n);
}

static PetscErrorCode wrap(const char *kind, nn_unet *n, int64_t batch, PetscBool odd, nn_net **out)
{
  static const nn_net_ops ops = {.init = unet_init, .forward = unet_forward, .backward = unet_backward,
                                 .tangent = unet_tangent, .destroy = unet_destroy};
  return nn_net_wrap(kind, n, &ops, n->V, batch, n->nparams, n->p, n->g, odd, out);
}

PetscErrorCode nn_net_create_unet(const char *kind, const nn_unet_spec *spec, int64_t batch, PetscBool odd,
                                  nn_precision precision, nn_net **out)
{
  nn_unet *n;

  PetscFunctionBeginUser;
  PetscCall(nn_unet_create(spec, odd ? 2 * batch : batch, precision, &n));
  PetscCall(wrap(kind, n, batch, odd, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nn_net_create_unet_split(const char *kind, const nn_unet_spec *spec, const lattice *lat, int64_t batch,
                                        PetscBool odd, nn_precision precision, nn_net **out)
{
  nn_unet *n;

  PetscFunctionBeginUser;
  PetscCall(nn_unet_create_split(spec, lat, odd ? 2 * batch : batch, precision, &n));
  PetscCall(wrap(kind, n, batch, odd, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
