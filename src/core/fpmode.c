/* fpmode.c — subnormal numbers flushed to zero (fpmode.h). */
#include "latdiff/fpmode.h"

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

int fpmode_flush_subnormals(void)
{
#if defined(__SSE2__)
  enum { FTZ = 1 << 15, DAZ = 1 << 6 }; /* MXCSR's flush-to-zero and denormals-are-zero bits */
  _mm_setcsr(_mm_getcsr() | FTZ | DAZ);
  return 1;
#else
  return 0;
#endif
}
