/* test_schedule — the transition kernel of each schedule solves the
 * moment equations of the forward SDE dx = -(1/2) beta x dt + g dw:
 *   df/dt = -(1/2) beta f,   dXi/dt = -beta Xi + g^2,   f(0) = 1, Xi(0) = 0,
 * checked by central differences (step 1e-5: truncation ~1e-10 relative),
 * and the closed forms of the talk: VE sigma = 25 gives Xi(1) = 624 / (2 ln 25). */
#include "latdiff/schedule.h"
#include "testing.h"

int main(int argc, char **argv)
{
  int fails = 0;
  const double h = 1e-5;
  schedule all[4] = {{SCHEDULE_VE, 25, 0, 0, 0}, {SCHEDULE_VP, 0, 0.1, 20, 0}, {SCHEDULE_COSINE, 0, 0, 0, 0.008},
                     {SCHEDULE_COSINE, 0, 0, 0, 0}};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (int k = 0; k < 4; k++) {
    const schedule *s = &all[k];
    const char *name = schedule_names[s->kind];
    EXPECT_CLOSE(fails, schedule_f(s, 0), 1.0, 1e-14, name);
    EXPECT_CLOSE(fails, schedule_xi(s, 0), 0.0, 1e-14, name);
    for (double t = 0.05; t < 0.96; t += 0.1) {
      const double f = schedule_f(s, t), xi = schedule_xi(s, t), b = schedule_beta(s, t), g2 = schedule_g2(s, t);
      const double df = (schedule_f(s, t + h) - schedule_f(s, t - h)) / (2 * h);
      const double dxi = (schedule_xi(s, t + h) - schedule_xi(s, t - h)) / (2 * h);
      EXPECT(fails, fabs(df + 0.5 * b * f) <= 1e-6 * (fabs(df) + 1e-3), "%s t=%.2f: df/dt %.10g, -beta f/2 %.10g", name,
             t, df, -0.5 * b * f);
      EXPECT(fails, fabs(dxi - (-b * xi + g2)) <= 1e-6 * (fabs(dxi) + 1e-3), "%s t=%.2f: dXi/dt %.10g, -beta Xi + g^2 %.10g",
             name, t, dxi, -b * xi + g2);
    }
  }
  EXPECT_CLOSE(fails, schedule_xi(&all[0], 1), 624 / (2 * log(25.0)), 1e-10, "VE Xi(1)");
  EXPECT_CLOSE(fails, schedule_f(&all[1], 1), exp(-0.5 * (0.1 + 0.5 * 19.9)), 1e-14, "VP f(1)");
  EXPECT_CLOSE(fails, schedule_f(&all[2], 1), 0.0, 1e-8, "cosine f(1)");
  EXPECT_CLOSE(fails, schedule_f(&all[3], 0.3), cos(0.15 * PETSC_PI), 1e-15, "cosine s = 0: f(t) = cos(pi t / 2)");
  EXPECT_CLOSE(fails, schedule_beta(&all[3], 0.3), PETSC_PI * tan(0.15 * PETSC_PI), 1e-13, "cosine s = 0: beta");
  int rc = test_result(fails);
  PetscCall(PetscFinalize());
  return rc;
}
