/* symmetry.h — the symmetries of a periodic hypercubic lattice acting on a
 * whole field (sites row-major, last index fastest): reflections
 * x_mu -> -x_mu (mod L_mu), permutations of axes of equal extent,
 * translations, and with them the internal phi -> -phi of phi^4. For data
 * augmentation (the U-Net is equivariant only under translations by
 * 2^(levels-1) sites; the conv net under all of them).
 *
 *   symmetry_draw   a random element from 64 uniform bits: each reflection
 *                   with probability 1/2, a uniform permutation of the axes
 *                   of equal extent, the sign with probability 1/2, a
 *                   uniform translation (for extents whose product of
 *                   sizes fits the bits left: up to 2^13 per axis in d = 4)
 *   symmetry_apply  out(T x) = sign in(x), T x = P R x + shift; out and in
 *                   must differ
 * None is collective. */
#ifndef LATDIFF_SYMMETRY_H
#define LATDIFF_SYMMETRY_H

#include "latdiff/base.h"

typedef struct {
  int d, L[4];
  int flip[4]; /* reflect axis mu */
  int perm[4]; /* axis mu of the input becomes axis perm[mu] of the output */
  int shift[4]; /* then the output moves by shift[nu] along its axis nu */
  double sign;
} lattice_symmetry;

void symmetry_draw(int d, const int *L, uint64_t bits, lattice_symmetry *s);
void symmetry_apply(const lattice_symmetry *s, const double *in, double *out);

#endif
