#!/bin/sh
# sample -record_times: the reverse process measured on its way, against
# the forward laws from the generated ensemble (the flow file of forward).
# With the exact free-field score the reverse marginal at time t IS the
# generated ensemble diffused from eps to t, so every cumulant and shell of
# the flow file lies within errors of its law: the test asserts |measured -
# law| < 4 combined errors on each of the ~100 rows (a correct sampler
# fails this with probability below 1%). Recording only reads the states:
# em's ensemble is the same bit for bit with and without it.
. "$top_srcdir/tests/tap.sh"
C="$top_builddir/tests/test_compare"
ff="-theory phi4 -lambda 0 -kappa 0.2 -lattice 8,8"
PY=$PYTHON
worst() { # the largest |difference| / error over every row of a flow file
  $PY -c "
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
assert f.attrs['format'] in (b'latdiff-flow', 'latdiff-flow')
z = [np.abs(f[k][..., 2, 0] / f[k][..., 2, 1]) for k in ('cumulants_site', 'cumulants_M', 'spectrum')]
print('%.2f' % max(np.nanmax(a) for a in z))
" "$1"
}
below() { w=$(worst "$1") && echo "worst row: $w errors" && awk -v w="$w" -v b="$2" 'BEGIN {exit !(w < b)}'; }
if ! $PY -c "import h5py" 2>/dev/null; then
  n=$((n + 1)); echo "ok $n # SKIP python3-h5py not installed"; finish
fi
check "free field, exact score, adaptive ode on 2 ranks (a spread lattice), recorded at 0.01,0.1,0.5,1" \
  mpi 2 $LATDIFF sample $ff -sampler ode -nsamples 2000 -output "$workdir/o.h5" -record_times 0.01,0.1,0.5,1 \
  -record_output "$workdir/of.h5"
check "  ... every cumulant and shell within 4 errors of the forward law from the generated ensemble" below "$workdir/of.h5" 4
check "free field, em at 200 steps on 2 ranks, recorded at 0.05,0.3" \
  mpi 2 $LATDIFF sample $ff -sampler em -steps 200 -nsamples 1000 -output "$workdir/e.h5" -record_times 0.05,0.3 \
  -record_output "$workdir/ef.h5"
check "  ... within 4 errors of the law" below "$workdir/ef.h5" 4
check "  ... recorded at the grid times at or below the asked ones (0.045955, 0.295705)" $PY -c "
import h5py, numpy as np, sys
t = h5py.File(sys.argv[1], 'r')['times'][:]
sys.exit(not np.allclose(t, [1 - 191 * 0.999 / 200, 1 - 141 * 0.999 / 200], rtol=0, atol=1e-12))" "$workdir/ef.h5"
check "  ... and the ensemble is the one em makes without recording, bit for bit" sh -c "
  $TESTMPIRUN -n 2 $LATDIFF sample $ff -sampler em -steps 200 -nsamples 1000 -output '$workdir/e0.h5' >/dev/null &&
  $C -a '$workdir/e.h5' -b '$workdir/e0.h5' -tol 0"
check "a trained unet (samples whole on each rank): the flow file is written" sh -c "
  $LATDIFF sample $ff -sampler exact -nsamples 400 -output '$workdir/d.h5' >/dev/null &&
  $TESTMPIRUN -n 2 $LATDIFF train -input '$workdir/d.h5' -output '$workdir/m.h5' -channels 4,8 -batch 16 -steps 20 >/dev/null &&
  $TESTMPIRUN -n 2 $LATDIFF sample -model '$workdir/m.h5' -sampler ode -ts_rtol 1e-3 -ts_atol 1e-3 -nsamples 40 \
    -output '$workdir/g.h5' -record_times 0.1,0.9 -record_output '$workdir/gf.h5' >/dev/null &&
  h5dump -a format '$workdir/gf.h5' | grep -q latdiff-flow"
if $PY -c "import matplotlib" 2>/dev/null; then
  check "latdiff-plot-flow renders it" $PY "$top_srcdir/src/plot/latdiff-plot-flow" "$workdir/gf.h5" "$workdir/gf"
fi
bad() {
  desc=$1; pattern=$2; shift 2
  check_fails "$desc" "$pattern" "$@"
  check "$desc: no output" sh -c "test ! -e '$workdir/bad.h5' && test ! -e '$workdir/badf.h5'"
}
bad "-record_times without -record_output" "go together" $LATDIFF sample $ff -nsamples 10 -output "$workdir/bad.h5" -record_times 0.5
bad "-record_times not increasing" "must increase" $LATDIFF sample $ff -nsamples 10 -output "$workdir/bad.h5" \
  -record_times 0.5,0.2 -record_output "$workdir/badf.h5"
bad "-record_times beyond tmax" "must increase within" $LATDIFF sample $ff -nsamples 10 -output "$workdir/bad.h5" \
  -record_times 1.5 -record_output "$workdir/badf.h5"
bad "-record_times with -sampler exact" "no reverse process" $LATDIFF sample $ff -sampler exact -nsamples 10 \
  -output "$workdir/bad.h5" -record_times 0.5 -record_output "$workdir/badf.h5"
bad "-record_times on a point target" "for lattice fields" $LATDIFF sample -theory twopeak -nsamples 10 \
  -output "$workdir/bad.h5" -record_times 0.5 -record_output "$workdir/badf.h5"
finish
