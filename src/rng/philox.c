/* philox.c — counter-based random numbers on Random123's Philox (rng.h). */
#include "latdiff/rng.h"

#include <math.h>
#include <Random123/philox.h>

static philox4x64_ctr_t draw(rng_key key, uint64_t index)
{
  philox4x64_key_t k = {{key.seed, (uint64_t)key.purpose}};
  philox4x64_ctr_t c = {{index, key.step, key.stream, 0}};
  return philox4x64(c, k);
}

/* 53 random bits: [0, 1) for uniform, (0, 1] where a logarithm follows. */
static double open_low(uint64_t r) { return (double)(r >> 11) * 0x1.0p-53; }
static double open_high(uint64_t r) { return (double)((r >> 11) + 1) * 0x1.0p-53; }

double rng_uniform(rng_key key, uint64_t index) { return open_low(draw(key, index).v[0]); }

double rng_normal(rng_key key, uint64_t index)
{
  philox4x64_ctr_t r = draw(key, index);
  return sqrt(-2.0 * log(open_high(r.v[0]))) * cos(2.0 * PETSC_PI * open_low(r.v[1]));
}

void rng_field_normal(const lattice *lat, rng_key key, double *out)
{
  int x[LATTICE_MAXDIM];
  const int d = lat->d;
  const int n = lat->l[d - 1];

  /* global index of each line start, then consecutive along the line */
  for (int64_t j = 0; j < lattice_nlines(lat); j++) {
    lattice_local_coords(lat, j * n, x);
    uint64_t g = 0;
    for (int mu = 0; mu < d; mu++) g = g * (uint64_t)lat->L[mu] + (uint64_t)(x[mu] + lat->origin[mu]);
    for (int i = 0; i < n; i++) out[j * n + i] = rng_normal(key, g + (uint64_t)i);
  }
}
