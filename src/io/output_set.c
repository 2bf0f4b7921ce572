/* output_set.c — the distinct files of one run (output_set.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "latdiff/output_set.h"

#include <libgen.h>
#include <limits.h>
#include <stdlib.h>

/* The file a path names: its real path if it exists, else its directory's
 * real path and its own name (a missing directory: the path as given). */
static void canonical(const char *path, char *out, size_t len)
{
  char dir[PETSC_MAX_PATH_LEN], base[PETSC_MAX_PATH_LEN], real[PATH_MAX];

  if (realpath(path, real)) {
    snprintf(out, len, "%s", real);
    return;
  }
  snprintf(dir, sizeof dir, "%s", path);
  snprintf(base, sizeof base, "%s", path);
  if (realpath(dirname(dir), real)) snprintf(out, len, "%s/%s", real, basename(base));
  else snprintf(out, len, "%s", path);
}

/* a and b are one file, or one is a name that belongs to the other */
int output_paths_collide(const char *a, const char *b)
{
  static const char *const suffixes[] = {"", ".partial", ".ckpt", ".tmp", ".ckpt.tmp", ".lock", NULL};
  char ca[PETSC_MAX_PATH_LEN + 16], cb[PETSC_MAX_PATH_LEN + 16];

  canonical(a, ca, sizeof ca);
  canonical(b, cb, sizeof cb);
  for (int k = 0; suffixes[k]; k++) {
    char with[PETSC_MAX_PATH_LEN + 32];
    snprintf(with, sizeof with, "%s%s", ca, suffixes[k]);
    if (!strcmp(with, cb)) return 1;
    snprintf(with, sizeof with, "%s%s", cb, suffixes[k]);
    if (!strcmp(with, ca)) return 1;
  }
  return 0;
}

PetscErrorCode output_set_add_input(output_set *s, const char *option, const char *path)
{
  PetscFunctionBeginUser;
  if (!path || !path[0] || s->ninputs == OUTPUT_SET_MAX) PetscFunctionReturn(PETSC_SUCCESS);
  snprintf(s->input_option[s->ninputs], sizeof s->input_option[0], "%s", option);
  snprintf(s->input[s->ninputs++], sizeof s->input[0], "%s", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_set_claim(output_set *s, MPI_Comm comm, const char *option, const char *path, double bytes,
                                output_claim **claim)
{
  char msg[2 * PETSC_MAX_PATH_LEN + 256] = "";
  int rank;

  PetscFunctionBeginUser;
  PetscCheck(s->nclaims < OUTPUT_SET_MAX, comm, PETSC_ERR_PLIB, "too many outputs claimed");
  MPICHECK(MPI_Comm_rank(comm, &rank));
  if (rank == 0) { /* the file system's answer, once */
    for (int k = 0; k < s->ninputs && !msg[0]; k++)
      if (output_paths_collide(path, s->input[k]))
        snprintf(msg, sizeof msg, "%s %s: the same file as the input %s %s; an output must not overwrite what the run "
                 "reads (-force or not): choose another name", option, path, s->input_option[k], s->input[k]);
    for (int k = 0; k < s->nclaims && !msg[0]; k++)
      if (output_paths_collide(path, s->claims[k]->path))
        snprintf(msg, sizeof msg, "%s %s: the same file as %s %s; one run's outputs are distinct files: choose another "
                 "name", option, path, s->claims[k]->option, s->claims[k]->path);
  }
  MPICHECK(MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, 0, comm));
  PetscCheck(!msg[0], comm, PETSC_ERR_USER_INPUT, "%s", msg);
  PetscCall(output_claim_acquire(comm, option, path, bytes, claim));
  s->claims[s->nclaims++] = *claim;
  PetscFunctionReturn(PETSC_SUCCESS);
}

void output_set_release(output_set *s, PetscBool failed)
{
  for (int k = 0; k < s->nclaims; k++) output_release(&s->claims[k], failed);
  s->nclaims = 0;
  s->ninputs = 0;
}
