#!/bin/sh
# The forward process on a phi^4 ensemble: cumulant laws and P_t = f^2 P_0 + Xi
# shell by shell, for the VE, VP and cosine schedules; the flow does not
# depend on the number of ranks.
. "$top_srcdir/tests/tap.sh"
F="$top_builddir/tests/test_flow"
check "schedules solve the moment equations of the forward SDE" $top_builddir/tests/test_schedule
times="-times 0,0.05,0.2,0.4,0.7,1"
setup "a 16x16 phi^4 ensemble" mpi 2 $LATDIFF hmc -lattice 16,16 -kappa 0.22 -lambda 0.02 -ntraj 3000 -therm 100 \
  -seed 21 -output "$workdir/e.h5" -progress 1000
check "forward, ve, 2 ranks"     mpi 2 $LATDIFF forward -input "$workdir/e.h5" -schedule ve $times -output "$workdir/ve.h5"
check "ve: exact laws hold"      $F -input "$workdir/ve.h5"
check "forward, vp, 1 rank"      mpi 1 $LATDIFF forward -input "$workdir/e.h5" -schedule vp $times -output "$workdir/vp.h5"
check "vp: exact laws hold"      $F -input "$workdir/vp.h5"
check "forward, cosine, 3 ranks" mpi 3 $LATDIFF forward -input "$workdir/e.h5" -schedule cosine $times -output "$workdir/cos.h5"
check "cosine: exact laws hold"  $F -input "$workdir/cos.h5"
check "forward, vp, 4 ranks"     mpi 4 $LATDIFF forward -input "$workdir/e.h5" -schedule vp $times -output "$workdir/vp4.h5"
same() { # same DATASET: equal in vp.h5 (1 rank) and vp4.h5 (4 ranks) to rounding
  h5dump -d "/$1" -m %.10g "$workdir/vp.h5" | sed 1,2d > "$workdir/a.txt"
  h5dump -d "/$1" -m %.10g "$workdir/vp4.h5" | sed 1,2d > "$workdir/b.txt"
  cmp "$workdir/a.txt" "$workdir/b.txt"
}
check "cumulants on 4 ranks equal 1 rank (10 digits)" same cumulants_site
check "spectrum on 4 ranks equals 1 rank (10 digits)" same spectrum
if $PYTHON -c "import matplotlib, h5py" 2>/dev/null; then
  png() { head -c 8 "$1" | od -An -c | grep -q 'P   N   G'; }
  check "latdiff-plot-flow renders the flow" $PYTHON "$top_srcdir/src/plot/latdiff-plot-flow" "$workdir/ve.h5" "$workdir/ve"
  check "cumulant plot is a PNG" png "$workdir/ve-cumulants.png"
  check "spectrum plot is a PNG" png "$workdir/ve-spectrum.png"
  check_fails "latdiff-plot-flow refuses an ensemble file" "not a latdiff flow file" \
    $PYTHON "$top_srcdir/src/plot/latdiff-plot-flow" "$workdir/e.h5"
else
  n=$((n + 1)); echo "ok $n # SKIP python3-matplotlib or python3-h5py not installed"
fi
check_fails "a time outside [0, 1] is refused" "-times" $LATDIFF forward -input "$workdir/e.h5" -times 0,1.5 -output "$workdir/x.h5"
check_fails "sigma <= 1 is refused" "-sigma" $LATDIFF forward -input "$workdir/e.h5" -sigma 1 -output "$workdir/x.h5"
check "no output after refusals" test ! -e "$workdir/x.h5"
finish
