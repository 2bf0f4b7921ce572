/* blas_kernels.h — OpenBLAS's kernels chosen from the CPU's features when
 * OpenBLAS itself does not know the CPU.
 *
 * OpenBLAS (DYNAMIC_ARCH) picks its kernels once, when the library loads,
 * by the CPU's family and model number. A CPU newer than the library gets
 * its generic fallback: Debian 12's OpenBLAS 0.3.21 runs the SSE3
 * "Prescott" kernels on a 5th-generation Xeon (model 207), about half the
 * speed of its AVX-512 kernels there (measured: a 32x32 conv net trains
 * 1.8x faster with them, the 2-d MLP's likelihood 2.3x). The only way to
 * choose after loading is to start again with OPENBLAS_CORETYPE set.
 *
 *   blas_kernels_reexec  call first in main, with main's own argv: if
 *                        OpenBLAS fell back to pre-AVX2 kernels on a CPU
 *                        with AVX2 and FMA (Haswell kernels) or AVX-512
 *                        (SkylakeX kernels), execute this program again
 *                        with OPENBLAS_CORETYPE naming them; returns if it
 *                        does nothing. Never when OPENBLAS_CORETYPE is set
 *                        (the user's choice), once per process chain, and
 *                        not under valgrind (its CPU has no AVX-512 and
 *                        the new process would run outside it).
 *   blas_kernels_name    the kernels in use, and whether latdiff chose
 *                        them ("SkylakeX (chosen by latdiff ...)")
 */
#ifndef LATDIFF_BLAS_KERNELS_H
#define LATDIFF_BLAS_KERNELS_H

#include <stddef.h>

void blas_kernels_reexec(char **argv);
void blas_kernels_name(char *buf, size_t len);

#endif
