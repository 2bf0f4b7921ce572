/* output_set.h — the files of one run (a verb, or one step of `latdiff
 * run`): its inputs, and the outputs it claims (output.h), every one a
 * distinct file. An output equal to an input or to another output (by the
 * file it names, whatever the spelling: ./a.h5, dir/../a.h5, a link), or
 * to one of the names that belong to another (its .partial, .ckpt, .tmp),
 * is refused before any work, -force or not: one run's -record_output
 * equal to its -output left only one of them, a -record_output naming the
 * -model overwrote the model, train -output naming its -input replaced
 * the training data.
 *
 *   output_set_add_input  note an input file (its option names it in messages)
 *   output_set_claim   C  check distinctness, then output_claim_acquire
 *   output_set_release    release every claim (output_release)
 *   output_paths_collide  the test itself (for checks before any claim)
 * C = collective on comm. */
#ifndef LATDIFF_OUTPUT_SET_H
#define LATDIFF_OUTPUT_SET_H

#include "latdiff/output.h"

#define OUTPUT_SET_MAX 8

typedef struct {
  output_claim *claims[OUTPUT_SET_MAX];
  int nclaims;
  char input_option[OUTPUT_SET_MAX][32], input[OUTPUT_SET_MAX][PETSC_MAX_PATH_LEN];
  int ninputs;
} output_set;

PetscErrorCode output_set_add_input(output_set *s, const char *option, const char *path);
PetscErrorCode output_set_claim(output_set *s, MPI_Comm comm, const char *option, const char *path, double bytes,
                                output_claim **claim);
void output_set_release(output_set *s, PetscBool failed);
/* 1 if a and b name one file or one names a file that belongs to the other */
int output_paths_collide(const char *a, const char *b);

#endif
