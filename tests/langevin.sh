#!/bin/sh
# latdiff langevin: the free field's equilibrium at the step used (euler,
# heun) and the exact one (mala) on a lattice split over ranks; MALA agrees
# with HMC on interacting phi^4 while a large-step euler run visibly does
# not; rank-count independence, restart, refused input.
. "$top_srcdir/tests/tap.sh"
F="$top_builddir/tests/test_freefield"
A="$top_builddir/tests/test_agree"
C="$top_builddir/tests/test_compare"
ff="-lattice 16,8 -kappa 0.2 -lambda 0 -proc_grid 2,1 -ntraj 40000 -every 5 -therm 200 -progress 1000"
for s in euler heun; do
  check "free field, $s step 0.2 on grid 2,1: generate" mpi 2 $LATDIFF langevin $ff -scheme $s -step 0.2 -seed 5 \
    -output "$workdir/ff_$s.h5"
  check "free field, $s: chi2 and G(p) equal the scheme's exact equilibrium within 4 sigma" \
    $F -input "$workdir/ff_$s.h5"
done
setup "free field, mala step 0.05: generate" mpi 2 $LATDIFF langevin $ff -scheme mala -step 0.05 -seed 5 \
  -output "$workdir/ff_mala.h5"
check "free field, mala: exact chi2 and G(p), <exp(-dH)> = 1 within 4 sigma" $F -input "$workdir/ff_mala.h5"

phi4="-lattice 8,8 -kappa 0.24 -lambda 0.022 -therm 1000 -progress 1000"
setup "phi^4 8x8 by HMC" mpi 2 $LATDIFF hmc $phi4 -ntraj 16000 -nmd 6 -seed 21 -output "$workdir/hmc.h5"
check "phi^4 8x8 by Langevin + MALA, step 0.05" mpi 2 $LATDIFF langevin $phi4 -scheme mala -step 0.05 -every 10 \
  -ntraj 30000 -seed 22 -output "$workdir/mala.h5"
check "MALA agrees with HMC within 4 sigma" $A -a "$workdir/hmc.h5" -b "$workdir/mala.h5"
check "phi^4 8x8 by euler, step 0.2" mpi 2 $LATDIFF langevin $phi4 -scheme euler -step 0.2 -every 3 \
  -ntraj 30000 -seed 22 -output "$workdir/euler.h5"
check_fails "the O(step) bias of euler at step 0.2 is seen by the same comparison" "action_density" \
  $A -a "$workdir/hmc.h5" -b "$workdir/euler.h5"

small="-lattice 8,12 -kappa 0.25 -lambda 0.02 -ntraj 40 -every 3 -therm 10 -step 0.05 -seed 7 -progress 1000"
for s in heun mala; do
  check "$s on 1 rank" mpi 1 $LATDIFF langevin $small -scheme $s -output "$workdir/${s}1.h5"
  check "$s on 2 ranks, grid 1,2" mpi 2 $LATDIFF langevin $small -scheme $s -proc_grid 1,2 -output "$workdir/${s}2.h5"
  check "$s: 2 ranks equal 1 rank to 1e-12" $C -a "$workdir/${s}1.h5" -b "$workdir/${s}2.h5" -tol 1e-12
done

touch "$workdir/s.h5.stop"
check "mala: the stop file ends the run" mpi 2 $LATDIFF langevin $small -scheme mala -checkpoint_every 7 \
  -output "$workdir/s.h5"
rm -f "$workdir/s.h5.stop"
check_fails "restart with another step is refused" "-step" \
  mpi 2 $LATDIFF langevin $small -scheme mala -step 0.06 -output "$workdir/s.h5" -restart
check "mala: restart completes" mpi 2 $LATDIFF langevin $small -scheme mala -output "$workdir/s.h5" -restart
check "mala: stopped-and-restarted equals uninterrupted" $C -a "$workdir/mala2.h5" -b "$workdir/s.h5" -tol 0
check_fails "an unknown scheme is refused" "scheme" $LATDIFF langevin $small -scheme rk4 -output "$workdir/x.h5"
check_fails "a negative step is refused" "-step" $LATDIFF langevin $small -step -0.1 -output "$workdir/x.h5"
check "no output after refused input" test ! -e "$workdir/x.h5"
finish
