/* format.c — how estimates print in latdiff's tables (app.h). */
#include "app.h"

#include <math.h>

/* value(error) with two significant digits of the error: 2.61(17); outside
 * 1e-6 .. 1e6 in scientific form with a shared exponent: -3.3(35)e-10 */
void format_estimate(estimate e, char *out, size_t len)
{
  if (!isfinite(e.value)) {
    snprintf(out, len, "nan");
    return;
  }
  if (!(e.error > 0) || !isfinite(e.error)) {
    snprintf(out, len, "%.6g", e.value);
    return;
  }
  const int ed = (int)floor(log10(e.error));
  const int vd = e.value != 0 ? (int)floor(log10(fabs(e.value))) : ed;
  const int top = PetscMax(ed, vd);
  if (top >= 6 || ed < -6) {
    const int d = PetscMin(top - ed + 1, 15);
    snprintf(out, len, "%.*f(%.0f)e%+d", d, e.value / pow(10, top), e.error * pow(10, d - top), top);
    return;
  }
  const int d = PetscMax(1 - ed, 0);
  snprintf(out, len, "%.*f(%.0f)", d, e.value, e.error * pow(10, d));
}
