/* theory.h — the registry of theories: what a theory's name, in a file or
 * on the command line, stands for, so that the layers above ask the
 * registry instead of comparing names. A theory is registered with
 *   name         as files and -theory spell it
 *   lattice      a field on a lattice (else a point target)
 *   couplings    needs finite kappa and lambda (a file with others is
 *                damaged)
 *   field_score  the data's own score -dS/dphi of whole configurations on
 *                one rank (lattice theories: the action target of
 *                training), or NULL (point targets: their score_model
 *                type restores the exact score from the file)
 * Built in: phi4 (the free field at lambda = 0), twopeak, gauss25,
 * swissroll. Adding one: its action and force in src/theory, one
 * theory_register line in theory.c, and its score type (score_model.h).
 *
 *   theory_register   add (or replace) a theory
 *   theory_get        the theory of a name, NULL if none is registered
 *   theory_is_lattice whether a name is a registered lattice theory
 * Not collective. */
#ifndef LATDIFF_THEORY_H
#define LATDIFF_THEORY_H

#include "latdiff/base.h"

#define THEORY_PHI4 "phi4" /* the lattice theory the Markov chains generate */

typedef struct {
  char name[16];
  PetscBool lattice, couplings;
  PetscErrorCode (*field_score)(int d, const int *L, double kappa, double lambda, int64_t n, const double *x,
                                double *s);
} theory_kind;

PetscErrorCode theory_register(const theory_kind *kind);
const theory_kind *theory_get(const char *name);
PetscBool theory_is_lattice(const char *name);

#endif
