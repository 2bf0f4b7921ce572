/* stencil.c — nearest-neighbour sums on the local block (lattice.h).
 *
 * The sum is split in two so that communication can overlap work: the
 * interior part uses only local sites and is computed line by line (runs
 * along the last, contiguous direction, which vectorise); the boundary part
 * adds the neighbours that live in the halo once it has arrived. */
#include "latdiff/lattice.h"

/* out[i] = sum_k nb[k][i] + f[i-1] + f[i+1] (in-line neighbours only where
 * they exist), written once per dimension count so each loop vectorises. */
#define HOP_LOOP(SUM)                                                          \
  do {                                                                         \
    if (n == 1) {                                                              \
      const int64_t i = 0;                                                     \
      out[0] = SUM;                                                            \
      break;                                                                   \
    }                                                                          \
    {                                                                          \
      const int64_t i = 0;                                                     \
      out[0] = SUM + f[1];                                                     \
    }                                                                          \
    for (int64_t i = 1; i < n - 1; i++) out[i] = SUM + f[i - 1] + f[i + 1];    \
    {                                                                          \
      const int64_t i = n - 1;                                                 \
      out[i] = SUM + f[i - 1];                                                 \
    }                                                                          \
  } while (0)

void lattice_hop_line(const lattice *lat, const double *field, int64_t line, double *restrict out)
{
  const int d = lat->d;
  const int64_t n = lat->l[d - 1];
  const double *restrict f = field + line * n;
  const double *nb[2 * (LATTICE_MAXDIM - 1)] = {lat->zero_line, lat->zero_line, lat->zero_line,
                                                lat->zero_line, lat->zero_line, lat->zero_line};

  /* neighbour lines in the slower directions; the zero line stands in for
   * those outside the local block (they come from the halo later) */
  int64_t rest = line;
  for (int mu = d - 2, k = 0; mu >= 0; mu--) {
    const int c = (int)(rest % lat->l[mu]);
    rest /= lat->l[mu];
    nb[k++] = c > 0 ? f - lat->stride[mu] : lat->zero_line;
    nb[k++] = c < lat->l[mu] - 1 ? f + lat->stride[mu] : lat->zero_line;
  }
  const double *restrict a = nb[0], *restrict b = nb[1], *restrict c = nb[2], *restrict e = nb[3],
                         *restrict g = nb[4], *restrict h = nb[5];
  switch (d) {
  case 1: HOP_LOOP(((void)i, 0.0)); break;
  case 2: HOP_LOOP(a[i] + b[i]); break;
  case 3: HOP_LOOP((a[i] + b[i]) + (c[i] + e[i])); break;
  default: HOP_LOOP((a[i] + b[i]) + (c[i] + e[i]) + (g[i] + h[i])); break;
  }
}

void lattice_hop_boundary(const lattice *lat, const double *field, double alpha, double *out)
{
  for (int mu = 0; mu < lat->d; mu++)
    for (int s = 0; s < 2; s++) {
      const int64_t *sites = lat->face_sites[mu][s];
      const double *h = field + lat->halo_offset[mu][s];
      for (int64_t k = 0; k < lat->face[mu]; k++) out[sites[k]] += alpha * h[k];
    }
}

void lattice_hop_sum(const lattice *lat, const double *field, double *out)
{
  const int64_t n = lat->l[lat->d - 1];
  for (int64_t j = 0; j < lattice_nlines(lat); j++) lattice_hop_line(lat, field, j, out + j * n);
  lattice_hop_boundary(lat, field, 1.0, out);
}
