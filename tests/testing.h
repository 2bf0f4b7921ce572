/* testing.h — assertions for latdiff's test programs. A test program counts
 * its failures, prints each on stderr with file and line, and exits
 * non-zero if any rank failed. The shell drivers (tests/NAME.sh) turn exit
 * codes into TAP lines. */
#ifndef LATDIFF_TESTING_H
#define LATDIFF_TESTING_H

#include "latdiff/base.h"

#include <math.h>

#define EXPECT(failures, cond, ...)                                             \
  do {                                                                          \
    if (!(cond)) {                                                              \
      (failures)++;                                                             \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                      \
      fprintf(stderr, __VA_ARGS__);                                             \
      fprintf(stderr, "\n");                                                    \
    }                                                                           \
  } while (0)

/* |a - b| <= tol, printing both on failure */
#define EXPECT_CLOSE(failures, a, b, tol, what)                                 \
  EXPECT(failures, fabs((a) - (b)) <= (tol), "%s: %.15g vs %.15g (|diff| %.3g > %.3g)", what, (double)(a), \
         (double)(b), fabs((a) - (b)), (double)(tol))

/* Sum of failures over all ranks: the exit code of the test program. */
static inline int test_result(int failures)
{
  int total = 0;
  MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  return total > 0;
}

#endif
