/* symmetry.c — symmetries of the lattice on whole fields (symmetry.h). */
#include "latdiff/symmetry.h"

void symmetry_draw(int d, const int *L, uint64_t bits, lattice_symmetry *s)
{
  s->d = d;
  for (int mu = 0; mu < d; mu++) s->L[mu] = L[mu], s->flip[mu] = (int)(bits >> mu & 1), s->perm[mu] = mu;
  s->sign = (bits >> 4 & 1) ? -1 : 1;
  bits >>= 5;
  /* Fisher-Yates over the axes, swapping only axes of equal extent: a
   * uniform permutation within each class of equal extents */
  for (int mu = d - 1; mu > 0; mu--) {
    int cand[4], nc = 0;
    for (int nu = 0; nu <= mu; nu++)
      if (L[nu] == L[mu]) cand[nc++] = nu;
    const int pick = cand[bits % (uint64_t)nc];
    bits /= (uint64_t)nc;
    const int tmp = s->perm[mu];
    s->perm[mu] = s->perm[pick], s->perm[pick] = tmp;
  }
  for (int mu = 0; mu < d; mu++) { /* translations (of the output's axes) */
    s->shift[mu] = (int)(bits % (uint64_t)L[s->perm[mu]]);
    bits /= (uint64_t)L[s->perm[mu]];
  }
}

void symmetry_apply(const lattice_symmetry *s, const double *in, double *out)
{
  int x[4], y[4];
  int64_t V = 1;
  for (int mu = 0; mu < s->d; mu++) V *= s->L[mu];
  for (int64_t v = 0; v < V; v++) {
    int64_t r = v, w = 0;
    for (int mu = s->d - 1; mu >= 0; mu--) x[mu] = (int)(r % s->L[mu]), r /= s->L[mu];
    for (int mu = 0; mu < s->d; mu++) y[s->perm[mu]] = s->flip[mu] ? (s->L[mu] - x[mu]) % s->L[mu] : x[mu];
    for (int mu = 0; mu < s->d; mu++) w = w * s->L[mu] + (y[mu] + s->shift[mu]) % s->L[mu];
    out[w] = s->sign * in[v];
  }
}
