/* forward.c — the forward process on an ensemble, checked against the
 * exact cumulant and spectrum laws (forward.h). */
#include "latdiff/forward.h"
#include "latdiff/h5.h"
#include "latdiff/output.h"
#include "latdiff/profile.h"
#include "latdiff/rng.h"

#include <math.h>

PetscErrorCode forward_measure(MPI_Comm comm, ensemble_reader *r, const forward_params *p, spectrum *sp,
                               forward_samples *out)
{
  const spectrum_layout *lay = spectrum_get_layout(sp);
  const int T = p->ntimes, S = lay->nshells;
  const int64_t n = r->n, nloc = lay->local_sites;
  const int per = 1 + 8 + S; /* values per (configuration, time) */
  const int64_t first = lay->row0 * (int64_t)(r->volume / r->meta.L[0]);
  double *phi0, *phit, *vals, *M0;

  PetscFunctionBeginUser;
  PetscCall(forward_samples_create(T, S, n, (double)r->volume, out));
  out->replicas = r->meta.replicas;
  PetscCall(PetscMalloc1((size_t)n, &M0));
  PetscCall(ensemble_read_scalars(r, "magnetisation", M0));
  for (int64_t i = 0; i < n; i++) out->c0 += M0[i] / (double)n;
  PetscCall(PetscMalloc1((size_t)PetscMax(nloc, 1), &phi0));
  PetscCall(PetscMalloc1((size_t)PetscMax(nloc, 1), &phit));
  PetscCall(PetscMalloc1((size_t)((T + 1) * per), &vals));

  for (int64_t i = 0; i < n; i++) {
    PetscCall(ensemble_read_rows(r, i, lay->row0, lay->nrows, phi0));
    PetscCall(ensemble_check_rows(r, comm, i, nloc, phi0, M0[i]));
    PetscCall(PetscArrayzero(vals, (T + 1) * per));
    for (int k = 0; k <= T; k++) { /* k = T: the undiffused baseline */
      const double f = k < T ? schedule_f(&p->sched, p->times[k]) : 1;
      const double sx = k < T ? sqrt(schedule_xi(&p->sched, p->times[k])) : 0;
      const double shift = f * out->c0;
      rng_key key = {p->seed, RNG_DIFFUSION, (uint64_t)i, (uint64_t)k};
      double *v = vals + k * per;
      PetscCall(PetscLogEventBegin(EV_MEASURE, 0, 0, 0, 0));
      for (int64_t j = 0; j < nloc; j++) {
        phit[j] = f * phi0[j] + (sx > 0 ? sx * rng_normal(key, (uint64_t)(first + j)) : 0.0);
        const double y = phit[j] - shift;
        double pw = y;
        v[0] += phit[j];
        for (int q = 1; q <= 8; q++, pw *= y) v[q] += pw;
      }
      PetscCall(PetscLogEventEnd(EV_MEASURE, 0, 0, 0, 0));
      PetscCall(spectrum_power(sp, phit, v + 9));
    }
    PetscCall(PetscLogEventBegin(EV_REDUCE, 0, 0, 0, 0));
    MPICHECK(MPI_Allreduce(MPI_IN_PLACE, vals, (T + 1) * per, MPI_DOUBLE, MPI_SUM, comm));
    PetscCall(PetscLogEventEnd(EV_REDUCE, 0, 0, 0, 0));
    /* a NaN or inf in the configuration reaches these sums on every rank */
    for (int64_t j = 0; j < (T + 1) * per; j++)
      PetscCheck(isfinite(vals[j]), comm, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: configuration %lld holds a non-finite value (or one so large that its powers overflow)",
                 r->path, (long long)i);
    for (int k = 0; k <= T; k++) {
      const double *v = vals + k * per;
      out->M[k * n + i] = v[0] / out->volume;
      for (int q = 0; q < 8; q++) out->site[(k * 8 + q) * n + i] = v[1 + q] / out->volume;
      for (int s = 0; s < S; s++) out->shell[(k * S + s) * n + i] = lay->shell_modes[s] > 0 ? v[9 + s] / lay->shell_modes[s] : 0;
    }
  }
  PetscCall(PetscFree(phi0));
  PetscCall(PetscFree(phit));
  PetscCall(PetscFree(vals));
  PetscCall(PetscFree(M0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- samples measured state by state (the reverse process) ------------ */

PetscErrorCode forward_samples_create(int T, int S, int64_t n, double volume, forward_samples *out)
{
  PetscFunctionBeginUser;
  *out = (forward_samples){.n = n, .T = T, .S = S, .replicas = 1, .volume = volume};
  PetscCall(PetscCalloc1((size_t)((T + 1) * n), &out->M));
  PetscCall(PetscCalloc1((size_t)((T + 1) * 8 * n), &out->site));
  PetscCall(PetscCalloc1((size_t)((T + 1) * S * n), &out->shell));
  out->M0 = out->M + T * n;
  out->site0 = out->site + T * 8 * n;
  out->shell0 = out->shell + T * S * n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode forward_samples_add(forward_samples *s, spectrum *sp, int k, uint64_t first, int64_t nb,
                                   const double *x)
{
  const spectrum_layout *lay = spectrum_get_layout(sp);
  const int64_t n = s->n, nloc = lay->local_sites;
  double v[9 + 64];

  PetscFunctionBeginUser;
  PetscCheck(s->S <= 64 && k >= 0 && k <= s->T, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "forward_samples_add: slot %d",
             k);
  for (int64_t b = 0; b < nb; b++) {
    const int64_t i = (int64_t)first + b;
    const double *phi = x + b * nloc;
    PetscCheck(i >= 0 && i < n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "forward_samples_add: sample %lld",
               (long long)i);
    PetscCall(PetscArrayzero(v, 9 + s->S));
    for (int64_t j = 0; j < nloc; j++) {
      double pw = phi[j];
      v[0] += phi[j];
      for (int q = 1; q <= 8; q++, pw *= phi[j]) v[q] += pw;
    }
    PetscCall(spectrum_power(sp, phi, v + 9));
    s->M[k * n + i] += v[0] / s->volume;
    for (int q = 0; q < 8; q++) s->site[(k * 8 + q) * n + i] += v[1 + q] / s->volume;
    for (int c = 0; c < s->S; c++)
      s->shell[(k * s->S + c) * n + i] += lay->shell_modes[c] > 0 ? v[9 + c] / lay->shell_modes[c] : 0;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode forward_samples_reduce(MPI_Comm comm, forward_samples *s)
{
  const int64_t n = s->n;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, s->M, (int)((s->T + 1) * n), MPI_DOUBLE, MPI_SUM, comm));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, s->site, (int)((s->T + 1) * 8 * n), MPI_DOUBLE, MPI_SUM, comm));
  MPICHECK(MPI_Allreduce(MPI_IN_PLACE, s->shell, (int)((s->T + 1) * s->S * n), MPI_DOUBLE, MPI_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- analysis ---------------------------------------------------------- */

typedef enum { MEASURED, PREDICTED, DIFFERENCE } law_part;

/* primaries: [0..7] powers at t, [8..15] powers at t = 0 */
typedef struct {
  int order;      /* cumulant order n, or 0 for a spectrum shell */
  double f, xi;   /* xi as it enters this quantity (Xi/V for M) */
  law_part part;
} law_ctx;

static double law(const double *m, void *vctx)
{
  const law_ctx *c = vctx;
  double measured, predicted;
  if (c->order == 0) { /* spectrum: primaries P_t, P_0 */
    measured = m[0];
    predicted = c->f * c->f * m[1] + c->xi;
  } else {
    double mt[9] = {0}, m0[9] = {0}, kt[9], k0[9];
    for (int j = 1; j <= 8; j++) mt[j] = m[j - 1], m0[j] = m[8 + j - 1];
    stats_cumulants(mt, 8, kt);
    stats_cumulants(m0, 8, k0);
    measured = kt[c->order];
    predicted = pow(c->f, c->order) * k0[c->order] + (c->order == 2 ? c->xi : 0);
  }
  return c->part == MEASURED ? measured : c->part == PREDICTED ? predicted : measured - predicted;
}

static PetscErrorCode check_law(const double *data, int K, const forward_samples *s, int64_t block, law_ctx ctx,
                                law_check *out)
{
  PetscFunctionBeginUser;
  ctx.part = MEASURED;
  PetscCall(stats_jackknife(data, K, s->n, s->replicas, block, law, &ctx, &out->measured));
  ctx.part = PREDICTED;
  PetscCall(stats_jackknife(data, K, s->n, s->replicas, block, law, &ctx, &out->predicted));
  ctx.part = DIFFERENCE;
  PetscCall(stats_jackknife(data, K, s->n, s->replicas, block, law, &ctx, &out->difference));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* first k where the surviving signal f^2 P_0 falls to the noise Xi,
 * linearly interpolated between shells; 0 if no mode survives, the
 * largest |p_hat| if every mode does */
static double crossing(const spectrum_layout *lay, double f, double xi, const double *P0)
{
  double prev_k = 0, prev_sig = INFINITY;
  for (int s = 0; s < lay->nshells; s++) {
    if (!(lay->shell_modes[s] > 0)) continue;
    const double sig = f * f * P0[s];
    if (sig <= xi) {
      if (!isfinite(prev_sig)) return 0;
      return prev_k + (lay->shell_k[s] - prev_k) * (prev_sig - xi) / (prev_sig - sig);
    }
    prev_k = lay->shell_k[s];
    prev_sig = sig;
  }
  return 2 * sqrt((double)lay->d);
}

PetscErrorCode forward_analyze(const forward_samples *s, const forward_params *p, const spectrum_layout *lay,
                               int64_t block, forward_result *out)
{
  const int64_t n = s->n;
  const int T = s->T, S = s->S;
  double *data, *P0;

  PetscFunctionBeginUser;
  *out = (forward_result){.T = T, .S = S};
  if (block <= 0) { /* 4 tau_int of |M| of the ensemble itself */
    tau_int_result tau;
    double *absM;
    PetscCall(PetscMalloc1((size_t)n, &absM));
    for (int64_t i = 0; i < n; i++) absM[i] = fabs(s->M[i]);
    PetscCall(stats_tau_int(absM, n, s->replicas, 1.5, &tau));
    PetscCall(PetscFree(absM));
    block = (int64_t)ceil(4 * tau.tau);
  }
  out->block = block;
  PetscCall(PetscMalloc1((size_t)(T * FORWARD_NCUM), &out->cum_M));
  PetscCall(PetscMalloc1((size_t)(T * FORWARD_NCUM), &out->cum_site));
  PetscCall(PetscMalloc1((size_t)(T * S), &out->spec));
  PetscCall(PetscMalloc1((size_t)T, &out->kstar));
  PetscCall(PetscMalloc1((size_t)(16 * n), &data));
  PetscCall(PetscMalloc1((size_t)S, &P0));
  for (int s2 = 0; s2 < S; s2++) {
    P0[s2] = 0;
    for (int64_t i = 0; i < n; i++) P0[s2] += s->shell0[s2 * n + i] / (double)n;
  }
  for (int k = 0; k < T; k++) {
    /* the kernel from the baseline's time t0 to t */
    const double f = schedule_f(&p->sched, p->times[k]) / schedule_f(&p->sched, p->t0),
                 xi = schedule_xi(&p->sched, p->times[k]) - f * f * schedule_xi(&p->sched, p->t0);
    /* magnetisation: powers of M_t - f c0 and of M_0 - c0 */
    for (int64_t i = 0; i < n; i++) {
      const double y = s->M[k * n + i] - f * s->c0, y0 = s->M0[i] - s->c0;
      double pw = y, pw0 = y0;
      for (int j = 0; j < 8; j++, pw *= y, pw0 *= y0) {
        data[j * n + i] = pw;
        data[(8 + j) * n + i] = pw0;
      }
    }
    for (int q = 0; q < FORWARD_NCUM; q++)
      PetscCall(check_law(data, 16, s, block, (law_ctx){q + 2, f, xi / s->volume, MEASURED},
                          &out->cum_M[k * FORWARD_NCUM + q]));
    /* site field */
    for (int j = 0; j < 8; j++)
      for (int64_t i = 0; i < n; i++) {
        data[j * n + i] = s->site[(k * 8 + j) * n + i];
        data[(8 + j) * n + i] = s->site0[j * n + i];
      }
    for (int q = 0; q < FORWARD_NCUM; q++)
      PetscCall(check_law(data, 16, s, block, (law_ctx){q + 2, f, xi, MEASURED}, &out->cum_site[k * FORWARD_NCUM + q]));
    /* spectrum, shell by shell */
    for (int s2 = 0; s2 < S; s2++) {
      if (!(lay->shell_modes[s2] > 0)) { /* no lattice momentum falls in this shell */
        const estimate none = {NAN, NAN};
        out->spec[k * S + s2] = (law_check){none, none, none};
        continue;
      }
      for (int64_t i = 0; i < n; i++) {
        data[i] = s->shell[(k * S + s2) * n + i];
        data[n + i] = s->shell0[s2 * n + i];
      }
      PetscCall(check_law(data, 2, s, block, (law_ctx){0, f, xi, MEASURED}, &out->spec[k * S + s2]));
    }
    out->kstar[k] = crossing(lay, f, xi, P0);
  }
  PetscCall(PetscFree(data));
  PetscCall(PetscFree(P0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode forward_free(forward_samples *s, forward_result *res)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(s->M));
  PetscCall(PetscFree(s->site));
  PetscCall(PetscFree(s->shell));
  PetscCall(PetscFree(res->cum_M));
  PetscCall(PetscFree(res->cum_site));
  PetscCall(PetscFree(res->spec));
  PetscCall(PetscFree(res->kstar));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- the flow file ---------------------------------------------------- */

PetscErrorCode forward_write(MPI_Comm comm, const char *path, const forward_params *p, const ensemble_meta *source,
                             const char *input, int64_t n, const forward_result *res, const spectrum_layout *lay,
                             const char *options)
{
  char partial[PETSC_MAX_PATH_LEN + 16];
  int rank;
  const int T = res->T, S = res->S;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(comm, &rank));
  output_name(path, ".partial", partial, sizeof partial);
  if (rank == 0) {
    hid_t f, g;
    double *fx, *xi;
    hsize_t t1[1] = {(hsize_t)T}, s1[1] = {(hsize_t)S}, cum[4] = {(hsize_t)T, FORWARD_NCUM, 3, 2},
            sp[4] = {(hsize_t)T, (hsize_t)S, 3, 2};
    PetscCall(h5_create(PETSC_COMM_SELF, partial, &f));
    PetscCall(h5_attr_put_string(f, "format", "latdiff-flow"));
    PetscCall(h5_attr_put_int(f, "format_version", 1));
    PetscCall(h5_attr_put_string(f, "code_version", latdiff_version()));
    PetscCall(h5_attr_put_string(f, "git_commit", latdiff_git_commit()));
    PetscCall(h5_attr_put_string(f, "input", input));
    H5CALL(g = H5Gcreate2(f, "source", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    PetscCall(ensemble_meta_write(g, source)); /* what the flow was computed from */
    H5CALL(H5Gclose(g));
    PetscCall(h5_attr_put_string(f, "schedule", schedule_names[p->sched.kind]));
    PetscCall(h5_attr_put_double(f, "sigma", p->sched.sigma));
    PetscCall(h5_attr_put_double(f, "beta_min", p->sched.beta_min));
    PetscCall(h5_attr_put_double(f, "beta_max", p->sched.beta_max));
    PetscCall(h5_attr_put_double(f, "cosine_s", p->sched.cosine_s));
    PetscCall(h5_attr_put_int(f, "noise_seed", (int64_t)p->seed));
    PetscCall(h5_attr_put_double(f, "baseline_t", p->t0));
    PetscCall(h5_attr_put_int(f, "n", n));
    PetscCall(h5_attr_put_int(f, "jackknife_block", res->block));
    PetscCall(h5_attr_put_string(f, "options", options));
    PetscCall(PetscMalloc2(T, &fx, T, &xi));
    for (int k = 0; k < T; k++) fx[k] = schedule_f(&p->sched, p->times[k]), xi[k] = schedule_xi(&p->sched, p->times[k]);
    PetscCall(h5_write_doubles(f, "times", 1, t1, p->times));
    PetscCall(h5_write_doubles(f, "f", 1, t1, fx));
    PetscCall(h5_write_doubles(f, "xi", 1, t1, xi));
    PetscCall(h5_write_doubles(f, "kstar", 1, t1, res->kstar));
    PetscCall(PetscFree2(fx, xi));
    /* [T][n][measured, predicted, difference][value, error] */
    PetscCall(h5_write_doubles(f, "cumulants_M", 4, cum, (const double *)res->cum_M));
    PetscCall(h5_write_doubles(f, "cumulants_site", 4, cum, (const double *)res->cum_site));
    PetscCall(h5_write_doubles(f, "spectrum", 4, sp, (const double *)res->spec));
    PetscCall(h5_write_doubles(f, "shell_k", 1, s1, lay->shell_k));
    PetscCall(h5_write_doubles(f, "shell_modes", 1, s1, lay->shell_modes));
    PetscCall(h5_close(&f));
  }
  PetscCall(file_commit(comm, partial, path));
  PetscFunctionReturn(PETSC_SUCCESS);
}
