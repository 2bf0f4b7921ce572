/* stencil.c — nearest-neighbour sums on the local block (lattice.h).
 *
 * The sum is split in two so that communication can overlap work: the
 * interior part uses only local sites and is computed line by line (runs
 * along the last, contiguous direction, which vectorise); the boundary part
 * adds the neighbours that live in the halo once it has arrived. */
#include "latdiff/lattice.h"

void lattice_hop_line(const lattice *lat, const double *field, int64_t line, double *restrict out)
{
  const int d = lat->d;
  const int64_t n = lat->l[d - 1];
  const int64_t base = line * n;
  const double *restrict f = field + base;

  for (int64_t i = 0; i < n; i++) out[i] = 0.0;
  int64_t rest = line;
  for (int mu = d - 2; mu >= 0; mu--) {
    const int c = (int)(rest % lat->l[mu]);
    const int64_t s = lat->stride[mu];
    rest /= lat->l[mu];
    if (c > 0) {
      const double *restrict dn = f - s;
      for (int64_t i = 0; i < n; i++) out[i] += dn[i];
    }
    if (c < lat->l[mu] - 1) {
      const double *restrict up = f + s;
      for (int64_t i = 0; i < n; i++) out[i] += up[i];
    }
  }
  for (int64_t i = 1; i < n; i++) out[i] += f[i - 1];
  for (int64_t i = 0; i + 1 < n; i++) out[i] += f[i + 1];
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
