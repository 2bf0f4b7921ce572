#!/bin/sh
# make check-long: the main job on the shipped inputs, symmetric and
# broken phase, and each generated ensemble against its independent
# testing ensemble. Not in `make check` (about four minutes each on two
# cores).
#
# The criterion: the distances (generated - testing) / combined error of
# all rows of the report (the observables and every shell of the spectrum)
# have a mean square below 2 (a perfect model gives 1; the rows are
# correlated, chi2 and P(0) are one number, so not a chi^2 test), the
# headline rows (<M>, |M|, chi2, U_L, the action density, the site
# cumulants kappa_2..kappa_8) are each within 3 errors, and every row
# within 3.5 (for a perfect model one of 36 rows goes beyond 3.5 by chance
# in 1.7% of runs: the ultraviolet shells, where diffusion models fail
# first, are held to it too).
. "$top_srcdir/tests/tap.sh"
w="$workdir"
for phase in symmetric broken; do
  check "latdiff run on input/phi4_2d_$phase.opts, 2 ranks" \
    mpi 2 $LATDIFF run -options_file "$top_srcdir/input/phi4_2d_$phase.opts" -dir "$w/$phase"
  check "  ... generated against testing: mean square distance below 2, headline rows within 3 errors, all within 3.5" $PYTHON -c "
import json, sys
d = json.load(open('$w/$phase/report.json'))['distance']
rows = list(d['observables'].values()) + d['spectrum']
ms = sum(x * x for x in rows) / len(rows)
head = ['M', 'absM', 'chi2', 'UL', 'action_density'] + ['site_kappa%d' % k for k in range(2, 9)]
worst = max(head, key=lambda k: abs(d['observables'][k]))
far = max(abs(x) for x in rows)
print('%d rows, mean square distance %.2f; worst headline row %s at %.2f, worst row at %.2f' % (len(rows), ms, worst, d['observables'][worst], far))
sys.exit(0 if ms < 2 and abs(d['observables'][worst]) < 3 and far < 3.5 else 1)"
done
finish
