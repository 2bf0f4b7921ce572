/* blas_kernels.c — OpenBLAS's kernels from the CPU's features (blas_kernels.h). */
#define _POSIX_C_SOURCE 200809L /* setenv, unsetenv, execv */
#include "latdiff/blas_kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *openblas_get_corename(void); /* OpenBLAS's own API (openblas_config.h) */

#define CHOSEN "LATDIFF_BLAS_CHOSEN" /* set in the new process: latdiff chose, do not choose again */

/* OpenBLAS's cores without AVX2: what it falls back to on a CPU it does not know */
static int pre_avx2(const char *core)
{
  static const char *const old[] = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Barcelona",
                                    "Sandybridge", NULL};
  for (int i = 0; old[i]; i++)
    if (!strcmp(core, old[i])) return 1;
  return 0;
}

static const char *best_for_features(void)
{
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return NULL;
}

void blas_kernels_reexec(char **argv)
{
  const char *preload = getenv("LD_PRELOAD");
  if (getenv("OPENBLAS_CORETYPE") || getenv(CHOSEN)) return;
  if (preload && strstr(preload, "vgpreload")) return; /* valgrind */
  const char *core = openblas_get_corename(), *want = best_for_features();
  if (!core || !want || !pre_avx2(core)) return;
  if (setenv("OPENBLAS_CORETYPE", want, 1) || setenv(CHOSEN, core, 1)) return;
  execv("/proc/self/exe", argv);
  unsetenv("OPENBLAS_CORETYPE"); /* exec failed: run on with OpenBLAS's choice */
  unsetenv(CHOSEN);
}

void blas_kernels_name(char *buf, size_t len)
{
  const char *from = getenv(CHOSEN), *core = openblas_get_corename();
  if (from && getenv("OPENBLAS_CORETYPE"))
    snprintf(buf, len, "%s (chosen by latdiff from the CPU's features; OpenBLAS would run %s)", core, from);
  else snprintf(buf, len, "%s", core ? core : "unknown");
}
